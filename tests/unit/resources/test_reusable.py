"""Reusable templates: environment values become typed Parameters with the config's defaults."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, load_config, render
from tests.support.configs import BASE_CONFIG, EVERY_ID, REUSABLE, ROOT, with_changes
from tests.support.localaws.stacks import sam_transform
from tests.support.proof import proof_failures


def template() -> dict[str, Any]:
    result: dict[str, Any] = build_template(Config(**REUSABLE)).to_dict()
    return result


def test_parameters_have_aws_types_and_config_defaults() -> None:
    params = template()["Parameters"]
    assert params["VpcId"] == {
        "Type": "AWS::EC2::VPC::Id",
        "Default": BASE_CONFIG["network"]["vpc_id"],
        "Description": "VPC of the execute-api interface endpoint",
    }
    assert params["SubnetIds"]["Type"] == "List<AWS::EC2::Subnet::Id>"
    assert params["SubnetIds"]["Default"] == ",".join(BASE_CONFIG["network"]["subnet_ids"])
    assert params["StageName"]["Default"] == "v1"
    assert params["AllowedCidr1"]["Default"] == "10.0.0.0/16"
    assert params["AllowedCidr2"]["Default"] == "fd00::/56"
    v4, v6 = params["AllowedCidr1"]["AllowedPattern"], params["AllowedCidr2"]["AllowedPattern"]
    assert re.fullmatch(v4, "10.1.0.0/16")
    assert not re.fullmatch(v4, "0.0.0.0/0"), "the parameter must refuse an open CIDR"
    assert re.fullmatch(v6, "fd00::/56")
    assert not re.fullmatch(v6, "::/0")


def test_resources_use_the_parameters() -> None:
    resources = template()["Resources"]
    endpoint = resources["Endpoint"]["Properties"]
    assert endpoint["VpcId"] == {"Ref": "VpcId"}
    assert endpoint["SubnetIds"] == {"Ref": "SubnetIds"}
    ingress = resources["EndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [r.get("CidrIp") or r.get("CidrIpv6") for r in ingress] == [
        {"Ref": "AllowedCidr1"},
        {"Ref": "AllowedCidr2"},
    ]
    assert resources["Stage"]["Properties"]["StageName"] == {"Ref": "StageName"}
    outputs = template()["Outputs"]
    assert outputs["StageName"]["Value"] == {"Ref": "StageName"}
    assert "/${StageName}/" in outputs["AliasUrl"]["Value"]["Fn::Sub"][0]


def test_reusable_templates_lint_and_stay_private() -> None:
    cfg = Config(**REUSABLE)
    for flavour in ("cfn", "sam"):
        text = render(build_template(cfg, flavour), "yaml")
        assert lint_text(text) == []
    assert proof_failures(cfg, template()) == []
    sam = sam_transform(build_template(cfg, "sam").to_dict())
    assert any(r["Type"] == "AWS::ApiGateway::Stage" for r in sam["Resources"].values())


LITERAL_ID = re.compile(r"\b(vpc|subnet|sg|vpce)-[0-9a-f]{8,17}\b|(?<![\d.])\d{12}(?![\d.])")


def test_no_account_specific_id_stays_literal_in_a_reusable_template() -> None:
    cfg = Config(**EVERY_ID)
    for flavour in ("cfn", "sam"):
        built = build_template(cfg, flavour).to_dict()
        parameters = built.pop("Parameters")
        text = render(built, "json")
        assert LITERAL_ID.findall(text) == [], f"{flavour}: literal ids outside Parameters"
        defaults = json.dumps([p["Default"] for p in parameters.values()])
        for literal in ("sg-01234567", "vpce-0123456789abcdef0", "666677778888", "subnet-0c0c"):
            assert literal in defaults
        assert lint_text(render(build_template(cfg, flavour), "yaml")) == []
    resources = build_template(cfg).to_dict()["Resources"]
    zone = resources["CustomDomainZone"]["Properties"]
    assert zone["VPCs"][0]["VPCId"] == {"Ref": "VpcId"}, "the zone must follow the endpoint's VPC"
    assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_principal_parameters_go_under_both_deny_keys() -> None:
    """A parameter is an account id or a role/user ARN, known only at deploy time: listing it
    under aws:PrincipalArn and aws:PrincipalAccount admits it whichever it is."""
    cfg = Config(**EVERY_ID)
    policy = build_template(cfg).to_dict()["Resources"]["RestApi"]["Properties"]["Policy"]
    (deny,) = [s for s in policy["Statement"] if s["Sid"] == "DenyUnlistedPrincipals"]
    refs = [{"Ref": f"AllowedPrincipal{i}"} for i in (1, 2, 3)]
    assert deny["Condition"]["StringNotEquals"] == {
        "aws:PrincipalArn": refs,
        "aws:PrincipalAccount": refs,
    }
    params = build_template(cfg).to_dict()["Parameters"]
    assert params["AllowedPrincipal2"]["Default"] == "555566667777", ":root means the account"


def test_reusable_cidr_patterns_keep_every_override_closed() -> None:
    """With k CIDRs of a family each parameter refuses prefixes below /k.bit_length(): no set of
    overrides can then cover the whole family (k networks of /p cover k/2**p < 1 of it)."""
    params = build_template(Config(**EVERY_ID)).to_dict()["Parameters"]
    v4 = params["AllowedCidr1"]["AllowedPattern"]
    assert params["AllowedCidr2"]["AllowedPattern"] == v4
    assert not re.fullmatch(v4, "0.0.0.0/1"), "two /1 overrides would open everything"
    assert re.fullmatch(v4, "0.0.0.0/2")
    assert re.fullmatch(v4, "10.0.0.0/32")
    v6 = params["AllowedCidr3"]["AllowedPattern"]
    assert re.fullmatch(v6, "8000::/1")
    assert not re.fullmatch(v6, "::/0")


def test_too_many_parameters_is_a_config_error() -> None:
    many = with_changes(
        REUSABLE,
        **{
            "network.allowed_cidrs": [f"10.{i}.0.0/16" for i in range(50)],
            "network.source_security_group_ids": [f"sg-{i:08x}" for i in range(10)],
            "access": {
                "vpc_ids": [f"vpc-{i:08x}" for i in range(50)],
                "iam_principals": [f"{i:012d}" for i in range(1, 51)],
            },
            "endpoint.existing_ids": [f"vpce-{i:08x}" for i in range(20)],
            "endpoint.policy": {"principals": [f"{i:012d}" for i in range(1, 40)]},
        },
    )
    with pytest.raises(ConfigError, match=r"reusable: needs 2\d\d template parameters"):
        build_template(Config(**many))


def test_every_committed_reusable_template_has_no_literal_id() -> None:
    from privgw.rendering import parse_template  # noqa: PLC0415

    reusable = [p for p in ROOT.glob("examples/*.yaml") if load_config(p).reusable]
    assert reusable
    for example in reusable:
        for name in (f"{example.stem}.yaml", f"{example.stem}.sam.yaml"):
            built = parse_template((ROOT / "templates" / name).read_text(encoding="utf-8"))
            built.pop("Parameters")
            assert LITERAL_ID.findall(json.dumps(built)) == [], name


ALB = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/svc/0123456789abcdef"
EVERY_BACKEND_ID = with_changes(
    EVERY_ID,
    function=None,
    functions={
        "main": EVERY_ID["function"],
        "other": {
            **BASE_CONFIG["function"],
            "vpc": {
                "subnet_ids": ["subnet-0e0e0e0e0e0e0e0e0"],
                "security_group_ids": ["sg-0f0f0f0f0f0f0f0f0"],
            },
            "dead_letter_arn": "arn:aws:sns:eu-west-1:111122223333:other-dlq",
            "kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/ef01",
        },
    },
    backends={
        "created": {
            "load_balancer_arn": ALB,
            "vpc_link": {
                "subnet_ids": ["subnet-0a0a0a0a0a0a0a0a0"],
                "security_group_ids": ["sg-0a0a0a0a0a0a0a0a0"],
            },
            "uri": "https://svc.internal.example.com",
        },
        "existing": {
            "load_balancer_arn": ALB,
            "vpc_link": {"id": "linkv2aa"},
            "uri": "https://svc.internal.example.com",
        },
        "legacy": {"vpc_link_v1": {"id": "linkv1bb"}, "uri": "http://old.internal.example.com"},
    },
    routes=[
        "GET /hello -> main",
        "GET /other -> other",
        "ANY /created/{proxy+} -> created",
        "GET /existing -> existing",
        "GET /legacy/{id} -> legacy",
    ],
)
EVERY_BACKEND_ID.pop("function")


def test_functions_and_backends_keep_no_account_specific_id_literal() -> None:
    """Each function's and backend's account-specific values become parameters of its own."""
    cfg = Config(**EVERY_BACKEND_ID)
    for flavour in ("cfn", "sam"):
        built = build_template(cfg, flavour).to_dict()
        parameters = built.pop("Parameters")
        text = render(built, "json")
        assert LITERAL_ID.findall(text) == [], f"{flavour}: literal ids outside Parameters"
        for link in ("linkv2aa", "linkv1bb"):
            assert link not in text, f"{flavour}: existing VPC link id outside Parameters"
        assert parameters["ExistingVpcLinkId"]["Default"] == "linkv2aa"
        assert parameters["LegacyVpcLinkId"]["Default"] == "linkv1bb"
        assert parameters["CreatedLoadBalancerArn"]["Default"] == ALB
        assert parameters["CreatedVpcLinkSubnetIds"]["Type"] == "List<AWS::EC2::Subnet::Id>"
        assert parameters["OtherFunctionSubnetIds"]["Default"] == "subnet-0e0e0e0e0e0e0e0e0"
        assert parameters["FunctionSubnetIds"]["Default"] == "subnet-0c0c0c0c0c0c0c0c0"
        assert parameters["OtherDeadLetterArn"]["Default"].endswith(":other-dlq")
        assert parameters["OtherFunctionKmsKeyArn"]["Default"].endswith("key/ef01")
        assert lint_text(render(build_template(cfg, flavour), "yaml")) == []
    assert proof_failures(cfg, build_template(cfg).to_dict()) == []

"""Reusable templates: environment values become typed Parameters with the config's defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privgw import Config, build_template, lint_text, render
from tests.conftest import BASE_CONFIG, with_changes
from tests.localaws.endpoint import LocalAws, create_network
from tests.localaws.stacks import sam_transform
from tests.proof import proof_failures
from tests.test_deploy import aws_deploy, local_aws, outputs_of  # noqa: F401 - fixture

REUSABLE = with_changes(
    BASE_CONFIG,
    reusable=True,
    **{"network.allowed_cidrs": ["10.0.0.0/16", "fd00::/56"]},
)


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
    import re  # noqa: PLC0415

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


def test_one_template_deploys_to_two_environments(local_aws: LocalAws, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "reusable.yaml"
    path.write_text(render(build_template(Config(**REUSABLE)), "yaml"), encoding="utf-8")
    for env, cidr in (("dev", "10.91.0.0/16"), ("prod", "10.92.0.0/16")):
        net = create_network(local_aws, cidr)
        result = local_aws.aws(
            "cloudformation",
            "deploy",
            "--template-file",
            str(path),
            "--stack-name",
            f"reusable-{env}",
            "--capabilities",
            "CAPABILITY_IAM",
            "--parameter-overrides",
            f"VpcId={net.vpc_id}",
            f"SubnetIds={','.join(net.subnet_ids)}",
            f"StageName={env}",
            f"AllowedCidr1={cidr}",
            check=False,
        )
        assert result.returncode == 0, result.stderr + result.stdout
        outputs = outputs_of(local_aws, f"reusable-{env}")
        assert outputs["StageName"] == env
        assert outputs["AliasUrl"].endswith(f"/{env}/")
        (endpoint,) = local_aws.client("ec2").describe_vpc_endpoints(
            VpcEndpointIds=[outputs["VpcEndpointIds"]]
        )["VpcEndpoints"]
        assert endpoint["VpcId"] == net.vpc_id

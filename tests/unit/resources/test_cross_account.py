"""Callers in other accounts: the provider's shared custom domain and the consumer's stack, built
from two configs that must agree with each other (examples/cross-account/)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from privgw import Config, ConfigError, build_template, lint_text, load_config, render
from privgw.cli import main
from privgw.config import ConsumerStack, load_any
from privgw.evaluate import ApiArn, Request, evaluate, resolve
from privgw.resources.consumer import build_consumer_stack
from privgw.simulate import CONSUMER_ENDPOINT, Call, simulate
from tests.support.configs import DELETE, ROOT, assert_no_environment_literals, with_changes

FOLDER = ROOT / "examples" / "cross-account"
PROVIDER = FOLDER / "provider.yaml"
CONSUMER = FOLDER / "consumer.yaml"


def consumer_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CONSUMER.read_text(encoding="utf-8"))
    return data


def consumer(**changes: Any) -> ConsumerStack:
    """The example's consumer with dotted keys changed (DELETE removes one)."""
    return ConsumerStack(**with_changes(consumer_data(), **changes))


def held_together(provider: Config, other: ConsumerStack) -> list[str]:
    """Why the consumer's calls would fail against this provider (empty: they would not): its
    endpoint must pass the API's and the domain's policy, its association must name the
    provider's domain, and the provider must share the domain with the consumer's account."""
    problems = []
    template = build_template(provider).to_dict()
    resources = template["Resources"]
    domain = provider.custom_domain
    if domain is None:
        return ["the provider has no custom domain"]
    arn_parts = other.provider.arn_parts
    if arn_parts["name"] != domain.name:
        problems.append(f"the consumer's domain ARN names {arn_parts['name']}, not {domain.name}")
    if other.provider.base_path != domain.base_path:
        problems.append(f"the consumer calls base path /{other.provider.base_path}")
    association = build_consumer_stack(other).to_dict()["Resources"]["ProviderDomainAccess"]
    if association["Properties"]["DomainNameArn"] != other.provider.domain_name_arn:
        problems.append("the consumer's association does not name the provider's domain ARN")
    principals = resources.get("CustomDomainShare", {}).get("Properties", {}).get("Principals", [])
    if other.account_id not in principals:
        problems.append(f"the share does not name account {other.account_id}")
    api = ApiArn(
        other.provider.api_id or "a1b2c3d4e5", other.provider.arn_region, arn_parts["account"]
    )
    refs = {
        "AWS::AccountId": api.account,
        "AWS::Region": api.region,
        "AWS::Partition": "aws",
        "RestApi": api.api_id,
        "Endpoint": "vpce-0c0c0c0c0c0c0c0c0",
    }
    request = Request(
        "execute-api:Invoke",
        api.method(provider.stage.name, "GET", "/orders"),
        "anonymous",
        {
            "aws:SourceVpce": other.endpoint.existing_id or CONSUMER_ENDPOINT,
            "aws:SourceVpc": other.vpc_id,
        },
    )
    for name, key in (("RestApi", "Policy"), ("CustomDomain", "Policy")):
        policy = resolve(resources[name]["Properties"][key], refs)
        decision = evaluate(policy, request, api)
        if decision != "allow":
            problems.append(f"{name}'s policy refuses the consumer's endpoint: {decision}")
    return problems


def test_the_example_pair_holds_together() -> None:
    provider = load_config(PROVIDER)
    assert held_together(provider, consumer()) == []


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"account_id": "999988887777"}, "the share does not name account 999988887777"),
        (
            {"network.vpc_id": "vpc-0f0f0f0f0f0f0f0f0"},
            "RestApi's policy refuses the consumer's endpoint: explicit-deny",
        ),
        (
            {
                "provider.domain_name": "other.shared.example.com",
                "provider.domain_name_arn": "arn:aws:apigateway:eu-west-1:111122223333:"
                "/domainnames/other.shared.example.com+a1b2c3d4e5",
            },
            "the consumer's domain ARN names other.shared.example.com",
        ),
        ({"provider.base_path": "v2"}, "the consumer calls base path /v2"),
    ],
)
def test_a_consumer_that_does_not_fit_the_provider_is_caught(
    changes: dict[str, Any], why: str
) -> None:
    problems = held_together(load_config(PROVIDER), consumer(**changes))
    assert any(p.startswith(why) for p in problems), problems


def test_the_domain_policy_is_the_apis_allow_list() -> None:
    resources = build_template(load_config(PROVIDER)).to_dict()["Resources"]
    assert (
        resources["CustomDomain"]["Properties"]["Policy"]
        == (resources["RestApi"]["Properties"]["Policy"])
    )
    share = resources["CustomDomainShare"]["Properties"]
    assert share["Principals"] == ["444455556666"]
    assert share["AllowExternalPrincipals"] is False
    # the consumer's endpoint is another account's: the provider does not associate it
    associations = [r for r in resources.values() if "AccessAssociation" in r["Type"]]
    assert [a["Properties"]["AccessAssociationSource"] for a in associations] == [
        {"Ref": "Endpoint"}
    ]


def test_consumer_template() -> None:
    cfg = consumer()
    template = build_consumer_stack(cfg).to_dict()
    resources = template["Resources"]
    assert {name: r["Type"] for name, r in resources.items()} == {
        "Endpoint": "AWS::EC2::VPCEndpoint",
        "EndpointSecurityGroup": "AWS::EC2::SecurityGroup",
        "ProviderDomainAccess": "AWS::ApiGateway::DomainNameAccessAssociation",
        "CustomDomainZone": "AWS::Route53::HostedZone",
        "CustomDomainRecord": "AWS::Route53::RecordSet",
    }
    assert resources["ProviderDomainAccess"]["Properties"] | {"Tags": []} == {
        "DomainNameArn": cfg.provider.domain_name_arn,
        "AccessAssociationSource": {"Ref": "Endpoint"},
        "AccessAssociationSourceType": "VPCE",
        "Tags": [],
    }
    endpoint = resources["Endpoint"]["Properties"]
    assert endpoint["PrivateDnsEnabled"] is False
    assert endpoint["VpcId"] == "vpc-0c0c0c0c0c0c0c0c1"
    rules = resources["EndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [(r["CidrIp"], r["FromPort"]) for r in rules] == [("10.80.0.0/16", 443)]
    zone = resources["CustomDomainZone"]["Properties"]
    assert zone["Name"] == "orders.shared.example.com"
    assert zone["VPCs"][0]["VPCId"] == "vpc-0c0c0c0c0c0c0c0c1"
    record = resources["CustomDomainRecord"]["Properties"]
    assert (record["Name"], record["Type"]) == ("orders.shared.example.com", "A")
    assert "Endpoint" in str(record["AliasTarget"])
    assert template["Rules"]["ProviderRegion"]["Assertions"][0]["Assert"] == {
        "Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]
    }
    assert template["Rules"]["ConsumerAccount"]["Assertions"][0]["Assert"] == {
        "Fn::Equals": [{"Ref": "AWS::AccountId"}, "444455556666"]
    }
    outputs = template["Outputs"]
    assert outputs["CustomDomainUrl"]["Value"] == "https://orders.shared.example.com/v1"
    assert outputs["CurlCustomDomain"]["Value"] == "curl -sS https://orders.shared.example.com/v1"
    assert "x-apigw-api-id: a1b2c3d4e5" in outputs["CurlWithHeader"]["Value"]["Fn::Sub"][0]
    assert "https://a1b2c3d4e5-${Vpce}" in outputs["AliasUrl"]["Value"]["Fn::Sub"][0]
    assert "PrivateDnsUrl" not in outputs  # private DNS is off on the consumer's endpoint
    # no provider secrets and no ids of the consumer account beyond its config's
    text = render(build_consumer_stack(cfg), "yaml")
    assert "certificate" not in text


DOMAINS = "/domainnames/orders.shared.example.com+a1"
OTHER_DNS = "vpce-0a1a2a3a4a5a6a7a8-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com"

REUSE: dict[str, Any] = {
    "endpoint": {
        "create": False,
        "existing_id": "vpce-0d1d2d3d4d5d6d7d8",
        "vpc_id": "vpc-0c0c0c0c0c0c0c0c1",
        "dns_name": "vpce-0d1d2d3d4d5d6d7d8-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com",
        "hosted_zone_id": "Z1ABCDEFGHIJKL",
    },
    "network": DELETE,
}

VARIANTS: dict[str, dict[str, Any]] = {
    "example": {},
    "reused-endpoint": REUSE,
    "existing-zone": {"hosted_zone": {"id": "Z0123456789ABCDEFGHIJ"}},
    "own-dns": {"hosted_zone": None},
    "private-dns-and-policy": {
        "endpoint": {
            "private_dns": True,
            "policy": {"principals": ["arn:aws:iam::444455556666:role/checkout"]},
        }
    },
    "reusable": {"reusable": True},
    "reusable-reused-endpoint": {**REUSE, "reusable": True, "hosted_zone": {"id": "Z0ABCDEF"}},
    "no-api-id": {"provider.api_id": DELETE, "account_id": DELETE},
}


def variant(name: str) -> ConsumerStack:
    return consumer(**VARIANTS[name])


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_consumer_variant_lints_clean(name: str) -> None:
    assert lint_text(render(build_consumer_stack(variant(name)), "yaml")) == []


def test_reused_endpoint_is_associated_and_named_by_its_dns() -> None:
    resources = build_consumer_stack(variant("reused-endpoint")).to_dict()["Resources"]
    assert "Endpoint" not in resources
    assert "EndpointSecurityGroup" not in resources
    access = resources["ProviderDomainAccess"]["Properties"]
    assert access["AccessAssociationSource"] == "vpce-0d1d2d3d4d5d6d7d8"
    alias = resources["CustomDomainRecord"]["Properties"]["AliasTarget"]
    assert alias == {
        "DNSName": REUSE["endpoint"]["dns_name"],
        "HostedZoneId": "Z1ABCDEFGHIJKL",
    }


def test_existing_zone_and_own_dns() -> None:
    existing = build_consumer_stack(variant("existing-zone")).to_dict()["Resources"]
    assert "CustomDomainZone" not in existing
    assert existing["CustomDomainRecord"]["Properties"]["HostedZoneId"] == "Z0123456789ABCDEFGHIJ"
    own = build_consumer_stack(variant("own-dns")).to_dict()["Resources"]
    assert not [r for r in own if r.startswith("CustomDomain")]


def test_consumer_endpoint_policy_admits_only_the_providers_account() -> None:
    template = build_consumer_stack(variant("private-dns-and-policy")).to_dict()
    document = template["Resources"]["Endpoint"]["Properties"]["PolicyDocument"]
    (statement,) = document["Statement"]
    assert statement["Resource"] == [
        {
            "Fn::Sub": [
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${Provider}:*",
                {"Provider": "111122223333"},
            ]
        }
    ]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::444455556666:role/checkout"]}
    assert "PrivateDnsUrl" in template["Outputs"]


def test_reusable_consumer_has_no_literal_ids() -> None:
    for name in ("reusable", "reusable-reused-endpoint"):
        cfg = variant(name)
        template = build_consumer_stack(cfg).to_dict()
        text = render(build_consumer_stack(cfg), "json")
        resources = str(template["Resources"])
        for literal in (
            "vpc-0c0c",
            "subnet-",
            "vpce-0d1d",
            "Z0ABCDEF",
            "111122223333",
            "/domainnames/",
        ):
            assert literal not in resources, (name, literal)
        assert "ProviderDomainNameArn" in template["Parameters"]
        assert "Rules" not in template  # the parameters retarget account and region
        assert "444455556666" not in text.split('"Parameters"')[0]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        (
            {"provider.domain_name_arn": "arn:aws:apigateway:eu-west-1:111122223333:orders"},
            "provider.domain_name_arn",
        ),
        ({"provider.domain_name_arn": "orders.shared.example.com"}, "provider.domain_name_arn"),
        (
            {"provider.domain_name_arn": "arn:aws:apigateway:eu-west-1:1111:" + DOMAINS},
            "provider.domain_name_arn",
        ),
        ({"provider.region": "us-east-1"}, "provider.region"),
        ({"provider.region": "mars-north-1x"}, "provider.region"),
        (
            {
                "provider.domain_name_arn": "arn:aws:apigateway:cn-north-1:111122223333:" + DOMAINS,
                "provider.region": DELETE,
            },
            "provider.domain_name_arn",
        ),
        ({"provider.domain_name": "other.example.com"}, "provider.domain_name_arn"),
        ({"provider.api_id": DELETE, "provider.stage": "prod"}, "provider.stage"),
        ({"account_id": "4444"}, "account_id"),
        ({"network": DELETE}, "network"),
        ({"endpoint": {"create": False}, "network": DELETE}, "endpoint.existing_id"),
        ({"endpoint": {"existing_id": "vpce-0d1d2d3d4d5d6d7d8"}}, "endpoint.existing_id"),
        ({**REUSE, "endpoint": {**REUSE["endpoint"], "private_dns": True}}, "endpoint.private_dns"),
        (
            {
                **REUSE,
                "endpoint": {
                    **REUSE["endpoint"],
                    "dns_name": OTHER_DNS,
                },
            },
            "endpoint.dns_name",
        ),
        ({**REUSE, "network": consumer_data()["network"]}, "network"),
        (
            {"reusable": True, "network.allowed_cidrs": ["10.0.0.0/1", "10.1.0.0/16"]},
            "network.allowed_cidrs[0]",
        ),
    ],
)
def test_consumer_config_errors(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as info:
        consumer(**changes)
    assert path in {p.path for p in info.value.problems}, info.value


def test_cli_refuses_a_bad_domain_arn_with_exit_2(tmp_path: Path) -> None:
    data = consumer_data()
    data["provider"]["domain_name_arn"] = "arn:aws:apigateway:us-east-1:111122223333:/restapis/x"
    config = tmp_path / "consumer.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(config), "-o", str(tmp_path / "out"), "--no-lint"], out, err) == 2
    assert "provider.domain_name_arn" in err.getvalue()
    assert "arn:aws:apigateway:<region>:<provider account>:/domainnames/" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not (tmp_path / "out").exists()
    data["provider"]["domain_name_arn"] = consumer_data()["provider"]["domain_name_arn"]
    data["provider"]["region"] = "us-west-2"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    err = io.StringIO()
    assert main(["build", str(config), "-o", str(tmp_path / "out"), "--no-lint"], out, err) == 2
    assert "provider.region" in err.getvalue()
    assert "eu-west-1" in err.getvalue()


def test_simulate_walks_a_consumer_call_through_both_accounts() -> None:
    provider = load_config(PROVIDER)
    template = build_template(provider).to_dict()
    other = consumer()
    pair = (other, build_consumer_stack(other).to_dict())
    verdict = simulate(provider, template, Call("GET", "/orders/7"), pair)
    assert verdict.allowed, verdict.as_text()
    assert [layer.name for layer in verdict.layers] == [
        "dns",
        "security-group",
        "endpoint-policy",
        "association",
        "domain-policy",
        "resource-policy",
        "route",
        "authorization",
        "validation",
        "backend",
    ]
    assert CONSUMER_ENDPOINT in verdict.layers[0].reason
    outside = simulate(provider, template, Call("GET", "/orders", ip="10.70.0.9"), pair)
    assert (outside.layer, outside.status) == ("security-group", 0)
    stranger = consumer(account_id="999988887777")
    refused = simulate(
        provider,
        template,
        Call("GET", "/orders"),
        (stranger, build_consumer_stack(stranger).to_dict()),
    )
    assert (refused.layer, refused.status) == ("association", 403)
    moved = consumer(**{"network.vpc_id": "vpc-0f0f0f0f0f0f0f0f0"})
    denied = simulate(
        provider, template, Call("GET", "/orders"), (moved, build_consumer_stack(moved).to_dict())
    )
    assert (denied.layer, denied.status) == ("domain-policy", 403)
    assert "explicit-deny" in denied.reason
    elsewhere = consumer(**{"provider.base_path": "v2"})
    unmapped = simulate(
        provider,
        template,
        Call("GET", "/orders"),
        (elsewhere, build_consumer_stack(elsewhere).to_dict()),
    )
    assert (unmapped.layer, unmapped.status) == ("route", 403)
    assert "maps the API at /v1" in unmapped.reason
    signed_only = variant("private-dns-and-policy")
    anonymous = simulate(
        provider,
        template,
        Call("GET", "/orders"),
        (signed_only, build_consumer_stack(signed_only).to_dict()),
    )
    assert (anonymous.layer, anonymous.status) == ("endpoint-policy", 403)
    signed = simulate(
        provider,
        template,
        Call("GET", "/orders", principal="arn:aws:iam::444455556666:role/checkout"),
        (signed_only, build_consumer_stack(signed_only).to_dict()),
    )
    assert signed.allowed, signed.as_text()


def test_simulate_cli_takes_the_consumer(tmp_path: Path) -> None:
    out = io.StringIO()
    argv = ["simulate", str(PROVIDER), "GET", "/orders", "--consumer", str(CONSUMER)]
    assert main(argv, out, io.StringIO()) == 0
    assert "pass  domain-policy" in out.getvalue()
    err = io.StringIO()
    hello = str(ROOT / "examples" / "hello.yaml")
    assert main([*argv[:4], "--consumer", hello], io.StringIO(), err) == 2
    assert "kind: is not a consumer config" in err.getvalue()


def test_both_halves_are_in_templates_and_load_by_kind() -> None:
    assert isinstance(load_any(CONSUMER), ConsumerStack)
    committed = ROOT / "templates" / "cross-account"
    assert (committed / "consumer.yaml").read_text(encoding="utf-8") == render(
        build_consumer_stack(consumer()), "yaml"
    )
    for flavour, name in (("cfn", "provider.yaml"), ("sam", "provider.sam.yaml")):
        text = render(build_template(load_config(PROVIDER), flavour, committed), "yaml")  # type: ignore[arg-type]
        assert (committed / name).read_text(encoding="utf-8") == text
    assert not (committed / "consumer.sam.yaml").exists()  # one template serves both flavours


def test_simulate_names_a_consumer_config_given_as_the_api() -> None:
    err = io.StringIO()
    assert main(["simulate", str(CONSUMER), "GET", "/orders"], io.StringIO(), err) == 2
    assert "kind: is a consumer config" in err.getvalue()
    assert "give this one as --consumer" in err.getvalue()
    assert "account_id: is not a known field" not in err.getvalue()


def test_doctor_reads_api_and_consumer_configs_and_names_others() -> None:
    endpoint_stack = ROOT / "examples" / "topologies" / "platform-endpoint.yaml"
    err = io.StringIO()
    assert main(["doctor", "some-stack", "--config", str(endpoint_stack)], io.StringIO(), err) == 2
    assert "kind: is an endpoint config; privgw doctor reads an API config" in err.getvalue()


def test_no_account_region_or_partition_literals_but_what_the_configs_wrote() -> None:
    """As for every example (test_template.py): the provider's template names only the
    accounts it shares with and its certificate; the consumer's only the provider's domain ARN
    (its region and account) and its own account_id."""
    provider = load_config(PROVIDER)
    assert provider.custom_domain is not None
    other = consumer()
    texts = [
        (
            json.dumps(build_template(provider).to_dict()),
            [*provider.custom_domain.share_with, provider.custom_domain.certificate_arn],
        ),
        (
            json.dumps(build_consumer_stack(other).to_dict()),
            [
                other.description,
                other.provider.domain_name_arn,
                str(other.account_id),
                other.provider.arn_region,
            ],
        ),
    ]
    for full, written in texts:
        text = full
        for literal in written:
            text = text.replace(literal, "")
        assert_no_environment_literals(text)


def test_a_bearer_token_through_a_consumer_endpoint_policy_naming_principals() -> None:
    """The consumer's endpoint policy names principals: a bearer token in Authorization is
    anonymous to it (API Gateway developer guide, "Use VPC endpoint policies for private
    APIs"), so simulate --consumer refuses the call there, whatever --principal says, and the
    consumer's build says so."""
    from privgw.resources.consumer import consumer_notes  # noqa: PLC0415

    provider = load_config(PROVIDER)
    template = build_template(provider).to_dict()
    signer = "arn:aws:iam::444455556666:role/checkout"
    other = consumer(**{"endpoint.policy": {"principals": [signer]}})
    pair = (other, build_consumer_stack(other).to_dict())
    token = Call("GET", "/orders/7", principal=signer, headers={"Authorization": "Bearer t"})
    verdict = simulate(provider, template, token, pair)
    assert (verdict.layer, verdict.status) == ("endpoint-policy", 403), verdict.as_text()
    assert "token, not a SigV4 signature" in verdict.reason
    assert any("only SigV4-signed calls" in note for note in consumer_notes(other))

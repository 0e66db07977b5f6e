"""Private custom domain names: the resources, their policy, and the name's DNS record."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, load_config, render
from privgw.resources.outputs import url_notes
from tests.support.configs import BASE_CONFIG, ROOT, with_changes
from tests.support.localaws.stacks import sam_transform
from tests.support.proof import proof_failures

EXAMPLE = ROOT / "examples" / "custom-domain.yaml"


def resources(flavour: str = "cfn") -> dict[str, Any]:
    template = build_template(load_config(EXAMPLE), flavour).to_dict()  # type: ignore[arg-type]
    result: dict[str, Any] = template["Resources"]
    return result


def test_domain_is_private_with_the_apis_policy() -> None:
    found = resources()
    domain = found["CustomDomain"]
    assert domain["Type"] == "AWS::ApiGateway::DomainNameV2"
    props = domain["Properties"]
    assert props["EndpointConfiguration"] == {"Types": ["PRIVATE"]}
    assert props["SecurityPolicy"] == "TLS_1_2"
    assert props["DomainName"] == "orders.internal.example.com"
    assert props["Policy"] == found["RestApi"]["Properties"]["Policy"]


def test_domain_policy_passes_the_proof() -> None:
    cfg = load_config(EXAMPLE)
    found = resources()
    as_api = {
        "Resources": {
            "D": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {"Policy": found["CustomDomain"]["Properties"]["Policy"]},
            }
        }
    }
    assert proof_failures(cfg, as_api) == []


def test_mapping_association_and_alias_record() -> None:
    found = resources()
    mapping = found["CustomDomainMapping"]["Properties"]
    assert mapping == {
        "DomainNameArn": {"Fn::GetAtt": ["CustomDomain", "DomainNameArn"]},
        "RestApiId": {"Ref": "RestApi"},
        "Stage": {"Ref": "Stage"},
        "BasePath": "v1",
    }
    association = found["CustomDomainAccess1"]["Properties"]
    assert association["AccessAssociationSource"] == {"Ref": "Endpoint"}
    assert association["AccessAssociationSourceType"] == "VPCE"
    zone = found["CustomDomainZone"]["Properties"]
    assert zone["Name"] == "orders.internal.example.com"
    assert zone["VPCs"] == [{"VPCId": "vpc-0e1e2e3e4e5e6e7e8", "VPCRegion": {"Ref": "AWS::Region"}}]
    record = found["CustomDomainRecord"]["Properties"]
    assert record["Type"] == "A"
    assert record["HostedZoneId"] == {"Ref": "CustomDomainZone"}
    assert "Endpoint" in str(record["AliasTarget"]["DNSName"])


def test_sam_flavour_maps_the_generated_stage() -> None:
    sam = sam_transform(build_template(load_config(EXAMPLE), "sam").to_dict())
    mapping = sam["Resources"]["CustomDomainMapping"]["Properties"]
    assert mapping["Stage"] == {"Ref": "RestApiv1Stage"}
    assert sam["Resources"]["CustomDomain"] == resources()["CustomDomain"]


DOMAIN = {
    "name": "api.internal.example.com",
    "certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/abc",
}


def test_only_this_accounts_endpoints_are_associated() -> None:
    """Only an endpoint's owner can associate it with a domain name (developer guide, "Custom
    domain names for private APIs"): existing ids may be another account's, so the template
    outputs the owner's command for them instead of a resource that would fail."""
    data = with_changes(
        BASE_CONFIG,
        custom_domain=DOMAIN,
        **{
            "endpoint.existing_ids": ["vpce-01234567", "vpce-0123456789abcdef0"],
            "endpoint.imports": ["platform"],
            "endpoint.parameter": True,
            "access": {"vpc_ids": ["vpc-0b0b0b0b0b0b0b0b0"]},
        },
    )
    cfg = Config(**data)
    template = build_template(cfg).to_dict()
    found = template["Resources"]
    sources = [
        props["Properties"]["AccessAssociationSource"]
        for name, props in sorted(found.items())
        if name.startswith("CustomDomainAccess")
    ]
    assert sources == [
        {"Ref": "Endpoint"},
        {"Fn::ImportValue": "platform-VpcEndpointId"},
        {"Ref": "VpcEndpointId"},
    ]
    outputs = template["Outputs"]
    command = outputs["CustomDomainAccessCommand2"]["Value"]["Fn::Sub"]
    assert command[1] == {"Vpce": "vpce-0123456789abcdef0"}
    assert command[0] == (
        "aws apigateway create-domain-name-access-association "
        "--domain-name-arn ${CustomDomain.DomainNameArn} --access-association-source ${Vpce} "
        "--access-association-source-type VPCE --region ${AWS::Region}"
    )
    assert "<vpce-id>" in outputs["CustomDomainVpcAccessCommand1"]["Value"]["Fn::Sub"]
    assert outputs["CustomDomainArn"]["Value"] == {"Fn::GetAtt": ["CustomDomain", "DomainNameArn"]}
    notes = [n for n in url_notes(cfg) if n.startswith("custom domain")]
    assert len(notes) == 3
    assert "--access-association-source vpce-01234567 " in notes[0]
    assert "vpc-0b0b0b0b0b0b0b0b0" in notes[2]
    assert lint_text(render(build_template(cfg), "yaml")) == []


def test_a_domain_with_only_own_endpoints_needs_no_command() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, custom_domain=DOMAIN))
    outputs = build_template(cfg).to_dict()["Outputs"]
    assert not [o for o in outputs if "AccessCommand" in o]
    assert not [n for n in url_notes(cfg) if n.startswith("custom domain")]


@pytest.mark.parametrize(
    ("domain", "path"),
    [
        (
            {
                "name": "Bad_Name",
                "certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/a",
            },
            "custom_domain.name",
        ),
        ({"name": "a.example.com", "certificate_arn": "nope"}, "custom_domain.certificate_arn"),
        (
            {
                "name": "a.example.com",
                "certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/a",
                "base_path": "a/b",
            },
            "custom_domain.base_path",
        ),
        (
            {
                "name": "a.example.com",
                "certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/a",
                "hosted_zone": {},
            },
            "custom_domain.hosted_zone",
        ),
    ],
)
def test_domain_config_errors(domain: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as info:
        Config(**with_changes(BASE_CONFIG, custom_domain=domain))
    assert path in {p.path for p in info.value.problems}


SHARED = {
    **DOMAIN,
    "share_with": [
        "444455556666",
        "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-cdefgh34",
    ],
}
CONSUMER_VPC = {"access": {"vpc_ids": ["vpc-0b0b0b0b0b0b0b0b0"]}}


def test_share_names_the_domain_and_exactly_the_listed_principals() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, custom_domain=SHARED, **CONSUMER_VPC))
    template = build_template(cfg).to_dict()
    share = template["Resources"]["CustomDomainShare"]
    assert share["Type"] == "AWS::RAM::ResourceShare"
    props = share["Properties"]
    assert props["ResourceArns"] == [{"Fn::GetAtt": ["CustomDomain", "DomainNameArn"]}]
    assert props["Principals"] == SHARED["share_with"]
    assert props["AllowExternalPrincipals"] is False
    assert template["Outputs"]["CustomDomainShareArn"]["Value"] == {"Ref": "CustomDomainShare"}
    assert "RestApiId" in template["Outputs"]
    notes = [n for n in url_notes(cfg) if "through AWS RAM" in n]
    assert len(notes) == 2
    assert "444455556666" in notes[0]
    assert "provider.domain_name = api.internal.example.com" in notes[0]
    # the consumer's VPC is on the domain's allow-list as on the API's: one list, two documents
    domain_policy = template["Resources"]["CustomDomain"]["Properties"]["Policy"]
    assert domain_policy == template["Resources"]["RestApi"]["Properties"]["Policy"]
    assert "vpc-0b0b0b0b0b0b0b0b0" in str(domain_policy)
    # no association for the other account's endpoints: only the created one
    assert [r for r in template["Resources"] if r.startswith("CustomDomainAccess")] == [
        "CustomDomainAccess1"
    ]
    for flavour in ("cfn", "sam"):
        assert lint_text(render(build_template(cfg, flavour), "yaml")) == []


def test_external_principals_only_when_asked() -> None:
    cfg = Config(
        **with_changes(
            BASE_CONFIG,
            custom_domain={**SHARED, "allow_external_principals": True},
            **CONSUMER_VPC,
        )
    )
    share = build_template(cfg).to_dict()["Resources"]["CustomDomainShare"]
    assert share["Properties"]["AllowExternalPrincipals"] is True
    plain = Config(**with_changes(BASE_CONFIG, custom_domain=DOMAIN))
    assert "CustomDomainShare" not in build_template(plain).to_dict()["Resources"]


def test_reusable_share_takes_its_principals_as_parameters() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, custom_domain=SHARED, reusable=True, **CONSUMER_VPC))
    template = build_template(cfg).to_dict()
    share = template["Resources"]["CustomDomainShare"]["Properties"]
    assert share["Principals"] == [{"Ref": "SharePrincipal1"}, {"Ref": "SharePrincipal2"}]
    assert template["Parameters"]["SharePrincipal1"]["Default"] == "444455556666"
    assert "444455556666" not in str(template["Resources"])
    assert lint_text(render(build_template(cfg), "yaml")) == []


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"custom_domain": {**DOMAIN, "share_with": ["4444"]}}, "custom_domain.share_with[0]"),
        (
            {"custom_domain": {**DOMAIN, "share_with": ["arn:aws:iam::444455556666:root"]}},
            "custom_domain.share_with[0]",
        ),
        (
            {"custom_domain": {**DOMAIN, "allow_external_principals": True}, **CONSUMER_VPC},
            "custom_domain.allow_external_principals",
        ),
        # shared, but nobody else's endpoint may call: the share would lead to a 403
        ({"custom_domain": SHARED}, "custom_domain.share_with"),
    ],
)
def test_share_config_errors(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as info:
        Config(**with_changes(BASE_CONFIG, **changes))
    assert path in {p.path for p in info.value.problems}


EXISTING = "vpce-0abc1234def567890"
ALIAS_ENDPOINT = {
    "id": EXISTING,
    "vpc_id": "vpc-0123456789abcdef0",
    "dns_name": f"{EXISTING}-abcd1234.execute-api.us-east-1.vpce.amazonaws.com",
    "hosted_zone_id": "Z7HUB22UULQXV",
}


def existing_endpoint_domain(**zone: Any) -> dict[str, Any]:
    data = with_changes(
        BASE_CONFIG,
        endpoint={"create": False, "existing_ids": [EXISTING]},
        custom_domain={**DOMAIN, "hosted_zone": {"create": True, "endpoint": ALIAS_ENDPOINT}},
    )
    del data["network"]
    data["custom_domain"]["hosted_zone"].update(zone)
    return data


@pytest.mark.parametrize("reusable", [False, True])
def test_the_alias_record_can_point_at_an_existing_endpoint(reusable: bool) -> None:
    """A published setup needed it: the API takes an existing endpoint, and its private zone
    points the custom name at that endpoint's regional DNS name (as the consumer kind does)."""
    cfg = Config(**existing_endpoint_domain(), reusable=reusable)
    template = build_template(cfg).to_dict()
    resources = template["Resources"]
    record = resources["CustomDomainRecord"]["Properties"]
    zone = resources["CustomDomainZone"]["Properties"]
    params = template.get("Parameters", {})

    def literal(value: Any) -> Any:
        return params[value["Ref"]]["Default"] if isinstance(value, dict) else value

    assert literal(record["AliasTarget"]["DNSName"]) == ALIAS_ENDPOINT["dns_name"]
    assert literal(record["AliasTarget"]["HostedZoneId"]) == ALIAS_ENDPOINT["hosted_zone_id"]
    assert literal(zone["VPCs"][0]["VPCId"]) == ALIAS_ENDPOINT["vpc_id"]
    assert record["HostedZoneId"] == {"Ref": "CustomDomainZone"}
    if reusable:
        assert isinstance(record["AliasTarget"]["DNSName"], dict), "a parameter"
    for flavour in ("cfn", "sam"):
        text = render(build_template(cfg, flavour), "yaml")
        assert lint_text(text) == []


def test_an_existing_zone_with_an_existing_endpoint_needs_no_vpc() -> None:
    data = existing_endpoint_domain(create=False, id="Z0123456789ABCDEFGHIJ")
    data["custom_domain"]["hosted_zone"]["endpoint"] = {
        k: v for k, v in ALIAS_ENDPOINT.items() if k != "vpc_id"
    }
    record = build_template(Config(**data)).to_dict()["Resources"]["CustomDomainRecord"]
    assert record["Properties"]["HostedZoneId"] == "Z0123456789ABCDEFGHIJ"


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ("create-endpoint", "custom_domain.hosted_zone.endpoint", "applies only when"),
        ("no-endpoint", "custom_domain.hosted_zone.endpoint", "is required when"),
        ("unlisted", "custom_domain.hosted_zone.endpoint.id", "not one of endpoint.existing"),
        ("no-vpc", "custom_domain.hosted_zone.endpoint.vpc_id", "is required to create"),
        ("other-dns", "custom_domain.hosted_zone.endpoint.dns_name", "is not a DNS name of"),
    ],
)
def test_alias_endpoint_refusals(change: str, path: str, words: str) -> None:
    data = existing_endpoint_domain()
    zone = data["custom_domain"]["hosted_zone"]
    if change == "create-endpoint":
        data = with_changes(BASE_CONFIG, custom_domain={**DOMAIN, "hosted_zone": zone})
    elif change == "no-endpoint":
        del zone["endpoint"]
    elif change == "unlisted":
        data["endpoint"]["existing_ids"] = ["vpce-0fedcba9876543210"]
    elif change == "no-vpc":
        del zone["endpoint"]["vpc_id"]
    else:
        zone["endpoint"]["dns_name"] = ALIAS_ENDPOINT["dns_name"].replace("0abc", "0bbb")
    with pytest.raises(ConfigError) as info:
        Config(**data)
    found = {p.path: p.message for p in info.value.problems}
    assert path in found, found
    assert words in found[path]

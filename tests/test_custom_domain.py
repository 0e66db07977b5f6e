"""Private custom domain names: the resources, their policy, and the name's DNS record."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, load_config
from tests.conftest import BASE_CONFIG, ROOT, with_changes
from tests.localaws.stacks import sam_transform
from tests.proof import proof_failures

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


def test_one_association_per_allowed_endpoint() -> None:
    data = with_changes(
        BASE_CONFIG,
        custom_domain={
            "name": "api.internal.example.com",
            "certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/abc",
        },
        **{"endpoint.existing_ids": ["vpce-01234567", "vpce-0123456789abcdef0"]},
    )
    found = build_template(Config(**data)).to_dict()["Resources"]
    sources = [
        found[f"CustomDomainAccess{i}"]["Properties"]["AccessAssociationSource"] for i in (1, 2, 3)
    ]
    assert sources == [{"Ref": "Endpoint"}, "vpce-01234567", "vpce-0123456789abcdef0"]
    assert "CustomDomainZone" not in found


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

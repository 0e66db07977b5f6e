"""TLS security policies (#26 item 11): the enhanced SecurityPolicy_* policies on the API and
the private custom domain with the endpoint access mode they need, in both flavours; what
STRICT means for the three private invoke forms, said by the build, the outputs and simulate."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.kinds import kind_of
from privgw.simulate import Call, simulate
from tests.support.configs import BASE_CONFIG, one_of, resources_of, with_changes
from tests.support.localaws.stacks import sam_transform

TLS13 = "SecurityPolicy_TLS13_1_3_2025_09"
STRICT = with_changes(BASE_CONFIG, tls={"security_policy": TLS13, "endpoint_access_mode": "STRICT"})
DOMAIN = {
    "name": "orders.internal.example.com",
    "certificate_arn": "arn:aws:acm:eu-west-1:111122223333:certificate/abc-123",
}


def test_the_api_carries_the_policy_and_mode_in_both_flavours() -> None:
    cfg = Config(**STRICT)
    plain = build_template(cfg).to_dict()
    api = one_of(plain, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["SecurityPolicy"] == TLS13
    assert api["EndpointAccessMode"] == "STRICT"
    sam = build_template(cfg, "sam").to_dict()
    transformed = one_of(sam_transform(sam), "AWS::ApiGateway::RestApi")["Properties"]
    assert transformed["SecurityPolicy"] == TLS13
    assert transformed["EndpointAccessMode"] == "STRICT"
    for template in (plain, sam):
        assert lint_text(render(template, "yaml")) == []


def test_without_tls_nothing_changes() -> None:
    api = one_of(build_template(Config(**BASE_CONFIG)).to_dict(), "AWS::ApiGateway::RestApi")
    assert "SecurityPolicy" not in api["Properties"]
    assert "EndpointAccessMode" not in api["Properties"]


def test_the_domain_takes_the_apis_tls_or_its_own() -> None:
    inherited = Config(**with_changes(STRICT, custom_domain=DOMAIN))
    (domain,) = resources_of(
        build_template(inherited).to_dict(), "AWS::ApiGateway::DomainNameV2"
    ).values()
    assert domain["Properties"]["SecurityPolicy"] == TLS13
    assert domain["Properties"]["EndpointAccessMode"] == "STRICT"
    own = Config(
        **with_changes(
            STRICT,
            custom_domain={
                **DOMAIN,
                "tls": {
                    "security_policy": "SecurityPolicy_TLS13_1_2_PQ_2025_09",
                    "endpoint_access_mode": "BASIC",
                },
            },
        )
    )
    (domain,) = resources_of(
        build_template(own).to_dict(), "AWS::ApiGateway::DomainNameV2"
    ).values()
    assert domain["Properties"]["SecurityPolicy"] == "SecurityPolicy_TLS13_1_2_PQ_2025_09"
    assert domain["Properties"]["EndpointAccessMode"] == "BASIC"
    legacy = Config(**with_changes(BASE_CONFIG, custom_domain=DOMAIN))
    (domain,) = resources_of(
        build_template(legacy).to_dict(), "AWS::ApiGateway::DomainNameV2"
    ).values()
    assert domain["Properties"]["SecurityPolicy"] == "TLS_1_2"
    assert "EndpointAccessMode" not in domain["Properties"]


def test_strict_refuses_the_endpoint_name_form_and_privgw_says_so() -> None:
    """API Gateway developer guide, "Security policies for REST APIs", endpoint access mode:
    with STRICT, private endpoints use SNI host matching. The private DNS name and the alias
    put the API's own host in the SNI; the endpoint's DNS name with a Host or x-apigw-api-id
    header does not."""
    cfg = Config(**STRICT)
    template = build_template(cfg).to_dict()
    assert "CurlWithHeader" not in template["Outputs"]
    assert "EndpointDnsName" in template["Outputs"]
    (note,) = [n for n in kind_of(cfg).build_notes(cfg) if "STRICT" in n]
    assert "x-apigw-api-id" in note
    assert "PrivateDnsUrl or AliasUrl" in note
    refused = simulate(
        cfg,
        template,
        Call("GET", "/hello", host="endpoint", headers={"x-apigw-api-id": "a1b2c3d4e5"}),
    )
    assert not refused.allowed
    assert refused.status == 403
    assert "SNI" in refused.reason
    for host in ("private-dns", "alias"):
        assert simulate(cfg, template, Call("GET", "/hello", host=host)).allowed, host
    basic = Config(**with_changes(STRICT, **{"tls.endpoint_access_mode": "BASIC"}))
    basic_template = build_template(basic).to_dict()
    assert "CurlWithHeader" in basic_template["Outputs"]
    assert simulate(
        basic,
        basic_template,
        Call("GET", "/hello", host="endpoint", headers={"x-apigw-api-id": "a1b2c3d4e5"}),
    ).allowed


@pytest.mark.parametrize(
    ("tls", "field", "fragment"),
    [
        ({"security_policy": TLS13}, "tls.endpoint_access_mode", "is required"),
        (
            {"security_policy": "TLS_1_2", "endpoint_access_mode": "STRICT"},
            "tls.endpoint_access_mode",
            "enhanced policies",
        ),
        ({"security_policy": "TLS_1_0"}, "tls.security_policy", "SecurityPolicy_TLS13_1_3_2025_09"),
        (
            {"security_policy": "SecurityPolicy_TLS12_2018_EDGE", "endpoint_access_mode": "BASIC"},
            "tls.security_policy",
            "TLS_1_2",
        ),
        (
            {"security_policy": TLS13, "endpoint_access_mode": "LOOSE"},
            "tls.endpoint_access_mode",
            "STRICT",
        ),
    ],
)
def test_refusals_name_the_field(tls: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(BASE_CONFIG, tls=tls))
    assert any(p.path == field and fragment in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]

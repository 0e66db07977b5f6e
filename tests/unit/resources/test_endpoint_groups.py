"""Existing security groups on the created endpoint (``endpoint.security_group_ids``): beside
privgw's own group, or instead of it when the network names no caller, in every kind."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.config import ConsumerStack, EndpointStack
from privgw.diagram import mermaid
from privgw.kinds import kind_of
from privgw.simulate import Call, simulate
from tests.support.configs import BASE_CONFIG, DELETE, SUBNETS, VPC, resources_of, with_changes

GROUP = "sg-0e0e0e0e0e0e0e0e0"
OTHER = "sg-0f0f0f0f0f0f0f0f0"
BESIDE = with_changes(BASE_CONFIG, **{"endpoint.security_group_ids": [GROUP, OTHER]})
INSTEAD = with_changes(
    BESIDE, **{"network.allowed_cidrs": DELETE, "endpoint.security_group_ids": [GROUP]}
)
DOMAIN_ARN = (
    "arn:aws:apigateway:eu-west-1:111122223333:/domainnames/orders.internal.example.com+abc123"
)


def _template(cfg: Any) -> dict[str, Any]:
    result: dict[str, Any] = kind_of(cfg).build(cfg, "cfn").to_dict()
    return result


def _endpoint(template: dict[str, Any]) -> dict[str, Any]:
    (endpoint,) = resources_of(template, "AWS::EC2::VPCEndpoint").values()
    return dict(endpoint["Properties"])


def _assert_lint_clean(cfg: Any) -> None:
    assert lint_text(render(kind_of(cfg).build(cfg, "cfn"), "yaml")) == []


def test_existing_groups_join_privgws_own_group() -> None:
    cfg = Config(**BESIDE)
    template = build_template(cfg).to_dict()
    assert _endpoint(template)["SecurityGroupIds"] == [
        {"Ref": "EndpointSecurityGroup"},
        GROUP,
        OTHER,
    ]
    (own,) = resources_of(template, "AWS::EC2::SecurityGroup").values()
    assert [r["CidrIp"] for r in own["Properties"]["SecurityGroupIngress"]] == ["10.0.0.0/16"]
    _assert_lint_clean(cfg)


def test_existing_groups_alone_when_the_network_names_no_caller() -> None:
    cfg = Config(**INSTEAD)
    template = build_template(cfg).to_dict()
    assert _endpoint(template)["SecurityGroupIds"] == [GROUP]
    assert resources_of(template, "AWS::EC2::SecurityGroup") == {}
    _assert_lint_clean(cfg)
    sam = build_template(cfg, "sam")
    assert _endpoint(sam.to_dict())["SecurityGroupIds"] == [GROUP]
    assert lint_text(render(sam, "yaml")) == []


def test_no_caller_and_no_group_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(BASE_CONFIG, **{"network.allowed_cidrs": DELETE}))
    (problem,) = caught.value.problems
    assert problem.path == "network.allowed_cidrs"
    assert "endpoint.security_group_ids" in str(problem)


def test_groups_only_on_a_created_endpoint() -> None:
    data = with_changes(
        BESIDE,
        network=DELETE,
        **{"endpoint.create": False, "endpoint.existing_ids": ["vpce-0123456789abcdef0"]},
    )
    with pytest.raises(ConfigError) as caught:
        Config(**data)
    assert [p.path for p in caught.value.problems] == ["endpoint.security_group_ids"]


def test_groups_must_fit_on_the_interfaces() -> None:
    sixteen = [f"sg-{i:017x}" for i in range(1, 17)]
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(BASE_CONFIG, **{"endpoint.security_group_ids": sixteen}))
    (problem,) = caught.value.problems
    assert problem.path == "endpoint.security_group_ids"
    assert "at most 15 besides privgw's own group" in str(problem)
    # without privgw's group all sixteen fit
    Config(**with_changes(INSTEAD, **{"endpoint.security_group_ids": sixteen}))


def test_reusable_takes_the_groups_as_one_list_parameter() -> None:
    cfg = Config(**with_changes(BESIDE, reusable=True))
    template = build_template(cfg).to_dict()
    parameter = template["Parameters"]["EndpointSecurityGroupIds"]
    assert parameter["Type"] == "List<AWS::EC2::SecurityGroup::Id>"
    assert parameter["Default"] == f"{GROUP},{OTHER}"
    assert _endpoint(template)["SecurityGroupIds"] == {
        "Fn::Split": [
            ",",
            {
                "Fn::Join": [
                    ",",
                    [
                        {"Ref": "EndpointSecurityGroup"},
                        {"Fn::Join": [",", {"Ref": "EndpointSecurityGroupIds"}]},
                    ],
                ]
            },
        ]
    }
    _assert_lint_clean(cfg)
    alone = build_template(Config(**with_changes(INSTEAD, reusable=True))).to_dict()
    assert _endpoint(alone)["SecurityGroupIds"] == {"Ref": "EndpointSecurityGroupIds"}


def test_endpoint_stack_exports_the_group_that_decides() -> None:
    shared: dict[str, Any] = {
        "kind": "endpoint",
        "name": "shared",
        "network": {"vpc_id": VPC, "subnet_ids": SUBNETS},
    }
    cfg = EndpointStack(**shared, security_group_ids=[GROUP])
    template = _template(cfg)
    assert _endpoint(template)["SecurityGroupIds"] == [GROUP]
    assert template["Outputs"]["SecurityGroupId"]["Value"] == {"Fn::Select": [0, [GROUP]]}
    _assert_lint_clean(cfg)
    with pytest.raises(ConfigError) as caught:
        EndpointStack(**shared)
    assert "security_group_ids" in str(caught.value.problems[0])


def test_consumer_endpoint_takes_existing_groups() -> None:
    data: dict[str, Any] = {
        "kind": "consumer",
        "name": "client",
        "network": {"vpc_id": VPC, "subnet_ids": SUBNETS, "allowed_cidrs": ["10.0.0.0/16"]},
        "endpoint": {"security_group_ids": [GROUP]},
        "provider": {"domain_name_arn": DOMAIN_ARN, "domain_name": "orders.internal.example.com"},
    }
    cfg = ConsumerStack(**data)
    template = _template(cfg)
    assert _endpoint(template)["SecurityGroupIds"] == [{"Ref": "EndpointSecurityGroup"}, GROUP]
    _assert_lint_clean(cfg)


def test_simulate_says_the_existing_groups_decide() -> None:
    beside, instead = Config(**BESIDE), Config(**INSTEAD)
    outside = Call(method="GET", path="/hello", ip="192.168.7.7")
    verdict = simulate(beside, build_template(beside).to_dict(), outside)
    layer = next(step for step in verdict.layers if step.name == "security-group")
    assert layer.passed
    assert GROUP in layer.reason
    assert "cannot read" in layer.reason
    verdict = simulate(instead, build_template(instead).to_dict(), outside)
    layer = next(step for step in verdict.layers if step.name == "security-group")
    assert layer.passed
    assert GROUP in layer.reason
    # privgw's own group still refuses a caller outside its CIDRs when no other group is there
    plain = Config(**BASE_CONFIG)
    verdict = simulate(plain, build_template(plain).to_dict(), outside)
    assert not verdict.allowed
    assert verdict.layer == "security-group"


def test_diagram_draws_the_existing_groups() -> None:
    assert f"and existing groups {GROUP}, {OTHER}" in mermaid(Config(**BESIDE))
    assert f"existing groups {GROUP}" in mermaid(Config(**INSTEAD))


def test_the_build_says_when_existing_groups_alone_decide() -> None:
    instead, beside = Config(**INSTEAD), Config(**BESIDE)
    (note,) = [n for n in kind_of(instead).build_notes(instead) if "security group" in n]
    assert GROUP in note
    assert "cannot read their rules" in note
    assert not [n for n in kind_of(beside).build_notes(beside) if "security group" in n]

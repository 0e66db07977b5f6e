"""HTTP services outside the VPC (``internet: true``, said in a build note) and per-route
``target_path``: the integration, the refusals, simulate and diagram."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.diagram import mermaid
from privgw.kinds import kind_of
from privgw.simulate import Call, simulate
from tests.support.configs import BASE_CONFIG, resources_of, with_changes
from tests.support.integrations import integrations

PUBLIC = with_changes(
    BASE_CONFIG,
    backends={"fargate": {"internet": True, "uri": "https://abc123.example.com"}},
    routes=[
        "GET /hello",
        {"method": "GET", "path": "/fargate", "target": "fargate", "target_path": "/Prod/"},
        {
            "method": "GET",
            "path": "/items/{id}",
            "target": "fargate",
            "target_path": "/Prod/v2/item/{id}",
        },
    ],
)
NLB = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/orders/0123456789abcdef"


def test_an_internet_backend_has_no_link_and_its_routes_go_to_their_target_path() -> None:
    cfg = Config(**PUBLIC)
    for flavour in ("cfn", "sam"):
        built = build_template(cfg, flavour).to_dict()
        found = integrations(built)
        root = found["GET /fargate"]
        assert root["Type"] == "HTTP_PROXY"
        assert root["ConnectionType"] == "INTERNET"
        assert "ConnectionId" not in root
        assert root["Uri"] == "https://abc123.example.com/Prod/"
        item = found["GET /items/{id}"]
        assert item["Uri"] == "https://abc123.example.com/Prod/v2/item/{id}"
        assert item["RequestParameters"] == {
            "integration.request.path.id": "method.request.path.id"
        }
        assert not resources_of(built, "AWS::ApiGatewayV2::VpcLink")
        assert "FargateVpcLinkId" not in built.get("Outputs", {})
        assert lint_text(render(built, "yaml")) == [], flavour


def test_the_build_says_the_calls_leave_the_vpc_and_simulate_and_diagram_agree() -> None:
    cfg = Config(**PUBLIC)
    (note,) = [n for n in kind_of(cfg).build_notes(cfg) if "fargate" in n]
    assert "leave the VPC" in note
    assert "https://abc123.example.com" in note
    verdict = simulate(cfg, build_template(cfg).to_dict(), Call("GET", "/items/9"))
    assert verdict.allowed
    assert "over the internet" in verdict.reason
    assert "https://abc123.example.com/Prod/v2/item/{id}" in verdict.reason
    assert "over the internet" in mermaid(cfg)


def test_a_backend_behind_a_vpc_link_takes_a_target_path_too() -> None:
    cfg = Config(
        **with_changes(
            PUBLIC,
            backends={
                "fargate": {
                    "load_balancer_arn": NLB,
                    "vpc_link_v1": {"create": True},
                    "uri": "http://orders.internal.example.com",
                    "path_prefix": "/api",
                }
            },
        )
    )
    found = integrations(build_template(cfg).to_dict())
    assert found["GET /fargate"]["Uri"] == "http://orders.internal.example.com/api/Prod/"
    assert found["GET /fargate"]["ConnectionType"] == "VPC_LINK"


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"backends.fargate.uri": "http://abc123.example.com"}, "backends.fargate.uri", "https"),
        (
            {"backends.fargate.load_balancer_arn": NLB},
            "backends.fargate.load_balancer_arn",
            "internet: true",
        ),
        (
            {"backends.fargate.vpc_link": {"id": "abcde12"}},
            "backends.fargate.vpc_link",
            "internet: true",
        ),
        (
            {"backends.fargate.internet": False},
            "backends.fargate.vpc_link",
            "internet: true for an https service",
        ),
        (
            {
                "routes": [
                    "GET /hello",
                    {
                        "method": "GET",
                        "path": "/x/{id}",
                        "target": "fargate",
                        "target_path": "/v/{other}",
                    },
                ]
            },
            "routes[1].target_path",
            "{other}",
        ),
        (
            {
                "routes": [
                    "GET /fargate -> fargate",
                    {"method": "GET", "path": "/hello", "target_path": "/Prod/"},
                ]
            },
            "routes[1].target_path",
            "not a backend",
        ),
        (
            {
                "routes": [
                    "GET /fargate -> fargate",
                    {"method": "GET", "path": "/m", "mock": {}, "target_path": "/Prod/"},
                ]
            },
            "routes[1].target_path",
            "not a mock",
        ),
        (
            {
                "routes": [
                    "GET /hello",
                    {"method": "GET", "path": "/f", "target": "fargate", "target_path": "/a/../b"},
                ]
            },
            "routes[1].target_path",
            "dot segment",
        ),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(PUBLIC, **changes))
    assert any(p.path == field and fragment in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]

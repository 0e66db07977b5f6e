"""A VPC link v1 that privgw creates for a backend's Network Load Balancer (besides an existing
v1 id and the v2 links): the link, the integration through it, reusable parameters, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from tests.support.configs import BASE_CONFIG, resources_of, with_changes

NLB = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/orders/0123456789abcdef"
ALB = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/orders/0123456789abcdef"
CREATED = with_changes(
    BASE_CONFIG,
    backends={
        "orders": {
            "load_balancer_arn": NLB,
            "vpc_link_v1": {"create": True},
            "uri": "http://orders.internal.example.com",
        }
    },
    routes=[{"path": "/orders", "method": "GET", "target": "orders"}, "GET /hello"],
)


def _link_and_integration(template: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The created link and the /orders integration (a Method, or SAM's OpenAPI operation)."""
    ((name, link),) = resources_of(template, "AWS::ApiGateway::VpcLink").items()
    apis = resources_of(template, "AWS::Serverless::Api")
    if apis:
        (api,) = apis.values()
        operation = api["Properties"]["DefinitionBody"]["paths"]["/orders"]["get"]
        spec = operation["x-amazon-apigateway-integration"]
        integration = {k[0].upper() + k[1:]: v for k, v in spec.items()}
    else:
        (integration,) = [
            m["Properties"]["Integration"]
            for m in resources_of(template, "AWS::ApiGateway::Method").values()
            if m["Properties"]["Integration"]["Type"] == "HTTP_PROXY"
        ]
    return name, link["Properties"], integration


def test_privgw_creates_the_link_to_the_nlb_and_routes_through_it() -> None:
    cfg = Config(**CREATED)
    for flavour in ("cfn", "sam"):
        template = build_template(cfg, flavour)
        name, link, integration = _link_and_integration(template.to_dict())
        assert link["TargetArns"] == [NLB]
        assert link["Name"] == "svc-orders"
        assert integration["ConnectionType"] == "VPC_LINK"
        assert integration["ConnectionId"] == {"Ref": name}
        assert "IntegrationTarget" not in integration  # a v1 link names its NLB itself
        assert lint_text(render(template, "yaml")) == [], flavour
    assert resources_of(build_template(cfg).to_dict(), "AWS::ApiGatewayV2::VpcLink") == {}


def test_a_reusable_template_takes_the_nlb_as_a_parameter() -> None:
    template = build_template(Config(**with_changes(CREATED, reusable=True))).to_dict()
    _, link, _ = _link_and_integration(template)
    (parameter,) = [p for p in template["Parameters"] if p.endswith("LoadBalancerArn")]
    assert link["TargetArns"] == [{"Ref": parameter}]
    assert template["Parameters"][parameter]["Default"] == NLB
    assert not [p for p in template["Parameters"] if p.endswith("VpcLinkId")]


@pytest.mark.parametrize(
    ("link", "arn", "path"),
    [
        ({"create": True}, None, "backends.orders.load_balancer_arn"),
        ({"create": True}, ALB, "backends.orders.load_balancer_arn"),
        ({"create": True, "id": "abc123"}, NLB, "backends.orders.vpc_link_v1.id"),
        ({}, None, "backends.orders.vpc_link_v1.create"),
        ({"id": "abc123"}, NLB, "backends.orders.load_balancer_arn"),
    ],
)
def test_links_v1_refused_with_their_path(link: dict[str, Any], arn: str | None, path: str) -> None:
    backend: dict[str, Any] = {"vpc_link_v1": link, "uri": "http://orders.internal.example.com"}
    if arn:
        backend["load_balancer_arn"] = arn
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(CREATED, backends={"orders": backend}))
    assert [p.path for p in caught.value.problems] == [path]

"""The Deployment's logical id changes exactly when what the stage serves changes."""

from __future__ import annotations

import json
from typing import Any

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, DELETE, SUBNETS, resources_of, with_changes


def deployment_id(data: dict[str, Any]) -> str:
    template = build_template(Config(**data)).to_dict()
    (name,) = resources_of(template, "AWS::ApiGateway::Deployment")
    return name


BASE = deployment_id(BASE_CONFIG)


def test_policy_only_change_redeploys() -> None:
    changed = with_changes(BASE_CONFIG, **{"endpoint.existing_ids": ["vpce-0123456789abcdef0"]})
    assert deployment_id(changed) != BASE


def test_route_change_redeploys() -> None:
    assert deployment_id(with_changes(BASE_CONFIG, routes=["GET /hello", "POST /hello"])) != BASE
    assert deployment_id(with_changes(BASE_CONFIG, routes=["GET /hi"])) != BASE
    assert deployment_id(with_changes(BASE_CONFIG, routes=["PUT /hello"])) != BASE


def test_integration_change_redeploys() -> None:
    assert deployment_id(with_changes(BASE_CONFIG, **{"function.timeout": 20})) != BASE


def test_endpoint_configuration_change_redeploys() -> None:
    changed = with_changes(
        BASE_CONFIG,
        network=DELETE,
        endpoint={"create": False, "existing_ids": ["vpce-0123456789abcdef0"]},
    )
    assert deployment_id(changed) != BASE


def test_unserved_changes_do_not_redeploy() -> None:
    """Function code, memory, tags or log retention reach callers without a new Deployment."""
    same = with_changes(
        BASE_CONFIG,
        **{
            "function.memory": 1024,
            "function.code": {"inline": "def handler(e, c):\n    return {'statusCode': 204}\n"},
            "function.log_retention_days": 7,
            "tags": {"team": "x"},
            "network.allowed_cidrs": ["10.1.0.0/16"],
        },
    )
    assert deployment_id(same) == BASE


def test_route_order_changes_no_resource() -> None:
    """Reordering routes must not replace anything (only the sample curl line follows order)."""
    a = with_changes(BASE_CONFIG, routes=["GET /a", "POST /b/{id}", "ANY /"])
    b = with_changes(BASE_CONFIG, routes=["ANY /", "POST /b/{id}", "GET /a"])
    resources_a = build_template(Config(**a)).to_dict()["Resources"]
    resources_b = build_template(Config(**b)).to_dict()["Resources"]
    assert json.dumps(resources_a, sort_keys=True) == json.dumps(resources_b, sort_keys=True)


def test_rebuilding_unchanged_config_is_byte_identical() -> None:
    first = render(build_template(Config(**BASE_CONFIG)), "yaml")
    second = render(build_template(Config(**BASE_CONFIG)), "yaml")
    assert first == second
    assert deployment_id(BASE_CONFIG) == BASE


ALB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/svc/0123456789abcdef"
#: Two functions, a backend through a created VPC link v2, one through a VPC link v1, a mock.
MANY = with_changes(
    BASE_CONFIG,
    function=DELETE,
    functions={"a": BASE_CONFIG["function"], "b": BASE_CONFIG["function"]},
    backends={
        "svc": {
            "load_balancer_arn": ALB,
            "vpc_link": {"subnet_ids": SUBNETS, "security_group_ids": ["sg-0123456789abcdef0"]},
            "uri": "https://svc.internal.example.com",
        },
        "old": {"vpc_link_v1": {"id": "abc123"}, "uri": "http://old.internal.example.com"},
    },
    routes=[
        "GET /a -> a",
        "GET /b -> b",
        "ANY /svc/{proxy+} -> svc",
        "GET /old/{id} -> old",
        {"method": "GET", "path": "/health", "mock": {"body": '{"ok": true}'}},
    ],
)
MANY_ID = deployment_id(MANY)


def test_every_integration_change_redeploys() -> None:
    """A route's target, a backend's URI, port, prefix, VPC link (created or existing),
    load balancer, a mock's answer: each reaches callers only through a new Deployment."""
    routes = list(MANY["routes"])
    changes: list[dict[str, Any]] = [
        {"routes": ["GET /a -> b", "GET /b -> a", *routes[2:]]},
        {"routes": [*routes[:2], "ANY /svc/{proxy+} -> old", "GET /old/{id} -> svc", routes[4]]},
        {"backends.svc.uri": "https://svc2.internal.example.com"},
        {"backends.svc.port": 8443},
        {"backends.svc.path_prefix": "/v2"},
        {"backends.svc.timeout": 10},
        {"backends.svc.load_balancer_arn": ALB.replace("/svc/", "/svc2/")},
        {"backends.svc.vpc_link": {"id": "xyz789"}},
        {"backends.svc.vpc_link.subnet_ids": SUBNETS[:1]},
        {"backends.old.vpc_link_v1": {"id": "def456"}},
        {"routes": [*routes[:4], {"method": "GET", "path": "/health", "mock": {"status": 503}}]},
        {"routes": [*routes[:4], {"method": "GET", "path": "/health", "mock": {"body": "no"}}]},
        {
            "routes": [
                *routes[:4],
                {"method": "GET", "path": "/health", "mock": {"headers": {"X-A": "1"}}},
            ]
        },
        # (a and b share one definition here: both become streaming Node.js functions)
        {"functions.b.response_streaming": True, "functions.b.runtime": "nodejs22.x"},
    ]
    for change in changes:
        assert deployment_id(with_changes(MANY, **change)) != MANY_ID, change


def test_many_backends_unchanged_config_is_byte_identical() -> None:
    first = render(build_template(Config(**MANY)), "yaml")
    assert render(build_template(Config(**MANY)), "yaml") == first
    reordered = with_changes(
        MANY,
        functions=dict(reversed(list(MANY["functions"].items()))),
        backends=dict(reversed(list(MANY["backends"].items()))),
    )
    assert render(build_template(Config(**reordered)), "yaml") == first


AUTHED = with_changes(
    BASE_CONFIG,
    function=DELETE,
    functions={"app": BASE_CONFIG["function"], "tokens": BASE_CONFIG["function"]},
    auth={"lambda": "tokens"},
    consumers={"team": {"throttle": {"rate": 5, "burst": 10}}},
    cors={"allow_origins": ["https://app.example.com"]},
    routes=[
        {"method": "GET", "path": "/a", "target": "app", "api_key_required": True},
        {
            "method": "POST",
            "path": "/a",
            "target": "app",
            "request_validation": "all",
            "required_parameters": ["header.X-Id"],
            "request_schema": {"type": "object"},
        },
    ],
)
AUTHED_ID = deployment_id(AUTHED)


def test_every_access_control_change_redeploys() -> None:
    """Authorizers, validators, models, gateway responses and CORS methods are served by the
    stage: each change must reach it through a new Deployment."""
    routes = AUTHED["routes"]
    post = dict(routes[1])
    changes: list[dict[str, Any]] = [
        {"auth": {"lambda": "tokens", "result_ttl": 60}},
        {"auth": {"lambda": "tokens", "type": "request", "identity_source": ["query.t"]}},
        {"routes": [{**routes[0], "auth": "iam"}, post]},
        {"routes": [routes[0], {**post, "request_schema": {"type": "array"}}]},
        {"routes": [routes[0], {**post, "request_validation": "params", "request_schema": None}]},
        {"routes": [routes[0], {**post, "required_parameters": ["header.X-Other"]}]},
        {"routes": [routes[0], {**post, "api_key_required": True}]},
        {"gateway_responses": {"THROTTLED": {"body": '{"slow": "down"}'}}},
        {"cors": {"allow_origins": ["https://other.example.com"]}},
        {"cors": {"allow_origins": ["https://app.example.com"], "max_age": 60}},
    ]
    for change in changes:
        changed = with_changes(AUTHED, **change)
        for route in changed["routes"]:
            if route.get("request_schema") is None:
                route.pop("request_schema", None)
        assert deployment_id(changed) != AUTHED_ID, change


def test_consumers_change_no_deployment() -> None:
    """Usage plans and keys belong to the stage, not to a deployment snapshot."""
    changed = with_changes(AUTHED, consumers={"team": {"quota": {"limit": 10}}, "b": {}})
    assert deployment_id(changed) == AUTHED_ID

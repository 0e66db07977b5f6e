"""Non-proxy integrations (``routes[].integration``): request templates, parameter mappings,
passthrough behaviour, integration and method responses, for functions (AWS), functions that
already run and backends (HTTP), in both flavours; refusals with their field paths; simulate
and diagram say a route is mapped."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.diagram import mermaid
from privgw.simulate import Call, simulate
from tests.support.configs import BASE_CONFIG, resources_of, with_changes
from tests.support.integrations import integrations

NLB = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/orders/0123456789abcdef"
LEGACY = "arn:aws:lambda:eu-west-1:111122223333:function:legacy:live"
ORDER_TEMPLATE = '{"orderId": "$input.params(\'id\')", "order": $input.json(\'$\')}'
MAPPED = with_changes(
    BASE_CONFIG,
    backends={
        "orders": {
            "load_balancer_arn": NLB,
            "vpc_link_v1": {"create": True},
            "uri": "http://orders.internal.example.com",
        }
    },
    existing_functions={"legacy": {"arn": LEGACY}},
    routes=[
        "GET /hello",
        {
            "method": "POST",
            "path": "/orders/{id}",
            "target": "orders",
            "target_path": "/v2/orders/{id}",
            "integration": {
                "request_templates": {"application/json": ORDER_TEMPLATE},
                "request_parameters": {
                    "integration.request.header.X-Tenant": "method.request.header.X-Tenant",
                    "integration.request.querystring.source": "'privgw'",
                },
                "responses": [
                    {
                        "status": 201,
                        "headers": {"X-Request-Id": "context.requestId"},
                        "templates": {"application/json": '{"accepted": true}'},
                        "models": {"application/json": "Empty"},
                    },
                    {"status": 404, "pattern": "404", "models": {"application/json": "Error"}},
                    {"status": 502, "pattern": "5\\d{2}"},
                ],
            },
        },
        {
            "method": "GET",
            "path": "/report",
            "integration": {
                "responses": [{"status": 200}, {"status": 400, "pattern": ".*invalid.*"}]
            },
        },
        {
            "method": "GET",
            "path": "/legacy",
            "target": "legacy",
            "integration": {
                "passthrough_behavior": "WHEN_NO_TEMPLATES",
                "request_templates": {"application/json": '{"from": "privgw"}'},
            },
        },
    ],
)


def _method(template: dict[str, Any], logical_prefix: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        m["Properties"]
        for k, m in resources_of(template, "AWS::ApiGateway::Method").items()
        if k.startswith(logical_prefix)
    ]
    (method,) = found
    return method


def test_a_mapped_backend_route_is_an_http_integration_with_its_mappings() -> None:
    cfg = Config(**MAPPED)
    for flavour in ("cfn", "sam"):
        built = build_template(cfg, flavour).to_dict()
        integration = integrations(built)["POST /orders/{id}"]
        assert integration["Type"] == "HTTP"
        assert integration["Uri"] == "http://orders.internal.example.com/v2/orders/{id}"
        assert integration["RequestTemplates"] == {"application/json": ORDER_TEMPLATE}
        assert integration["RequestParameters"] == {
            "integration.request.header.X-Tenant": "method.request.header.X-Tenant",
            "integration.request.path.id": "method.request.path.id",
            "integration.request.querystring.source": "'privgw'",
        }
        assert integration["PassthroughBehavior"] == "NEVER"  # templates given: others 415
        responses = {r["StatusCode"]: r for r in integration["IntegrationResponses"]}
        assert set(responses) == {"201", "404", "502"}
        assert "SelectionPattern" not in responses["201"]
        assert responses["201"]["ResponseParameters"] == {
            "method.response.header.X-Request-Id": "context.requestId"
        }
        assert responses["201"]["ResponseTemplates"] == {"application/json": '{"accepted": true}'}
        assert responses["404"]["SelectionPattern"] == "404"
        assert lint_text(render(built, "yaml")) == [], flavour


def test_the_method_declares_every_answer_header_and_read_parameter() -> None:
    template = build_template(Config(**MAPPED)).to_dict()
    method = _method(template, "MethodOrdersVarId")
    assert method["MethodResponses"] == [
        {
            "StatusCode": "201",
            "ResponseParameters": {"method.response.header.X-Request-Id": False},
            "ResponseModels": {"application/json": "Empty"},
        },
        {"StatusCode": "404", "ResponseModels": {"application/json": "Error"}},
        {"StatusCode": "502"},
    ]
    assert method["RequestParameters"] == {
        "method.request.header.X-Tenant": False,
        "method.request.path.id": True,
    }
    sam = build_template(Config(**MAPPED), "sam").to_dict()
    (api,) = resources_of(sam, "AWS::Serverless::Api").values()
    body = api["Properties"]["DefinitionBody"]
    operation = body["paths"]["/orders/{id}"]["post"]
    assert {p["name"]: p["required"] for p in operation["parameters"]} == {
        "X-Tenant": False,
        "id": True,
    }
    assert operation["responses"]["201"]["headers"] == {
        "X-Request-Id": {"schema": {"type": "string"}}
    }
    assert body["components"]["schemas"]["Empty"]["type"] == "object"
    assert "Error" in body["components"]["schemas"]


def test_mapped_function_routes_are_aws_integrations() -> None:
    for flavour in ("cfn", "sam"):
        found = integrations(build_template(Config(**MAPPED), flavour).to_dict())
        report = found["GET /report"]
        assert report["Type"] == "AWS"
        assert report["PassthroughBehavior"] == "WHEN_NO_MATCH"  # no templates: the body as is
        assert [r.get("SelectionPattern", "") for r in report["IntegrationResponses"]] == [
            "",
            ".*invalid.*",
        ]
        legacy = found["GET /legacy"]
        assert legacy["Type"] == "AWS"
        assert legacy["PassthroughBehavior"] == "WHEN_NO_TEMPLATES"
        assert LEGACY in str(legacy["Uri"])
        assert found["GET /hello"]["Type"] == "AWS_PROXY"  # routes without a mapping stay proxies


@pytest.mark.parametrize(
    ("route", "field", "fragment"),
    [
        (
            {"method": "GET", "path": "/m", "mock": {}, "integration": {}},
            "routes[1].integration",
            "not a mock",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {"responses": [{"status": 200, "pattern": "a"}]},
            },
            "routes[1].integration.responses",
            "0 default answers",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {"responses": [{"status": 200}, {"status": 200, "pattern": "x"}]},
            },
            "routes[1].integration.responses[1].status",
            "repeats status 200",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {"responses": [{"status": 200}, {"status": 400, "pattern": "(["}]},
            },
            "routes[1].integration.responses[1].pattern",
            "not a regular expression",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {"request_parameters": {"integration.request.body.x": "'1'"}},
            },
            "routes[1].integration.request_parameters.integration.request.body.x",
            "integration request parameter",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {
                    "request_parameters": {
                        "integration.request.header.A": "method.request.cookie.b"
                    }
                },
            },
            "routes[1].integration.request_parameters.integration.request.header.A",
            "request mapping value",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {
                    "request_parameters": {"integration.request.header.A": "method.request.path.id"}
                },
            },
            "routes[1].integration.request_parameters",
            "not a parameter of /x",
        ),
        (
            {
                "method": "GET",
                "path": "/x/{id}",
                "integration": {
                    "request_parameters": {"integration.request.path.id": "method.request.path.id"}
                },
            },
            "routes[1].integration.request_parameters",
            "is a function",
        ),
        (
            {
                "method": "GET",
                "path": "/x",
                "integration": {
                    "responses": [
                        {"status": 200, "headers": {"X-A": "integration.request.header.b"}}
                    ]
                },
            },
            "routes[1].integration.responses[0].headers.X-A",
            "response mapping value",
        ),
        (
            {"method": "GET", "path": "/x", "integration": {"passthrough_behavior": "ALWAYS"}},
            "routes[1].integration.passthrough_behavior",
            "WHEN_NO_MATCH",
        ),
    ],
)
def test_refusals_name_the_field(route: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(BASE_CONFIG, routes=["GET /hello", route]))
    assert any(p.path == field and fragment in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_a_streamed_answer_and_a_service_route_are_never_mapped() -> None:
    streaming = with_changes(
        BASE_CONFIG,
        **{"function.runtime": "nodejs22.x", "function.response_streaming": True},
        routes=[{"method": "GET", "path": "/s", "integration": {}}],
    )
    with pytest.raises(ConfigError, match="streams it"):
        Config(**streaming)
    service = with_changes(
        BASE_CONFIG,
        services={"q": {"aws": "sqs", "arn": "arn:aws:sqs:eu-west-1:111122223333:q"}},
        routes=["GET /hello", {"method": "POST", "path": "/q", "target": "q", "integration": {}}],
    )
    with pytest.raises(ConfigError, match="request_template"):
        Config(**service)


def test_simulate_and_diagram_say_the_route_is_mapped() -> None:
    cfg = Config(**MAPPED)
    verdict = simulate(cfg, build_template(cfg).to_dict(), Call("POST", "/orders/7"))
    assert "not a proxy: request templates for application/json (other types: NEVER)" in (
        verdict.reason
    )
    assert "404 when '404' matches" in verdict.reason
    assert "201 otherwise" in verdict.reason
    assert "mapped, not a proxy" in mermaid(cfg)

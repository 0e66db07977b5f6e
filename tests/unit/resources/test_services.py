"""Routes that call AWS services directly: the AWS integration of each service and action,
its credentials role (proved with privgw's evaluator to allow the one action on the one
resource and refuse a neighbour action and another resource), the refusals, reusable
parameters, simulate and diagram."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.config.service import SERVICES
from privgw.diagram import mermaid
from privgw.evaluate import ApiArn, Request, evaluate
from privgw.simulate import Call, simulate
from tests.support.configs import BASE_CONFIG, resources_of, with_changes
from tests.support.integrations import integrations

ARN = "arn:aws:{}:eu-west-1:123456789012:{}"
QUEUE = ARN.format("sqs", "orders")
MACHINE = ARN.format("states", "stateMachine:checkout")
TABLE = ARN.format("dynamodb", "table/orders")
BUS = ARN.format("events", "event-bus/orders")
STREAM = ARN.format("kinesis", "stream/clicks")
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SERVICES_CONFIG = with_changes(
    BASE_CONFIG,
    services={
        "queue": {"aws": "sqs", "arn": QUEUE, "kms_key_arn": KEY},
        "flow": {"aws": "step_functions", "arn": MACHINE},
        "syncflow": {"aws": "step_functions", "action": "StartSyncExecution", "arn": MACHINE},
        "put": {"aws": "dynamodb", "action": "PutItem", "arn": TABLE},
        "get": {"aws": "dynamodb", "action": "GetItem", "arn": TABLE, "key": "id"},
        "query": {"aws": "dynamodb", "action": "Query", "arn": TABLE, "key": "customer"},
        "bus": {"aws": "eventbridge", "arn": BUS, "source": "orders.api", "detail_type": "Placed"},
        "stream": {"aws": "kinesis", "arn": STREAM},
    },
    routes=[
        "GET /hello",
        "POST /queue -> queue",
        "POST /flow -> flow",
        "POST /sync -> syncflow",
        "PUT /items -> put",
        "GET /items/{id} -> get",
        {
            "method": "GET",
            "path": "/orders",
            "target": "query",
            "request_validation": "params",
            "required_parameters": ["querystring.customer"],
        },
        "POST /events -> bus",
        "POST /clicks -> stream",
    ],
)
#: route -> (URI ending, IAM action, resource, a neighbour action the role must not have)
EXPECTED = {
    "POST /queue": ("sqs:path/${Account}/${Queue}", "sqs:SendMessage", QUEUE, "sqs:ReceiveMessage"),
    "POST /flow": (
        "states:action/StartExecution",
        "states:StartExecution",
        MACHINE,
        "states:StopExecution",
    ),
    "POST /sync": (
        "states:action/StartSyncExecution",
        "states:StartSyncExecution",
        MACHINE,
        "states:StartExecution",
    ),
    "PUT /items": ("dynamodb:action/PutItem", "dynamodb:PutItem", TABLE, "dynamodb:DeleteItem"),
    "GET /items/{id}": ("dynamodb:action/GetItem", "dynamodb:GetItem", TABLE, "dynamodb:Scan"),
    "GET /orders": ("dynamodb:action/Query", "dynamodb:Query", TABLE, "dynamodb:GetItem"),
    "POST /events": ("events:action/PutEvents", "events:PutEvents", BUS, "events:PutRule"),
    "POST /clicks": ("kinesis:action/PutRecord", "kinesis:PutRecord", STREAM, "kinesis:GetRecords"),
}
ROLE_OF = {
    "POST /queue": "QueueServiceRole",
    "POST /flow": "FlowServiceRole",
    "POST /sync": "SyncflowServiceRole",
    "PUT /items": "PutServiceRole",
    "GET /items/{id}": "GetServiceRole",
    "GET /orders": "QueryServiceRole",
    "POST /events": "BusServiceRole",
    "POST /clicks": "StreamServiceRole",
}


def _uri_text(uri: Any) -> str:
    sub = uri["Fn::Sub"]
    return str(sub[0] if isinstance(sub, list) else sub)


def test_each_route_is_an_aws_integration_signed_with_its_own_role() -> None:
    cfg = Config(**SERVICES_CONFIG)
    for flavour in ("cfn", "sam"):
        built = build_template(cfg, flavour).to_dict()
        found = integrations(built)
        for route, (uri, *_) in EXPECTED.items():
            integration = found[route]
            assert integration["Type"] == "AWS", route
            assert integration["IntegrationHttpMethod"] == "POST"
            assert _uri_text(integration["Uri"]).endswith(f":{uri}"), route
            assert integration["Credentials"] == {"Fn::GetAtt": [ROLE_OF[route], "Arn"]}
            assert integration["PassthroughBehavior"] == "NEVER"
            assert list(integration["RequestTemplates"]) == ["application/json"]
        assert lint_text(render(built, "yaml")) == [], flavour


def test_the_request_templates_carry_the_resource_and_the_body() -> None:
    found = integrations(build_template(Config(**SERVICES_CONFIG)).to_dict())

    def template(route: str) -> str:
        return str(found[route]["RequestTemplates"]["application/json"])

    assert template("POST /queue") == "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
    assert found["POST /queue"]["RequestParameters"] == {
        "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"
    }
    assert f'"stateMachineArn": "{MACHINE}"' in template("POST /flow")
    assert '"input": "$util.escapeJavaScript($input.body)' in template("POST /flow")
    assert "\"Item\": $input.json('$')" in template("PUT /items")
    assert '"TableName": "orders"' in template("GET /items/{id}")
    assert "$input.params('id')" in template("GET /items/{id}")
    assert '"KeyConditionExpression": "#k = :v"' in template("GET /orders")
    assert '"#k": "customer"' in template("GET /orders")
    assert f'"EventBusName": "{BUS}"' in template("POST /events")
    assert '"Source": "orders.api"' in template("POST /events")
    assert '"StreamName": "clicks"' in template("POST /clicks")
    assert "$util.base64Encode($input.body)" in template("POST /clicks")


def test_error_answers_hide_the_services_own_error_text() -> None:
    found = integrations(build_template(Config(**SERVICES_CONFIG)).to_dict())
    for route in EXPECTED:
        responses = {r["StatusCode"]: r for r in found[route]["IntegrationResponses"]}
        assert set(responses) == {"200", "400", "500"}
        assert "ResponseTemplates" not in responses["200"]  # the service's answer as it is
        for status in ("400", "500"):
            body = responses[status]["ResponseTemplates"]["application/json"]
            assert "$input" not in body
            assert "$context.requestId" in body


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_each_role_allows_its_one_action_on_its_one_resource(route: str) -> None:
    """The proof the issue asks for: the evaluator on the role's policy."""
    _, action, resource, neighbour = EXPECTED[route]
    template = build_template(Config(**SERVICES_CONFIG)).to_dict()
    role = template["Resources"][ROLE_OF[route]]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["apigateway.amazonaws.com"]},
            "Action": ["sts:AssumeRole"],
        }
    ]
    (inline,) = role["Policies"]
    policy = inline["PolicyDocument"]
    api = ApiArn("a1b2c3d4e5")

    def decide(act: str, res: str) -> str:
        return evaluate(policy, Request(act, res, principal="apigateway.amazonaws.com"), api)

    assert decide(action, resource) == "allow"
    assert decide(neighbour, resource) == "implicit-deny"
    other = resource.replace("orders", "payments").replace("checkout", "refunds")
    other = other.replace("clicks", "views")
    assert other != resource
    assert decide(action, other) == "implicit-deny"
    assert decide("*", resource) == "implicit-deny" or action == "*"
    kms = decide("kms:GenerateDataKey", KEY)
    assert kms == ("allow" if route == "POST /queue" else "implicit-deny")
    assert decide("kms:Decrypt", KEY) == "implicit-deny"


def test_a_reusable_template_takes_each_arn_as_a_parameter_of_its_own_kind() -> None:
    cfg = Config(**with_changes(SERVICES_CONFIG, reusable=True))
    built = build_template(cfg).to_dict()
    parameters = built.pop("Parameters")
    assert parameters["QueueServiceArn"]["Default"] == QUEUE
    assert parameters["QueueServiceArn"]["AllowedPattern"] == f"^{SERVICES['sqs'].arn_pattern}$"
    assert parameters["QueueServiceKmsKeyArn"]["Default"] == KEY
    text = render(built, "json")
    for arn in (QUEUE, MACHINE, TABLE, BUS, STREAM, KEY):
        assert arn not in text
    assert "123456789012" not in text
    assert lint_text(render(build_template(cfg), "yaml")) == []


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"services.queue.action": "ReceiveMessage"}, "services.queue.action", "SendMessage"),
        ({"services.queue.arn": TABLE}, "services.queue.arn", "not a sqs ARN"),
        ({"services.get.key": None}, "services.get.key", "is required for dynamodb GetItem"),
        ({"services.put.key": "id"}, "services.put.key", "is not used by dynamodb PutItem"),
        ({"services.bus.source": None}, "services.bus.source", "is required"),
        ({"services.bus.source": "aws.orders"}, "services.bus.source", "starts with aws."),
        ({"services.flow.source": "x"}, "services.flow.source", "is not used"),
        ({"services.put.kms_key_arn": KEY}, "services.put.kms_key_arn", "not used by dynamodb"),
        (
            {"services.stream.arn": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"},
            "services.stream.arn",
            "one stack deploys to one region",
        ),
        (
            {"services.flow.integration_timeout_ms": 300_001},
            "services.flow.integration_timeout_ms",
            "300000",
        ),
        ({"services.unused": {"aws": "sqs", "arn": QUEUE}}, "services.unused", "no route"),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    data = with_changes(SERVICES_CONFIG, **{k: v for k, v in changes.items() if v is not None})
    for dotted, value in changes.items():
        if value is None:
            *parents, leaf = dotted.split(".")
            node = data
            for part in parents:
                node = node[part]
            del node[leaf]
    with pytest.raises(ConfigError) as caught:
        Config(**data)
    assert any(p.path == field and fragment in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_a_keyed_lookup_needs_its_key_in_the_request() -> None:
    routes = [r for r in SERVICES_CONFIG["routes"] if r != "GET /items/{id} -> get"]
    data = with_changes(SERVICES_CONFIG, routes=[*routes, "GET /items/{sku} -> get"])
    with pytest.raises(ConfigError) as caught:
        Config(**data)
    (problem,) = caught.value.problems
    assert problem.path == f"routes[{len(routes)}]"
    assert "{id}" in str(problem)
    assert "querystring.id" in str(problem)


def test_simulate_names_the_call_and_the_diagram_draws_the_service() -> None:
    cfg = Config(**SERVICES_CONFIG)
    verdict = simulate(cfg, build_template(cfg).to_dict(), Call("POST", "/queue"))
    assert verdict.allowed
    assert f"sqs SendMessage on {QUEUE}" in verdict.reason
    assert "QueueServiceRole" in verdict.reason
    drawn = mermaid(cfg)
    for label in ("sqs SendMessage", "step_functions StartSyncExecution", "dynamodb Query"):
        assert label in drawn
    # only the config's own function gets a Lambda permission: services need none
    permissions = resources_of(build_template(cfg).to_dict(), "AWS::Lambda::Permission")
    assert list(permissions) == ["RestApiInvokePermission"]

"""Routes to Lambda functions that already run: a proxy integration naming the ARN (with its
alias or version), one permission per function scoped to this API, and nothing else created
for it (no role, log group or function), in both flavours."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.diagram import mermaid
from privgw.flavours import Flavour
from privgw.kinds import kind_of
from privgw.simulate import Call, simulate
from tests.support.configs import BASE_CONFIG, resources_of, with_changes
from tests.support.integrations import integrations

LEGACY = "arn:aws:lambda:eu-west-1:111122223333:function:legacy-orders:live"
WITH_EXISTING = with_changes(
    BASE_CONFIG,
    existing_functions={"legacy": {"arn": LEGACY, "integration_timeout_ms": 12000}},
    routes=["GET /hello", "GET /orders/{id} -> legacy", "POST /orders -> legacy"],
)
API_SCOPE = {
    "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*"
}


def test_routes_call_the_qualified_arn_and_one_permission_admits_this_api() -> None:
    cfg = Config(**WITH_EXISTING)
    for flavour in ("cfn", "sam"):
        built = build_template(cfg, flavour).to_dict()
        found = integrations(built)
        for route in ("GET /orders/{id}", "POST /orders"):
            integration = found[route]
            assert integration["Type"] == "AWS_PROXY"
            assert integration["IntegrationHttpMethod"] == "POST"
            assert integration["TimeoutInMillis"] == 12000
            assert LEGACY in str(integration["Uri"])
        permissions = resources_of(built, "AWS::Lambda::Permission")
        mine = {k: p["Properties"] for k, p in permissions.items() if LEGACY in str(p)}
        assert list(mine) == ["LegacyFunctionInvokePermission"], flavour
        (permission,) = mine.values()
        assert permission == {
            "Action": "lambda:InvokeFunction",
            "FunctionName": LEGACY,
            "Principal": "apigateway.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": API_SCOPE,
        }
        assert lint_text(render(built, "yaml")) == [], flavour


def test_no_role_log_group_or_function_is_created_for_it() -> None:
    for flavour in ("cfn", "sam"):
        plain = build_template(Config(**BASE_CONFIG), flavour).to_dict()["Resources"]
        with_legacy = build_template(Config(**WITH_EXISTING), flavour).to_dict()["Resources"]
        added = {k: v["Type"] for k, v in with_legacy.items() if k not in plain}
        # the permission, and the API's resources and methods for the new routes
        assert set(added.values()) <= {
            "AWS::Lambda::Permission",
            "AWS::ApiGateway::Resource",
            "AWS::ApiGateway::Method",
            "AWS::ApiGateway::Deployment",
        }, (flavour, added)
        assert not any("Role" in k or "LogGroup" in k for k in added), added


def test_a_reusable_template_takes_the_arn_as_a_parameter() -> None:
    cfg = Config(**with_changes(WITH_EXISTING, reusable=True))
    built = build_template(cfg).to_dict()
    parameter = built.pop("Parameters")["LegacyFunctionArn"]
    assert parameter["Default"] == LEGACY
    assert parameter["AllowedPattern"].startswith("^arn:aws")
    assert LEGACY not in render(built, "json")
    permission = built["Resources"]["LegacyFunctionInvokePermission"]["Properties"]
    assert permission["FunctionName"] == {"Ref": "LegacyFunctionArn"}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        (
            {"existing_functions.legacy.arn": "arn:aws:lambda:eu-west-1:1:function:x"},
            "existing_functions.legacy.arn",
            "Lambda function ARN",
        ),
        (
            {"existing_functions.legacy.arn": LEGACY + ":extra"},
            "existing_functions.legacy.arn",
            "Lambda function ARN",
        ),
        (
            {"existing_functions.legacy.integration_timeout_ms": 300_001},
            "existing_functions.legacy.integration_timeout_ms",
            "300000",
        ),
        (
            {"function.kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/abcd"},
            "existing_functions.legacy.arn",
            "one stack deploys to one region",
        ),
        (
            {"routes": ["GET /hello"]},
            "existing_functions.legacy",
            "is the target of no route",
        ),
        (
            {"existing_functions.main": {"arn": LEGACY}},
            "existing_functions.main",
            "is also the name of functions.main",
        ),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(WITH_EXISTING, **changes))
    assert any(p.path == field and fragment in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_a_numeric_qualifier_is_a_version_and_latest_is_allowed() -> None:
    for qualifier in ("7", "$LATEST", "blue-2"):
        arn = LEGACY.rsplit(":", 1)[0] + ":" + qualifier
        cfg = Config(**with_changes(WITH_EXISTING, **{"existing_functions.legacy.arn": arn}))
        assert cfg.existing_functions["legacy"].qualifier == qualifier
    bare = Config(**with_changes(WITH_EXISTING, **{"existing_functions.legacy.arn": LEGACY[:-5]}))
    assert bare.existing_functions["legacy"].qualifier is None


def test_simulate_diagram_and_notes_say_which_function_answers() -> None:
    cfg = Config(
        **with_changes(WITH_EXISTING, **{"existing_functions.legacy.integration_timeout_ms": 60000})
    )
    verdict = simulate(cfg, build_template(cfg).to_dict(), Call("GET", "/orders/7"))
    backend = [layer for layer in verdict.layers if layer.name == "backend"]
    assert backend
    assert LEGACY in backend[0].reason
    assert "60,000 ms" in backend[0].reason
    assert "existing Lambda legacy" in mermaid(cfg)
    assert any(
        "existing function legacy" in n and "60,000" in n for n in kind_of(cfg).build_notes(cfg)
    )


TOKENS = "arn:aws:lambda:eu-west-1:111122223333:function:tokens:prod"
AUTHORIZED_BY_EXISTING = with_changes(
    WITH_EXISTING,
    existing_functions={
        "legacy": {"arn": LEGACY},
        "tokens": {"arn": TOKENS},
    },
    auth={"lambda": "tokens"},
)


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
def test_an_existing_function_may_be_a_lambda_authorizer(flavour: Flavour) -> None:
    """As a console-built API's authorizer often is: invoked by its ARN (alias kept), allowed
    to be invoked by this API's authorizers only, nothing created for it."""
    cfg = Config(**AUTHORIZED_BY_EXISTING)
    built = build_template(cfg, flavour).to_dict()
    text = render(built, "yaml")
    assert lint_text(text) == [], flavour
    assert TOKENS in text
    permissions = {
        k: p["Properties"] for k, p in resources_of(built, "AWS::Lambda::Permission").items()
    }
    assert permissions["TokensFunctionInvokePermission"]["FunctionName"] == TOKENS
    assert permissions["TokensFunctionInvokePermission"]["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
        "${RestApi}/authorizers/*"
    }
    assert permissions["LegacyFunctionInvokePermission"]["SourceArn"] == API_SCOPE
    if flavour == "cfn":
        (authorizer,) = resources_of(built, "AWS::ApiGateway::Authorizer").values()
        assert authorizer["Properties"]["AuthorizerUri"] == {
            "Fn::Sub": [
                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                "functions/${FunctionArn}/invocations",
                {"FunctionArn": TOKENS},
            ]
        }
    functions = {
        *resources_of(built, "AWS::Lambda::Function"),
        *resources_of(built, "AWS::Serverless::Function"),
    }
    assert functions == {"Function"}, "only the config's own function is created"
    if flavour == "cfn":
        plain = build_template(cfg).to_dict()
        anonymous = simulate(cfg, plain, Call("GET", "/hello"))
        assert (anonymous.status, anonymous.layer) == (401, "authorization"), anonymous
        assert "tokens" in anonymous.reason


def test_an_authorizer_naming_no_function_lists_the_existing_ones_too() -> None:
    data = with_changes(AUTHORIZED_BY_EXISTING, auth={"lambda": "tokenz"})
    with pytest.raises(ConfigError) as caught:
        Config(**data)
    assert (
        "auth.lambda: names no function (got tokenz; expected one of: main, legacy, tokens)"
        in str(caught.value)
    )

"""Routes from an OpenAPI document (#27, first part): every operation becomes a route as if
written under routes:, with the spec's targets, security, validation and integrations read;
problems in the spec are refused with its JSON pointer; the result builds exactly what the
same routes written by hand build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from privgw import Config, ConfigError, build_template, lint_text, load_config, render
from privgw.config.auth import CognitoAuth, LambdaAuth
from privgw.kinds import kind_of
from privgw.model import resolve_api
from privgw.resources.template import api_notes
from tests.support.configs import BASE_CONFIG, resources_of

FUNCTIONS = {
    "orders": BASE_CONFIG["function"],
    "reports": BASE_CONFIG["function"],
}
LEGACY = "arn:aws:lambda:eu-west-1:111122223333:function:legacy"
LAMBDA_PATH = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions"


def spec(**paths: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "info": {"title": "orders", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
                "sigv4": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "awsSigv4",
                },
            },
            "schemas": {
                "Order": {
                    "type": "object",
                    "required": ["sku"],
                    "properties": {
                        "sku": {"type": "string", "example": "A-1"},
                        "note": {"type": "string", "nullable": True},
                        "line": {"$ref": "#/components/schemas/Line"},
                    },
                },
                "Line": {"type": "object", "properties": {"qty": {"type": "integer"}}},
            },
        },
    }


OK = {"200": {"description": "ok"}}
ORDERS_SPEC = spec(
    **{
        "/orders": {
            "get": {
                "operationId": "listOrders",
                "parameters": [
                    {"name": "page", "in": "query", "required": True, "schema": {"type": "string"}}
                ],
                "responses": OK,
            },
            "post": {
                "operationId": "createOrder",
                "security": [{"key": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Order"}}
                    },
                },
                "responses": OK,
            },
        },
        "/orders/{id}": {
            "get": {
                "operationId": "getOrder",
                "security": [{"sigv4": []}],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": OK,
            }
        },
        "/reports/{proxy+}": {
            "x-amazon-apigateway-any-method": {
                "responses": OK,
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": {
                        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                        "functions/${ReportsFunction.Arn}/invocations"
                    },
                },
            }
        },
        "/health": {
            "get": {
                "security": [],
                "responses": OK,
                "x-amazon-apigateway-integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{"statusCode": 204}'},
                },
            }
        },
    }
)


def write(folder: Path, spec_data: Any, **config: Any) -> Path:
    # JSON is YAML too
    (folder / "orders.openapi.yaml").write_text(json.dumps(spec_data), encoding="utf-8")
    data = {
        "name": "orders",
        "network": BASE_CONFIG["network"],
        "functions": FUNCTIONS,
        "consumers": {"shop": {}},
        "openapi": {"path": "orders.openapi.yaml", "default_target": "orders"},
        **config,
    }
    path = folder / "config.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [str(p) for p in caught.value.problems]


def test_every_operation_becomes_a_route_with_what_the_spec_says(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, ORDERS_SPEC))
    routes = {f"{r.method} {r.path}": r for r in cfg.routes}
    assert list(routes) == [
        "GET /orders",
        "POST /orders",
        "GET /orders/{id}",
        "ANY /reports/{proxy+}",
        "GET /health",
    ]
    listed = routes["GET /orders"]
    assert listed.target == "orders"
    assert listed.required_parameters == ["querystring.page"]
    assert listed.request_validation == "params"
    created = routes["POST /orders"]
    assert created.api_key_required is True
    assert created.request_validation == "body"
    assert created.request_schema == {
        "type": "object",
        "required": ["sku"],
        "properties": {
            "sku": {"type": "string"},
            "note": {"type": ["string", "null"]},
            "line": {"type": "object", "properties": {"qty": {"type": "integer"}}},
        },
    }
    assert routes["GET /orders/{id}"].auth == "iam"
    assert routes["ANY /reports/{proxy+}"].target == "reports"
    health = routes["GET /health"]
    assert health.mock is not None
    assert health.mock.status == 204
    assert health.auth == "none"


def test_it_builds_what_the_same_routes_written_by_hand_build(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, ORDERS_SPEC))
    by_hand = cfg.model_dump(mode="json", by_alias=True, exclude_unset=True)
    by_hand.pop("openapi")
    by_hand["routes"] = [
        r.model_dump(mode="json", by_alias=True, exclude_unset=True) for r in cfg.routes
    ]
    hand = Config(**by_hand)
    for flavour in ("cfn", "sam"):
        from_spec = render(build_template(cfg, flavour), "yaml")
        assert from_spec == render(build_template(hand, flavour), "yaml"), flavour
        assert lint_text(from_spec) == [], flavour


def test_targets_by_operation_id_or_method_and_path_and_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ORDERS_SPEC,
        openapi={
            "path": "orders.openapi.yaml",
            "default_target": "orders",
            "targets": {
                "getOrder": "reports",
                "GET /orders": {"mock": {"status": 200, "body": '{"orders": []}'}},
            },
        },
        routes=[
            {
                "method": "POST",
                "path": "/orders",
                "target": "reports",
                "operation": "createOrder",
                "api_key_required": True,
            },
            "DELETE /orders/{id} -> orders",
        ],
    )
    routes = {f"{r.method} {r.path}": r for r in load_config(path).routes}
    assert routes["GET /orders/{id}"].target == "reports"
    assert routes["GET /orders"].mock is not None
    assert routes["POST /orders"].target == "reports"  # replaced by the config's own route
    assert routes["POST /orders"].request_schema is None
    assert routes["DELETE /orders/{id}"].target == "orders"  # added


def test_a_swagger_2_document_reads_the_same(tmp_path: Path) -> None:
    swagger = {
        "swagger": "2.0",
        "info": {"title": "orders", "version": "1"},
        "paths": {
            "/orders": {
                "post": {
                    "operationId": "createOrder",
                    "security": [{"key": []}],
                    "parameters": [
                        {
                            "name": "body",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Order"},
                        },
                        {"name": "X-Tenant", "in": "header", "required": True, "type": "string"},
                    ],
                    "responses": OK,
                }
            }
        },
        "securityDefinitions": {"key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
        "definitions": {"Order": {"type": "object", "properties": {"sku": {"type": "string"}}}},
    }
    (route,) = load_config(
        write(tmp_path, swagger, functions={"orders": BASE_CONFIG["function"]})
    ).routes
    assert route.api_key_required is True
    assert route.required_parameters == ["header.X-Tenant"]
    assert route.request_validation == "all"
    assert route.request_schema == {"type": "object", "properties": {"sku": {"type": "string"}}}


def test_the_specs_own_policy_is_set_aside_with_a_note(tmp_path: Path) -> None:
    with_policy = {**ORDERS_SPEC, "x-amazon-apigateway-policy": {"Version": "2012-10-17"}}
    cfg = load_config(write(tmp_path, with_policy))
    notes = kind_of(cfg).build_notes(cfg)
    assert any("x-amazon-apigateway-policy is not used" in n for n in notes)
    policy = build_template(cfg).to_dict()["Resources"]["RestApi"]["Properties"]["Policy"]
    assert policy["Statement"]  # privgw's own allow-list


def _operation(extra: dict[str, Any]) -> dict[str, Any]:
    return {"/things": {"get": {"operationId": "getThings", "responses": OK, **extra}}}


@pytest.mark.parametrize(
    ("paths", "openapi", "fragment"),
    [
        (
            _operation({}),
            {"default_target": None},
            "#/paths/~1things/get has no target (operation getThings)",
        ),
        (_operation({}), {"targets": {"getThing": "orders"}}, "did you mean getThings?"),
        (
            _operation({"x-amazon-apigateway-request-validator": "all"}),
            {},
            "#/paths/~1things/get/x-amazon-apigateway-request-validator names validator all",
        ),
        (
            _operation({"x-amazon-apigateway-documentation": {"version": "1"}}),
            {},
            "#/paths/~1things/get/x-amazon-apigateway-documentation uses",
        ),
        (
            _operation(
                {
                    "x-amazon-apigateway-integration": {
                        "type": "aws",
                        "httpMethod": "POST",
                        "uri": "x",
                    }
                }
            ),
            {},
            "is an integration of type aws",
        ),
        (
            _operation(
                {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "httpMethod": "POST",
                        "uri": f"{LAMBDA_PATH}/{LEGACY}/invocations",
                    }
                }
            ),
            {"default_target": None},
            f"sends the operation to Lambda {LEGACY}, which the config does not have",
        ),
        (
            _operation({"parameters": [{"$ref": "other.yaml#/Page"}]}),
            {},
            "refers to other.yaml#/Page, which is no file",
        ),
        (
            _operation({"parameters": [{"name": "q", "in": "query"}]}),
            {},
            "#/paths/~1things/get/parameters/0 fails validation",
        ),
        (
            _operation(
                {
                    "x-amazon-apigateway-integration": {
                        "type": "mock",
                        "responses": {
                            "default": {
                                "statusCode": "200",
                                "responseParameters": {
                                    "method.response.header.X-Id": "context.requestId"
                                },
                            }
                        },
                    }
                }
            ),
            {},
            "/responses sets method.response.header.X-Id from context.requestId, which a mock "
            "cannot",
        ),
        (
            _operation(
                {
                    "x-amazon-apigateway-integration": {
                        "type": "mock",
                        "responses": {
                            "default": {
                                "statusCode": "200",
                                "responseTemplates": {"application/json": "{}", "text/xml": ""},
                            }
                        },
                    }
                }
            ),
            {},
            "answers in 2 content types (application/json, text/xml)",
        ),
        (
            _operation({"security": [{"key": []}, {"sigv4": []}]}),
            {},
            "offers alternative security requirements",
        ),
    ],
)
def test_refusals_name_the_specs_pointer(
    tmp_path: Path, paths: dict[str, Any], openapi: dict[str, Any], fragment: str
) -> None:
    source = {"path": "orders.openapi.yaml", "default_target": "orders", **openapi}
    source = {k: v for k, v in source.items() if v is not None}
    found = problems_of(write(tmp_path, spec(**paths), openapi=source, consumers={}))
    assert any(fragment in p and p.startswith("openapi") for p in found), found


def test_a_recursive_body_schema_is_refused(tmp_path: Path) -> None:
    looped = spec(
        **{
            "/things": {
                "post": {
                    "operationId": "addThing",
                    "responses": OK,
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}
                        }
                    },
                }
            }
        }
    )
    looped["components"]["schemas"]["Node"] = {
        "type": "object",
        "properties": {"next": {"$ref": "#/components/schemas/Node"}},
    }
    found = problems_of(write(tmp_path, looped, consumers={}))
    assert any("recursive schema" in p for p in found), found


def test_the_spec_must_be_in_the_configs_folder_and_readable(tmp_path: Path) -> None:
    config = write(tmp_path, ORDERS_SPEC, openapi={"path": "../elsewhere.yaml"})
    assert any("is outside the config's folder" in p for p in problems_of(config))
    config = write(tmp_path, ORDERS_SPEC, openapi={"path": "missing.yaml"})
    assert any("cannot be read" in p for p in problems_of(config))


def test_a_route_repeating_an_operation_must_name_it(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, ORDERS_SPEC, routes=["GET /orders -> reports"]))
    assert found == [
        "routes[0]: repeats GET /orders, operation listOrders of the spec (expected "
        "operation: listOrders on this route to replace the spec's, or another path)"
    ]
    found = problems_of(
        write(tmp_path, ORDERS_SPEC, routes=[{"method": "GET", "path": "/x", "operation": "nope"}])
    )
    assert any("routes[0].operation: names no operation of the spec" in p for p in found), found


def test_operation_without_openapi_is_refused() -> None:
    data = {**BASE_CONFIG, "routes": [{"method": "GET", "path": "/x", "operation": "getX"}]}
    with pytest.raises(ConfigError, match=r"routes\[0\].operation: names a spec operation"):
        Config(**data)


def test_a_config_built_in_code_finds_the_spec_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, ORDERS_SPEC)
    data = yaml.safe_load((tmp_path / "config.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    assert len(Config(**data).routes) == 5
    assert json.loads(json.dumps(data))["openapi"]["path"] == "orders.openapi.yaml"


def test_the_specs_request_validator_chooses_what_is_validated(tmp_path: Path) -> None:
    """x-amazon-apigateway-request-validator (the operation's, else the spec's default) names
    one of x-amazon-apigateway-request-validators; its two flags decide."""
    body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}},
    }
    query = [{"name": "dry", "in": "query", "required": True, "schema": {"type": "string"}}]
    document = spec(
        **{
            "/orders": {
                "post": {
                    "operationId": "create",
                    "requestBody": body,
                    "parameters": query,
                    "responses": OK,
                },
                "put": {
                    "operationId": "replace",
                    "requestBody": body,
                    "parameters": query,
                    "responses": OK,
                    "x-amazon-apigateway-request-validator": "nothing",
                },
            }
        }
    )
    document["x-amazon-apigateway-request-validator"] = "params-only"
    document["x-amazon-apigateway-request-validators"] = {
        "params-only": {"validateRequestParameters": True, "validateRequestBody": False},
        "nothing": {"validateRequestParameters": False, "validateRequestBody": False},
    }
    config = write(tmp_path, document, functions={"orders": FUNCTIONS["orders"]}, consumers={})
    routes = {r.method: r for r in load_config(config).routes}
    assert routes["POST"].request_validation == "params"
    assert routes["POST"].required_parameters == ["querystring.dry"]
    assert routes["POST"].request_schema is None
    assert routes["PUT"].request_validation is None
    assert routes["PUT"].required_parameters == []


AUTHORIZERS: dict[str, Any] = {
    "tokens": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
            "type": "token",
            "authorizerUri": {
                "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                "${ReportsFunction.Arn}/invocations"
            },
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": 60,
        },
    },
    "pool": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {
            "type": "cognito_user_pools",
            "providerARNs": ["arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_Ab"],
        },
    },
    "ghost": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authorizer": {
            "type": "request",
            "authorizerUri": f"{LAMBDA_PATH}/arn:aws:lambda:eu-west-1:1:function:ghost/invocations",
            "identitySource": "method.request.header.X-Token, method.request.querystring.t",
        },
    },
    "oauth": {"type": "oauth2", "flows": {"implicit": {
        "authorizationUrl": "https://id.example.com/a", "scopes": {"read": "read"}}}},
}  # fmt: skip


def _secured(requirement: dict[str, list[str]]) -> dict[str, Any]:
    document = spec(**_operation({"security": [requirement]}))
    document["components"]["securitySchemes"].update(AUTHORIZERS)
    return document


def test_authorizers_in_the_spec_become_the_routes_auth(tmp_path: Path) -> None:
    token = load_config(write(tmp_path, _secured({"tokens": []}), consumers={})).routes[0]
    assert isinstance(token.auth, LambdaAuth)
    assert token.auth.model_dump(by_alias=True) == {
        "lambda": "reports",
        "type": "token",
        "identity_source": ["header.Authorization"],
        "result_ttl": 60,
    }
    only_orders = {"orders": FUNCTIONS["orders"]}
    pool_config = write(
        tmp_path, _secured({"pool": ["orders/read"]}), consumers={}, functions=only_orders
    )
    pool = load_config(pool_config)
    auth = pool.routes[0].auth
    assert isinstance(auth, CognitoAuth)
    assert auth.model_dump() == {
        "cognito": {
            "user_pool_arns": ["arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_Ab"],
            "scopes": ["orders/read"],
            "header": "Authorization",
        }
    }
    keyed = load_config(write(tmp_path, _secured({"pool": [], "key": []}), functions=only_orders))
    assert keyed.routes[0].api_key_required is True


@pytest.mark.parametrize(
    ("requirement", "fragment"),
    [
        ({"ghost": []}, "authorizerUri invokes function:ghost, which is no function of the config"),
        ({"oauth": []}, "a security scheme API Gateway does not enforce (oauth2)"),
        ({"pool": [], "sigv4": []}, "needs two kinds of authorization"),
    ],
)
def test_authorization_the_spec_cannot_have_is_refused(
    tmp_path: Path, requirement: dict[str, list[str]], fragment: str
) -> None:
    found = problems_of(write(tmp_path, _secured(requirement), consumers={}))
    assert any(fragment in p for p in found), found


def test_with_one_function_operations_without_a_target_go_to_it(tmp_path: Path) -> None:
    """As a route written without a target does: exactly as if written under routes:."""
    one = write(tmp_path, spec(**_operation({})), consumers={})
    data = json.loads(one.read_text(encoding="utf-8"))
    data.pop("functions")
    data["function"] = BASE_CONFIG["function"]
    data["openapi"] = {"path": "orders.openapi.yaml"}
    one.write_text(json.dumps(data), encoding="utf-8")
    cfg = load_config(one)
    assert cfg.target_of(cfg.routes[0]).name == "main"


def test_operation_ids_name_the_routes_in_the_template_and_in_privgws_output(
    tmp_path: Path,
) -> None:
    """operationId -> route name -> the Method's OperationName (operationId in the body
    form), and the label diagrams and simulate print."""
    cfg = load_config(write(tmp_path, ORDERS_SPEC))
    names = {f"{r.method} {r.path}": r.name for r in cfg.routes}
    assert names["GET /orders"] == "listOrders"
    assert names["GET /health"] is None  # no operationId: no name
    methods = resources_of(build_template(cfg).to_dict(), "AWS::ApiGateway::Method")
    assert methods["MethodOrdersGet"]["Properties"]["OperationName"] == "listOrders"
    assert "OperationName" not in methods["MethodHealthGet"]["Properties"]
    body_cfg = cfg.model_copy(update={"api_definition": "body"})
    body = next(
        iter(resources_of(build_template(body_cfg).to_dict(), "AWS::ApiGateway::RestApi").values())
    )["Properties"]["Body"]
    assert body["paths"]["/orders"]["get"]["operationId"] == "listOrders"
    assert "operationId" not in body["paths"]["/health"]["get"]
    labels = {m.label() for m in resolve_api(cfg).routes}
    assert "GET /orders/{id} (getOrder)" in labels
    assert "GET /health" in labels


def test_two_routes_with_one_name_are_refused_naming_both(tmp_path: Path) -> None:
    found = problems_of(
        write(
            tmp_path,
            ORDERS_SPEC,
            routes=[{"method": "GET", "path": "/extra", "name": "listOrders", "target": "orders"}],
        )
    )
    assert found == [
        "routes[5].name: repeats the name 'listOrders' of routes[0] (expected a name per route "
        "(an OpenAPI operationId is unique))"
    ], found


def test_a_mock_in_the_spec_keeps_its_status_headers_and_body(tmp_path: Path) -> None:
    """The CORS preflight API Gateway's console and exports write: the request template picks
    the status, which selects the integration response whose static headers and template are
    the answer (a selection pattern beats default)."""
    preflight = {
        "responses": OK,
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "passthroughBehavior": "when_no_match",
            "responses": {
                "default": {"statusCode": "500"},
                "2\\d{2}": {
                    "statusCode": "200",
                    "responseParameters": {
                        "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
                        "method.response.header.Access-Control-Allow-Origin": "'*'",
                    },
                    "responseTemplates": {"text/plain": "ok $context.requestId"},
                },
            },
        },
    }
    document = spec(**{"/things": {"options": preflight}}, **ORDERS_SPEC["paths"])
    route = load_config(write(tmp_path, document)).routes[0]
    assert route.method == "OPTIONS"
    assert route.mock is not None
    assert route.mock.model_dump() == {
        "status": 200,
        "body": "ok $context.requestId",
        "content_type": "text/plain",
        "headers": {
            "Access-Control-Allow-Methods": "GET,OPTIONS",
            "Access-Control-Allow-Origin": "*",
        },
    }


def test_a_mock_read_from_the_spec_is_written_back_the_same_way(tmp_path: Path) -> None:
    """privgw's own AWS-form export of a mock (no privgw records) reads back as that mock."""
    from privgw.openapi_export import export_openapi  # noqa: PLC0415

    data = json.loads(write(tmp_path, ORDERS_SPEC).read_text(encoding="utf-8"))
    data["openapi"]["targets"] = {
        "GET /health": {
            "mock": {
                "status": 203,
                "body": "hi",
                "content_type": "text/plain",
                "headers": {"X-A": "b"},
            }
        }
    }
    (tmp_path / "config.yaml").write_text(json.dumps(data), encoding="utf-8")
    cfg = load_config(tmp_path / "config.yaml")
    document, _ = export_openapi(cfg, aws_extensions=True)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("x-privgw-route", None)
    (tmp_path / "orders.openapi.yaml").write_text(json.dumps(document), encoding="utf-8")
    data["openapi"] = {"path": "orders.openapi.yaml", "default_target": "orders"}
    (tmp_path / "config.yaml").write_text(json.dumps(data), encoding="utf-8")
    again = {f"{r.method} {r.path}": r for r in load_config(tmp_path / "config.yaml").routes}
    health = {f"{r.method} {r.path}": r for r in cfg.routes}["GET /health"]
    assert again["GET /health"].mock == health.mock
    assert lint_text(render(build_template(cfg), "yaml")) == []


def test_the_api_key_source_is_read_and_tls_extensions_are_set_aside(tmp_path: Path) -> None:
    document = dict(ORDERS_SPEC, **{"x-amazon-apigateway-api-key-source": "HEADER"})
    document["x-amazon-apigateway-security-policy"] = "SecurityPolicy_TLS13_1_3_2025_09"
    cfg = load_config(write(tmp_path, document))
    assert any("x-amazon-apigateway-security-policy is not used" in n for n in api_notes(cfg))
    document["x-amazon-apigateway-api-key-source"] = "AUTHORIZER"
    found = problems_of(write(tmp_path, document))
    assert found == [
        "openapi: the spec at #/x-amazon-apigateway-api-key-source takes API keys from "
        "AUTHORIZER (expected HEADER: privgw's consumers send their key in x-api-key)"
    ]


def test_a_swagger_document_keeps_its_authorizers_in_security_definitions(
    tmp_path: Path,
) -> None:
    """Swagger 2.0 names its schemes under securityDefinitions: an authorizer there is read
    (and a refusal points there), as under OpenAPI 3's components."""
    pool: dict[str, Any] = {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {
            "type": "cognito_user_pools",
            "providerARNs": ["arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_a"],
        },
    }
    swagger = {
        "swagger": "2.0",
        "info": {"title": "pets", "version": "1"},
        "securityDefinitions": {"pool": pool},
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "createPet",
                    "security": [{"pool": ["pets/write"]}],
                    "parameters": [
                        {
                            "name": "pet",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Pet"},
                        }
                    ],
                    "responses": OK,
                }
            }
        },
        "definitions": {"Pet": {"type": "object", "required": ["kind"]}},
    }
    (route,) = load_config(
        write(tmp_path, swagger, consumers={}, functions={"orders": FUNCTIONS["orders"]})
    ).routes
    assert isinstance(route.auth, CognitoAuth)
    assert route.auth.cognito.scopes == ["pets/write"]
    assert route.request_schema == {"type": "object", "required": ["kind"]}
    pool["x-amazon-apigateway-authorizer"]["type"] = "jwt"
    found = problems_of(
        write(tmp_path, swagger, consumers={}, functions={"orders": FUNCTIONS["orders"]})
    )
    assert found[0].startswith(
        "openapi: the spec at #/securityDefinitions/pool/x-amazon-apigateway-authorizer/type "
        "is an authorizer of type jwt"
    ), found


def test_a_path_item_by_reference_is_read_and_a_trace_operation_is_refused(
    tmp_path: Path,
) -> None:
    """No operation of the spec is dropped silently: a referenced path item's operations are
    routes, and TRACE, which API Gateway has no method for, is refused."""
    document = spec(**{"/things": {"$ref": "#/components/pathItems/things"}})
    document["openapi"] = "3.1.0"
    document["components"]["pathItems"] = {
        "things": {"get": {"operationId": "listThings", "responses": OK}}
    }
    one = {"orders": FUNCTIONS["orders"]}
    (route,) = load_config(write(tmp_path, document, consumers={}, functions=one)).routes
    assert (route.method, route.path, route.name) == ("GET", "/things", "listThings")
    document["components"]["pathItems"]["things"]["trace"] = {"responses": OK}
    found = problems_of(write(tmp_path, document, consumers={}, functions=one))
    assert found == [
        "openapi: the spec at #/paths/~1things/trace is a TRACE operation, a method API "
        "Gateway does not take (expected GET, PUT, POST, DELETE, OPTIONS, HEAD or PATCH (or "
        "remove it))"
    ], found


@pytest.mark.parametrize(
    "uri",
    [
        {
            "Fn::Join": [
                "",
                [
                    "arn:aws:apigateway:",
                    {"Ref": "AWS::Region"},
                    ":lambda:path/2015-03-31/functions/",
                    {"Fn::GetAtt": ["ReportsFunction", "Arn"]},
                    "/invocations",
                ],
            ]
        },
        {
            "Fn::Sub": [
                "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Arn}/"
                "invocations",
                {"Arn": {"Fn::GetAtt": "ReportsFunction.Arn"}},
            ]
        },
    ],
    ids=["join-getatt", "sub-variables"],
)
def test_an_integration_uri_in_any_cloudformation_form_names_its_function(
    tmp_path: Path, uri: dict[str, Any]
) -> None:
    """SAM and CloudFormation templates write the URI with Fn::Join or Fn::Sub variables as
    often as with ${Name.Arn}: each names the same function."""
    integration = {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
    document = spec(**_operation({"x-amazon-apigateway-integration": integration}))
    path = write(
        tmp_path,
        document,
        consumers={},
        functions={"reports": FUNCTIONS["reports"]},
        openapi={"path": "orders.openapi.yaml"},
    )
    assert [r.target for r in load_config(path).routes] == ["reports"]


@pytest.mark.parametrize(
    "changes",
    [
        {"existing_functions": {"legacy": {"arn": [LEGACY]}}},
        {"existing_functions": [LEGACY]},
        {"functions": ["orders", "reports"]},
        {"backends": {"inventory": ["not", "a", "backend"]}},
    ],
    ids=["arn-list", "existing-list", "functions-list", "backend-list"],
)
def test_malformed_sections_beside_a_spec_are_problems_not_crashes(
    tmp_path: Path, changes: dict[str, Any]
) -> None:
    """What the fuzz test found: a section of the wrong shape, read while the spec's
    integrations are matched to targets, raised TypeError instead of a problem."""
    integration = {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": f"{LAMBDA_PATH}/{LEGACY}/invocations",
    }
    linked = {"type": "http_proxy", "connectionType": "VPC_LINK", "connectionId": "abc"}
    document = spec(
        **{
            "/legacy": {"get": {"responses": OK, "x-amazon-apigateway-integration": integration}},
            "/stock": {"get": {"responses": OK, "x-amazon-apigateway-integration": linked}},
        }
    )
    assert problems_of(write(tmp_path, document, consumers={}, **changes))

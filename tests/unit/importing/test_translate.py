"""What ``privgw import`` makes of a live API, from snapshots (no AWS): the resource policy's
shapes as privgw's allow-list, each statement it cannot carry reported; methods as routes;
usage plans as consumers; holes named first; and the config it writes builds."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from privgw import build_template, validate_config
from privgw.evaluate import ApiArn
from privgw.importing.policy import parse_policy, read_policy
from privgw.importing.run import config_text, imported_from

API = "a1b2c3d4e5"
ACCOUNT = "111122223333"
WHOLE = f"arn:aws:execute-api:eu-west-1:{ACCOUNT}:{API}/*"
VPCE = "vpce-0a1b2c3d4e5f60718"
OTHER = "vpce-0a1b2c3d4e5f60719"
FUNCTION = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:orders"
LAMBDA_URI = f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"


def invoke(effect: str, condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    statement = {
        "Effect": effect,
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": WHOLE,
        **extra,
    }
    if condition:
        statement["Condition"] = condition
    return statement


def snapshot(*statements: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A private API with one proxy route to ``orders``, through endpoint VPCE."""
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    base: dict[str, Any] = {
        "region": "eu-west-1",
        "api": {
            "id": API,
            "name": "orders api",
            "endpointConfiguration": {"types": ["PRIVATE"], "vpcEndpointIds": [VPCE]},
            # as get-rest-api returns it: the JSON string with its quotes escaped
            "policy": json.dumps(policy).replace('"', '\\"'),
        },
        "resources": [
            {"id": "r0", "path": "/"},
            {
                "id": "r1",
                "path": "/orders",
                "resourceMethods": {
                    "GET": {
                        "httpMethod": "GET",
                        "authorizationType": "NONE",
                        "methodIntegration": {"type": "AWS_PROXY", "uri": LAMBDA_URI},
                    }
                },
            },
        ],
        "stage": {"stageName": "prod", "tracingEnabled": True},
        "authorizers": [],
        "validators": [],
        "models": [],
        "gateway_responses": [],
        "usage_plans": [],
        "functions": {},
        "endpoints": [{"VpcEndpointId": VPCE, "OwnerId": ACCOUNT, "Groups": []}],
        "security_groups": [],
    }
    base.update(changes)
    return base


SEED = (
    invoke("Deny", {"StringNotEquals": {"aws:sourceVpce": VPCE}}),
    invoke("Allow"),
)


def test_the_escaped_policy_get_rest_api_returns_is_read() -> None:
    text = snapshot(*SEED)["api"]["policy"]
    assert "\\" in text
    assert parse_policy(text) == {"Version": "2012-10-17", "Statement": list(SEED)}


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (list(SEED), {"endpoint_ids": [VPCE]}),
        (
            [invoke("Allow", {"StringEquals": {"aws:SourceVpce": [VPCE, OTHER]}})],
            {"endpoint_ids": [VPCE, OTHER]},
        ),
        (
            [
                invoke("Allow"),
                invoke(
                    "Deny",
                    {"StringNotEquals": {"aws:SourceVpce": [VPCE], "aws:SourceVpc": "vpc-1"}},
                ),
                invoke("Deny", {"NotIpAddress": {"aws:VpcSourceIp": ["10.1.0.0/16"]}}),
            ],
            {"endpoint_ids": [VPCE], "vpc_ids": ["vpc-1"], "source_cidrs": ["10.1.0.0/16"]},
        ),
        (
            [
                invoke("Allow", Principal={"AWS": [f"arn:aws:iam::{ACCOUNT}:role/app"]}),
                SEED[0],
            ],
            {"endpoint_ids": [VPCE], "principals": [f"arn:aws:iam::{ACCOUNT}:role/app"]},
        ),
    ],
)
def test_the_shapes_privgw_writes_and_hand_written_ones_are_read(
    statements: list[dict[str, Any]], expected: dict[str, list[str]]
) -> None:
    reading = read_policy({"Statement": statements}, ApiArn(API, "eu-west-1", ACCOUNT))
    got = {
        key: getattr(reading, key)
        for key in ("endpoint_ids", "vpc_ids", "source_cidrs", "principals")
        if getattr(reading, key)
    }
    assert got == expected
    assert reading.report == []


def test_a_statement_of_another_shape_is_reported_never_dropped() -> None:
    narrow = invoke("Allow", Resource=f"{WHOLE[:-1]}*/GET/orders", Sid="OnlyOrders")
    reading = read_policy({"Statement": [SEED[0], narrow]}, ApiArn(API, "eu-west-1", ACCOUNT))
    assert len(reading.report) == 1
    assert reading.report[0].startswith(
        "policy Statement[1] (OnlyOrders): not a shape privgw writes, so the config does not "
        "carry it:"
    )


def test_an_api_open_to_any_vpc_is_imported_with_the_hole_named_first() -> None:
    open_group = {
        "GroupId": "sg-0123",
        "IpPermissions": [
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": []}
        ],
    }
    imported = imported_from(snapshot(invoke("Allow"), security_groups=[open_group]))
    assert imported.report[0].startswith("policy: HOLE: no statement names an aws:SourceVpce")
    assert imported.report[1].startswith("security group sg-0123: HOLE: admits 0.0.0.0/0")
    decided = [line for line in imported.report if "the live policy allows" in line]
    assert decided == [
        "policy: the live policy allows a call through an endpoint neither lists, anonymous; "
        "the config's refuses it",
        "policy: the live policy allows a call with no endpoint, anonymous; the config's "
        "refuses it",
    ]
    assert imported.config["endpoint"]["existing_ids"] == [VPCE]


def test_the_seeds_policy_is_carried_exactly() -> None:
    imported = imported_from(snapshot(*SEED))
    assert not [line for line in imported.report if line.startswith("policy")]
    assert imported.config["routes"] == [
        {"method": "GET", "path": "/orders", "target": "orders", "auth": "none"}
    ]
    assert imported.config["existing_functions"] == {"orders": {"arn": FUNCTION}}
    text = config_text(imported)
    assert text == config_text(imported_from(snapshot(*SEED)))  # deterministic


def _method(**fields: Any) -> dict[str, Any]:
    return {"httpMethod": "GET", "authorizationType": "NONE", **fields}


def test_methods_become_routes_with_their_auth_validation_and_targets() -> None:
    cors = {
        "type": "MOCK",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "integrationResponses": {
            "200": {
                "statusCode": "200",
                "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"},
            }
        },
    }
    link = {
        "type": "HTTP_PROXY",
        "connectionType": "VPC_LINK",
        "connectionId": "abc123",
        "uri": "http://inventory.internal.example.com/stock",
    }
    model = {"name": "Order", "schema": json.dumps({"type": "object", "required": ["sku"]})}
    resources = [
        {
            "id": "r1",
            "path": "/orders",
            "resourceMethods": {
                "OPTIONS": _method(httpMethod="OPTIONS", methodIntegration=cors),
                "POST": _method(
                    httpMethod="POST",
                    authorizationType="COGNITO_USER_POOLS",
                    authorizerId="au1",
                    authorizationScopes=["orders/write"],
                    apiKeyRequired=True,
                    operationName="createOrder",
                    requestValidatorId="v1",
                    requestModels={"application/json": "Order"},
                    requestParameters={"method.request.header.X-Tenant": True},
                    methodIntegration={"type": "AWS_PROXY", "uri": LAMBDA_URI},
                ),
            },
        },
        {
            "id": "r2",
            "path": "/stock",
            "resourceMethods": {
                "GET": _method(authorizationType="AWS_IAM", methodIntegration=link),
                "PUT": _method(
                    httpMethod="PUT",
                    methodIntegration={
                        "type": "AWS",
                        "uri": "arn:aws:apigateway:eu-west-1:sqs:path/111122223333/stock-updates",
                        "credentials": "arn:aws:iam::111122223333:role/apigw-sqs",
                        "requestTemplates": {
                            "application/json": "Action=SendMessage&MessageBody=$input.body"
                        },
                    },
                ),
            },
        },
    ]
    pool = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_a"
    imported = imported_from(
        snapshot(
            *SEED,
            resources=resources,
            authorizers=[
                {
                    "id": "au1",
                    "type": "COGNITO_USER_POOLS",
                    "providerARNs": [pool],
                    "identitySource": "method.request.header.Authorization",
                }
            ],
            validators=[
                {"id": "v1", "validateRequestBody": True, "validateRequestParameters": True}
            ],
            models=[model],
            usage_plans=[
                {
                    "id": "up1",
                    "name": "mobile-app",
                    "throttle": {"rateLimit": 50.0, "burstLimit": 100},
                    "quota": {"limit": 10000, "period": "DAY"},
                    "keys": ["mobile"],
                }
            ],
        )
    )
    routes = {f"{r['method']} {r['path']}": r for r in imported.config["routes"]}
    assert "OPTIONS /orders" not in routes  # its only preflight: the API's cors
    assert imported.config["cors"]["allow_origins"] == ["*"]
    assert routes["POST /orders"] == {
        "method": "POST",
        "path": "/orders",
        "name": "createOrder",
        "target": "orders",
        "auth": {
            "cognito": {
                "user_pool_arns": [pool],
                "header": "Authorization",
                "scopes": ["orders/write"],
            }
        },
        "api_key_required": True,
        "required_parameters": ["header.X-Tenant"],
        "request_schema": {"type": "object", "required": ["sku"]},
        "request_validation": "all",
    }
    assert routes["GET /stock"]["auth"] == "iam"
    backend = imported.config["backends"][routes["GET /stock"]["target"]]
    assert backend == {
        "uri": "http://inventory.internal.example.com",
        "vpc_link_v1": {"id": "abc123"},
    }
    assert "target_path" not in routes["GET /stock"]  # the backend path is the route's own
    service = imported.config["services"][routes["PUT /stock"]["target"]]
    assert service == {
        "aws": "sqs",
        "action": "SendMessage",
        "arn": "arn:aws:sqs:eu-west-1:111122223333:stock-updates",
        "request_template": "Action=SendMessage&MessageBody=$input.body",
    }
    assert any(
        line.startswith(
            "method PUT /stock: calls sqs SendMessage on arn:aws:sqs:eu-west-1:111122223333:"
            "stock-updates: its role (arn:aws:iam::111122223333:role/apigw-sqs) is not carried"
        )
        for line in imported.report
    )
    assert imported.config["consumers"] == {
        "mobileApp": {
            "throttle": {"rate": 50.0, "burst": 100},
            "quota": {"limit": 10000, "period": "DAY"},
        }
    }
    assert any(
        "usage plan mobile-app (up1): consumer mobileApp; its keys (mobile)" in line
        for line in imported.report
    )
    cfg = validate_config(copy.deepcopy(imported.config))
    assert build_template(cfg).to_dict()["Resources"]


def test_a_lambda_authorizer_is_its_existing_function() -> None:
    tokens = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:tokens:live"
    resources = [
        {
            "id": "r1",
            "path": "/orders",
            "resourceMethods": {
                "GET": _method(
                    authorizationType="CUSTOM",
                    authorizerId="au2",
                    methodIntegration={"type": "AWS_PROXY", "uri": LAMBDA_URI},
                )
            },
        }
    ]
    authorizer = {
        "id": "au2",
        "name": "tokens",
        "type": "REQUEST",
        "authorizerUri": LAMBDA_URI.replace(FUNCTION, tokens),
        "identitySource": "method.request.header.X-Token, method.request.querystring.tenant",
        "authorizerResultTtlInSeconds": 0,
    }
    imported = imported_from(snapshot(*SEED, resources=resources, authorizers=[authorizer]))
    (route,) = imported.config["routes"]
    assert route["auth"] == {
        "lambda": "tokens",
        "type": "request",
        "identity_source": ["header.X-Token", "query.tenant"],
        "result_ttl": 0,
    }
    assert imported.config["existing_functions"]["tokens"] == {"arn": tokens}
    cfg = validate_config(copy.deepcopy(imported.config))
    assert "AWS::ApiGateway::Authorizer" in json.dumps(build_template(cfg).to_dict())


def test_customised_gateway_responses_are_carried_and_privgws_own_left_out() -> None:
    from privgw.resources.responses import DEFAULT_RESPONSES  # noqa: PLC0415

    status, body = DEFAULT_RESPONSES["ACCESS_DENIED"]
    responses = [
        {"responseType": "DEFAULT_4XX", "defaultResponse": True, "statusCode": "400"},
        {
            "responseType": "ACCESS_DENIED",
            "defaultResponse": False,
            "statusCode": str(status),
            "responseTemplates": {"application/json": body},
        },
        {
            "responseType": "QUOTA_EXCEEDED",
            "defaultResponse": False,
            "statusCode": "429",
            "responseTemplates": {"text/plain": "slow down $context.requestId"},
            "responseParameters": {
                "gatewayresponse.header.Retry-After": "'60'",
                "gatewayresponse.header.X-Caller": "context.identity.sourceIp",
            },
        },
    ]
    imported = imported_from(snapshot(*SEED, gateway_responses=responses))
    assert imported.config["gateway_responses"] == {
        "QUOTA_EXCEEDED": {
            "status": 429,
            "content_type": "text/plain",
            "body": "slow down $context.requestId",
            "headers": {"Retry-After": "60"},
        }
    }
    assert (
        "gateway response QUOTA_EXCEEDED: maps gatewayresponse.header.X-Caller from "
        "context.identity.sourceIp; not carried (static only)"
    ) in imported.report


def _preflight(origin: str = "'*'", methods: str = "'GET,OPTIONS'") -> dict[str, Any]:
    """The OPTIONS mock the console's "Enable CORS" writes."""
    return _method(
        httpMethod="OPTIONS",
        methodIntegration={
            "type": "MOCK",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "integrationResponses": {
                "200": {
                    "statusCode": "200",
                    "responseParameters": {
                        "method.response.header.Access-Control-Allow-Headers": (
                            "'Content-Type,X-Amz-Date,Authorization,X-Api-Key'"
                        ),
                        "method.response.header.Access-Control-Allow-Methods": methods,
                        "method.response.header.Access-Control-Allow-Origin": origin,
                    },
                }
            },
        },
    )


def _with_preflights(*preflights: dict[str, Any]) -> dict[str, Any]:
    proxy = {"type": "AWS_PROXY", "uri": LAMBDA_URI}
    resources = [
        {
            "id": f"r{i}",
            "path": path,
            "resourceMethods": {"GET": _method(methodIntegration=proxy), "OPTIONS": preflight},
        }
        for i, (path, preflight) in enumerate(zip(("/a", "/b"), preflights, strict=True))
    ]
    return snapshot(*SEED, resources=resources)


def test_console_cors_preflights_become_the_configs_cors() -> None:
    imported = imported_from(_with_preflights(_preflight(), _preflight()))
    assert [r["method"] for r in imported.config["routes"]] == ["GET", "GET"]
    assert imported.config["cors"] == {
        "allow_origins": ["*"],
        "allow_headers": ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key"],
        "allow_credentials": False,
        "max_age": 600,
    }
    assert any("read as cors" in line for line in imported.report)
    validate_config(copy.deepcopy(imported.config))


def test_preflights_that_disagree_stay_mocks_answering_as_before() -> None:
    imported = imported_from(
        _with_preflights(_preflight(), _preflight(origin="'https://app.example.com'"))
    )
    assert "cors" not in imported.config
    options = [r for r in imported.config["routes"] if r["method"] == "OPTIONS"]
    assert [r["mock"]["headers"]["Access-Control-Allow-Origin"] for r in options] == [
        "*",
        "https://app.example.com",
    ]


def test_a_policy_open_to_any_endpoint_in_a_shape_import_does_not_read_is_a_hole() -> None:
    """An Allow for everyone whose only condition is not about endpoints (here a time
    window): reported as not carried, and, decided, a hole."""
    window = invoke("Allow", {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})
    imported = imported_from(snapshot(invoke("Allow"), window))
    assert imported.report[0].startswith("policy: HOLE: no statement names an aws:SourceVpce")
    only_other = imported_from(snapshot(invoke("Allow", {"Bool": {"aws:SecureTransport": "true"}})))
    assert only_other.report[0].startswith(
        "policy: HOLE: the live policy allows a call through a VPC endpoint it does not name"
    ), only_other.report


def test_method_settings_become_the_routes_throttling_and_cache() -> None:
    """The stage's per-method settings (key ~1orders/GET) and the stage's cache cluster."""
    stage = {
        "stageName": "prod",
        "tracingEnabled": True,
        "cacheClusterEnabled": True,
        "cacheClusterSize": "1.6",
        "methodSettings": {
            "*/*": {"metricsEnabled": True, "loggingLevel": "ERROR", "cacheDataEncrypted": True},
            "~1orders/GET": {
                "throttlingRateLimit": 25.0,
                "throttlingBurstLimit": 50,
                "cachingEnabled": True,
                "cacheTtlInSeconds": 60,
            },
        },
    }
    snap = snapshot(*SEED, stage=stage, validators=[{"id": "v", "validateRequestParameters": True}])
    method = snap["resources"][1]["resourceMethods"]["GET"]
    method["requestValidatorId"] = "v"
    method["requestParameters"] = {
        "method.request.querystring.page": True,
        "method.request.header.X-Trace": False,
    }
    method["methodIntegration"]["cacheKeyParameters"] = [
        "method.request.querystring.page",
        "method.request.header.X-Trace",
    ]
    imported = imported_from(snap)
    (route,) = imported.config["routes"]
    assert route["throttling"] == {"rate_limit": 25.0, "burst_limit": 50}
    assert route["cache"] == {
        "ttl_seconds": 60,
        "key_parameters": ["method.request.querystring.page"],
    }
    assert any("cache key method.request.header.X-Trace left out" in r for r in imported.report)
    assert imported.config["stage"] == {
        "name": "prod",
        "metrics": True,
        "logging_level": "ERROR",
        "cache": {"size": "1.6", "encrypted": True},
    }
    validate_config(copy.deepcopy(imported.config))


def test_a_required_parameter_nothing_enforces_is_reported_not_carried() -> None:
    snap = snapshot(*SEED)
    snap["resources"][1]["resourceMethods"]["GET"]["requestParameters"] = {
        "method.request.header.X-Tenant": True
    }
    imported = imported_from(snap)
    assert "required_parameters" not in imported.config["routes"][0]
    assert any(
        "GET /orders: requires header.X-Tenant without a validator that checks parameters" in line
        for line in imported.report
    )


def test_the_private_custom_domain_mapped_to_the_api_is_carried() -> None:
    certificate = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/0a1b2c3d"
    domains = [
        {
            "domainName": "orders.internal.example.com",
            "domainNameId": "abc123",
            "certificateArn": certificate,
            "mappings": [{"basePath": "v2", "restApiId": API, "stage": "prod"}],
        }
    ]
    imported = imported_from(snapshot(*SEED, domains=domains))
    assert imported.config["custom_domain"] == {
        "name": "orders.internal.example.com",
        "certificate_arn": certificate,
        "base_path": "v2",
    }
    assert any("creates its own private domain name" in line for line in imported.report)
    validate_config(copy.deepcopy(imported.config))


def test_with_code_a_function_the_config_refuses_is_kept_as_it_runs(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--code: a ZIP function becomes the config's own; one whose runtime privgw refuses (AWS
    deprecated it) stays an existing function, with the reason; an image has no package."""
    from privgw.importing import run  # noqa: PLC0415

    def unpack(location: str, folder: Any, name: str) -> None:
        folder.mkdir(parents=True)
        (folder / "index.py").write_text("def handler(event, context):\\n    return {}\\n")

    monkeypatch.setattr(run, "download", unpack)
    other = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:reports"
    snap = snapshot(*SEED)
    snap["resources"][1]["resourceMethods"]["POST"] = _method(
        httpMethod="POST",
        methodIntegration={"type": "AWS_PROXY", "uri": LAMBDA_URI.replace(FUNCTION, other)},
    )
    snap["functions"] = {
        FUNCTION: {"Runtime": "python3.13", "Handler": "index.handler", "MemorySize": 256,
                   "Timeout": 10, "PackageType": "Zip", "CodeLocation": "https://example.com/x"},
        other: {"Runtime": "python3.8", "Handler": "index.handler", "PackageType": "Zip",
                "CodeLocation": "https://example.com/y"},
    }  # fmt: skip
    imported = run.imported_from(snap, (tmp_path / "functions", tmp_path))
    assert imported.config["functions"] == {
        "orders": {
            "runtime": "python3.13",
            "handler": "index.handler",
            "memory": 256,
            "timeout": 10,
            "code": {"path": "functions/orders"},
        }
    }
    assert imported.config["existing_functions"] == {"reports": {"arn": other}}
    assert any(
        line.startswith("function reports: kept as it runs (its package downloaded): "
                        "functions.reports.runtime")
        for line in imported.report
    )  # fmt: skip
    snap["functions"][other] = {"PackageType": "Image"}
    imported = run.imported_from(snap, (tmp_path / "again", tmp_path))
    assert "function reports: no ZIP package to download; kept as it runs" in imported.report


def test_an_endpoint_only_the_policy_names_is_listed_and_reported() -> None:
    imported = imported_from(
        snapshot(invoke("Allow", {"StringEquals": {"aws:SourceVpce": [VPCE, OTHER]}}))
    )
    assert imported.config["endpoint"]["existing_ids"] == [VPCE, OTHER]
    assert any(f"lacks {OTHER}, which the policy admits" in line for line in imported.report)


@pytest.mark.parametrize(
    "statement",
    [
        invoke("Deny", {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}),
        invoke("Allow", NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
        {**invoke("Allow"), "NotAction": "execute-api:ManageConnections"},
        invoke("Allow", {"StringEquals": {"aws:SourceVpce": VPCE, "aws:SourceVpc": "vpc-1"}}),
        invoke("Deny", {"StringNotEquals": {"aws:SourceVpce": VPCE}, "Bool": {"aws:x": "1"}}),
    ],
    ids=["source-ip", "not-principal", "not-action", "two-keys-anded", "two-operators"],
)
def test_statements_privgw_cannot_say_exactly_are_reported(statement: dict[str, Any]) -> None:
    """aws:SourceIp is not the caller's address through an endpoint (aws:VpcSourceIp is);
    NotPrincipal, NotAction, keys ANDed in one Allow and mixed Deny conditions mean something
    privgw's allow-list does not: each is named, never folded in."""
    reading = read_policy({"Statement": [SEED[0], statement]}, ApiArn(API, "eu-west-1", ACCOUNT))
    assert [line.split(":")[0] for line in reading.report] == ["policy Statement[1]"]
    assert reading.endpoint_ids == [VPCE]


@pytest.mark.parametrize(
    ("limits", "carried", "said"),
    [
        ({"rate": 25.0, "burst": 50}, (25.0, 50), None),
        ({"rate": 25.0}, None, "rate 25.0 left out: no burst limit is set with it"),
        ({"rate": -1.0, "burst": -1}, None, None),  # API Gateway's "not set"
        ({"rate": 25.0, "burst": 0}, None, "rate 25.0, burst 0 left out: it turns every call"),
    ],
)
def test_a_throttle_privgw_cannot_build_is_reported_never_made_up(
    limits: dict[str, Any], carried: tuple[float, int] | None, said: str | None
) -> None:
    """Where a live throttle is read (a method's stage setting, the stage's, a usage plan's):
    a rate alone (or -1, "not set") or a limit of 0 once became a burst of 0, a config privgw
    itself refuses (every call 429). Now each is carried as both limits, or reported."""
    setting = {"throttlingRateLimit": limits["rate"]}
    if "burst" in limits:
        setting["throttlingBurstLimit"] = limits["burst"]
    plan_throttle: dict[str, Any] = {"rateLimit": limits["rate"]}
    if "burst" in limits:
        plan_throttle["burstLimit"] = limits["burst"]
    plan = {"id": "up1", "name": "mobile", "keys": [], "throttle": plan_throttle}
    stage = {"stageName": "prod", "methodSettings": {"*/*": setting, "~1orders/GET": setting}}
    snap = snapshot(*SEED, stage=stage, usage_plans=[plan])
    snap["resources"][1]["resourceMethods"]["GET"]["apiKeyRequired"] = True
    imported = imported_from(snap)
    route = imported.config["routes"][0]
    consumer = imported.config["consumers"]["mobile"]
    stage_out = imported.config["stage"]
    if carried is None:
        assert "throttling" not in route
        assert "throttle" not in consumer
        assert "throttling_rate_limit" not in stage_out
    else:
        assert route["throttling"] == {"rate_limit": carried[0], "burst_limit": carried[1]}
        assert consumer["throttle"] == {"rate": carried[0], "burst": carried[1]}
        assert (stage_out["throttling_rate_limit"], stage_out["throttling_burst_limit"]) == carried
    lines = [line for line in imported.report if said and said in line]
    if said is None:
        assert not [line for line in imported.report if "left out: " in line and "rate" in line]
    else:
        assert {line.split(":")[0] for line in lines} == {
            "method GET /orders",
            "stage throttling",
            "usage plan mobile throttle",
        }


def test_usage_plans_of_an_api_that_asks_for_no_key_are_reported_not_carried() -> None:
    """A plan's throttle and quota count per API key; on an API no method of which asks for
    one they apply to nothing, and privgw refuses consumers nobody's key is checked for."""
    plan = {"id": "up1", "name": "mobile", "keys": ["k"], "quota": {"limit": 10, "period": "DAY"}}
    imported = imported_from(snapshot(*SEED, usage_plans=[plan]))
    assert "consumers" not in imported.config
    assert any(
        line.startswith("usage plans (mobile): left out: no method requires an API key")
        for line in imported.report
    )


def _mapped(integration: dict[str, Any], *, proxy: bool = False, **method: Any) -> dict[str, Any]:
    """POST /orders with ``integration`` (and, with ``proxy``, a proxy GET beside it)."""
    methods = {"POST": _method(httpMethod="POST", methodIntegration=integration, **method)}
    if proxy:
        methods["GET"] = _method(methodIntegration={"type": "AWS_PROXY", "uri": LAMBDA_URI})
    resources = [
        {"id": "r0", "path": "/"},
        {"id": "r1", "path": "/orders", "resourceMethods": methods},
    ]
    return snapshot(*SEED, resources=resources)


def test_a_non_proxy_lambda_integration_is_carried_as_a_mapped_route() -> None:
    """The console's non-proxy Lambda method: a request template in, a default answer and an
    error selected by pattern out, each declared as a method response."""
    integration = {
        "type": "AWS",
        "httpMethod": "POST",
        "uri": LAMBDA_URI,
        "passthroughBehavior": "WHEN_NO_TEMPLATES",
        "requestTemplates": {"application/json": '{"id": "$input.params(\'id\')"}'},
        "requestParameters": {
            "integration.request.header.X-Tenant": "method.request.header.X-Tenant"
        },
        "integrationResponses": {
            "200": {"statusCode": "200", "responseTemplates": {"application/json": None}},
            "404": {
                "statusCode": "404",
                "selectionPattern": ".*NotFound.*",
                "responseParameters": {"method.response.header.X-Reason": "'missing'"},
                "responseTemplates": {"application/json": '{"error": "not found"}'},
            },
        },
    }
    declared = {
        "200": {"statusCode": "200", "responseModels": {"application/json": "Empty"}},
        "404": {"statusCode": "404", "responseModels": {"application/json": "OrderError"}},
    }
    imported = imported_from(
        _mapped(
            integration,
            methodResponses=declared,
            requestParameters={"method.request.header.X-Tenant": False},
        )
    )
    (route,) = imported.config["routes"]
    assert route["target"] == "orders"
    assert route["integration"] == {
        "responses": [
            {"status": 200, "models": {"application/json": "Empty"}},
            {
                "status": 404,
                "pattern": ".*NotFound.*",
                "headers": {"X-Reason": "'missing'"},
                "templates": {"application/json": '{"error": "not found"}'},
            },
        ],
        "request_templates": {"application/json": '{"id": "$input.params(\'id\')"}'},
        "request_parameters": {
            "integration.request.header.X-Tenant": "method.request.header.X-Tenant"
        },
        "passthrough_behavior": "WHEN_NO_TEMPLATES",
    }
    assert any(
        "its 404 answer's model OrderError (application/json) is not carried" in line
        for line in imported.report
    )
    methods = [
        r for r in imported.template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"
    ]
    (built,) = methods
    assert built["Properties"]["Integration"]["Type"] == "AWS"
    assert built["Properties"]["Integration"]["PassthroughBehavior"] == "WHEN_NO_TEMPLATES"


def test_a_non_proxy_http_integration_is_a_backend_route_with_its_mapping() -> None:
    integration = {
        "type": "HTTP",
        "httpMethod": "POST",
        "connectionType": "VPC_LINK",
        "connectionId": "abc123",
        "uri": "http://inventory.internal.example.com/orders",
        "integrationResponses": {"200": {"statusCode": "200"}},
    }
    imported = imported_from(_mapped(integration))
    (route,) = imported.config["routes"]
    assert imported.config["backends"][route["target"]]["vpc_link_v1"] == {"id": "abc123"}
    assert route["integration"] == {"responses": [{"status": 200}]}


@pytest.mark.parametrize(
    ("answers", "why"),
    [
        ({}, "answers nothing: its integration has no responses"),
        (
            {"4": {"statusCode": "400", "selectionPattern": "4.."}},
            "has no single default answer",
        ),
        (
            {"2": {"statusCode": "200", "contentHandling": "CONVERT_TO_TEXT"}},
            "converts its 2 answer (CONVERT_TO_TEXT), which privgw does not",
        ),
        (
            {"2": {"statusCode": "200", "responseParameters": {"method.response.body": "x"}}},
            "maps response parameter method.response.body, which is no response header",
        ),
    ],
)
def test_a_mapping_privgw_cannot_say_is_left_out_with_the_reason(
    answers: dict[str, Any], why: str
) -> None:
    integration = {"type": "AWS", "uri": LAMBDA_URI, "integrationResponses": answers}
    imported = imported_from(_mapped(integration, proxy=True))
    assert [f"{r['method']} {r['path']}" for r in imported.config["routes"]] == ["GET /orders"]
    assert any(
        line.startswith(f"method POST /orders: left out: it {why}") for line in imported.report
    )


def test_an_api_none_of_whose_methods_privgw_can_carry_is_refused_with_the_reasons() -> None:
    """Once a bug: every method left out made a config with no route, which privgw refuses,
    and import blamed itself. Now it says why, method by method (exit 2, nothing written)."""
    from privgw.errors import PrivgwError  # noqa: PLC0415

    integration = {"type": "AWS", "uri": "arn:aws:apigateway:eu-west-1:sns:action/Publish"}
    with pytest.raises(PrivgwError) as raised:
        imported_from(_mapped(integration))
    message = str(raised.value)
    assert message.startswith("API a1b2c3d4e5 has no method privgw can carry:")
    assert (
        "POST /orders: it is an AWS integration with arn:aws:apigateway:eu-west-1:sns:action/"
        "Publish, a service privgw does not build" in message
    )
    assert "a bug" not in message
    with pytest.raises(PrivgwError, match="has no method privgw can carry: it has no methods"):
        imported_from(snapshot(*SEED, resources=[{"id": "r0", "path": "/"}]))


@pytest.mark.parametrize(
    ("uri", "template", "expected"),
    [
        (
            "arn:aws:apigateway:eu-west-1:states:action/StartExecution",
            '{"input": "$util.escapeJavaScript($input.json(\'$\'))", "stateMachineArn": '
            '"arn:aws:states:eu-west-1:111122223333:stateMachine:checkout"}',
            {
                "aws": "step_functions",
                "action": "StartExecution",
                "arn": "arn:aws:states:eu-west-1:111122223333:stateMachine:checkout",
            },
        ),
        (
            "arn:aws:apigateway:eu-west-1:dynamodb:action/GetItem",
            '{"TableName": "items", "Key": {"id": {"S": "$input.params(\'id\')"}}}',
            {
                "aws": "dynamodb",
                "action": "GetItem",
                "arn": "arn:aws:dynamodb:eu-west-1:111122223333:table/items",
                "key": "id",
            },
        ),
        (
            "arn:aws:apigateway:eu-west-1:events:action/PutEvents",
            '{"Entries": [{"Source": "orders.api", "DetailType": "OrderPlaced", '
            '"Detail": "$util.escapeJavaScript($input.body)", "EventBusName": "orders"}]}',
            {
                "aws": "eventbridge",
                "action": "PutEvents",
                "arn": "arn:aws:events:eu-west-1:111122223333:event-bus/orders",
                "source": "orders.api",
                "detail_type": "OrderPlaced",
            },
        ),
        (
            "arn:aws:apigateway:eu-west-1:kinesis:action/PutRecord",
            '{"StreamName": "clicks", "Data": "$util.base64Encode($input.body)", '
            '"PartitionKey": "$context.requestId"}',
            {
                "aws": "kinesis",
                "action": "PutRecord",
                "arn": "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks",
            },
        ),
    ],
)
def test_aws_service_integrations_become_services_with_their_own_template(
    uri: str, template: str, expected: dict[str, Any]
) -> None:
    """The resource is read from the URI (SQS) or the request template; the live template is
    kept as the service's own, so what the service receives does not change."""
    path = "/items/{id}" if expected["aws"] == "dynamodb" else "/items"
    resources = [
        {"id": "r0", "path": "/"},
        {
            "id": "r1",
            "path": path,
            "resourceMethods": {
                "POST": _method(
                    httpMethod="POST",
                    methodIntegration={
                        "type": "AWS",
                        "uri": uri,
                        "requestTemplates": {"application/json": template},
                    },
                )
            },
        },
    ]
    imported = imported_from(snapshot(*SEED, resources=resources))
    (route,) = imported.config["routes"]
    assert imported.config["services"][route["target"]] == {
        **expected,
        "request_template": template,
    }
    methods = [
        r for r in imported.template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"
    ]
    assert methods[0]["Properties"]["Integration"]["RequestTemplates"] == {
        "application/json": template
    }

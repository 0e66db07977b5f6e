"""Each example's Lambda handler, invoked in-process with realistic API Gateway proxy events."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from privgw import Config, load_config
from privgw.config import Function
from tests.support.configs import ROOT

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
EXAMPLES = ROOT / "examples"


def proxy_event(  # noqa: PLR0917 - reads like the request it builds
    cfg: Config,
    method: str,
    resource: str,
    path: str,
    params: dict[str, str] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """What API Gateway sends a Lambda proxy integration for a call through an endpoint."""
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"},
        "queryStringParameters": None,
        "pathParameters": params,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{cfg.stage.name}{path}",
            "stage": cfg.stage.name,
            "apiId": "a1b2c3d4e5",
            "identity": {"sourceIp": "10.0.1.25", "vpceId": "vpce-0c0c0c0c0c0c0c0c0"},
        },
    }


def only(cfg: Config) -> Function:
    """The function of a one-function example."""
    assert cfg.function is not None
    return cfg.function


def python_handler(fn: Function, module_dir: Path | None = None) -> Handler:
    module_name, function = fn.handler.rsplit(".", 1)
    if fn.code.inline is not None:
        module = ModuleType("index")
        exec(compile(fn.code.inline, "index.py", "exec"), module.__dict__)
    else:
        assert module_dir is not None
        file = module_dir / (module_name.replace(".", "/") + ".py")
        spec = importlib.util.spec_from_file_location(module_name, file)
        assert spec
        assert spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    handler: Handler = getattr(module, function)
    return handler


def call(handler: Handler, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = handler(event, None)
    assert response["headers"]["Content-Type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def test_hello_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_config(EXAMPLES / "hello.yaml")
    for key, value in only(cfg).environment.items():  # as Lambda sets them
        monkeypatch.setenv(key, value)
    handler = python_handler(only(cfg))
    status, body = call(handler, proxy_event(cfg, "GET", "/hello", "/hello"))
    assert status == 200
    assert body["message"] == "Hello from a private API"
    assert body["stage"] == "v1"
    assert body["vpce"] == "vpce-0c0c0c0c0c0c0c0c0"


def test_local_code_handler() -> None:
    cfg = load_config(EXAMPLES / "local-code.yaml")
    assert only(cfg).code.path is not None
    handler = python_handler(only(cfg), EXAMPLES / str(only(cfg).code.path))
    assert call(handler, proxy_event(cfg, "GET", "/reports", "/reports")) == (
        200,
        {"reports": ["daily", "weekly"]},
    )
    event = proxy_event(cfg, "GET", "/reports/{name}", "/reports/daily", {"name": "daily"})
    assert call(handler, event)[1]["title"] == "Daily orders"
    event = proxy_event(cfg, "GET", "/reports/{name}", "/reports/x", {"name": "x"})
    assert call(handler, event)[0] == 404


def test_s3_packaged_handler() -> None:
    cfg = load_config(EXAMPLES / "shared-endpoint.yaml")
    handler = python_handler(only(cfg), EXAMPLES / "functions" / "inventory")
    assert call(handler, proxy_event(cfg, "GET", "/items", "/items")) == (
        200,
        {"items": ["sku-1", "sku-2"]},
    )
    event = proxy_event(
        cfg, "PUT", "/items/{sku}", "/items/sku-1", {"sku": "sku-1"}, body='{"count": 3}'
    )
    assert call(handler, event) == (200, {"sku": "sku-1", "count": 3})
    event = proxy_event(cfg, "PUT", "/items/{sku}", "/items/sku-1", {"sku": "sku-1"}, body="x")
    assert call(handler, event)[0] == 400


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_node_handler_of_the_peered_example(tmp_path: Path) -> None:
    cfg = load_config(EXAMPLES / "peered.yaml")
    assert only(cfg).code.inline is not None
    (tmp_path / "index.js").write_text(str(only(cfg).code.inline), encoding="utf-8")
    events = [
        proxy_event(cfg, "GET", "/orders", "/orders"),
        proxy_event(cfg, "POST", "/orders", "/orders", body="{}"),
        proxy_event(cfg, "DELETE", "/orders/{id}", "/orders/42", {"id": "42"}),
        proxy_event(cfg, "GET", "/admin/{proxy+}", "/admin/x/y", {"proxy": "x/y"}),
    ]
    script = (
        "const h = require('./index.js').handler;"
        f"Promise.all({json.dumps(events)}.map(h)).then(r => console.log(JSON.stringify(r)));"
    )
    result = subprocess.run(
        ["node", "-e", script], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    responses = json.loads(result.stdout)
    assert [(r["statusCode"], json.loads(r["body"])) for r in responses] == [
        (200, {"orders": []}),
        (201, {"created": True}),
        (200, {"id": "42", "method": "DELETE"}),
        (404, {"message": "no such route", "path": "/admin/x/y"}),
    ]
    assert all(r["headers"]["Content-Type"] == "application/json" for r in responses)


def test_every_example_has_a_handler_test() -> None:
    tested = {
        "hello",
        "local-code",
        "shared-endpoint",
        "peered",
        "many-callers",
        "custom-domain",
        "reusable",
        "platform",
        "secured",
        "store",
    }
    no_function = {"services"}  # AWS services and a function another stack deploys
    assert {p.stem for p in EXAMPLES.glob("*.yaml")} - no_function <= tested, sys.modules[
        __name__
    ].__doc__
    for stem in no_function:
        assert not load_config(EXAMPLES / f"{stem}.yaml").all_functions


def test_many_callers_handler() -> None:
    cfg = load_config(EXAMPLES / "many-callers.yaml")
    handler = python_handler(only(cfg))
    event = proxy_event(cfg, "POST", "/payments", "/payments", body="{}")
    event["requestContext"]["identity"]["userArn"] = "arn:aws:iam::111122223333:role/x"
    assert call(handler, event) == (
        201,
        {"accepted": True, "caller": "arn:aws:iam::111122223333:role/x"},
    )
    event = proxy_event(cfg, "GET", "/payments/{id}", "/payments/p-1", {"id": "p-1"})
    assert call(handler, event) == (200, {"id": "p-1", "state": "settled"})


def test_custom_domain_handler() -> None:
    cfg = load_config(EXAMPLES / "custom-domain.yaml")
    handler = python_handler(only(cfg))
    assert call(handler, proxy_event(cfg, "GET", "/orders", "/orders")) == (
        200,
        {"orders": [], "path": "/orders"},
    )


def test_reusable_handler() -> None:
    cfg = load_config(EXAMPLES / "reusable.yaml")
    handler = python_handler(only(cfg))
    assert call(handler, proxy_event(cfg, "GET", "/products", "/products")) == (
        200,
        {"products": [], "stage": "dev"},
    )


def test_platform_function_handlers() -> None:
    cfg = load_config(EXAMPLES / "platform.yaml")
    orders = python_handler(cfg.all_functions["orders"])
    assert call(orders, proxy_event(cfg, "GET", "/orders", "/orders")) == (200, {"orders": []})
    event = proxy_event(cfg, "POST", "/orders", "/orders", body="{}")
    assert call(orders, event) == (201, {"accepted": True})
    users = python_handler(cfg.all_functions["users"])
    event = proxy_event(cfg, "GET", "/users/{id}", "/users/u-7", {"id": "u-7"})
    assert call(users, event) == (200, {"id": "u-7"})


#: Lambda's Node.js runtime gives streaming handlers a global ``awslambda``; this stands in for
#: it: streamifyResponse hands the handler a stream, HttpResponseStream.from writes API
#: Gateway's prelude (the JSON metadata, then eight zero bytes) before the body (API Gateway
#: developer guide, "Lambda proxy integration format for response streaming").
STREAMING_RUNTIME = """
const chunks = [];
const stream = { write: (c) => chunks.push(Buffer.from(c)), end: () => {
  process.stdout.write(Buffer.concat(chunks).toString("base64")); } };
globalThis.awslambda = {
  streamifyResponse: (fn) => (event) => fn(event, stream),
  HttpResponseStream: { from: (s, meta) => {
    s.write(JSON.stringify(meta)); s.write(Buffer.alloc(8)); return s; } },
};
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_platform_streaming_handler_writes_the_streaming_format(tmp_path: Path) -> None:
    cfg = load_config(EXAMPLES / "platform.yaml")
    reports = cfg.all_functions["reports"]
    assert reports.response_streaming
    assert reports.code.inline is not None
    (tmp_path / "index.js").write_text(reports.code.inline, encoding="utf-8")
    event = proxy_event(cfg, "GET", "/reports/{name}", "/reports/daily", {"name": "daily"})
    script = STREAMING_RUNTIME + (f"require('./index.js').handler({json.dumps(event)});")
    result = subprocess.run(
        ["node", "-e", script], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60
    )
    import base64  # noqa: PLC0415

    raw = base64.b64decode(result.stdout)
    prelude, _, body = raw.partition(bytes(8))
    assert json.loads(prelude) == {"statusCode": 200, "headers": {"Content-Type": "text/plain"}}
    assert body.decode().splitlines() == ["report", "line 1", "line 2"]


def test_secured_authorizer_allows_a_listed_token_and_refuses_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The example TOKEN authorizer, invoked as API Gateway invokes it (API Gateway developer
    guide, "Input to an API Gateway Lambda authorizer": type TOKEN, authorizationToken,
    methodArn)."""
    cfg = load_config(EXAMPLES / "secured.yaml")
    tokens = cfg.all_functions["tokens"]
    for key, value in tokens.environment.items():
        monkeypatch.setenv(key, value)
    authorizer = python_handler(tokens)
    method_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/v1/GET/orders"
    allowed = authorizer(
        {"type": "TOKEN", "authorizationToken": "Bearer team-a", "methodArn": method_arn}, None
    )
    assert allowed["principalId"] == "alice"
    (statement,) = allowed["policyDocument"]["Statement"]
    assert statement == {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*",
    }
    for refused in ("Bearer nope", "", "team-c"):
        event = {"type": "TOKEN", "authorizationToken": refused, "methodArn": method_arn}
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            authorizer(event, None)


def test_secured_orders_handler_sees_the_authorizers_principal() -> None:
    cfg = load_config(EXAMPLES / "secured.yaml")
    orders = python_handler(cfg.all_functions["orders"])
    event = proxy_event(cfg, "GET", "/orders", "/orders")
    event["requestContext"]["authorizer"] = {"principalId": "alice"}
    assert call(orders, event) == (200, {"orders": [], "caller": "alice"})
    event = proxy_event(cfg, "POST", "/orders", "/orders", body='{"item": "a", "quantity": 1}')
    event["requestContext"]["authorizer"] = {"principalId": "bob"}
    assert call(orders, event) == (201, {"accepted": True, "caller": "bob"})


def test_store_handlers_answer_every_route_they_serve() -> None:
    """Each function of the store answers each operation the spec gives it."""
    cfg = load_config(EXAMPLES / "store.yaml")
    handlers = {name: python_handler(fn) for name, fn in cfg.all_functions.items()}
    served = [r for r in cfg.routes if cfg.target_of(r).kind == "function"]
    assert {cfg.target_of(r).name for r in served} == set(handlers)
    for route in served:
        name = cfg.target_of(route).name
        assert name is not None
        event = proxy_event(cfg, route.method, route.path, route.path.replace("{", "x"))
        status, body = call(handlers[name], event)
        assert status == 200
        assert body["resource"] == route.path

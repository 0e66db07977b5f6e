"""The policy proof: for every route and method, who gets in and who does not."""

from __future__ import annotations

from typing import Any

from privgw.config import HTTP_METHODS, Config
from privgw.evaluate import ApiArn, Request, evaluate, resolve

CREATED_ENDPOINT = "vpce-0c0c0c0c0c0c0c0c0"
OTHER_ENDPOINT = "vpce-0d0d0d0d0d0d0d0d0"
OTHER_ACCOUNT_ENDPOINT = "vpce-0e0e0e0e0e0e0e0e0"


def allowed_endpoints(cfg: Config) -> list[str]:
    return ([CREATED_ENDPOINT] if cfg.endpoint.create else []) + list(cfg.endpoint.existing_ids)


def proof_failures(cfg: Config, template: dict[str, Any]) -> list[str]:
    """Every (route, method, caller) whose decision is wrong; empty when the API is private."""
    api = ApiArn("a1b2c3d4e5")
    (props,) = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::RestApi"
    ]
    policy = resolve(props["Policy"], {"Endpoint": CREATED_ENDPOINT})
    failures = []
    outsiders: list[tuple[str, dict[str, str]]] = [
        ("another endpoint", {"aws:SourceVpce": OTHER_ENDPOINT}),
        (
            "another account's endpoint",
            {"aws:SourceVpce": OTHER_ACCOUNT_ENDPOINT, "aws:SourceAccount": "999988887777"},
        ),
        ("no endpoint", {}),
    ]
    insiders = [(f"endpoint {e}", {"aws:SourceVpce": e}) for e in allowed_endpoints(cfg)]
    for route in cfg.routes:
        methods = HTTP_METHODS[1:] if route.method == "ANY" else (route.method,)
        for method in methods:
            arn = api.method(cfg.stage.name, method, route.path)
            for who, context, want in [
                *((w, c, "allow") for w, c in insiders),
                *((w, c, "explicit-deny") for w, c in outsiders),
            ]:
                got = evaluate(policy, Request("execute-api:Invoke", arn, context=context), api)
                if got != want:
                    failures.append(f"{method} {route.path} via {who}: {got}, expected {want}")
    return failures

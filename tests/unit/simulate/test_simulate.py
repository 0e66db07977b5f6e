"""privgw simulate: a table of calls for every example, each with the layer that decides it, the
status and the message the caller would see."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, build_template, load_config
from privgw.cli import main
from privgw.config import Route
from privgw.config.auth import CognitoAuth, LambdaAuth
from privgw.simulate import ACCOUNT, Call, Verdict, simulate
from tests.support.configs import BASE_CONFIG, EXAMPLES, with_changes

OTHER_ENDPOINT = "vpce-0aaaaaaaaaaaaaaaa"


def run(cfg: Config, **call: Any) -> Verdict:
    return simulate(cfg, build_template(cfg).to_dict(), Call(**call))


def credentials(cfg: Config, route: Route) -> dict[str, Any]:
    """What a rightful caller of ``route`` sends: a signing principal, a token, a key."""
    auth = cfg.auth_of(route)
    found: dict[str, Any] = {"headers": {}}
    if auth == "iam":
        principals = cfg.access.iam_principals
        first = principals[0] if principals else f"arn:aws:iam::{ACCOUNT}:role/caller"
        found["principal"] = f"arn:aws:iam::{first}:role/caller" if first.isdigit() else first
    elif isinstance(auth, LambdaAuth) and auth.headers:
        found["headers"][auth.headers[0]] = "Bearer token"
    elif isinstance(auth, CognitoAuth):
        found["headers"][auth.cognito.header] = "token"
    if route.api_key_required:
        found["headers"]["x-api-key"] = "key"
    for parameter in route.required_parameters:
        kind, _, name = parameter.partition(".")
        if kind == "header":
            found["headers"][name] = "value"
    return found


def concrete(path: str, route: Route | None = None) -> str:
    """A path that falls on ``path``, with the query parameters ``route`` requires."""
    query = [
        p.partition(".")[2] + "=v"
        for p in (route.required_parameters if route else [])
        if p.startswith("querystring.")
    ]
    path = path.replace("{proxy+}", "a/b").replace("{", "x").replace("}", "")
    return path + ("?" + "&".join(query) if query else "")


def first_route(cfg: Config) -> Route:
    return next((r for r in cfg.routes if r.method != "ANY"), cfg.routes[0])


def method_of(route: Route) -> str:
    return "GET" if route.method == "ANY" else route.method


@pytest.fixture
def cfg(example: Path) -> Config:
    return load_config(example)


def allowed_endpoint(cfg: Config) -> dict[str, Any]:
    """A call through an endpoint the API allows (its own by default)."""
    if cfg.endpoint.create and not cfg.endpoint.private_dns:
        return {"host": "a1b2c3d4e5-vpce-0c0c0c0c0c0c0c0c0.execute-api.us-east-1.amazonaws.com"}
    return {}


def test_a_rightful_call_gets_through(cfg: Config) -> None:
    for route in cfg.routes:
        verdict = run(
            cfg,
            method=method_of(route),
            path=concrete(route.path, route),
            **allowed_endpoint(cfg),
            **credentials(cfg, route),
        )
        assert verdict.allowed, (route, verdict.as_text())
        assert verdict.layer == "backend"
        assert [layer.name for layer in verdict.layers] == [
            "dns",
            "security-group",
            "endpoint-policy",
            "resource-policy",
            "route",
            "authorization",
            "validation",
            "backend",
        ]


def test_another_accounts_endpoint_is_refused_by_the_resource_policy(cfg: Config) -> None:
    route = first_route(cfg)
    verdict = run(
        cfg,
        method=method_of(route),
        path=concrete(route.path),
        vpce=OTHER_ENDPOINT,
        vpc="vpc-0aaaaaaaaaaaaaaaa",
        **credentials(cfg, route),
    )
    assert not verdict.allowed
    assert (verdict.layer, verdict.status) == ("resource-policy", 403)
    assert "is not authorized to perform: execute-api:Invoke" in verdict.message
    assert "explicit-deny" in verdict.reason
    assert "DenyUnlessThroughAllowedEndpoints" in verdict.reason, "names the statement"


def test_a_path_that_does_not_exist_and_a_wrong_stage(cfg: Config) -> None:
    route = first_route(cfg)
    common = {**allowed_endpoint(cfg), **credentials(cfg, route)}
    missing = run(cfg, method="GET", path="/no/such/route/here", **common)
    wrong_stage = run(
        cfg, method=method_of(route), path=concrete(route.path), stage="nope", **common
    )
    if not any(r.path.endswith("+}") and r.segments[:-1] == () for r in cfg.routes):
        assert (missing.layer, missing.status) == ("route", 403)
        assert "Missing Authentication Token" in missing.message
        assert missing.fix.startswith("one of the routes:")
    assert (wrong_stage.layer, wrong_stage.status) == ("route", 403)
    assert "Missing Authentication Token" in wrong_stage.message


def test_an_address_outside_the_security_group_gets_no_http_answer(cfg: Config) -> None:
    if (
        not cfg.endpoint.create
        or cfg.network_required.source_security_group_ids
        or cfg.endpoint.security_group_ids
    ):
        pytest.skip("only the created endpoint's group is this config's")
    route = first_route(cfg)
    verdict = run(
        cfg,
        method=method_of(route),
        path=concrete(route.path),
        ip="192.0.2.7",
        **allowed_endpoint(cfg),
        **credentials(cfg, route),
    )
    assert (verdict.layer, verdict.status) == ("security-group", 0)
    assert "no HTTP response" in verdict.message


def test_an_unsigned_call_to_an_iam_route_is_missing_its_token(cfg: Config) -> None:
    iam_routes = [r for r in cfg.routes if cfg.auth_of(r) == "iam"]
    if not iam_routes:
        pytest.skip("no IAM route")
    route = iam_routes[0]
    verdict = run(cfg, method=method_of(route), path=concrete(route.path), **allowed_endpoint(cfg))
    assert (verdict.status, verdict.allowed) == (403, False)
    assert "Missing Authentication Token" in verdict.message
    assert "not signed" in verdict.reason


def test_outside_source_cidrs_is_refused() -> None:
    cfg = load_config(next(p for p in EXAMPLES if p.stem == "many-callers"))
    route = cfg.routes[0]
    allowed_existing = cfg.endpoint.existing_ids[0]
    inside = run(cfg, method="POST", path="/payments", vpce=allowed_existing, ip="10.1.2.3",
                 **credentials(cfg, route))  # fmt: skip
    outside = run(cfg, method="POST", path="/payments", vpce=allowed_existing, ip="192.168.0.9",
                  **credentials(cfg, route))  # fmt: skip
    assert inside.allowed
    assert (outside.layer, outside.status) == ("resource-policy", 403)
    assert "DenyOutsideSourceCidrs" in outside.reason or "Deny" in outside.reason


def test_private_dns_off_the_private_name_does_not_resolve_the_alias_does() -> None:
    cfg = load_config(next(p for p in EXAMPLES if p.stem == "many-callers"))
    assert not cfg.endpoint.private_dns
    route = cfg.routes[0]
    by_name = run(
        cfg, method="POST", path="/payments", host="private-dns", **credentials(cfg, route)
    )
    assert (by_name.layer, by_name.status, by_name.message) == ("dns", 0, "could not resolve host")
    assert "alias" in by_name.fix
    alias = "a1b2c3d4e5-vpce-0c0c0c0c0c0c0c0c0.execute-api.us-east-1.amazonaws.com"
    by_alias = run(cfg, method="POST", path="/payments", host=alias, **credentials(cfg, route))
    assert by_alias.allowed


def test_the_endpoint_dns_name_needs_the_api_id_header() -> None:
    cfg = Config(**BASE_CONFIG)
    host = "vpce-0c0c0c0c0c0c0c0c0-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com"
    without = run(cfg, method="GET", path="/hello", host=host)
    with_header = run(
        cfg, method="GET", path="/hello", host=host, headers={"x-apigw-api-id": "a1b2c3d4e5"}
    )
    assert (without.layer, without.status) == ("dns", 403)
    assert with_header.allowed


def test_a_mock_answers_with_its_own_status() -> None:
    data = with_changes(
        BASE_CONFIG,
        routes=["GET /hello", {"method": "GET", "path": "/health", "mock": {"status": 204}}],
    )
    verdict = run(Config(**data), method="GET", path="/health")
    assert (verdict.allowed, verdict.status) == (True, 204)


def test_an_api_key_route_without_a_key_is_forbidden() -> None:
    cfg = load_config(next(p for p in EXAMPLES if p.stem == "secured"))
    verdict = run(cfg, method="GET", path="/orders", headers={"Authorization": "Bearer t"})
    assert (verdict.layer, verdict.status, verdict.allowed) == ("authorization", 403, False)
    assert "x-api-key" in verdict.reason
    token_only = run(cfg, method="GET", path="/orders/mine", headers={"Authorization": "t"})
    assert token_only.allowed
    assert "cannot evaluate" in token_only.layers[-3].reason


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    hello = next(p for p in EXAMPLES if p.stem == "hello")
    out, err = io.StringIO(), io.StringIO()
    assert main(["simulate", str(hello), "GET", "/hello", "--json"], out, err) == 0
    verdict = json.loads(out.getvalue())
    assert set(verdict) >= {"allowed", "status", "message", "layer", "reason", "layers"}
    assert verdict["allowed"] is True
    out = io.StringIO()
    assert main(["simulate", str(hello), "GET", "/nope"], out, err) == 1
    assert "STOP  route" in out.getvalue()
    bad = io.StringIO()
    assert main(["simulate", str(tmp_path / "missing.yaml"), "GET", "/"], io.StringIO(), bad) == 2
    with pytest.raises(SystemExit) as exited:
        main(["simulate", str(hello), "GET", "/hello", "-H", "no-equals"], io.StringIO(), bad)
    assert exited.value.code == 2

"""privgw simulate follows the methods the template has, the names that resolve, and what API
Gateway checks before a backend runs (correctness and security round three)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from privgw import Config, build_template, lint_text, load_config, render
from privgw.cli import main
from privgw.model import resolve_api
from privgw.simulate import Call, SimulateError, Verdict, simulate
from tests.support.configs import BASE_CONFIG, ROOT, with_changes

TOPOLOGIES = ROOT / "examples" / "topologies"
SECURED = ROOT / "examples" / "secured.yaml"
MANY_CALLERS = ROOT / "examples" / "many-callers.yaml"
FOREIGN = "vpce-0123456789abcdef0"


def run(cfg: Config, method: str, path: str, **call: Any) -> Verdict:
    return simulate(cfg, build_template(cfg).to_dict(), Call(method, path, **call))


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(["simulate", *argv], out, err)
    except SystemExit as exited:  # argparse refuses an argument
        code = int(exited.code or 0)
    return code, out.getvalue(), err.getvalue()


# --- endpoints unknown before deploy (item 1) ---------------------------------------------------


@pytest.mark.parametrize("name", ["billing-api", "orders-api"])
def test_imported_and_parameter_endpoints_get_a_stand_in_said_in_a_note(name: str) -> None:
    cfg = load_config(TOPOLOGIES / f"{name}.yaml")
    route = cfg.routes[0]
    verdict = run(cfg, route.method, route.path)
    assert verdict.allowed, verdict.as_text()
    assert any("unknown before deploy" in note for note in verdict.notes)
    foreign = run(cfg, route.method, route.path, vpce=FOREIGN)
    assert (foreign.layer, foreign.status) == ("resource-policy", 403)


def test_vpce_names_an_imported_endpoint_by_its_stack_or_the_parameter() -> None:
    cfg = load_config(TOPOLOGIES / "billing-api.yaml")
    assert cfg.endpoint.imports
    assert cfg.endpoint.parameter
    for named in (*cfg.endpoint.imports, "VpcEndpointId"):
        verdict = run(cfg, "GET", "/invoices", vpce=named)
        assert verdict.allowed, (named, verdict.as_text())
    code, out, err = cli(str(TOPOLOGIES / "billing-api.yaml"), "GET", "/invoices")
    assert (code, err) == (0, "")
    assert "stands for the endpoint stack platform-endpoint" in out


# --- the methods the template has (item 2; security item 3) -------------------------------------


def test_a_cors_preflight_is_answered_by_the_generated_mock_without_auth() -> None:
    cfg = load_config(SECURED)
    verdict = run(cfg, "OPTIONS", "/orders", headers={"Origin": "https://x.example.com"})
    assert verdict.allowed, verdict.as_text()
    assert verdict.status == 204
    assert "CORS preflight" in verdict.layers[4].reason


def test_the_path_selects_the_resource_before_the_method() -> None:
    """API Gateway picks /admin for GET /admin (its ANY answers) and never falls back to
    /{proxy+}: an unsigned call to an IAM-only ANY /admin is refused."""
    data = with_changes(
        BASE_CONFIG,
        routes=[
            {"method": "ANY", "path": "/admin", "auth": "iam"},
            "GET /{proxy+}",
        ],
    )
    cfg = Config(**data)
    admin = run(cfg, "GET", "/admin")
    assert not admin.allowed
    assert "Missing Authentication Token" in admin.message
    assert run(cfg, "GET", "/other/thing").allowed
    only_post = Config(**with_changes(BASE_CONFIG, routes=["POST /admin", "GET /{proxy+}"]))
    wrong_method = run(only_post, "GET", "/admin")
    assert (wrong_method.layer, wrong_method.status) == ("route", 403)
    assert "picks the resource by path before the method" in wrong_method.reason


# --- the default name, and symbolic hosts (item 3; security item 16) ----------------------------


def test_with_private_dns_off_the_default_host_is_the_alias_and_reaches_the_policy() -> None:
    cfg = load_config(MANY_CALLERS)
    verdict = run(cfg, "POST", "/payments")
    assert verdict.layers[0].passed
    assert verdict.layer == "resource-policy", verdict.as_text()
    assert any("alias" in note for note in verdict.notes)
    refused = run(cfg, "POST", "/payments", host="private-dns")
    assert (refused.layer, refused.message) == ("dns", "could not resolve host")


@pytest.mark.parametrize("form", ["private-dns", "alias", "endpoint"])
def test_symbolic_hosts_are_spelled_out_with_the_stand_in_ids(form: str) -> None:
    cfg = Config(**BASE_CONFIG)
    verdict = run(cfg, "GET", "/hello", host=form)
    assert verdict.allowed, verdict.as_text()


def test_host_domain_needs_a_custom_domain() -> None:
    with pytest.raises(SimulateError, match="no custom domain"):
        run(Config(**BASE_CONFIG), "GET", "/hello", host="domain")
    code, _, err = cli(str(ROOT / "examples" / "hello.yaml"), "GET", "/hello", "--host", "domain")
    assert code == 2
    assert "no custom domain" in err


def test_the_alias_of_an_endpoint_the_api_does_not_list_does_not_resolve() -> None:
    cfg = Config(**BASE_CONFIG)
    host = f"a1b2c3d4e5-{FOREIGN}.execute-api.us-east-1.amazonaws.com"
    verdict = run(cfg, "GET", "/hello", host=host)
    assert (verdict.layer, verdict.status) == ("dns", 0)
    assert "VpcEndpointIds" in verdict.reason


def test_vpc_naming_the_configs_own_vpc_uses_the_created_endpoint() -> None:
    cfg = Config(**BASE_CONFIG)
    verdict = run(cfg, "GET", "/hello", vpc=BASE_CONFIG["network"]["vpc_id"])
    assert verdict.allowed, verdict.as_text()
    assert "vpce-0c0c0c0c0c0c0c0c0" in verdict.layers[0].reason


# --- authorizers and validation (security items 3, 11, 16) --------------------------------------


def _request_authorizer(ttl: int) -> Config:
    data = with_changes(
        BASE_CONFIG,
        function=None,
        functions={
            "main": BASE_CONFIG["function"],
            "gate": BASE_CONFIG["function"],
        },
        auth={
            "lambda": "gate",
            "type": "request",
            "identity_source": ["header.X-Team", "query.token"],
            "result_ttl": ttl,
        },
        routes=["GET /hello -> main"],
    )
    del data["function"]
    return Config(**data)


def test_a_caching_request_authorizer_needs_every_identity_source() -> None:
    cfg = _request_authorizer(300)
    header_only = run(cfg, "GET", "/hello", headers={"X-Team": "a"})
    assert (header_only.layer, header_only.status) == ("authorization", 401)
    assert "query.token" in header_only.reason
    both = run(cfg, "GET", "/hello?token=t", headers={"X-Team": "a"})
    assert both.allowed, both.as_text()


def test_without_caching_the_request_authorizer_is_called_all_the_same() -> None:
    verdict = run(_request_authorizer(0), "GET", "/hello", headers={"X-Team": "a"})
    assert verdict.allowed, verdict.as_text()
    assert "called all the same" in verdict.layers[5].reason


def test_request_validation_refuses_missing_parameters_and_a_bad_body() -> None:
    data = with_changes(
        BASE_CONFIG,
        routes=[
            {
                "method": "POST",
                "path": "/hello",
                "request_validation": "all",
                "required_parameters": ["header.Idempotency-Key", "querystring.dry"],
                "request_schema": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "integer"}},
                },
            }
        ],
    )
    cfg = Config(**data)
    ok = {"headers": {"Idempotency-Key": "k"}}
    missing = run(cfg, "POST", "/hello?dry=1")
    assert (missing.layer, missing.status) == ("validation", 400)
    assert "Idempotency-Key" in missing.message
    no_query = run(cfg, "POST", "/hello", **ok)
    assert "dry" in no_query.message
    bad_body = run(cfg, "POST", "/hello?dry=1", body='{"id": "seven"}', **ok)
    assert (bad_body.layer, bad_body.status) == ("validation", 400)
    assert "Invalid request body" in bad_body.message
    assert run(cfg, "POST", "/hello?dry=1", body='{"id": 7}', **ok).allowed


@pytest.mark.parametrize(
    "argv",
    [
        ["--ip", "999.1.1.1"],
        ["--principal", "foo"],
        ["--stage", ""],
        ["--vpce", "not an id"],
        ["--vpc", "vpce-1234"],
        ["-H", "no separator"],
    ],
)
def test_nonsense_arguments_exit_2_instead_of_being_a_call(argv: list[str]) -> None:
    code, out, _ = cli(str(ROOT / "examples" / "hello.yaml"), "GET", "/hello", *argv)
    assert code == 2
    assert out == ""


def test_headers_are_taken_as_name_colon_value_and_name_equals_value() -> None:
    path = str(SECURED)
    for header in ("Authorization: Bearer t", "Authorization=Bearer t"):
        code, out, _ = cli(path, "GET", "/orders/mine", "-H", header)
        assert code == 0, out


def test_a_bearer_token_is_anonymous_to_an_endpoint_policy_naming_principals(
    tmp_path: Path,
) -> None:
    """API Gateway developer guide, "Use VPC endpoint policies for private APIs": a non-SigV4
    Authorization value is read as an anonymous caller, whatever --principal says."""
    signer = "arn:aws:iam::111122223333:role/caller"
    data = with_changes(
        BASE_CONFIG,
        **{"endpoint.policy": {"principals": [signer]}},
        routes=[{"method": "GET", "path": "/hello", "auth": "iam"}],
    )
    cfg = Config(**data)
    signed = run(cfg, "GET", "/hello", principal=signer)
    assert signed.allowed, signed.as_text()
    token = run(cfg, "GET", "/hello", principal=signer, headers={"Authorization": "Bearer t"})
    assert (token.layer, token.status) == ("endpoint-policy", 403)
    assert "token, not a SigV4 signature" in token.reason


@pytest.mark.parametrize(
    "gate",
    [{"auth": "iam"}, {"api_key_required": True}],
    ids=["iam", "api-key"],
)
def test_an_any_route_behind_a_gate_still_answers_browser_preflights(gate: dict[str, Any]) -> None:
    """A browser's preflight carries no credentials and no key: an ANY method behind IAM or a
    key would refuse it, so the path gets a generated OPTIONS method, which API Gateway
    prefers to ANY; its Allow-Methods spells ANY out."""
    data = with_changes(
        BASE_CONFIG,
        cors={"allow_origins": ["https://app.internal.example.com"]},
        routes=[{"method": "ANY", "path": "/orders", **gate}],
    )
    if "api_key_required" in gate:
        data["consumers"] = {"checkout": {}}
    cfg = Config(**data)
    template = build_template(cfg).to_dict()
    options = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::Method" and r["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    (preflight,) = options
    assert preflight["AuthorizationType"] == "NONE"
    assert "ApiKeyRequired" not in preflight
    allowed = preflight["Integration"]["IntegrationResponses"][0]["ResponseParameters"][
        "method.response.header.Access-Control-Allow-Methods"
    ]
    assert allowed == "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'"
    assert lint_text(render(template, "yaml")) == []
    verdict = simulate(
        cfg,
        template,
        Call("OPTIONS", "/orders", headers={"Origin": "https://app.internal.example.com"}),
    )
    assert (verdict.allowed, verdict.status) == (True, 204), verdict.as_text()
    open_any = Config(
        **with_changes(data, routes=[{"method": "ANY", "path": "/orders", "auth": "none"}])
        | {"consumers": {}}
    )
    assert not any(m.is_preflight for m in resolve_api(open_any).methods), (
        "an unsigned ANY answers preflights itself"
    )


def test_a_route_whose_only_gate_is_an_api_key_gets_a_note(tmp_path: Path) -> None:
    """API Gateway developer guide, "Usage plans and API keys for REST APIs": API keys are
    not for authorization."""
    data = with_changes(
        BASE_CONFIG,
        consumers={"checkout": {}},
        routes=[{"method": "GET", "path": "/hello", "api_key_required": True}],
    )
    verdict = run(Config(**data), "GET", "/hello", headers={"x-api-key": "k"})
    assert verdict.allowed
    assert any("only gate is an API key" in note for note in verdict.notes)
    config = tmp_path / "svc.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(config), "-o", str(tmp_path / "t"), "--no-lint"], out, err) == 0
    assert "GET /hello: the only gate is an API key" in out.getvalue()
    gated = with_changes(data, **{"routes": [{**data["routes"][0], "auth": "iam"}]})
    gated["access"] = {"iam_principals": ["111122223333"]}
    assert not any("API key" in n for n in run(Config(**gated), "GET", "/hello").notes)


def test_unsigned_routes_behind_a_principal_endpoint_policy_use_the_other_endpoints(
    tmp_path: Path,
) -> None:
    """An endpoint policy naming principals refuses every unsigned call (empty or non-SigV4
    Authorization is anonymous): with another endpoint allowed the config builds, the build
    says which routes only the other endpoints reach, and simulate agrees."""
    other = "vpce-0fedcba9876543210"
    data = with_changes(
        BASE_CONFIG,
        **{"endpoint.policy": {"principals": ["111122223333"]}},
        **{"endpoint.existing_ids": [other]},
        routes=[
            {"method": "GET", "path": "/hello", "auth": "iam"},
            {"method": "GET", "path": "/health", "auth": "none", "mock": {}},
        ],
    )
    cfg = Config(**data)
    through_created = run(cfg, "GET", "/health")
    assert (through_created.layer, through_created.status) == ("endpoint-policy", 403)
    assert run(cfg, "GET", "/health", vpce=other, host="private-dns").allowed
    config = tmp_path / "svc.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(config), "-o", str(tmp_path / "t"), "--no-lint"], out, err) == 0
    assert "GET /health: unsigned calls, which endpoint.policy.principals refuses" in out.getvalue()


def test_iam_routes_take_this_accounts_signed_callers_unless_others_are_listed() -> None:
    """API Gateway developer guide, "How API Gateway resource policies affect authorization
    workflow": a caller of another account needs its own IAM policy *and* the resource
    policy; with Principal: * the resource policy said yes, so any account's signed caller got
    in. Without access.iam_principals an IAM route now takes the stack's own account only."""
    data = with_changes(BASE_CONFIG, routes=[{"method": "GET", "path": "/admin", "auth": "iam"}])
    cfg = Config(**data)
    mine = run(cfg, "GET", "/admin", principal="arn:aws:iam::111122223333:role/ops")
    assert mine.allowed, mine.as_text()
    stranger = run(cfg, "GET", "/admin", principal="arn:aws:iam::999988887777:role/x")
    assert (stranger.layer, stranger.status) == ("resource-policy", 403)
    assert "DenySignedCallersOfOtherAccounts" in stranger.reason
    listed = Config(**with_changes(data, access={"iam_principals": ["999988887777"]}))
    assert run(listed, "GET", "/admin", principal="arn:aws:iam::999988887777:role/x").allowed
    unsigned_api = Config(**BASE_CONFIG)
    statements = build_template(unsigned_api).to_dict()["Resources"]["RestApi"]["Properties"]
    assert "DenySignedCallersOfOtherAccounts" not in json.dumps(statements), "no IAM route"

"""privgw's preflight checks fire on the mistakes they name, and never on privgw's output."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from privgw import Config, ConfigError, build_template, render
from privgw.checks import preflight, private_api_findings
from privgw.cli import main
from privgw.lintcache import rule_sources
from tests.support.configs import BASE_CONFIG, example_texts
from tests.support.corpus import valid_data

VARIANTS = valid_data()


def base_template() -> dict[str, Any]:
    result: dict[str, Any] = build_template(Config(**BASE_CONFIG)).to_dict()
    return result


def rules(template: dict[str, Any]) -> list[str]:
    return [f.rule for f in private_api_findings(template)]


def api_props(template: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = template["Resources"]["RestApi"]["Properties"]
    return props


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_privgw_output_passes_preflight(name: str) -> None:
    template = build_template(Config(**VARIANTS[name]))
    assert [f for f in preflight(render(template, "json"), template.to_dict()) if f.fails] == []


def test_examples_pass_preflight() -> None:
    from privgw.rendering import parse_template  # noqa: PLC0415

    for _, _, text in example_texts():
        assert preflight(text, parse_template(text)) == []


def test_private_api_without_policy() -> None:
    template = base_template()
    del api_props(template)["Policy"]
    assert rules(template) == ["E9101"]


def test_allow_without_endpoint_condition_is_a_leak() -> None:
    template = base_template()
    del api_props(template)["Policy"]["Statement"][1]
    (finding,) = private_api_findings(template)
    assert finding.rule == "E9102"
    assert "aws:SourceVpce" in finding.message


def test_inverted_condition_is_a_leak() -> None:
    """Deny *through* the endpoint (StringEquals) instead of *unless* through it."""
    template = base_template()
    deny = api_props(template)["Policy"]["Statement"][1]
    deny["Condition"] = {"StringEquals": deny["Condition"]["StringNotEquals"]}
    assert rules(template) == ["E9102"]


def test_source_ip_is_refused() -> None:
    template = base_template()
    api_props(template)["Policy"]["Statement"][1]["Condition"]["NotIpAddress"] = {
        "aws:SourceIp": ["10.0.0.0/8"]
    }
    assert "E9103" in rules(template)


def test_ipv4_on_private_is_refused() -> None:
    template = base_template()
    api_props(template)["EndpointConfiguration"]["IpAddressType"] = "ipv4"
    assert rules(template) == ["E9104"]


def test_two_private_dns_endpoints_in_one_vpc() -> None:
    template = base_template()
    second = copy.deepcopy(template["Resources"]["Endpoint"])
    template["Resources"]["Endpoint2"] = second
    assert rules(template) == ["E9105"]
    second["Properties"]["PrivateDnsEnabled"] = False
    assert rules(template) == []


def test_unevaluable_policy_is_a_warning() -> None:
    template = base_template()
    api_props(template)["Policy"]["Statement"][0]["Condition"] = {
        "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}
    }
    (finding,) = private_api_findings(template)
    assert (finding.rule, finding.level) == ("W9106", "warning")


def test_lint_command_guards_hand_edited_templates(tmp_path: Path) -> None:
    template = base_template()
    del api_props(template)["Policy"]["Statement"][1]
    path = tmp_path / "edited.json"
    path.write_text(render(template, "json"), encoding="utf-8")
    err = io.StringIO()
    assert main(["lint", str(path)], io.StringIO(), err) == 1
    assert "E9102" in err.getvalue()


def test_a_deny_scoped_to_one_method_is_a_leak() -> None:
    """The Deny must cover every method: scoped to GET, a POST from any endpoint gets in."""
    template = base_template()
    api_props(template)["Policy"]["Statement"][1]["Resource"] = ["execute-api:/*/GET/*"]
    (finding,) = private_api_findings(template)
    assert finding.rule == "E9102"
    assert "POST /" in finding.message


def test_a_deny_scoped_to_one_stage_is_a_leak() -> None:
    template = base_template()
    api_props(template)["Policy"]["Statement"][1]["Resource"] = ["execute-api:/v1/*"]
    (finding,) = private_api_findings(template)
    assert finding.rule == "E9102"
    assert "on stage privgw-probe-stage" in finding.message


def test_condition_key_names_are_read_case_insensitively() -> None:
    """IAM reads AWS:SOURCEVPCE as aws:SourceVpce: a Deny only of calls *without* an endpoint
    admits every endpoint of every account."""
    template = base_template()
    api_props(template)["Policy"]["Statement"][1]["Condition"] = {
        "Null": {"AWS:SOURCEVPCE": "true"}
    }
    (finding,) = private_api_findings(template)
    assert finding.rule == "E9102"
    assert "vpce-0ffffffffffffffff" in finding.message


def test_a_policy_that_locks_out_the_allowed_endpoint_is_a_finding() -> None:
    template = base_template()
    deny = api_props(template)["Policy"]["Statement"][1]
    deny["Condition"]["StringNotEquals"]["aws:SourceVpce"] = ["vpce-0123456789abcdef0"]
    (finding,) = private_api_findings(template)
    assert (finding.rule, finding.level) == ("E9107", "error")
    assert "admits no call through Endpoint, an endpoint" in finding.message, "its logical id"
    assert "resolved-" not in finding.message, "never an internal stand-in"


def test_an_iam_api_without_the_principal_deny_admits_the_accounts_admins() -> None:
    cfg = Config(
        **{**BASE_CONFIG, "access": {"iam_principals": ["arn:aws:iam::444455556666:role/c"]}}
    )
    template: dict[str, Any] = build_template(cfg).to_dict()
    assert rules(template) == []
    statements = api_props(template)["Policy"]["Statement"]
    statements[:] = [s for s in statements if s["Sid"] != "DenyUnlistedPrincipals"]
    (finding,) = private_api_findings(template)
    assert finding.rule == "E9102"
    assert "any principal of the API's own account" in finding.message


def test_an_iam_api_listing_its_own_account_is_not_a_leak() -> None:
    cfg = Config(**{**BASE_CONFIG, "access": {"iam_principals": ["111122223333"]}})
    template: dict[str, Any] = build_template(cfg).to_dict()
    statements = api_props(template)["Policy"]["Statement"]
    statements[:] = [s for s in statements if s["Sid"] != "DenyUnlistedPrincipals"]
    assert rules(template) == []


PRINCIPAL = "arn:aws:iam::444455556666:role/caller"


@pytest.mark.parametrize("unsigned", [[], ["GET /b"], ["GET /a", "GET /b"]])
def test_unsigned_routes_behind_a_principal_policy_are_named(unsigned: list[str]) -> None:
    """A template edited by hand (a valid config refuses such routes, see below): each method
    without AWS_IAM under a policy admitting only principals is named."""
    data: dict[str, Any] = {
        **copy.deepcopy(BASE_CONFIG),
        "access": {"iam_principals": [PRINCIPAL]},
        "routes": ["GET /a", "GET /b"],
    }
    template = build_template(Config(**data)).to_dict()
    for resource in template["Resources"].values():
        props = resource["Properties"]
        if resource["Type"] == "AWS::ApiGateway::Method":
            path = "/" + str(props["ResourceId"]["Ref"]).removeprefix("Resource").lower()
            if f"{props['HttpMethod']} {path}" in unsigned:
                props["AuthorizationType"] = "NONE"
    findings = [f for f in private_api_findings(template) if f.rule == "W9108"]
    named = sorted(f.message.split(" of ")[0].removeprefix("route ") for f in findings)
    assert named == unsigned
    assert all(f.level == "warning" for f in findings)


@pytest.mark.parametrize(("api_auth", "route_auth"), [(None, "none"), ("none", None)])
def test_a_config_with_unsigned_routes_behind_principals_is_refused(
    api_auth: str | None, route_auth: str | None
) -> None:
    """Decided once, at config time: such a route refuses every call (simulate agrees, since
    the config never builds)."""
    data: dict[str, Any] = {
        **copy.deepcopy(BASE_CONFIG),
        "access": {"iam_principals": [PRINCIPAL]},
        "routes": ["GET /a", {"method": "GET", "path": "/b"}],
    }
    if api_auth:
        data["auth"] = api_auth
    if route_auth:
        data["routes"][1]["auth"] = route_auth
    with pytest.raises(ConfigError, match="admits only those principals, signed"):
        Config(**data)


def test_build_reports_each_privgw_finding_once_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """privgw's rules run inside cfn-lint (real line numbers); the build used to run them a
    second time in-process, printing every finding twice, once at line 0. (A valid config
    builds no finding: the template is edited on its way, as a hand-extended one would be.)"""
    from privgw.resources import template as builders  # noqa: PLC0415

    real = builders.build_any

    def unsigned_admin(cfg: Any, *args: Any) -> Any:
        built = real(cfg, *args)
        for resource in built.resources.values():
            if resource.resource_type == "AWS::ApiGateway::Method":
                resource.AuthorizationType = "NONE"
        return built

    monkeypatch.setattr(builders, "build_any", unsigned_admin)
    data = {**BASE_CONFIG, "access": {"iam_principals": ["111122223333"]}}
    config = tmp_path / "svc.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(config), "-o", str(tmp_path / "t"), "--no-cache", "-q"], out, err)
    assert code == 1
    lines = [line for line in err.getvalue().splitlines() if "W9108" in line]
    assert len(lines) == 1, err.getvalue()
    assert ":0:" not in lines[0]


def test_the_lint_cache_key_covers_every_module_the_rules_import() -> None:
    names = {p.name for p in rule_sources()}
    assert {"limits.py", "evaluate.py", "probes.py", "common.py", "private_api.py"} <= names
    assert "template.py" not in names, "not the builders: the rules read templates only"

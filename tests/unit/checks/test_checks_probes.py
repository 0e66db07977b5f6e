"""The policy probes see what a hand edit can hide: a Deny written around one of the template's
own routes or around a principal the policy names, a Statement given as one object, a Policy
given as JSON text (security round three)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from privgw import Config, build_template
from privgw.checks import private_api_findings
from tests.support.configs import BASE_CONFIG, with_changes

IAM_API = with_changes(
    BASE_CONFIG,
    access={"iam_principals": ["arn:aws:iam::111122223333:role/caller"]},
    routes=["GET /health", "GET /orders/{id}", "ANY /admin/{proxy+}"],
)


def template_of(data: dict[str, Any] = BASE_CONFIG) -> dict[str, Any]:
    built: dict[str, Any] = build_template(Config(**data)).to_dict()
    return built


def policy_of(template: dict[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = template["Resources"]["RestApi"]["Properties"]["Policy"]
    return policy


def endpoint_deny(policy: dict[str, Any]) -> dict[str, Any]:
    (deny,) = [s for s in policy["Statement"] if s["Sid"] == "DenyUnlessThroughAllowedEndpoints"]
    return dict(deny)


@pytest.mark.parametrize("route", ["GET/health", "GET/orders/*", "*/admin/*"])
def test_a_deny_that_spares_one_of_the_templates_own_routes_is_a_leak(route: str) -> None:
    """NotResource on a route the template serves: the fixed probe paths (/, /x, /a/b/c) miss
    it, so lint found nothing while any endpoint of any account could call that route."""
    template = template_of(IAM_API)
    deny = endpoint_deny(policy_of(template))
    del deny["Resource"]
    deny["NotResource"] = [f"execute-api:/*/{route}"]
    policy_of(template)["Statement"] = [
        deny if s["Sid"] == deny["Sid"] else s for s in policy_of(template)["Statement"]
    ]
    found = [f for f in private_api_findings(template) if f.rule == "E9102"]
    assert found, "the spared route is probed"
    assert "through endpoint vpce-0ffffffffffffffff" in found[0].message


def test_a_deny_that_spares_a_principal_the_policy_names_is_a_leak() -> None:
    """A Deny whose condition also names aws:PrincipalArn lets that principal in through any
    endpoint (the keys of one block are ANDed); the two fixed principals of the probe are not
    it. An IAM API of this account: its IAM policy is half of what a caller needs."""
    template = template_of(with_changes(IAM_API, access={}, auth="iam"))
    deny = endpoint_deny(policy_of(template))
    deny["Condition"]["StringNotEquals"]["aws:PrincipalArn"] = [
        "arn:aws:iam::111122223333:role/backdoor"
    ]
    policy_of(template)["Statement"] = [
        deny if s["Sid"] == deny["Sid"] else s for s in policy_of(template)["Statement"]
    ]
    found = [f for f in private_api_findings(template) if f.rule == "E9102"]
    assert found, "the principal the Deny spares is probed"
    assert "arn:aws:iam::111122223333:role/backdoor" in found[0].message


def test_privgws_own_policies_stay_clean_under_the_wider_probes() -> None:
    assert private_api_findings(template_of(IAM_API)) == []
    assert private_api_findings(template_of()) == []


def test_a_statement_given_as_one_object_is_read() -> None:
    """Valid IAM: ``Statement`` may be one object. It used to make every rule fail."""
    template = template_of(IAM_API)
    policy = policy_of(template)
    allow = policy["Statement"][0]
    policy["Statement"] = allow  # the Allow alone, as one object: a leak
    found = private_api_findings(template)
    assert [f.rule for f in found] == ["E9102"]


@pytest.mark.parametrize("form", ["string", "sub"])
def test_a_policy_given_as_json_text_is_read_not_reported_missing(form: str) -> None:
    template = template_of()
    props = template["Resources"]["RestApi"]["Properties"]
    text = json.dumps(props["Policy"]).replace('{"Ref": "Endpoint"}', '"${Endpoint}"')
    props["Policy"] = text if form == "sub" else json.dumps(props["Policy"])
    if form == "sub":
        props["Policy"] = {"Fn::Sub": text}
    assert private_api_findings(template) == [], "the same policy, as text"
    leaky = json.loads(text)
    del leaky["Statement"][1]
    props["Policy"] = {"Fn::Sub": json.dumps(leaky)} if form == "sub" else json.dumps(leaky)
    assert [f.rule for f in private_api_findings(template)] == ["E9102"]


def _permission(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]["RestApiInvokePermission"]["Properties"]
    return found


@pytest.mark.parametrize("source", [None, {"Fn::Sub": "arn:${AWS::Partition}:execute-api:*:*:*/*"}])
def test_an_apigateway_permission_that_names_no_api_is_an_error(source: Any) -> None:
    template = template_of()
    assert [f.rule for f in private_api_findings(template)] == []
    permission = _permission(template)
    if source is None:
        del permission["SourceArn"]
    else:
        permission["SourceArn"] = source
    from privgw.checks import template_findings  # noqa: PLC0415

    (found,) = [f for f in template_findings(template) if f.rule == "E9109"]
    assert "any API of any account" in found.message


def _domain_template() -> dict[str, Any]:
    return template_of(
        with_changes(
            BASE_CONFIG,
            custom_domain={
                "name": "orders.internal.example.com",
                "certificate_arn": "arn:aws:acm:us-east-1:111122223333:certificate/abc",
            },
        )
    )


def test_a_domain_policy_edited_open_is_an_error() -> None:
    from privgw.checks import template_findings  # noqa: PLC0415

    template = _domain_template()
    assert template_findings(template) == []
    policy = template["Resources"]["CustomDomain"]["Properties"]["Policy"]
    policy["Statement"] = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    (found,) = [f for f in template_findings(template) if f.rule == "E9110"]
    assert "admits a call through endpoint vpce-0ffffffffffffffff" in found.message
    del template["Resources"]["CustomDomain"]["Properties"]["Policy"]
    (missing,) = [f for f in template_findings(template) if f.rule == "E9110"]
    assert "without a policy" in missing.message

"""Proof, for every example, route and method, that only the allowed endpoints get in."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from privgw import Config, build_template, load_config
from privgw.errors import ConfigError
from privgw.evaluate import ApiArn, Request, authorize, resolve
from tests.support.configs import ACCESS_VARIANTS, BASE_CONFIG, with_changes
from tests.support.proof import proof_failures


def test_every_example_is_private_for_every_route(example: Path) -> None:
    cfg = load_config(example)
    assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_variants_are_private() -> None:
    for changes in (
        {},
        {"endpoint.existing_ids": ["vpce-0123456789abcdef0", "vpce-01234567"]},
        {"routes": ["ANY /", "ANY /{proxy+}", "POST /a/{b}/c"]},
    ):
        cfg = Config(**with_changes(BASE_CONFIG, **changes))
        assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_leaky_policy_fails_the_proof() -> None:
    """Proof the proof can fail: an Allow without the endpoint Deny admits everyone."""
    cfg = Config(**BASE_CONFIG)
    template = build_template(cfg).to_dict()
    leaky = copy.deepcopy(template)
    statements = leaky["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"]
    del statements[1]
    failures = proof_failures(cfg, leaky)
    assert "GET /hello via no endpoint: allow, expected explicit-deny" in failures
    assert any("another account's endpoint" in f for f in failures)


def test_policy_missing_an_allowed_endpoint_fails_the_proof() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **{"endpoint.existing_ids": ["vpce-01234567"]}))
    template = build_template(cfg).to_dict()
    deny = template["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"][1]
    deny["Condition"]["StringNotEquals"]["aws:SourceVpce"] = [{"Ref": "Endpoint"}]
    assert proof_failures(cfg, template) == [
        "GET /hello via endpoint vpce-01234567: explicit-deny, expected allow"
    ]


@pytest.mark.parametrize("name", sorted(ACCESS_VARIANTS))
def test_access_variants_are_private(name: str) -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **ACCESS_VARIANTS[name]))
    assert proof_failures(cfg, build_template(cfg).to_dict()) == []


def test_vpc_and_endpoint_keys_share_one_deny_so_either_admits() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **ACCESS_VARIANTS["endpoints-or-vpcs"]))
    statements = build_template(cfg).to_dict()["Resources"]["RestApi"]["Properties"]["Policy"][
        "Statement"
    ]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert set(deny["Condition"]["StringNotEquals"]) == {"aws:SourceVpce", "aws:SourceVpc"}


def test_iam_principals_replace_everyone_and_methods_sign() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **ACCESS_VARIANTS["iam"]))
    template = build_template(cfg).to_dict()
    allow = template["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"][0]
    assert allow["Principal"] == {"AWS": list(cfg.access.iam_principals)}
    method = template["Resources"]["MethodHelloGet"]
    assert method["Properties"]["AuthorizationType"] == "AWS_IAM"
    assert "Metadata" not in method, "no CKV_AWS_59 suppression when methods are authorized"


def test_dropping_the_cidr_deny_fails_the_proof() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **ACCESS_VARIANTS["source-cidrs"]))
    template = build_template(cfg).to_dict()
    del template["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"][2]
    failures = proof_failures(cfg, template)
    assert any("outside source_cidrs" in f for f in failures)


def test_iam_principals_keep_out_every_other_principal_of_the_apis_own_account() -> None:
    """API Gateway admits a same-account caller whose IAM policy allows invoke even when the
    resource policy does not list it (developer guide, "authorization workflow", table A): only
    the explicit Deny of unlisted principals keeps an AdministratorAccess role out."""
    cfg = Config(**with_changes(BASE_CONFIG, **ACCESS_VARIANTS["everything"]))
    template = build_template(cfg).to_dict()
    statements = template["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"]
    (deny,) = [s for s in statements if s["Sid"] == "DenyUnlistedPrincipals"]
    assert deny["Condition"] == {
        "StringNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::444455556666:role/c"]}
    }
    assert proof_failures(cfg, template) == []
    statements.remove(deny)
    failures = proof_failures(cfg, template)
    assert "GET /hello via an admin of the API's account: allow, expected explicit-deny" in (
        failures
    )


def test_listed_accounts_go_to_principal_account_and_sessions_of_listed_roles_get_in() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **ACCESS_VARIANTS["iam"]))
    template = build_template(cfg).to_dict()
    statements = template["Resources"]["RestApi"]["Properties"]["Policy"]["Statement"]
    (deny,) = [s for s in statements if s["Sid"] == "DenyUnlistedPrincipals"]
    assert deny["Condition"]["StringNotEquals"] == {
        "aws:PrincipalArn": ["arn:aws:iam::444455556666:role/orders-client"],
        "aws:PrincipalAccount": ["111122223333"],
    }
    policy = resolve(template["Resources"]["RestApi"]["Properties"]["Policy"], {"Endpoint": "e"})
    api = ApiArn("a1b2c3d4e5", account="111122223333")
    arn = api.method("v1", "GET", "/hello")
    through = {"aws:SourceVpce": "e"}
    cases = {
        "arn:aws:sts::444455556666:assumed-role/orders-client/s1": "allow",
        "arn:aws:iam::111122223333:role/Admin": "allow",  # its whole account is listed
        "arn:aws:iam::444455556666:role/Admin": "explicit-deny",
        "arn:aws:iam::999988887777:role/stranger": "explicit-deny",
    }
    for principal, want in cases.items():
        request = Request("execute-api:Invoke", arn, principal, through)
        assert authorize(policy, request, api, iam_auth=True, identity_allows=True) == want


def test_role_sessions_are_refused_as_iam_principals() -> None:
    with pytest.raises(ConfigError) as caught:
        Config(
            **with_changes(
                BASE_CONFIG,
                access={"iam_principals": ["arn:aws:sts::444455556666:assumed-role/r/s"]},
            )
        )
    (problem,) = caught.value.problems
    assert problem.path == "access.iam_principals[0]"
    assert "role session" in problem.message

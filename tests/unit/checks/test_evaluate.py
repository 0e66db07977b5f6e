"""The policy evaluator follows IAM's documented semantics on the cases privgw relies on."""

from __future__ import annotations

from typing import Any

import pytest

from privgw.evaluate import ApiArn, Request, UnsupportedPolicy, authorize, evaluate, resolve

API = ApiArn("abc123defg", region="eu-west-1", account="111122223333")
GET_HELLO = API.method("v1", "GET", "/hello")


def allow(**extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        **extra,
    }


def deny(**extra: Any) -> dict[str, Any]:
    return {**allow(**extra), "Effect": "Deny"}


def decide(*statements: dict[str, Any], **context: Any) -> str:
    ctx = {k.replace("__", ":").replace("_", ""): v for k, v in context.items()}
    request = Request("execute-api:Invoke", GET_HELLO, context=ctx)
    return evaluate({"Version": "2012-10-17", "Statement": list(statements)}, request, API)


VPCE = {"aws:SourceVpce": ["vpce-1", "vpce-2"]}


def test_no_statement_is_implicit_deny() -> None:
    assert decide() == "implicit-deny"


def test_allow_without_condition_admits_anyone() -> None:
    assert decide(allow()) == "allow"


def test_explicit_deny_beats_allow() -> None:
    assert decide(allow(), deny()) == "explicit-deny"
    assert decide(deny(), allow()) == "explicit-deny"


def test_string_not_equals_values_are_ored() -> None:
    statements = (allow(), deny(Condition={"StringNotEquals": VPCE}))
    assert decide(*statements, aws__SourceVpce="vpce-1") == "allow"
    assert decide(*statements, aws__SourceVpce="vpce-2") == "allow"
    assert decide(*statements, aws__SourceVpce="vpce-3") == "explicit-deny"


def test_negated_operator_matches_missing_key() -> None:
    """No endpoint in the request: StringNotEquals matches, so the Deny applies."""
    assert decide(allow(), deny(Condition={"StringNotEquals": VPCE})) == "explicit-deny"


def test_positive_operator_does_not_match_missing_key() -> None:
    assert decide(allow(Condition={"StringEquals": VPCE})) == "implicit-deny"
    assert decide(allow(Condition={"StringEqualsIfExists": VPCE})) == "allow"


def test_several_keys_in_one_block_are_anded() -> None:
    both = {"StringNotEquals": {"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1"}}
    statements = (allow(), deny(Condition=both))
    # Deny only when *both* differ: an allowed endpoint OR an allowed VPC gets in.
    assert decide(*statements, aws__SourceVpce="vpce-1", aws__SourceVpc="vpc-9") == "allow"
    assert decide(*statements, aws__SourceVpce="vpce-9", aws__SourceVpc="vpc-1") == "allow"
    assert decide(*statements, aws__SourceVpce="vpce-9", aws__SourceVpc="vpc-9") == "explicit-deny"


def test_separate_statements_each_deny() -> None:
    statements = (
        allow(),
        deny(Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}),
        deny(Condition={"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
    )
    assert decide(*statements, aws__SourceVpce="vpce-1", aws__SourceVpc="vpc-1") == "allow"
    assert decide(*statements, aws__SourceVpce="vpce-1", aws__SourceVpc="vpc-9") == "explicit-deny"


def test_resource_shorthand_and_wildcards() -> None:
    assert decide(allow(Resource="execute-api:/v1/GET/hello")) == "allow"
    assert decide(allow(Resource="execute-api:/v1/*/hello")) == "allow"
    assert decide(allow(Resource="execute-api:/v2/*")) == "implicit-deny"
    assert decide(allow(Resource=f"{API.prefix}/v1/GE?/*")) == "allow"
    other_api = "arn:aws:execute-api:eu-west-1:111122223333:zzz/*"
    assert decide(allow(Resource=other_api)) == "implicit-deny"
    assert decide(allow(Resource="arn:aws:execute-api:*:*:*/*")) == "allow"


def test_not_resource_and_not_action() -> None:
    assert decide(allow(), deny(Resource=None, NotResource="execute-api:/v1/GET/hello")) == "allow"
    statement = {k: v for k, v in deny().items() if k != "Action"}
    assert decide(allow(), {**statement, "NotAction": "execute-api:ManageConnections"}) == (
        "explicit-deny"
    )


def test_action_match_is_case_insensitive_with_wildcards() -> None:
    assert decide(allow(Action="EXECUTE-API:invoke")) == "allow"
    assert decide(allow(Action="execute-api:*")) == "allow"
    assert decide(allow(Action="s3:GetObject")) == "implicit-deny"


def test_vpc_source_ip() -> None:
    statements = (allow(), deny(Condition={"NotIpAddress": {"aws:VpcSourceIp": ["10.0.0.0/16"]}}))
    assert decide(*statements, aws__VpcSourceIp="10.0.3.4") == "allow"
    assert decide(*statements, aws__VpcSourceIp="192.168.1.1") == "explicit-deny"


def test_principals() -> None:
    role = "arn:aws:sts::444455556666:assumed-role/caller/session"
    policy = {"Statement": [allow(Principal={"AWS": ["arn:aws:iam::444455556666:root"]})]}
    assert evaluate(policy, Request("execute-api:Invoke", GET_HELLO, role), API) == "allow"
    assert evaluate(policy, Request("execute-api:Invoke", GET_HELLO), API) == "implicit-deny"
    by_account = {"Statement": [allow(Principal={"AWS": "444455556666"})]}
    assert evaluate(by_account, Request("execute-api:Invoke", GET_HELLO, role), API) == "allow"


@pytest.mark.parametrize(
    "statement",
    [
        {**allow(), "NotPrincipal": {"AWS": "x"}},
        allow(Condition={"DateGreaterThan": {"aws:CurrentTime": "2020"}}),
        allow(Condition={"ForSomeValues:StringEquals": {"aws:x": "y"}}),
        allow(Condition={"ForAnyValue:Null": {"aws:x": "true"}}),
        {**allow(), "Effect": "Maybe"},
    ],
)
def test_unsupported_features_are_refused_not_guessed(statement: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPolicy):
        decide(statement)


def test_resolve_intrinsics() -> None:
    refs = {"Endpoint": "vpce-1", "AWS::Region": "eu-west-1", "Fn.Arn": "arn:fn", "Import:x": "v"}
    value = {
        "a": {"Ref": "Endpoint"},
        "b": {"Fn::Sub": "${AWS::Region}-${Endpoint}"},
        "c": {"Fn::Sub": ["${X}/${Endpoint}", {"X": {"Ref": "Endpoint"}}]},
        "d": {"Fn::GetAtt": ["Fn", "Arn"]},
        "e": {"Fn::Join": [",", [{"Ref": "Endpoint"}, "x"]]},
        "f": {"Fn::ImportValue": "x"},
    }
    assert resolve(value, refs) == {
        "a": "vpce-1",
        "b": "eu-west-1-vpce-1",
        "c": "vpce-1/vpce-1",
        "d": "arn:fn",
        "e": "vpce-1,x",
        "f": "v",
    }


# --- IAM semantics the review found missing (issue 11, item 3) -------------------------------
# IAM User Guide, "IAM JSON policy elements: Condition operators" and "Policy evaluation logic".

SESSION = "arn:aws:sts::111122223333:assumed-role/caller/session-1"
CALLER_ROLE = "arn:aws:iam::111122223333:role/caller"
ADMIN = "arn:aws:iam::111122223333:role/Admin"
STRANGER = "arn:aws:iam::999988887777:role/stranger"


def call(principal: str = "anonymous", **context: Any) -> Request:
    ctx = {k.replace("__", ":").replace("_", ""): v for k, v in context.items()}
    return Request("execute-api:Invoke", GET_HELLO, principal, ctx)


def policy_of(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_arn_equals_and_arn_like_both_match_wildcards_per_arn_part() -> None:
    """ "ARN condition operators": ArnEquals and ArnLike behave the same; each of the six
    colon-separated parts is matched separately and may hold * or ?."""
    for operator in ("ArnEquals", "ArnLike"):
        statement = allow(Condition={operator: {"aws:PrincipalArn": "arn:aws:iam::*:role/call?r"}})
        assert evaluate(policy_of(statement), call(SESSION), API) == "allow"
        assert evaluate(policy_of(statement), call(STRANGER), API) == "implicit-deny"
        # A * stays within its part: it does not swallow the colons of the account field.
        across = allow(Condition={operator: {"aws:PrincipalArn": "arn:aws:*/caller"}})
        assert evaluate(policy_of(across), call(SESSION), API) == "implicit-deny"
        negated = operator.replace("Arn", "ArnNot")
        statement = deny(Condition={negated: {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})
        assert evaluate(policy_of(allow(), statement), call(SESSION), API) == "allow"


def test_json_booleans_compare_as_lower_case_strings() -> None:
    """A JSON true in a String* condition is the string "true", never Python's "True"."""
    statement = deny(Condition={"StringEquals": {"aws:SecureTransport": False}})
    assert decide(allow(), statement, aws__SecureTransport="false") == "explicit-deny"
    assert decide(allow(), statement, aws__SecureTransport="true") == "allow"
    null = deny(Condition={"Null": {"aws:SourceVpce": True}})
    assert decide(allow(), null) == "explicit-deny"
    assert decide(allow(), null, aws__SourceVpce="vpce-1") == "allow"
    assert evaluate(policy_of(allow(), statement), call(aws__SecureTransport=True), API) == "allow"


def test_condition_key_names_are_case_insensitive() -> None:
    """ "Condition element": key names are not case-sensitive (aws:SourceVpce == AWS:SOURCEVPCE)."""
    statement = deny(Condition={"Null": {"AWS:SOURCEVPCE": "true"}})
    assert decide(allow(), statement, aws__SourceVpce="vpce-1") == "allow"
    assert decide(allow(), statement) == "explicit-deny"
    lower = deny(Condition={"StringNotEquals": {"aws:sourcevpce": "vpce-1"}})
    assert decide(allow(), lower, aws__SourceVpce="vpce-1") == "allow"
    assert decide(allow(), lower, aws__SourceVpce="vpce-2") == "explicit-deny"


def test_for_any_value_and_for_all_values() -> None:
    """ "Multivalued context keys": ForAnyValue needs one request value to match and is false on
    a missing key; ForAllValues needs every request value to match and is true on a missing key."""
    any_of = allow(Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}})
    all_of = allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}})
    assert evaluate(policy_of(any_of), call(aws__TagKeys=["a", "z"]), API) == "allow"
    assert evaluate(policy_of(any_of), call(aws__TagKeys=["y", "z"]), API) == "implicit-deny"
    assert evaluate(policy_of(any_of), call(), API) == "implicit-deny"
    assert evaluate(policy_of(all_of), call(aws__TagKeys=["a", "b"]), API) == "allow"
    assert evaluate(policy_of(all_of), call(aws__TagKeys=["a", "z"]), API) == "implicit-deny"
    assert evaluate(policy_of(all_of), call(), API) == "allow"
    not_any = deny(Condition={"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}})
    assert evaluate(policy_of(allow(), not_any), call(aws__TagKeys=["a"]), API) == "allow"
    assert evaluate(policy_of(allow(), not_any), call(aws__TagKeys=["a", "q"]), API) == (
        "explicit-deny"
    )


def test_not_principal() -> None:
    """ "NotPrincipal": the statement applies to every principal except those listed."""
    statement = {**deny(), "NotPrincipal": {"AWS": [CALLER_ROLE]}}
    statement.pop("Principal")
    policy = policy_of(allow(), statement)
    assert evaluate(policy, call(SESSION), API) == "allow"
    assert evaluate(policy, call(STRANGER), API) == "explicit-deny"
    assert evaluate(policy, call(), API) == "explicit-deny"


def test_service_principals() -> None:
    policy = policy_of(allow(Principal={"Service": "lambda.amazonaws.com"}))
    assert evaluate(policy, call("lambda.amazonaws.com"), API) == "allow"
    assert evaluate(policy, call("s3.amazonaws.com"), API) == "implicit-deny"
    assert evaluate(policy, call(), API) == "implicit-deny"


def test_a_role_principal_covers_its_sessions_and_principal_arn_is_the_role() -> None:
    by_role = policy_of(allow(Principal={"AWS": CALLER_ROLE}))
    assert evaluate(by_role, call(SESSION), API) == "allow"
    assert evaluate(by_role, call(ADMIN), API) == "implicit-deny"
    by_key = policy_of(allow(Condition={"StringEquals": {"aws:PrincipalArn": CALLER_ROLE}}))
    assert evaluate(by_key, call(SESSION), API) == "allow"
    by_account = policy_of(allow(Condition={"StringEquals": {"aws:PrincipalAccount": "1111"}}))
    assert evaluate(by_account, call(SESSION), API) == "implicit-deny"


def test_authorize_follows_api_gateways_table_a() -> None:
    """With IAM auth a same-account caller needs the IAM policy OR the resource policy; another
    account's caller needs both; an explicit Deny refuses either; unsigned calls never get in."""
    listed = policy_of(allow(Principal={"AWS": CALLER_ROLE}))
    assert authorize(listed, call(ADMIN), API, iam_auth=True, identity_allows=True) == "allow"
    assert authorize(listed, call(ADMIN), API, iam_auth=True) == "implicit-deny"
    assert authorize(listed, call(SESSION), API, iam_auth=True) == "allow"
    foreign = policy_of(allow(Principal={"AWS": STRANGER}))
    assert authorize(foreign, call(STRANGER), API, iam_auth=True) == "implicit-deny"
    assert authorize(foreign, call(STRANGER), API, iam_auth=True, identity_allows=True) == "allow"
    assert authorize(listed, call(), API, iam_auth=True, identity_allows=True) == "implicit-deny"
    denied = policy_of(allow(), deny(Condition={"StringNotEquals": {"aws:PrincipalArn": "x"}}))
    assert authorize(denied, call(ADMIN), API, iam_auth=True, identity_allows=True) == (
        "explicit-deny"
    )
    # Without IAM authorization the resource policy alone decides.
    assert authorize(listed, call(ADMIN), API, iam_auth=False, identity_allows=True) == (
        "implicit-deny"
    )

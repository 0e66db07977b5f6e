"""The policy evaluator follows IAM's documented semantics on the cases privgw relies on."""

from __future__ import annotations

from typing import Any

import pytest

from privgw.evaluate import ApiArn, Request, UnsupportedPolicy, evaluate, resolve

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
        allow(Condition={"ForAnyValue:StringEquals": {"aws:x": "y"}}),
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

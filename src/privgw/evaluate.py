"""A small evaluator of the IAM policy semantics a private API's resource policy relies on.

Used to *prove* (in the tests and in privgw's preflight) that a policy admits calls through
the allowed endpoints and denies everything else. It implements the parts of IAM policy
evaluation that resource policies of private APIs use: explicit Deny beats Allow, no Allow
means an implicit deny; Action/NotAction and Resource/NotResource with ``*``/``?`` wildcards;
Principal ``*`` or AWS account/ARN principals; and the condition operators StringEquals,
StringNotEquals, StringLike, StringNotLike, ArnEquals/ArnLike (and their Not forms), IpAddress,
NotIpAddress, Bool and Null, each with the ``IfExists`` suffix. Values inside one key are ORed,
keys and operators inside one block are ANDed; a negated operator on a missing key matches,
as in IAM. Anything else raises ``UnsupportedPolicy`` rather than guessing.

No maintained Python library evaluates resource policies with conditions this way (policy
linters such as parliament check grammar, not decisions), so privgw carries this one, tested
against the documented semantics in ``tests/test_evaluate.py``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from privgw.errors import PrivgwError

Decision = Literal["allow", "explicit-deny", "implicit-deny"]


class UnsupportedPolicy(PrivgwError):
    """The policy uses a feature this evaluator does not model; no decision is guessed."""


@dataclass(frozen=True)
class Request:
    """One call to evaluate: who calls what, and the request context keys."""

    action: str
    resource: str
    principal: str = "anonymous"
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiArn:
    """Expands the ``execute-api:/...`` shorthand the way API Gateway does on save."""

    api_id: str
    region: str = "us-east-1"
    account: str = "111122223333"
    partition: str = "aws"

    @property
    def prefix(self) -> str:
        return f"arn:{self.partition}:execute-api:{self.region}:{self.account}:{self.api_id}"

    def method(self, stage: str, http_method: str, path: str) -> str:
        """The ARN API Gateway checks for a call: ``{api}/{stage}/{METHOD}/{path}``."""
        verb = "*" if http_method == "ANY" else http_method
        return f"{self.prefix}/{stage}/{verb}/{path.lstrip('/')}"

    def expand(self, resource: str) -> str:
        if resource.startswith("execute-api:/"):
            return self.prefix + resource[len("execute-api:") :]
        return resource


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _glob(pattern: str, value: str, case_sensitive: bool = True) -> bool:
    """IAM wildcards: ``*`` any run of characters (including ``/``), ``?`` one character."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags) is not None


def _ip_in(value: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def _match_one(base: str, policy_value: str, request_value: str) -> bool:
    if base == "StringEquals":
        return request_value == policy_value
    if base == "StringEqualsIgnoreCase":
        return request_value.lower() == policy_value.lower()
    if base in ("StringLike", "ArnLike"):
        return _glob(policy_value, request_value)
    if base == "ArnEquals":
        return request_value == policy_value
    if base == "IpAddress":
        return _ip_in(request_value, policy_value)
    if base == "Bool":
        return request_value.lower() == str(policy_value).lower()
    raise UnsupportedPolicy(f"condition operator {base} is not supported")


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
}


_SUPPORTED = frozenset(
    {
        "StringEquals",
        "StringEqualsIgnoreCase",
        "StringLike",
        "ArnEquals",
        "ArnLike",
        "IpAddress",
        "Bool",
        "Null",
        *_NEGATED,
    }
)


def _condition_matches(operator: str, key: str, policy_values: Any, request: Request) -> bool:
    if operator.startswith(("ForAnyValue:", "ForAllValues:")):
        raise UnsupportedPolicy(f"set operator {operator} is not supported")
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if base not in _SUPPORTED:
        raise UnsupportedPolicy(f"condition operator {operator} is not supported")
    present = key in request.context
    if base == "Null":
        wanted_null = str(_as_list(policy_values)[0]).lower() == "true"
        return wanted_null != present
    if not present:
        return if_exists or base in _NEGATED
    request_values = [str(v) for v in _as_list(request.context[key])]
    values = [str(v) for v in _as_list(policy_values)]
    positive = _NEGATED.get(base, base)
    hit = any(_match_one(positive, p, r) for p in values for r in request_values)
    return not hit if base in _NEGATED else hit


def _conditions_match(block: Mapping[str, Any], request: Request) -> bool:
    for operator, keys in block.items():
        if not isinstance(keys, Mapping):
            raise UnsupportedPolicy(f"condition {operator} is not a mapping of keys")
        for key, values in keys.items():
            if not _condition_matches(operator, key, values, request):
                return False
    return True


def _aws_principal_matches(value: str, caller: str) -> bool:
    """An AWS principal entry: ``*``, the caller's exact ARN, its account id or account root."""
    parts = caller.split(":")
    account = parts[4] if len(parts) > 4 else None
    if value in ("*", caller):
        return True
    if account is None:
        return False
    return (
        value == account or re.fullmatch(rf"arn:aws[a-z-]*:iam::{account}:root", value) is not None
    )


def _principal_matches(principal: Any, request: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        raise UnsupportedPolicy(f"principal {principal!r} is not supported")
    for kind, values in principal.items():
        if kind != "AWS":
            raise UnsupportedPolicy(f"principal type {kind} is not supported")
        if any(_aws_principal_matches(str(v), request.principal) for v in _as_list(values)):
            return True
    return False


def _statement_applies(statement: Mapping[str, Any], request: Request, api: ApiArn) -> bool:
    if "NotPrincipal" in statement:
        raise UnsupportedPolicy("NotPrincipal is not supported")
    if "Principal" in statement and not _principal_matches(statement["Principal"], request):
        return False
    if "Action" in statement:
        if not any(_glob(a, request.action, False) for a in _as_list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(_glob(a, request.action, False) for a in _as_list(statement["NotAction"])):
            return False
    else:
        raise UnsupportedPolicy("statement has neither Action nor NotAction")
    if "Resource" in statement:
        resources = [api.expand(str(r)) for r in _as_list(statement["Resource"])]
        if not any(_glob(r, request.resource) for r in resources):
            return False
    elif "NotResource" in statement:
        resources = [api.expand(str(r)) for r in _as_list(statement["NotResource"])]
        if any(_glob(r, request.resource) for r in resources):
            return False
    else:
        raise UnsupportedPolicy("statement has neither Resource nor NotResource")
    return _conditions_match(statement.get("Condition") or {}, request)


def evaluate(policy: Mapping[str, Any], request: Request, api: ApiArn) -> Decision:
    """The decision a resource policy alone gives for ``request`` (Deny > Allow > nothing)."""
    decision: Decision = "implicit-deny"
    for statement in _as_list(policy.get("Statement", [])):
        if not isinstance(statement, Mapping):
            raise UnsupportedPolicy("a statement is not a mapping")
        if not _statement_applies(statement, request, api):
            continue
        effect = statement.get("Effect")
        if effect == "Deny":
            return "explicit-deny"
        if effect == "Allow":
            decision = "allow"
        else:
            raise UnsupportedPolicy(f"effect {effect!r} is not Allow or Deny")
    return decision


def resolve(value: Any, refs: Mapping[str, Any]) -> Any:
    """Replace the intrinsics a policy may hold (Ref, Fn::Sub, Fn::GetAtt, Fn::Join,
    Fn::ImportValue) with concrete values from ``refs``, so the policy can be evaluated."""
    if isinstance(value, list):
        return [resolve(v, refs) for v in value]
    if not isinstance(value, Mapping):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return refs[arg]
        if key == "Fn::GetAtt":
            name = ".".join(arg) if isinstance(arg, list) else arg
            return refs[name]
        if key == "Fn::ImportValue":
            return refs[f"Import:{resolve(arg, refs)}"]
        if key == "Fn::Join":
            sep, items = arg
            return sep.join(str(i) for i in resolve(items, refs))
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else arg
            scope = {**refs, **{k: resolve(v, refs) for k, v in variables.items()}}
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(scope[m.group(1)]), text)
    return {k: resolve(v, refs) for k, v in value.items()}


__all__ = ["ApiArn", "Decision", "Request", "UnsupportedPolicy", "evaluate", "resolve"]

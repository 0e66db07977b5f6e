"""A small evaluator of the IAM policy semantics a private API's resource policy relies on.

Used to *prove* (in the tests and in privgw's preflight) that a policy admits calls through
the allowed endpoints and denies everything else. It implements the parts of IAM policy
evaluation that resource policies of private APIs use (IAM User Guide, "Policy evaluation
logic" and "IAM JSON policy elements: Condition operators"): explicit Deny beats Allow, no
Allow means an implicit deny; Action/NotAction and Resource/NotResource with ``*``/``?``
wildcards; Principal and NotPrincipal with ``*``, AWS account/ARN principals (a role covers
its sessions) and service principals; the condition operators StringEquals, StringNotEquals,
StringEqualsIgnoreCase, StringLike, StringNotLike, ArnEquals/ArnLike (and their Not forms),
IpAddress, NotIpAddress, Bool and Null, each with the ``IfExists`` suffix and the
``ForAnyValue:``/``ForAllValues:`` set qualifiers. Condition key names are case-insensitive,
JSON booleans compare as ``"true"``/``"false"``. Values inside one key are ORed, keys and
operators inside one block are ANDed; a negated operator on a missing key matches, as in IAM.
Anything else raises ``UnsupportedPolicy`` rather than guessing.

``authorize`` adds API Gateway's own rule on top ("How API Gateway resource policies affect
authorization workflow", table A): with IAM authorization, a caller of the API's own account
is admitted when its IAM policy *or* the resource policy allows, a caller of another account
only when both do; an explicit Deny in the resource policy refuses either.

No maintained Python library evaluates resource policies with conditions this way (policy
linters such as parliament check grammar, not decisions), so privgw carries this one, tested
against the documented semantics in ``tests/unit/checks/test_evaluate.py``.
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


ContextValue = str | bool | Sequence[str]


@dataclass(frozen=True)
class Request:
    """One call to evaluate: who calls what, and the request context keys.

    For a signed call, ``aws:PrincipalArn`` and ``aws:PrincipalAccount`` are derived from
    ``principal`` as IAM derives them (a role session's PrincipalArn is its role's ARN) unless
    ``context`` gives them.
    """

    action: str
    resource: str
    principal: str = "anonymous"
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def keys(self) -> dict[str, ContextValue]:
        """The request context with key names lower-cased (IAM compares them so)."""
        derived = principal_context(self.principal)
        derived.update(self.context)
        return {k.lower(): v for k, v in derived.items()}


_SESSION = re.compile(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.+")
_IAM_ARN = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):.+")


def principal_context(principal: str) -> dict[str, ContextValue]:
    """aws:PrincipalArn and aws:PrincipalAccount of an IAM caller (IAM User Guide, "AWS global
    condition context keys"); nothing for anonymous or service callers."""
    session = _SESSION.fullmatch(principal)
    if session:
        partition, account, role = session.groups()
        arn = f"arn:{partition}:iam::{account}:role/{role}"
        return {"aws:PrincipalArn": arn, "aws:PrincipalAccount": account}
    iam = _IAM_ARN.fullmatch(principal)
    if iam:
        return {"aws:PrincipalArn": principal, "aws:PrincipalAccount": iam.group(2)}
    return {}


def principal_account(principal: str) -> str | None:
    """The account of an IAM principal ARN, None for anonymous or service callers."""
    value = principal_context(principal).get("aws:PrincipalAccount")
    return value if isinstance(value, str) else None


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


def _text(value: Any) -> str:
    """A condition value as IAM compares it: JSON booleans are the strings true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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


def _arn_match(pattern: str, value: str) -> bool:
    """ArnEquals and ArnLike alike: each of the six colon-separated parts is compared on its
    own, case-sensitively, with ``*``/``?`` wildcards (IAM User Guide, "ARN condition
    operators")."""
    wanted = pattern.split(":", 5)
    got = value.split(":", 5)
    return len(wanted) == len(got) == 6 and all(map(_glob, wanted, got))


def _match_one(base: str, policy_value: str, request_value: str) -> bool:
    if base == "StringEquals":
        return request_value == policy_value
    if base == "StringEqualsIgnoreCase":
        return request_value.lower() == policy_value.lower()
    if base == "StringLike":
        return _glob(policy_value, request_value)
    if base in ("ArnEquals", "ArnLike"):
        return _arn_match(policy_value, request_value)
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


def _condition_matches(
    operator: str, key: str, policy_values: Any, context: Mapping[str, ContextValue]
) -> bool:
    qualifier, _, rest = operator.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise UnsupportedPolicy(f"set operator {operator} is not supported")
    if_exists = rest.endswith("IfExists")
    base = rest.removesuffix("IfExists")
    if base not in _SUPPORTED or (qualifier and base == "Null"):
        raise UnsupportedPolicy(f"condition operator {operator} is not supported")
    present = key.lower() in context
    if base == "Null":
        wanted_null = _text(_as_list(policy_values)[0]).lower() == "true"
        return wanted_null != present
    if not present:
        # IAM: a missing key satisfies ForAllValues (the empty set) and a negated operator;
        # ...IfExists makes any operator match.
        return qualifier == "ForAllValues" or if_exists or (not qualifier and base in _NEGATED)
    request_values = [_text(v) for v in _as_list(context[key.lower()])]
    values = [_text(v) for v in _as_list(policy_values)]
    positive = _NEGATED.get(base, base)

    def matches(request_value: str) -> bool:
        hit = any(_match_one(positive, p, request_value) for p in values)
        return not hit if base in _NEGATED else hit

    if qualifier == "ForAllValues":
        return all(matches(r) for r in request_values)
    if qualifier == "ForAnyValue":
        return any(matches(r) for r in request_values)
    hit = any(_match_one(positive, p, r) for p in values for r in request_values)
    return not hit if base in _NEGATED else hit


def _conditions_match(block: Mapping[str, Any], context: Mapping[str, ContextValue]) -> bool:
    for operator, keys in block.items():
        if not isinstance(keys, Mapping):
            raise UnsupportedPolicy(f"condition {operator} is not a mapping of keys")
        for key, values in keys.items():
            if not _condition_matches(operator, str(key), values, context):
                return False
    return True


def _aws_principal_matches(value: str, caller: str) -> bool:
    """An AWS principal entry: ``*``, the caller's exact ARN, its account id or account root,
    or the role a session was assumed from (IAM User Guide, "AWS JSON policy elements:
    Principal")."""
    if value in ("*", caller):
        return True
    account = principal_account(caller)
    if account is None:
        return False
    if value == account or re.fullmatch(rf"arn:aws[a-z-]*:iam::{account}:root", value):
        return True
    session = _SESSION.fullmatch(caller)
    role = re.fullmatch(rf"arn:aws[a-z-]*:iam::{account}:role/(?:.*/)?([^/]+)", value)
    return bool(session and role and role.group(1) == session.group(3))


def _principal_matches(principal: Any, request: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        raise UnsupportedPolicy(f"principal {principal!r} is not supported")
    for kind, values in principal.items():
        entries = [str(v) for v in _as_list(values)]
        if kind == "AWS":
            if any(_aws_principal_matches(v, request.principal) for v in entries):
                return True
        elif kind in ("Service", "Federated", "CanonicalUser"):
            if request.principal in entries:
                return True
        else:
            raise UnsupportedPolicy(f"principal type {kind} is not supported")
    return False


def _statement_applies(statement: Mapping[str, Any], request: Request, api: ApiArn) -> bool:
    if "Principal" in statement and "NotPrincipal" in statement:
        raise UnsupportedPolicy("a statement has both Principal and NotPrincipal")
    if "Principal" in statement and not _principal_matches(statement["Principal"], request):
        return False
    if "NotPrincipal" in statement and _principal_matches(statement["NotPrincipal"], request):
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
    return _conditions_match(statement.get("Condition") or {}, request.keys())


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


def statement_sids(policy: Mapping[str, Any], request: Request, api: ApiArn) -> list[str]:
    """The statements that decide ``request``: every applying Deny if there is one, else every
    applying Allow (by Sid, or position when a statement has none)."""
    applying = [
        (statement.get("Effect"), str(statement.get("Sid", f"#{index}")))
        for index, statement in enumerate(_as_list(policy.get("Statement", [])))
        if isinstance(statement, Mapping) and _statement_applies(statement, request, api)
    ]
    denies = [sid for effect, sid in applying if effect == "Deny"]
    return denies or [sid for effect, sid in applying if effect == "Allow"]


def authorize(
    policy: Mapping[str, Any],
    request: Request,
    api: ApiArn,
    *,
    iam_auth: bool,
    identity_allows: bool = False,
) -> Decision:
    """What API Gateway decides for a call, not the resource policy alone.

    Without IAM authorization the resource policy decides. With it, an unsigned (anonymous)
    call is refused, a caller of the API's own account gets in when its IAM policy
    (``identity_allows``) *or* the resource policy allows, a caller of another account only
    when both allow; an explicit Deny refuses either (API Gateway developer guide, "How API
    Gateway resource policies affect authorization workflow", table A).
    """
    decision = evaluate(policy, request, api)
    if decision == "explicit-deny" or not iam_auth:
        return decision
    account = principal_account(request.principal)
    if account is None:
        return "implicit-deny"
    if account == api.account:
        return "allow" if decision == "allow" or identity_allows else "implicit-deny"
    return "allow" if decision == "allow" and identity_allows else "implicit-deny"


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
            local = {k: resolve(v, refs) for k, v in variables.items()}

            def value(name: str) -> str:  # refs[...] keeps a mapping's own default for misses
                return str(local[name] if name in local else refs[name])

            return re.sub(r"\$\{([^}!]+)\}", lambda m: value(m.group(1)), text)
    return {k: resolve(v, refs) for k, v in value.items()}


__all__ = [
    "ApiArn",
    "Decision",
    "Request",
    "UnsupportedPolicy",
    "authorize",
    "evaluate",
    "principal_account",
    "principal_context",
    "resolve",
]

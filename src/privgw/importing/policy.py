"""A live API's resource policy mapped onto privgw's allow-list: which VPC endpoints, VPCs,
caller CIDRs and IAM principals it admits, each statement either recognised or reported.

Recognised are the shapes privgw writes and the hand-written ones the API Gateway developer
guide shows ("Example: Allow private API traffic based on source VPC or VPC endpoint"): an
Allow for everyone on the whole API; an Allow or a Deny (``StringEquals`` /
``StringNotEquals``) on ``aws:SourceVpce`` and ``aws:SourceVpc``; a Deny ``NotIpAddress`` on
``aws:VpcSourceIp``; an Allow naming IAM principals, and privgw's own principal and account
Denies. A statement of any other shape is reported, never dropped silently. The mapping is
then checked by decision, not by shape: privgw's evaluator (``privgw.evaluate``) asks the live
policy and the policy the config builds the same calls, and every call they decide
differently is reported, so a hole the live policy has (any VPC may call) is named with its
fix.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from privgw.evaluate import ApiArn, Request, UnsupportedPolicy, evaluate

_INVOKE = {"execute-api:invoke", "execute-api:*", "*"}
_FOREIGN_ENDPOINT = "vpce-0f0f0f0f0f0f0f0f0"
_FOREIGN_VPC = "vpc-0f0f0f0f0f0f0f0f0"
_HTTPS = {"aws:SecureTransport": "true"}


@dataclass
class PolicyReading:
    """What the policy admits, in config terms, and what could not be said that way."""

    endpoint_ids: list[str] = field(default_factory=list)
    vpc_ids: list[str] = field(default_factory=list)
    source_cidrs: list[str] = field(default_factory=list)
    principals: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    #: Whether some Allow admits callers at all (a policy without one admits nobody).
    allows: bool = False


def parse_policy(text: str | None) -> dict[str, Any] | None:
    """The policy get-rest-api returns: a JSON string, which API Gateway returns with its
    quotes backslash-escaped."""
    if not text:
        return None
    for candidate in (text, text.replace('\\"', '"').replace("\\/", "/").strip('"')):
        try:
            parsed = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, str):
            parsed = json.loads(parsed)
        if isinstance(parsed, dict):
            return parsed
    return None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, Mapping) and principal.get("AWS") == "*")


def _whole_api(resources: Any, api_id: str) -> bool:
    return all(
        str(r) in ("*", "execute-api:/*")
        or str(r).endswith(f":{api_id}/*")
        or str(r).endswith(f":{api_id}/*/*/*")
        or str(r) == "execute-api:/*/*/*"
        for r in _list(resources)
    )


def _keys(block: Any) -> dict[str, list[str]]:
    """A condition operator's keys, lower-cased, with their values as strings."""
    if not isinstance(block, Mapping):
        return {}
    return {str(k).lower(): [str(v) for v in _list(vs)] for k, vs in block.items()}


def _other_accounts_denied(operators: Mapping[str, Any]) -> bool:
    """privgw's DenySignedCallersOfOtherAccounts: a signed caller (aws:PrincipalAccount not
    null) of an account other than the API's."""
    unequal = _keys(operators.get("StringNotEquals"))
    null = _keys(operators.get("Null"))
    return (
        set(operators) == {"StringNotEquals", "Null"}
        and set(unequal) == {"aws:principalaccount"}
        and null == {"aws:principalaccount": ["false"]}
    )


def _read(statement: Mapping[str, Any], api_id: str, reading: PolicyReading) -> bool:
    """Fold one statement into ``reading``; False when its shape is not one privgw writes."""
    effect = statement.get("Effect")
    actions = {str(a).lower() for a in _list(statement.get("Action", []))}
    if not actions or not actions <= _INVOKE or "NotAction" in statement:
        return False
    if "NotResource" in statement or not _whole_api(statement.get("Resource"), api_id):
        return False
    condition = statement.get("Condition") or {}
    operators = {str(k): v for k, v in condition.items()} if isinstance(condition, Mapping) else {}
    principal = statement.get("Principal")
    if effect == "Allow" and "NotPrincipal" not in statement:
        if not _everyone(principal):
            if not isinstance(principal, Mapping) or set(principal) - {"AWS"} or operators:
                return False
            aws = _list(principal.get("AWS", []))
            if not aws:
                return False
            reading.principals += [str(p) for p in aws]
        if set(operators) - {"StringEquals"}:
            return False
        keys = _keys(operators.get("StringEquals"))
        if set(keys) - {"aws:sourcevpce", "aws:sourcevpc"} or len(keys) > 1:
            return False  # two keys in one block are ANDed: not an allow-list of either
        reading.endpoint_ids += keys.get("aws:sourcevpce", [])
        reading.vpc_ids += keys.get("aws:sourcevpc", [])
        reading.allows = True
        return True
    if effect == "Deny" and _everyone(principal) and _other_accounts_denied(operators):
        return True  # privgw's own, written again for an API with IAM routes
    if effect != "Deny" or not _everyone(principal) or len(operators) != 1:
        return False
    ((operator, block),) = operators.items()
    keys = _keys(block)
    if operator == "StringNotEquals" and keys and set(keys) <= {"aws:sourcevpce", "aws:sourcevpc"}:
        reading.endpoint_ids += keys.get("aws:sourcevpce", [])
        reading.vpc_ids += keys.get("aws:sourcevpc", [])
        return True
    if operator == "NotIpAddress" and set(keys) == {"aws:vpcsourceip"}:
        reading.source_cidrs += keys["aws:vpcsourceip"]
        return True
    principal_keys = {"aws:principalarn", "aws:principalaccount"}
    return operator == "StringNotEquals" and bool(keys) and set(keys) <= principal_keys


def read_policy(policy: Mapping[str, Any] | None, api: ApiArn) -> PolicyReading:
    """The allow-list ``policy`` describes, and a report line per statement or decision the
    config cannot carry."""
    reading = PolicyReading()
    if policy is None:
        reading.report.append(
            "policy: the API has no resource policy, so API Gateway refuses every call to it "
            "(a private API needs one); the config allows only its endpoints"
        )
        return reading
    for index, statement in enumerate(_list(policy.get("Statement", []))):
        name = f"policy Statement[{index}]" + (
            f" ({statement['Sid']})"
            if isinstance(statement, Mapping) and "Sid" in statement
            else ""
        )
        if not isinstance(statement, Mapping) or not _read(statement, api.api_id, reading):
            reading.report.append(
                f"{name}: not a shape privgw writes, so the config does not carry it: "
                f"{json.dumps(statement, sort_keys=True)[:300]}"
            )
    for values in (reading.endpoint_ids, reading.vpc_ids, reading.source_cidrs):
        values[:] = sorted(set(values))
    reading.principals = sorted(set(reading.principals))
    if reading.allows and not reading.endpoint_ids and not reading.vpc_ids:
        reading.report.append(
            "policy: HOLE: no statement names an aws:SourceVpce or aws:SourceVpc, so a call "
            "through any VPC endpoint, in any account, is allowed; the config admits only the "
            "API's own endpoints (endpoint.existing_ids): deploy it to close the hole"
        )
    return reading


def probes(reading: PolicyReading, endpoint_ids: list[str]) -> list[tuple[str, Request]]:
    """Calls that tell two allow-lists apart: each endpoint and VPC named, a foreign one and
    none, from inside and outside the caller CIDRs, anonymous and signed."""
    contexts: list[tuple[str, dict[str, Any]]] = []
    for vpce in sorted({*endpoint_ids, *reading.endpoint_ids}):
        contexts.append(
            (f"through {vpce}", {"aws:SourceVpce": vpce, "aws:SourceVpc": _FOREIGN_VPC})
        )
    contexts.append(
        (
            "through an endpoint neither lists",
            {"aws:SourceVpce": _FOREIGN_ENDPOINT, "aws:SourceVpc": _FOREIGN_VPC},
        )
    )
    for vpc in reading.vpc_ids:
        contexts.append(
            (f"from {vpc}", {"aws:SourceVpce": _FOREIGN_ENDPOINT, "aws:SourceVpc": vpc})
        )
    contexts.append(("with no endpoint", {}))
    calls = []
    for what, context in contexts:
        for cidr in reading.source_cidrs:
            first = cidr.split("/")[0]
            calls.append((f"{what} from {first}", {**context, "aws:VpcSourceIp": first}))
        if reading.source_cidrs:
            calls.append((f"{what} from 192.0.2.1", {**context, "aws:VpcSourceIp": "192.0.2.1"}))
        else:
            calls.append((what, context))
    principals = ["anonymous", *reading.principals[:3]]
    return [  # every call to API Gateway is HTTPS
        (f"{what}, {who}", Request("execute-api:Invoke", "", who, {**context, **_HTTPS}))
        for what, context in calls
        for who in principals
    ]


def compare(
    live: Mapping[str, Any] | None,
    built: Mapping[str, Any],
    reading: PolicyReading,
    endpoint_ids: list[str],
    api: ApiArn,
) -> list[str]:
    """A report line for each probe the live policy and the config's decide differently."""
    if live is None:
        return []
    lines = []
    for what, request in probes(reading, endpoint_ids):
        call = Request(request.action, api.method("stage", "GET", "/"), request.principal,
                       request.context)  # fmt: skip
        try:
            theirs, ours = evaluate(live, call, api), evaluate(built, call, api)
        except UnsupportedPolicy as exc:
            return [f"policy: not compared with the config's ({exc})"]
        if (theirs == "allow") != (ours == "allow"):
            verdict = "allows" if theirs == "allow" else "refuses"
            lines.append(
                f"policy: the live policy {verdict} a call {what}; the config's "
                f"{'refuses' if verdict == 'allows' else 'allows'} it"
            )
    return lines

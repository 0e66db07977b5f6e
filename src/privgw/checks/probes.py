"""The policy probes (E9102, E9107, W9106): a private API's resource policy evaluated for every
call that must be refused (through an unlisted endpoint or none; on every method, stage, path
shape and route of the template; as anonymous callers and as signed principals, those the
policy itself names among them) and for the calls that must get in (through each allowed
endpoint)."""

from __future__ import annotations

import ipaddress
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from privgw.checks.common import (
    allowed_principals,
    api_routes,
    auth_type,
    body_signs,
    finding,
    keys_in,
    policy_path,
    resources_of,
    statements,
    unevaluable,
)
from privgw.evaluate import ApiArn, Request, UnsupportedPolicy, authorize, evaluate, resolve
from privgw.findings import Finding
from privgw.standins import (
    ACCOUNT,
    ADMIN,
    API_ID,
    STRANGER,
    UNLISTED_ENDPOINT,
    UNLISTED_VPC,
    Placeholders,
    parameter_defaults,
    pseudo_parameters,
)

#: The account the probes pretend the API lives in, and its id (privgw.standins).
PROBE_ACCOUNT = ACCOUNT
PROBE_API = API_ID
#: Every method a caller can send (ANY is not a method a call carries).
PROBE_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
#: Path shapes: the root, one segment, several segments.
PROBE_PATHS = ("", "x", "a/b/c")
#: A stage no template names: policies scoped to one stage must still keep everyone out.
PROBE_OTHER_STAGE = "privgw-probe-stage"
INSIDE_IP = "10.255.0.10"

#: Calls that must never get in: through an unlisted endpoint in an unlisted VPC (with the
#: context keys such a call carries), and a call that came through no endpoint at all.
OUTSIDERS: tuple[tuple[str, Mapping[str, str]], ...] = (
    (
        f"through endpoint {UNLISTED_ENDPOINT}",
        {
            "aws:SourceVpce": UNLISTED_ENDPOINT,
            "aws:SourceVpc": UNLISTED_VPC,
            "aws:VpcSourceIp": INSIDE_IP,
        },
    ),
    ("without any VPC endpoint", {}),
)


@dataclass(frozen=True)
class _Api:
    """What the probes need to know of one private API, read from the template."""

    name: str
    path: tuple[str, ...]
    policy: Mapping[str, Any]
    endpoints: list[str]
    stages: list[str]
    iam_auth: bool
    #: How the template names each endpoint (a literal id, a parameter or resource by logical
    #: id, an import), by the value it resolves to here.
    endpoint_names: Mapping[str, str]
    #: The (method, path) pairs the API serves, with path parameters filled in.
    routes: list[tuple[str, str]]


def _concrete(path: str) -> str:
    """A path a call can carry: ``{id}`` and ``{proxy+}`` filled in."""
    return re.sub(r"\{[^}]*\+\}", "a/b", re.sub(r"\{[^}+]*\}", "x", path)).strip("/")


def _probe_resources(
    api: ApiArn,
    stages: list[str],
    routes: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> Iterator[str]:
    """Every method on every path shape, and every route of the template: a Deny written
    around one of the template's own paths (NotResource on GET /health) must not open it."""
    shapes = [(m, p) for m in PROBE_METHODS for p in PROBE_PATHS]
    shapes += [
        (verb, _concrete(path))
        for method, path in routes
        for verb in (PROBE_METHODS if method == "ANY" else (method,))
    ]
    for stage in stages:
        for method, path in dict.fromkeys(shapes):
            yield api.method(stage, method, path)


def _named_principals(policy: Mapping[str, Any]) -> list[str]:
    """Signed callers the policy's conditions name (aws:PrincipalArn, aws:PrincipalAccount):
    a Deny that spares them would let them in through any endpoint."""
    arns = [a.replace("*", "probe") for a in keys_in(policy, "aws:PrincipalArn")]
    accounts = [
        f"arn:aws:iam::{a}:role/probe"
        for a in keys_in(policy, "aws:PrincipalAccount")
        if re.fullmatch(r"\d{12}", a)
    ]
    return list(dict.fromkeys(arn for arn in [*arns, *accounts] if arn.startswith("arn:")))


def leaks(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any], policy: Mapping[str, Any]
) -> list[Finding]:
    """Evaluate the policy for every call that must be refused, on every method, stage and
    path shape; and check that the allowed endpoints do get in. Report the first of each."""
    try:
        return _probe(_probe_target(template, name, props, policy))
    except (UnsupportedPolicy, KeyError, TypeError, ValueError, AttributeError) as exc:
        return [unevaluable(name, str(exc), policy_path(template, name))]


def _probe_target(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any], policy: Mapping[str, Any]
) -> _Api:
    """The API as the probes see it: parameters at their defaults, every other intrinsic
    resolved to a stable stand-in."""
    refs = Placeholders({**pseudo_parameters(), **parameter_defaults(template)})
    config = props["EndpointConfiguration"]
    endpoints = config.get("VpcEndpointIds", config.get("VPCEndpointIds")) or []
    stages = [props["StageName"]] if "StageName" in props else []
    iam_auth = (
        auth_type(props) == "AWS_IAM"
        or body_signs(props.get("Body"))
        or body_signs(props.get("DefinitionBody"))
    )
    for _, stage in resources_of(template, "AWS::ApiGateway::Stage"):
        if stage.get("RestApiId") == {"Ref": name} and "StageName" in stage:
            stages.append(stage["StageName"])
    for _, method in resources_of(template, "AWS::ApiGateway::Method"):
        if method.get("RestApiId") == {"Ref": name} and method.get("AuthorizationType") == (
            "AWS_IAM"
        ):
            iam_auth = True
    resolved = [str(e) for e in resolve(list(endpoints), refs)]
    return _Api(
        name,
        policy_path(template, name),
        resolve(policy, refs),
        resolved,
        [str(s) for s in resolve(stages, refs)] or ["v1"],
        iam_auth,
        {value: _named(raw) for value, raw in zip(resolved, endpoints, strict=True)},
        api_routes(template, name, props),
    )


def _named(value: Any) -> str:
    """An endpoint as the template writes it: the id, the parameter or resource it refers to,
    or the export it imports."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return str(arg)
        if key == "Fn::ImportValue":
            return f"the import {json.dumps(arg) if not isinstance(arg, str) else arg}"
        if key == "Fn::GetAtt":
            return ".".join(arg) if isinstance(arg, list) else str(arg)
    return str(value) if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _probe(probe: _Api) -> list[Finding]:
    api = ApiArn(PROBE_API, account=PROBE_ACCOUNT)
    policy = probe.policy
    signed = [STRANGER, ADMIN, *_named_principals(policy)] if probe.iam_auth else ["anonymous"]
    admin_listed = _lists(policy, ADMIN)
    findings: list[Finding] = []
    for resource in _probe_resources(api, [*probe.stages, PROBE_OTHER_STAGE], probe.routes):
        for who, context in OUTSIDERS:
            for principal in signed:
                request = Request("execute-api:Invoke", resource, principal, context)
                if _admitted(policy, request, api, probe.iam_auth):
                    by = "" if principal in ("anonymous", STRANGER, ADMIN) else f" by {principal}"
                    return [_leak(probe, f"a call{by} {who} ({_call(resource)})")]
        if not probe.iam_auth or admin_listed:
            continue
        for endpoint, address in itertools.product(probe.endpoints, _addresses(policy)):
            context = {"aws:SourceVpce": endpoint, "aws:SourceVpc": UNLISTED_VPC, **address}
            request = Request("execute-api:Invoke", resource, ADMIN, context)
            if _admitted(policy, request, api, True):
                return [
                    finding(
                        "E9102",
                        "error",
                        f"resource policy of {probe.name} admits any principal of the API's own "
                        f"account whose IAM policy allows execute-api:Invoke ({_call(resource)}), "
                        "not only the listed ones; add an explicit Deny with StringNotEquals on "
                        "aws:PrincipalArn / aws:PrincipalAccount, as privgw's own policy does",
                        probe.path,
                    )
                ]
    locked = [e for e in probe.endpoints if not _anyone_gets_in(probe, api, e)]
    if locked:
        findings.append(
            finding(
                "E9107",
                "error",
                f"resource policy of {probe.name} admits no call through "
                f"{', '.join(probe.endpoint_names.get(e, e) for e in locked)}, an endpoint its "
                "EndpointConfiguration allows: every "
                "call through it fails with 403; allow execute-api:Invoke through it",
                probe.path,
            )
        )
    return findings


def _lists(policy: Mapping[str, Any], principal: str) -> bool:
    """Whether an Allow statement of the policy names ``principal`` (or its account)."""
    for statement in statements(policy):
        if statement.get("Effect") == "Allow":
            named = {"Effect": "Allow", "Action": "*", "Resource": "*"}
            if "Principal" in statement:
                named["Principal"] = statement["Principal"]
            request = Request("execute-api:Invoke", "*", principal)
            if evaluate({"Statement": [named]}, request, ApiArn(PROBE_API)) == "allow":
                return True
    return False


def _addresses(policy: Mapping[str, Any]) -> list[dict[str, str]]:
    """Caller addresses to try: one inside each CIDR an aws:VpcSourceIp condition names."""
    addresses = [{"aws:VpcSourceIp": INSIDE_IP}]
    for cidr in keys_in(policy, "aws:VpcSourceIp"):
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            continue
        addresses.append({"aws:VpcSourceIp": str(next(network.hosts(), network.network_address))})
    return addresses


def _anyone_gets_in(probe: _Api, api: ApiArn, endpoint: str) -> bool:
    """Whether some caller (anonymous, or a listed principal) gets in through ``endpoint``."""
    listed = allowed_principals(probe.policy) or [ADMIN]
    principals = listed if probe.iam_auth else ["anonymous"]
    for resource in _probe_resources(api, probe.stages, probe.routes):
        for principal in principals:
            for address in _addresses(probe.policy):
                context = {"aws:SourceVpce": endpoint, "aws:SourceVpc": UNLISTED_VPC, **address}
                request = Request("execute-api:Invoke", resource, principal, context)
                if _admitted(probe.policy, request, api, probe.iam_auth):
                    return True
    return False


def _admitted(policy: Mapping[str, Any], request: Request, api: ApiArn, iam_auth: bool) -> bool:
    """API Gateway's decision; a signed caller is given an IAM policy that allows invoke."""
    decision = authorize(policy, request, api, iam_auth=iam_auth, identity_allows=True)
    return decision == "allow"


def _call(resource: str) -> str:
    stage, method, *path = resource.split("/", 1)[1].split("/")
    return f"{method} /{'/'.join(path)} on stage {stage}"


def _leak(probe: _Api, who: str) -> Finding:
    return finding(
        "E9102",
        "error",
        f"resource policy of {probe.name} admits {who}; add an explicit Deny on every method "
        "and path (execute-api:/*) with StringNotEquals on aws:SourceVpce (or aws:SourceVpc) "
        "listing the allowed endpoints, as privgw's own policy does",
        probe.path,
    )


def outsider_admitted(template: Mapping[str, Any], policy: Mapping[str, Any]) -> str | None:
    """The first call that must be refused and that ``policy`` (a domain name's) admits, said
    in words; None when every one is refused. Anonymous and signed callers, through an
    unlisted endpoint and through none, on every method and path shape."""
    refs = Placeholders({**pseudo_parameters(), **parameter_defaults(template)})
    resolved = resolve(policy, refs)
    api = ApiArn(PROBE_API, account=PROBE_ACCOUNT)
    for resource in _probe_resources(api, ["v1", PROBE_OTHER_STAGE]):
        for who, context in OUTSIDERS:
            for principal in ["anonymous", STRANGER, ADMIN, *_named_principals(resolved)]:
                request = Request("execute-api:Invoke", resource, principal, context)
                if evaluate(resolved, request, api) == "allow":
                    return f"a call {who} ({_call(resource)})"
    return None

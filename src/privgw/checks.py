"""privgw's own preflight checks: what no linter or scanner checks for a private API.

They read the built template (not the config), so they also guard a template the caller
extended by hand or wrote elsewhere. Each finding says what is wrong and how to fix it, and
where (its ``path``). ``privgw.rules`` wraps them as cfn-lint rules, so cfn-lint reports them
with line numbers (``cfn-lint --append-rules privgw.rules``); ids follow cfn-lint's convention
for user rules (E9xxx/W9xxx/I9xxx); before they were P1001..P2007 (in brackets below).

| rule  | level | what |
| E9001 (P1001) | error | template over 1,000,000 bytes |
| I9002 (P1002) | info  | template over 51,200 bytes (deploy with --s3-bucket) |
| E9003 (P1003) | error | resource policy over 8,192 characters |
| E9101 (P2001) | error | PRIVATE API without a resource policy |
| E9102 (P2002) | error | policy admits calls that do not come through an allowed endpoint/VPC, or
|       |       | (IAM auth) principals of the API's account that it does not list |
| E9103 (P2003) | error | aws:SourceIp in a private API's policy |
| E9104 (P2004) | error | IpAddressType ipv4 on a PRIVATE API |
| E9105 (P2005) | error | two execute-api endpoints with private DNS in one VPC |
| W9106 (P2006) | warning | policy that privgw cannot evaluate |
| E9107 (P2007) | error | policy admits no call through an endpoint the API lists |
| W9108 | warning | a route without IAM auth on an API whose policy admits only listed principals |
"""

from __future__ import annotations

import ipaddress
import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from privgw.evaluate import ApiArn, Request, UnsupportedPolicy, authorize, evaluate, resolve
from privgw.findings import Finding, Level
from privgw.limits import INLINE_TEMPLATE_LIMIT, POLICY_LIMIT, S3_TEMPLATE_LIMIT

#: The account and region the probes pretend the API lives in.
PROBE_ACCOUNT = "111122223333"
PROBE_API = "a1b2c3d4e5"
#: Every method a caller can send (ANY is not a method a call carries).
PROBE_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
#: Path shapes: the root, one segment, several segments.
PROBE_PATHS = ("", "x", "a/b/c")
#: A stage no template names: policies scoped to one stage must still keep everyone out.
PROBE_OTHER_STAGE = "privgw-probe-stage"
UNLISTED_ENDPOINT = "vpce-0ffffffffffffffff"
UNLISTED_VPC = "vpc-0ffffffffffffffff"
INSIDE_IP = "10.255.0.10"
STRANGER = "arn:aws:iam::999988887777:role/stranger"
ADMIN = f"arn:aws:iam::{PROBE_ACCOUNT}:role/Admin"

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


def _finding(rule: str, level: Level, message: str, path: tuple[str | int, ...] = ()) -> Finding:
    return Finding("privgw", 0, rule, level, message, path)


def _resources(template: Mapping[str, Any], *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return
    for name, resource in sorted(resources.items()):
        if isinstance(resource, Mapping) and resource.get("Type") in types:
            props = resource.get("Properties")
            yield str(name), dict(props) if isinstance(props, Mapping) else {}


def _is_private(props: Mapping[str, Any]) -> bool:
    config = props.get("EndpointConfiguration")
    if not isinstance(config, Mapping):
        return False
    types = config.get("Types", config.get("Type"))
    return "PRIVATE" in (types if isinstance(types, list) else [types])


def _policy_path(template: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """Where the resource policy of API ``name`` is written in the template."""
    resource = template["Resources"][name]
    props = resource.get("Properties") or {}
    if resource.get("Type") == "AWS::Serverless::Api":
        return ("Resources", name, "Properties", "Auth", "ResourcePolicy")
    if "Policy" not in props and isinstance(props.get("Body"), Mapping):
        return ("Resources", name, "Properties", "Body", "x-amazon-apigateway-policy")
    return ("Resources", name, "Properties", "Policy")


def _api_policy(resource_type: str, props: Mapping[str, Any]) -> tuple[Any, list[str]]:
    """The effective resource policy of a RestApi (Policy, or an OpenAPI Body's) or a SAM Api
    (its ResourcePolicy.CustomStatements), plus the parts privgw cannot see into."""
    if resource_type == "AWS::ApiGateway::RestApi":
        body = props.get("Body")
        from_body = body.get("x-amazon-apigateway-policy") if isinstance(body, Mapping) else None
        return props.get("Policy", from_body), []
    auth = props.get("Auth")
    resource_policy = auth.get("ResourcePolicy") if isinstance(auth, Mapping) else None
    if not isinstance(resource_policy, Mapping):
        return None, []
    unseen = sorted(k for k in resource_policy if k != "CustomStatements")
    statements = resource_policy.get("CustomStatements")
    return ({"Statement": statements} if statements else None), unseen


API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api")


def size_findings(text: str, template: Mapping[str, Any]) -> list[Finding]:
    """Limits cfn-lint leaves out: the inline deploy size and the resource policy's length."""
    return [*text_size_findings(text), *policy_length_findings(template)]


def text_size_findings(text: str) -> list[Finding]:
    """The template's byte size against what CloudFormation takes inline and through S3."""
    findings = []
    size = len(text.encode("utf-8"))
    if size > S3_TEMPLATE_LIMIT:
        findings.append(
            _finding(
                "E9001",
                "error",
                f"template is {size:,} bytes, over CloudFormation's {S3_TEMPLATE_LIMIT:,}-byte "
                "limit even through S3; split the API into several stacks or fewer routes",
            )
        )
    elif size > INLINE_TEMPLATE_LIMIT:
        findings.append(
            _finding(
                "I9002",
                "info",
                f"template is {size:,} bytes, over the {INLINE_TEMPLATE_LIMIT:,} bytes "
                "`aws cloudformation deploy` accepts inline; deploy with `--s3-bucket BUCKET`, "
                "or build with `--format json --compact` (the smallest form)",
            )
        )
    return findings


def policy_length_findings(template: Mapping[str, Any]) -> list[Finding]:
    """Each private API's resource policy against API Gateway's length quota."""
    findings = []
    for name, props in _resources(template, *API_TYPES):
        resources = template.get("Resources") or {}
        policy, _ = _api_policy(str(resources[name]["Type"]), props)
        if isinstance(policy, Mapping):
            length = len(json.dumps(policy, separators=(",", ":")))
            if length > POLICY_LIMIT:
                findings.append(
                    _finding(
                        "E9003",
                        "error",
                        f"resource policy of {name} is about {length:,} characters, over API "
                        f"Gateway's {POLICY_LIMIT:,}; allow fewer endpoints, list VPCs "
                        "(aws:SourceVpc) instead of endpoints, or request a quota increase",
                        _policy_path(template, name),
                    )
                )
    return findings


class _Placeholders(dict[str, Any]):
    """Resolves every Ref/GetAtt to a stable stand-in, so a policy can be evaluated offline."""

    def __missing__(self, key: str) -> str:
        return f"resolved-{key}"


PSEUDO = {"AWS::AccountId": PROBE_ACCOUNT, "AWS::Region": "us-east-1", "AWS::Partition": "aws"}


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


def _keys_in(policy: Any, key: str) -> list[str]:
    """Every value a condition gives for ``key`` (compared case-insensitively, as IAM does)."""
    found: list[str] = []
    if isinstance(policy, Mapping):
        for k, v in policy.items():
            if isinstance(k, str) and k.lower() == key.lower():
                found.extend(str(x) for x in (v if isinstance(v, list) else [v]))
            else:
                found.extend(_keys_in(v, key))
    elif isinstance(policy, list):
        for item in policy:
            found.extend(_keys_in(item, key))
    return found


def _allowed_principals(policy: Mapping[str, Any]) -> list[str]:
    """Callers the policy's Allow statements name: an IAM role in each listed account or the
    listed ARN itself (the probe signs as them)."""
    callers: list[str] = []
    for statement in policy.get("Statement") or []:
        principal = statement.get("Principal") if isinstance(statement, Mapping) else None
        if statement.get("Effect") != "Allow" or not isinstance(principal, Mapping):
            continue
        values = principal.get("AWS", [])
        for value in values if isinstance(values, list) else [values]:
            text = str(value)
            account = text if text.isdigit() else None
            if text.endswith(":root"):
                account = text.split(":")[4]
            callers.append(f"arn:aws:iam::{account}:role/caller" if account else text)
    return callers


def _probe_resources(api: ApiArn, stages: list[str]) -> Iterator[str]:
    for stage in stages:
        for method in PROBE_METHODS:
            for path in PROBE_PATHS:
                yield api.method(stage, method, path)


def _leaks(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any], policy: Mapping[str, Any]
) -> list[Finding]:
    """Evaluate the policy for every call that must be refused, on every method, stage and
    path shape; and check that the allowed endpoints do get in. Report the first of each."""
    try:
        return _probe(_probe_target(template, name, props, policy))
    except (UnsupportedPolicy, KeyError, TypeError, ValueError, AttributeError) as exc:
        return [_unevaluable(name, str(exc), _policy_path(template, name))]


def _probe_target(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any], policy: Mapping[str, Any]
) -> _Api:
    """The API as the probes see it: parameters at their defaults, every other intrinsic
    resolved to a stable stand-in."""
    refs = _Placeholders({**PSEUDO, **_parameter_defaults(template)})
    config = props["EndpointConfiguration"]
    endpoints = config.get("VpcEndpointIds", config.get("VPCEndpointIds")) or []
    stages = [props["StageName"]] if "StageName" in props else []
    iam_auth = (
        _auth_type(props) == "AWS_IAM"
        or _body_signs(props.get("Body"))
        or _body_signs(props.get("DefinitionBody"))
    )
    for _, stage in _resources(template, "AWS::ApiGateway::Stage"):
        if stage.get("RestApiId") == {"Ref": name} and "StageName" in stage:
            stages.append(stage["StageName"])
    for _, method in _resources(template, "AWS::ApiGateway::Method"):
        if method.get("RestApiId") == {"Ref": name} and method.get("AuthorizationType") == (
            "AWS_IAM"
        ):
            iam_auth = True
    resolved = [str(e) for e in resolve(list(endpoints), refs)]
    return _Api(
        name,
        _policy_path(template, name),
        resolve(policy, refs),
        resolved,
        [str(s) for s in resolve(stages, refs)] or ["v1"],
        iam_auth,
        {value: _named(raw) for value, raw in zip(resolved, endpoints, strict=True)},
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


def _parameter_defaults(template: Mapping[str, Any]) -> dict[str, Any]:
    """What each parameter with a default resolves to (a list for list types)."""
    found: dict[str, Any] = {}
    declared = template.get("Parameters")
    for name, spec in declared.items() if isinstance(declared, Mapping) else []:
        if isinstance(spec, Mapping) and "Default" in spec:
            default = spec["Default"]
            kind = str(spec.get("Type", ""))
            listed = kind.startswith("List<") or kind == "CommaDelimitedList"
            found[str(name)] = str(default).split(",") if listed else default
    return found


def _body_signs(body: Any) -> bool:
    """Whether an OpenAPI Body (SAM's output) or DefinitionBody (a SAM Api's input) authorizes
    some method with SigV4 (IAM)."""
    text = json.dumps(body, separators=(",", ":")).lower()
    return '"x-amazon-apigateway-authtype":"awssigv4"' in text


def _auth_type(props: Mapping[str, Any]) -> str | None:
    """A SAM Api's default authorizer (AWS_IAM for SigV4 callers)."""
    auth = props.get("Auth")
    return auth.get("DefaultAuthorizer") if isinstance(auth, Mapping) else None


def _probe(probe: _Api) -> list[Finding]:
    api = ApiArn(PROBE_API, account=PROBE_ACCOUNT)
    policy = probe.policy
    signed = [STRANGER, ADMIN] if probe.iam_auth else ["anonymous"]
    admin_listed = _lists(policy, ADMIN)
    findings: list[Finding] = []
    for resource in _probe_resources(api, [*probe.stages, PROBE_OTHER_STAGE]):
        for who, context in OUTSIDERS:
            for principal in signed:
                request = Request("execute-api:Invoke", resource, principal, context)
                if _admitted(policy, request, api, probe.iam_auth):
                    return [_leak(probe, f"a call {who} ({_call(resource)})")]
        if not probe.iam_auth or admin_listed:
            continue
        for endpoint, address in itertools.product(probe.endpoints, _addresses(policy)):
            context = {"aws:SourceVpce": endpoint, "aws:SourceVpc": UNLISTED_VPC, **address}
            request = Request("execute-api:Invoke", resource, ADMIN, context)
            if _admitted(policy, request, api, True):
                return [
                    _finding(
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
            _finding(
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
    for statement in policy.get("Statement") or []:
        if isinstance(statement, Mapping) and statement.get("Effect") == "Allow":
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
    for cidr in _keys_in(policy, "aws:VpcSourceIp"):
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            continue
        addresses.append({"aws:VpcSourceIp": str(next(network.hosts(), network.network_address))})
    return addresses


def _anyone_gets_in(probe: _Api, api: ApiArn, endpoint: str) -> bool:
    """Whether some caller (anonymous, or a listed principal) gets in through ``endpoint``."""
    listed = _allowed_principals(probe.policy) or [ADMIN]
    principals = listed if probe.iam_auth else ["anonymous"]
    for resource in _probe_resources(api, probe.stages):
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
    return _finding(
        "E9102",
        "error",
        f"resource policy of {probe.name} admits {who}; add an explicit Deny on every method "
        "and path (execute-api:/*) with StringNotEquals on aws:SourceVpce (or aws:SourceVpc) "
        "listing the allowed endpoints, as privgw's own policy does",
        probe.path,
    )


def _unevaluable(name: str, what: str, path: tuple[str, ...]) -> Finding:
    return _finding(
        "W9106",
        "warning",
        f"resource policy of {name} could not be evaluated ({what}); check by hand that only "
        "the intended VPC endpoints can invoke it",
        path,
    )


def private_api_findings(template: Mapping[str, Any]) -> list[Finding]:
    """The mistakes that make a 'private' API fail to deploy, fail every call, or leak."""
    findings: list[Finding] = []
    resources = template.get("Resources")
    for name, props in _resources(template, *API_TYPES):
        if not _is_private(props):
            continue
        resource_type = str(resources[name]["Type"]) if isinstance(resources, Mapping) else ""
        config = props["EndpointConfiguration"]
        if str(config.get("IpAddressType", "")).lower() == "ipv4":
            findings.append(
                _finding(
                    "E9104",
                    "error",
                    f"{name} is PRIVATE with IpAddressType ipv4; private APIs are dual-stack "
                    "only: remove IpAddressType (or set dualstack)",
                    ("Resources", name, "Properties", "EndpointConfiguration", "IpAddressType"),
                )
            )
        policy, unseen = _api_policy(resource_type, props)
        if not isinstance(policy, Mapping) or not policy.get("Statement"):
            if unseen:
                path = _policy_path(template, name)
                findings.append(_unevaluable(name, f"SAM ResourcePolicy keys {unseen}", path))
                continue
            findings.append(
                _finding(
                    "E9101",
                    "error",
                    f"{name} is PRIVATE but has no resource policy: the deployment fails "
                    "('Private REST API doesn't have a resource policy attached to it') and "
                    "every call is refused; add a policy allowing execute-api:Invoke only "
                    "through your VPC endpoints",
                    ("Resources", name, "Properties", "EndpointConfiguration"),
                )
            )
            continue
        if "aws:sourceip" in json.dumps(policy).lower():
            findings.append(
                _finding(
                    "E9103",
                    "error",
                    f"resource policy of {name} uses aws:SourceIp, which never matches a call "
                    "through a VPC endpoint; use aws:VpcSourceIp for caller addresses",
                    _policy_path(template, name),
                )
            )
        findings.extend(_leaks(template, name, props, policy))
        findings.extend(_unsigned_routes(template, name, props, policy))
        if unseen:
            path = _policy_path(template, name)
            findings.append(_unevaluable(name, f"SAM ResourcePolicy keys {unseen}", path))
    findings.extend(_private_dns_clashes(template))
    return findings


def _method_path(template: Mapping[str, Any], ref: Any) -> str:
    """A Method's resource path, from its ResourceId's chain of PathParts."""
    resources = template.get("Resources") or {}
    parts: list[str] = []
    while isinstance(ref, Mapping) and "Ref" in ref:
        props = (resources.get(ref["Ref"]) or {}).get("Properties") or {}
        parts.insert(0, str(props.get("PathPart", "?")))
        ref = props.get("ParentId")
    return "/" + "/".join(parts)


def _unsigned_routes(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any], policy: Mapping[str, Any]
) -> list[Finding]:
    """Routes that take unsigned calls on an API whose policy allows only listed principals:
    such a call is anonymous, so the policy denies it (403) whatever the route's authorizer
    says (API Gateway developer guide, "How API Gateway resource policies affect authorization
    workflow")."""
    allowed = [p for p in _allowed_principals(policy) if p != "*"]
    if not allowed:
        return []
    unsigned: list[tuple[str, tuple[str | int, ...]]] = []
    for method_name, method in _resources(template, "AWS::ApiGateway::Method"):
        if method.get("RestApiId") == {"Ref": name} and method.get("AuthorizationType") != (
            "AWS_IAM"
        ):
            route = f"{method.get('HttpMethod')} {_method_path(template, method.get('ResourceId'))}"
            unsigned.append((route, ("Resources", method_name, "Properties", "AuthorizationType")))
    body = props.get("DefinitionBody") or props.get("Body")
    if isinstance(body, Mapping):
        for path, operations in (body.get("paths") or {}).items():
            for key, operation in (operations or {}).items():
                security = json.dumps(
                    operation.get("security", []) if isinstance(operation, Mapping) else []
                )
                if '"AWS_IAM"' not in security:
                    verb = "ANY" if key == "x-amazon-apigateway-any-method" else key.upper()
                    unsigned.append((f"{verb} {path}", ("Resources", name, "Properties")))
    elif _auth_type(props) != "AWS_IAM":  # a SAM Api built from its functions' events
        for function_name, function in _resources(template, "AWS::Serverless::Function"):
            for event_name, event in (function.get("Events") or {}).items():
                spec = event.get("Properties") or {} if isinstance(event, Mapping) else {}
                signed = (spec.get("Auth") or {}).get("Authorizer") == "AWS_IAM"
                if spec.get("RestApiId") == {"Ref": name} and not signed:
                    route = f"{str(spec.get('Method', '?')).upper()} {spec.get('Path', '?')}"
                    where = ("Resources", function_name, "Properties", "Events", event_name)
                    unsigned.append((route, where))
    return [
        _finding(
            "W9108",
            "warning",
            f"route {route} of {name} takes unsigned calls, but the resource policy admits only "
            "listed IAM principals: every call to it is denied (403); sign it (auth: iam) or "
            "leave access.iam_principals for routes that need them",
            path,
        )
        for route, path in unsigned
    ]


def _private_dns_clashes(template: Mapping[str, Any]) -> list[Finding]:
    by_vpc: dict[str, list[str]] = {}
    for name, props in _resources(template, "AWS::EC2::VPCEndpoint"):
        service = json.dumps(props.get("ServiceName", ""))
        if "execute-api" in service and props.get("PrivateDnsEnabled") in (True, "true"):
            by_vpc.setdefault(json.dumps(props.get("VpcId"), sort_keys=True), []).append(name)
    return [
        _finding(
            "E9105",
            "error",
            f"endpoints {', '.join(names)} all enable private DNS for execute-api in one VPC; "
            "only one may: set PrivateDnsEnabled false on the others and call through their "
            "alias URLs",
            ("Resources", names[-1], "Properties", "PrivateDnsEnabled"),
        )
        for names in by_vpc.values()
        if len(names) > 1
    ]


def template_findings(template: Mapping[str, Any]) -> list[Finding]:
    """Every privgw check that reads only the template (what ``privgw.rules`` runs in cfn-lint)."""
    return [*policy_length_findings(template), *private_api_findings(template)]


def preflight(text: str, template: Mapping[str, Any]) -> list[Finding]:
    """Every privgw check on one template (its text is needed for the byte size)."""
    return sorted([*text_size_findings(text), *template_findings(template)])

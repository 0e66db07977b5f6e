"""privgw's own preflight checks: what no linter or scanner checks for a private API.

They read the built template (not the config), so they also guard a template the caller
extended by hand or wrote elsewhere. Each finding says what is wrong and how to fix it.

| rule  | level | what |
| P1001 | error | template over 1,000,000 bytes |
| P1002 | info  | template over 51,200 bytes (deploy with --s3-bucket) |
| P1003 | error | resource policy over 8,192 characters |
| P2001 | error | PRIVATE API without a resource policy |
| P2002 | error | policy admits calls that do not come through an allowed endpoint/VPC |
| P2003 | error | aws:SourceIp in a private API's policy |
| P2004 | error | IpAddressType ipv4 on a PRIVATE API |
| P2005 | error | two execute-api endpoints with private DNS in one VPC |
| P2006 | warning | policy that privgw cannot evaluate |
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from privgw.evaluate import ApiArn, Request, UnsupportedPolicy, evaluate, resolve
from privgw.findings import Finding, Level

INLINE_TEMPLATE_LIMIT = 51_200
S3_TEMPLATE_LIMIT = 1_000_000
POLICY_LIMIT = 8_192

#: Callers that must never get in: through an unlisted endpoint in an unlisted VPC (with the
#: context keys such a call carries), and a call that came through no endpoint at all.
OUTSIDERS: tuple[Mapping[str, str], ...] = (
    {
        "aws:SourceVpce": "vpce-0ffffffffffffffff",
        "aws:SourceVpc": "vpc-0ffffffffffffffff",
        "aws:VpcSourceIp": "10.255.0.10",
    },
    {},
)


def _finding(rule: str, level: Level, message: str) -> Finding:
    return Finding("privgw", 0, rule, level, message)


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
    findings = []
    size = len(text.encode("utf-8"))
    if size > S3_TEMPLATE_LIMIT:
        findings.append(
            _finding(
                "P1001",
                "error",
                f"template is {size:,} bytes, over CloudFormation's {S3_TEMPLATE_LIMIT:,}-byte "
                "limit even through S3; split the API into several stacks or fewer routes",
            )
        )
    elif size > INLINE_TEMPLATE_LIMIT:
        findings.append(
            _finding(
                "P1002",
                "info",
                f"template is {size:,} bytes, over the {INLINE_TEMPLATE_LIMIT:,} bytes "
                "`aws cloudformation deploy` accepts inline; deploy with `--s3-bucket BUCKET`, "
                "or build with `--format json --compact` (the smallest form)",
            )
        )
    for name, props in _resources(template, *API_TYPES):
        resources = template.get("Resources") or {}
        policy, _ = _api_policy(str(resources[name]["Type"]), props)
        if isinstance(policy, Mapping):
            length = len(json.dumps(policy, separators=(",", ":")))
            if length > POLICY_LIMIT:
                findings.append(
                    _finding(
                        "P1003",
                        "error",
                        f"resource policy of {name} is about {length:,} characters, over API "
                        f"Gateway's {POLICY_LIMIT:,}; allow fewer endpoints, list VPCs "
                        "(aws:SourceVpc) instead of endpoints, or request a quota increase",
                    )
                )
    return findings


class _Placeholders(dict[str, Any]):
    """Resolves every Ref/GetAtt to a stable stand-in, so a policy can be evaluated offline."""

    def __missing__(self, key: str) -> str:
        return f"resolved-{key}"


def _leaks(name: str, policy: Mapping[str, Any]) -> list[Finding]:
    """Evaluate the policy for callers who must be refused; report the first who gets in."""
    try:
        concrete = resolve(policy, _Placeholders())
        api = ApiArn("a1b2c3d4e5")
        resource = api.method("stage", "GET", "any/path")
        for context in OUTSIDERS:
            request = Request("execute-api:Invoke", resource, context=context)
            if evaluate(concrete, request, api) == "allow":
                who = (
                    f"through endpoint {context['aws:SourceVpce']}"
                    if context
                    else "without any VPC endpoint"
                )
                return [
                    _finding(
                        "P2002",
                        "error",
                        f"resource policy of {name} admits a call {who}; add an explicit Deny "
                        "with StringNotEquals on aws:SourceVpce (or aws:SourceVpc) listing the "
                        "allowed endpoints, as privgw's own policy does",
                    )
                ]
    except (UnsupportedPolicy, KeyError, TypeError, ValueError) as exc:
        return [_unevaluable(name, str(exc))]
    return []


def _unevaluable(name: str, what: str) -> Finding:
    return _finding(
        "P2006",
        "warning",
        f"resource policy of {name} could not be evaluated ({what}); check by hand that only "
        "the intended VPC endpoints can invoke it",
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
                    "P2004",
                    "error",
                    f"{name} is PRIVATE with IpAddressType ipv4; private APIs are dual-stack "
                    "only: remove IpAddressType (or set dualstack)",
                )
            )
        policy, unseen = _api_policy(resource_type, props)
        if not isinstance(policy, Mapping) or not policy.get("Statement"):
            if unseen:
                findings.append(_unevaluable(name, f"SAM ResourcePolicy keys {unseen}"))
                continue
            findings.append(
                _finding(
                    "P2001",
                    "error",
                    f"{name} is PRIVATE but has no resource policy: the deployment fails "
                    "('Private REST API doesn't have a resource policy attached to it') and "
                    "every call is refused; add a policy allowing execute-api:Invoke only "
                    "through your VPC endpoints",
                )
            )
            continue
        if "aws:sourceip" in json.dumps(policy).lower():
            findings.append(
                _finding(
                    "P2003",
                    "error",
                    f"resource policy of {name} uses aws:SourceIp, which never matches a call "
                    "through a VPC endpoint; use aws:VpcSourceIp for caller addresses",
                )
            )
        findings.extend(_leaks(name, policy))
        if unseen:
            findings.append(_unevaluable(name, f"SAM ResourcePolicy keys {unseen}"))
    findings.extend(_private_dns_clashes(template))
    return findings


def _private_dns_clashes(template: Mapping[str, Any]) -> list[Finding]:
    by_vpc: dict[str, list[str]] = {}
    for name, props in _resources(template, "AWS::EC2::VPCEndpoint"):
        service = json.dumps(props.get("ServiceName", ""))
        if "execute-api" in service and props.get("PrivateDnsEnabled") in (True, "true"):
            by_vpc.setdefault(json.dumps(props.get("VpcId"), sort_keys=True), []).append(name)
    return [
        _finding(
            "P2005",
            "error",
            f"endpoints {', '.join(names)} all enable private DNS for execute-api in one VPC; "
            "only one may: set PrivateDnsEnabled false on the others and call through their "
            "alias URLs",
        )
        for names in by_vpc.values()
        if len(names) > 1
    ]


def preflight(text: str, template: Mapping[str, Any]) -> list[Finding]:
    """Every privgw check on one template (its text is needed for the byte size)."""
    return sorted([*size_findings(text, template), *private_api_findings(template)])

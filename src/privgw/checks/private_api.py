"""The mistakes that make a 'private' API fail to deploy, fail every call, or leak: no policy
(E9101), aws:SourceIp (E9103), IPv4 only (E9104), two private-DNS endpoints in one VPC (E9105),
unsigned routes behind a policy naming principals (W9108); and the probes (``probes``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from privgw.checks.common import (
    API_TYPES,
    allowed_principals,
    api_policy,
    auth_type,
    finding,
    is_private,
    method_path,
    policy_path,
    resources_of,
    unevaluable,
)
from privgw.checks.probes import leaks
from privgw.findings import Finding


def private_api_findings(template: Mapping[str, Any]) -> list[Finding]:
    """The mistakes that make a 'private' API fail to deploy, fail every call, or leak."""
    findings: list[Finding] = []
    resources = template.get("Resources")
    for name, props in resources_of(template, *API_TYPES):
        if not is_private(props):
            continue
        resource_type = str(resources[name]["Type"]) if isinstance(resources, Mapping) else ""
        config = props["EndpointConfiguration"]
        if str(config.get("IpAddressType", "")).lower() == "ipv4":
            findings.append(
                finding(
                    "E9104",
                    "error",
                    f"{name} is PRIVATE with IpAddressType ipv4; private APIs are dual-stack "
                    "only: remove IpAddressType (or set dualstack)",
                    ("Resources", name, "Properties", "EndpointConfiguration", "IpAddressType"),
                )
            )
        policy, unseen = api_policy(resource_type, props)
        if isinstance(policy, str):
            path = policy_path(template, name)
            findings.append(unevaluable(name, "a Policy string that is not JSON", path))
            continue
        if not isinstance(policy, Mapping) or not policy.get("Statement"):
            if unseen:
                path = policy_path(template, name)
                findings.append(unevaluable(name, f"SAM ResourcePolicy keys {unseen}", path))
                continue
            findings.append(
                finding(
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
                finding(
                    "E9103",
                    "error",
                    f"resource policy of {name} uses aws:SourceIp, which never matches a call "
                    "through a VPC endpoint; use aws:VpcSourceIp for caller addresses",
                    policy_path(template, name),
                )
            )
        findings.extend(leaks(template, name, props, policy))
        findings.extend(_unsigned_routes(template, name, props, policy))
        if unseen:
            path = policy_path(template, name)
            findings.append(unevaluable(name, f"SAM ResourcePolicy keys {unseen}", path))
    findings.extend(_private_dns_clashes(template))
    return findings


def _unsigned_routes(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any], policy: Mapping[str, Any]
) -> list[Finding]:
    """Routes that take unsigned calls on an API whose policy allows only listed principals:
    such a call is anonymous, so the policy denies it (403) whatever the route's authorizer
    says (API Gateway developer guide, "How API Gateway resource policies affect authorization
    workflow")."""
    allowed = [p for p in allowed_principals(policy) if p != "*"]
    if not allowed:
        return []
    unsigned: list[tuple[str, tuple[str | int, ...]]] = []
    for method_name, method in resources_of(template, "AWS::ApiGateway::Method"):
        if method.get("RestApiId") == {"Ref": name} and method.get("AuthorizationType") != (
            "AWS_IAM"
        ):
            route = f"{method.get('HttpMethod')} {method_path(template, method.get('ResourceId'))}"
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
    elif auth_type(props) != "AWS_IAM":  # a SAM Api built from its functions' events
        for function_name, function in resources_of(template, "AWS::Serverless::Function"):
            for event_name, event in (function.get("Events") or {}).items():
                spec = event.get("Properties") or {} if isinstance(event, Mapping) else {}
                signed = (spec.get("Auth") or {}).get("Authorizer") == "AWS_IAM"
                if spec.get("RestApiId") == {"Ref": name} and not signed:
                    route = f"{str(spec.get('Method', '?')).upper()} {spec.get('Path', '?')}"
                    where = ("Resources", function_name, "Properties", "Events", event_name)
                    unsigned.append((route, where))
    return [
        finding(
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
    for name, props in resources_of(template, "AWS::EC2::VPCEndpoint"):
        service = json.dumps(props.get("ServiceName", ""))
        if "execute-api" in service and props.get("PrivateDnsEnabled") in (True, "true"):
            by_vpc.setdefault(json.dumps(props.get("VpcId"), sort_keys=True), []).append(name)
    return [
        finding(
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

"""What privgw's checks share: findings, the resources of a template, a private API's policy
(wherever the template puts it), its statements in either shape IAM allows, and its methods."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from privgw.findings import Finding, Level


def finding(rule: str, level: Level, message: str, path: tuple[str | int, ...] = ()) -> Finding:
    return Finding("privgw", 0, rule, level, message, path)


def resources_of(template: Mapping[str, Any], *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return
    for name, resource in sorted(resources.items()):
        if isinstance(resource, Mapping) and resource.get("Type") in types:
            props = resource.get("Properties")
            yield str(name), dict(props) if isinstance(props, Mapping) else {}


def is_private(props: Mapping[str, Any]) -> bool:
    config = props.get("EndpointConfiguration")
    if not isinstance(config, Mapping):
        return False
    types = config.get("Types", config.get("Type"))
    return "PRIVATE" in (types if isinstance(types, list) else [types])


def policy_path(template: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """Where the resource policy of API ``name`` is written in the template."""
    resource = template["Resources"][name]
    props = resource.get("Properties") or {}
    if resource.get("Type") == "AWS::Serverless::Api":
        return ("Resources", name, "Properties", "Auth", "ResourcePolicy")
    if "Policy" not in props and isinstance(props.get("Body"), Mapping):
        return ("Resources", name, "Properties", "Body", "x-amazon-apigateway-policy")
    return ("Resources", name, "Properties", "Policy")


def api_policy(resource_type: str, props: Mapping[str, Any]) -> tuple[Any, list[str]]:
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


def method_path(template: Mapping[str, Any], ref: Any) -> str:
    """A Method's resource path, from its ResourceId's chain of PathParts."""
    resources = template.get("Resources") or {}
    parts: list[str] = []
    while isinstance(ref, Mapping) and "Ref" in ref:
        props = (resources.get(ref["Ref"]) or {}).get("Properties") or {}
        parts.insert(0, str(props.get("PathPart", "?")))
        ref = props.get("ParentId")
    return "/" + "/".join(parts)


def keys_in(policy: Any, key: str) -> list[str]:
    """Every value a condition gives for ``key`` (compared case-insensitively, as IAM does)."""
    found: list[str] = []
    if isinstance(policy, Mapping):
        for k, v in policy.items():
            if isinstance(k, str) and k.lower() == key.lower():
                found.extend(str(x) for x in (v if isinstance(v, list) else [v]))
            else:
                found.extend(keys_in(v, key))
    elif isinstance(policy, list):
        for item in policy:
            found.extend(keys_in(item, key))
    return found


def allowed_principals(policy: Mapping[str, Any]) -> list[str]:
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


def body_signs(body: Any) -> bool:
    """Whether an OpenAPI Body (SAM's output) or DefinitionBody (a SAM Api's input) authorizes
    some method with SigV4 (IAM)."""
    text = json.dumps(body, separators=(",", ":")).lower()
    return '"x-amazon-apigateway-authtype":"awssigv4"' in text


def auth_type(props: Mapping[str, Any]) -> str | None:
    """A SAM Api's default authorizer (AWS_IAM for SigV4 callers)."""
    auth = props.get("Auth")
    return auth.get("DefaultAuthorizer") if isinstance(auth, Mapping) else None


def unevaluable(name: str, what: str, path: tuple[str, ...]) -> Finding:
    return finding(
        "W9106",
        "warning",
        f"resource policy of {name} could not be evaluated ({what}); check by hand that only "
        "the intended VPC endpoints can invoke it",
        path,
    )

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
        return decoded(props.get("Policy", from_body)), []
    auth = props.get("Auth")
    resource_policy = auth.get("ResourcePolicy") if isinstance(auth, Mapping) else None
    if not isinstance(resource_policy, Mapping):
        return None, []
    unseen = sorted(k for k in resource_policy if k != "CustomStatements")
    statements = resource_policy.get("CustomStatements")
    return ({"Statement": statements} if statements else None), unseen


def decoded(policy: Any) -> Any:
    """A policy given as JSON text (CloudFormation takes ``Policy`` as an object or a string,
    also through Fn::Sub or Fn::Join) as the object IAM reads; the ``${...}`` of a Sub are
    kept as written, for the probes to resolve like any other reference."""
    text: Any = policy
    if isinstance(policy, Mapping) and len(policy) == 1:
        ((key, arg),) = policy.items()
        if key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
        elif key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            sep, parts = arg
            if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
                text = str(sep).join(parts)
    if not isinstance(text, str):
        return policy
    try:
        found = json.loads(text)
    except ValueError:
        return text  # not JSON: the probes say they cannot evaluate it
    if isinstance(policy, Mapping) and "Fn::Sub" in policy:  # resolved later, as a Sub
        return _subbed(found)
    return found


def _subbed(value: Any) -> Any:
    """Each string holding ``${...}`` as a Sub of its own, so ``resolve`` fills it in."""
    if isinstance(value, str) and "${" in value:
        return {"Fn::Sub": value}
    if isinstance(value, list):
        return [_subbed(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _subbed(v) for k, v in value.items()}
    return value


API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api")


def api_routes(
    template: Mapping[str, Any], name: str, props: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """Every (method, path) API ``name`` serves, as the template says it: its Methods, or the
    paths of an OpenAPI Body / DefinitionBody."""
    routes = [
        (str(method.get("HttpMethod", "ANY")), method_path(template, method.get("ResourceId")))
        for _, method in resources_of(template, "AWS::ApiGateway::Method")
        if method.get("RestApiId") == {"Ref": name}
    ]
    body = props.get("Body") or props.get("DefinitionBody")
    paths = body.get("paths") if isinstance(body, Mapping) else None
    for path, operations in (paths or {}).items() if isinstance(paths, Mapping) else []:
        for key in operations if isinstance(operations, Mapping) else []:
            verb = "ANY" if key == "x-amazon-apigateway-any-method" else str(key).upper()
            routes.append((verb, str(path)))
    return routes


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


def statements(policy: Any) -> list[Mapping[str, Any]]:
    """A policy's statements: IAM takes ``Statement`` as a list or as one object."""
    found = policy.get("Statement") if isinstance(policy, Mapping) else None
    items = found if isinstance(found, list) else [found]
    return [s for s in items if isinstance(s, Mapping)]


def allowed_principals(policy: Mapping[str, Any]) -> list[str]:
    """Callers the policy's Allow statements name: an IAM role in each listed account or the
    listed ARN itself (the probe signs as them)."""
    callers: list[str] = []
    for statement in statements(policy):
        principal = statement.get("Principal")
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

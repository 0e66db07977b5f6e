"""Every route's integration in a built template, by "METHOD /path", in the plain flavour's
spelling (AWS::ApiGateway::Method Integration) whichever flavour built it, so one assertion
covers both: the plain template's Methods (their paths rebuilt from the Resources), or the SAM
flavour's or the body form's OpenAPI operations (x-amazon-apigateway-integration, keys
upper-cased)."""

from __future__ import annotations

from typing import Any

from tests.support.configs import resources_of

_OPENAPI_KEYS = {"httpMethod": "IntegrationHttpMethod", "responses": "IntegrationResponses"}


def _path(resources: dict[str, Any], ref: Any) -> str:
    if not isinstance(ref, dict) or "Ref" not in ref:
        return "/"  # the root resource (GetAtt RestApi.RootResourceId)
    props = resources[ref["Ref"]]["Properties"]
    parent = _path(resources, props["ParentId"])
    return f"{parent.rstrip('/')}/{props['PathPart']}"


def _from_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, given in spec.items():
        name = _OPENAPI_KEYS.get(key, key[:1].upper() + key[1:])
        value = given.upper() if key in ("type", "passthroughBehavior") else given
        if key == "responses":
            value = [
                {
                    **{k[:1].upper() + k[1:]: v for k, v in response.items()},
                    **({} if pattern == "default" else {"SelectionPattern": pattern}),
                }
                for pattern, response in given.items()
            ]
        result[name] = value
    return result


def integrations(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"GET /orders": Integration}`` for every method of the template's API."""
    found: dict[str, dict[str, Any]] = {}
    bodies = [
        props.get("DefinitionBody") or props.get("Body") or {"paths": {}}
        for rtype in ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi")
        for props in (api["Properties"] for api in resources_of(template, rtype).values())
    ]
    for body in bodies:
        for path, operations in body["paths"].items():
            for verb, operation in operations.items():
                method = "ANY" if verb == "x-amazon-apigateway-any-method" else verb.upper()
                found[f"{method} {path}"] = _from_openapi(
                    operation["x-amazon-apigateway-integration"]
                )
    paths = resources_of(template, "AWS::ApiGateway::Resource")
    for method in resources_of(template, "AWS::ApiGateway::Method").values():
        props = method["Properties"]
        found[f"{props['HttpMethod']} {_path(paths, props['ResourceId'])}"] = props["Integration"]
    return found

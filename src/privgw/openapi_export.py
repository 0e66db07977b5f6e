"""``privgw openapi``: the config's API as an OpenAPI 3.0 document for its consumers (client
generators, docs, contract tests): paths, parameters, request schemas, security schemes and
the invoke URLs as ``servers``. With ``aws_extensions`` it keeps API Gateway's own extensions
(integrations, authorizers, validators, gateway responses), so API Gateway can import it
(``aws apigateway put-rest-api``) once the values only a deployment knows are filled in.

Each operation also carries ``x-privgw-route``: the route as the config says it. API Gateway
and client generators ignore it; privgw's ``openapi:`` reads it back, so a config that takes
this document builds the same template as the config it came from (the round trip the tests
hold on every example). The CORS preflights privgw generates carry ``x-privgw-preflight``,
and are left out when the document is read back (``cors`` makes them again).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from privgw import naming
from privgw.config import Config
from privgw.config.openapi import ANY_EXTENSION, PREFLIGHT_EXTENSION, ROUTE_EXTENSION
from privgw.errors import PrivgwError
from privgw.model import ApiMethod, resolve_api
from privgw.resources.api import api_description
from privgw.resources.openapi import openapi_definition
from privgw.resources.outputs import private_dns_url_may_work
from privgw.resources.responses import openapi_gateway_responses

_AWS_PREFIX = "x-amazon-apigateway-"
_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9:.]+)\}")


class ExportError(PrivgwError):
    """The document privgw made does not validate: a bug in privgw, reported as one."""


def export_openapi(
    cfg: Config, aws_extensions: bool = False, values: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The document, and the CloudFormation references it still holds (``${Name.Arn}``,
    ``${AWS::Region}``): with ``aws_extensions``, what must be filled before API Gateway
    imports it; ``values`` fills them (``{"AWS::Region": "eu-west-1"}``)."""
    definition = openapi_definition(cfg, always=True)
    assert definition is not None, "always a definition"
    document: dict[str, Any] = copy.deepcopy(definition)
    document["info"] = {
        "title": cfg.name,
        "description": api_description(cfg),
        "version": "1.0",
    }
    document["servers"] = _servers(cfg)
    schemas = document.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        schemas[name] = _openapi30_schema(schema)
    methods = {(m.path, m.http_method): m for m in resolve_api(cfg).methods}
    paths: dict[str, Any] = {}
    for route in cfg.routes:  # the config's order, so it reads back in the same order
        paths.setdefault(route.path, {})
    for path in sorted(document["paths"]):
        paths.setdefault(path, {})
    for path, operations in document["paths"].items():
        for verb, operation in operations.items():
            method = methods[(path, "ANY" if verb.startswith(_AWS_PREFIX) else verb.upper())]
            _describe(operation, method)
        paths[path] = _in_route_order(cfg, path, operations)
    document["paths"] = paths
    if aws_extensions:
        gateway_responses = openapi_gateway_responses(cfg)
        if gateway_responses:
            document["x-amazon-apigateway-gateway-responses"] = gateway_responses
        if cfg.binary_media_types:
            document["x-amazon-apigateway-binary-media-types"] = list(cfg.binary_media_types)
    else:
        document = _without_aws_extensions(document)
        for path, operations in document["paths"].items():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if f"{{{parameter['name']}+}}" in path and parameter["in"] == "path":
                        parameter["name"] += "+"  # OpenAPI's name of the greedy variable
    unresolved: set[str] = set()
    document = _substituted(document, values or {}, unresolved)
    _validated(document)
    return document, sorted(unresolved)


#: JSON Schema keywords of a draft 4 model that an OpenAPI 3.0 Schema Object does not take.
_NOT_IN_OPENAPI30 = {"$schema", "id"}


def _openapi30_schema(schema: Any) -> Any:
    """A request model (JSON Schema draft 4, as API Gateway takes it) as an OpenAPI 3.0 schema:
    a type list with null becomes ``nullable``, several types ``anyOf``."""
    if isinstance(schema, list):
        return [_openapi30_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NOT_IN_OPENAPI30:
            continue
        if key in ("properties", "patternProperties", "definitions") and isinstance(value, dict):
            result[key] = {k: _openapi30_schema(v) for k, v in value.items()}
        else:
            result[key] = _openapi30_schema(value)
    types = result.get("type")
    if isinstance(types, list):
        named = [t for t in types if t != "null"]
        if "null" in types:
            result["nullable"] = True
        if len(named) == 1:
            result["type"] = named[0]
        else:
            del result["type"]
            result["anyOf"] = [{"type": t} for t in named]
    return result


def _servers(cfg: Config) -> list[dict[str, Any]]:
    """The invoke URLs (docs/guides/calling.md): private DNS where it may resolve, the
    endpoint-specific alias, the custom domain. Ids a deployment makes are variables."""
    api_id = {"default": "a1b2c3d4e5", "description": "the stack's RestApiId output"}
    region = {"default": "us-east-1", "description": "the stack's region"}
    stage = {"default": cfg.stage.name, "description": "the stage"}
    servers: list[dict[str, Any]] = []
    if cfg.custom_domain is not None:
        base = f"/{cfg.custom_domain.base_path}" if cfg.custom_domain.base_path else ""
        servers.append(
            {"url": f"https://{cfg.custom_domain.name}{base}", "description": "custom domain"}
        )
    if private_dns_url_may_work(cfg):
        servers.append(
            {
                "url": "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}",
                "description": "private DNS name (from a VPC whose endpoint has private DNS)",
                "variables": {"restApiId": api_id, "region": region, "stage": stage},
            }
        )
    endpoint: dict[str, Any] = {
        "default": "vpce-0123456789abcdef0",
        "description": "an allowed endpoint (the stack's VpcEndpointIds output)",
    }
    if cfg.endpoint.existing_ids and not cfg.endpoint.create:
        endpoint = {"default": cfg.endpoint.existing_ids[0], "enum": [*cfg.endpoint.existing_ids]}
    servers.append(
        {
            "url": "https://{restApiId}-{vpceId}.execute-api.{region}.amazonaws.com/{stage}",
            "description": "endpoint-specific alias (resolves anywhere; reaches the API only "
            "through that endpoint)",
            "variables": {
                "restApiId": api_id,
                "vpceId": endpoint,
                "region": region,
                "stage": stage,
            },
        }
    )
    return servers


def _describe(operation: dict[str, Any], method: ApiMethod) -> None:
    """What a consumer reads: an operationId, path parameters, a response for proxied
    targets (whose answers the target decides), and privgw's own record of the route."""
    if "operationId" not in operation:  # the route's name, else one from its method and path
        derived = naming.method_id(method.segments, method.http_method).removeprefix("Method")
        operation["operationId"] = derived[:1].lower() + derived[1:]
    if method.is_preflight:
        operation[PREFLIGHT_EXTENSION] = True
    else:
        assert method.route is not None, "a route's method"
        route = method.route.model_dump(mode="json", exclude_defaults=True, by_alias=True)
        route = {k: v for k, v in route.items() if k not in ("method", "path", "operation")}
        operation[ROUTE_EXTENSION] = route
        operation["summary"] = f"{method.http_method} {method.path}" + (
            f" -> {method.target.name}" if method.target.name else ""
        )
    declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
    # OpenAPI names a greedy {proxy+} variable "proxy+"; API Gateway's own ANY example
    # ("Set up a proxy integration with a proxy resource") names it "proxy"
    strip = "{}+" if method.http_method == "ANY" else "{}"
    wanted = [s.strip(strip) for s in method.segments if s.startswith("{")]
    extra = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in wanted
        if name not in declared
    ]
    if extra:
        operation["parameters"] = [*extra, *operation.get("parameters", [])]
    if not operation.get("responses"):
        operation["responses"] = {"default": {"description": "the target's response"}}


def _in_route_order(cfg: Config, path: str, operations: dict[str, Any]) -> dict[str, Any]:
    order = [r.method for r in cfg.routes if r.path == path]

    def position(verb: str) -> tuple[int, str]:
        method = "ANY" if verb.startswith(_AWS_PREFIX) else verb.upper()
        return (order.index(method) if method in order else len(order), verb)

    return {verb: operations[verb] for verb in sorted(operations, key=position)}


def _without_aws_extensions(node: Any) -> Any:
    """The document without API Gateway's extensions; an ANY route (an extension too) becomes
    the operations a client may call."""
    if isinstance(node, list):
        return [_without_aws_extensions(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "x-amazon-apigateway-any-method":
            copies = [v for v in _VERBS if v not in node]
            for index, verb in enumerate(copies):
                result[verb] = _any_copy(_without_aws_extensions(value), verb, first=index == 0)
        elif not str(key).startswith(_AWS_PREFIX):
            result[key] = _without_aws_extensions(value)
    return result


#: The methods an ANY route answers, as OpenAPI operations a client may call.
_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")


def _any_copy(operation: dict[str, Any], verb: str, first: bool) -> dict[str, Any]:
    """One method of an ANY route, marked ``x-privgw-any-method``; privgw's record of the
    route stays on the first only, so it reads back as one ANY route."""
    copied = {k: v for k, v in operation.items() if first or k != ROUTE_EXTENSION}
    copied["operationId"] = f"{operation['operationId']}{verb.capitalize()}"
    copied[ANY_EXTENSION] = True
    return copied


def _substituted(node: Any, values: dict[str, str], unresolved: set[str]) -> Any:
    """``Fn::Sub`` objects as their strings, the given values filled in; what is left is
    reported (``unresolved``)."""
    if isinstance(node, list):
        return [_substituted(item, values, unresolved) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return values[name]
            unresolved.add(name)
            return match.group(0)

        return _SUB_REFERENCE.sub(fill, node["Fn::Sub"])
    return {k: _substituted(v, values, unresolved) for k, v in node.items()}


def _validated(document: dict[str, Any]) -> None:
    try:
        validate(json.loads(json.dumps(document)))
    except OpenAPIValidationError as error:
        raise ExportError(
            f"the exported document fails validation ({error.message[:300]}); "
            "please report this as a privgw bug"
        ) from None

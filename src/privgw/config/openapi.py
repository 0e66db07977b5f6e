"""Routes from an OpenAPI document (``openapi``), beside ``resources/openapi.py`` that writes
one: every operation of an OpenAPI 3.0/3.1 or Swagger 2.0 spec becomes a route exactly as if
written under ``routes:``, with what the spec says used rather than thrown away (path
parameters, API key and SigV4 security, required parameters and JSON bodies as validation,
``x-amazon-apigateway-integration`` to a config function, mock or VPC link backend).

The spec is read before the config is validated, so everything after (validation, build,
simulate) sees plain routes. A problem in the spec names the spec's JSON pointer.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import json
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import Field

from privgw.config.api import HTTP_METHODS, Mock
from privgw.config.function import TargetName
from privgw.config.openapi_schema import SpecError, draft4, load_spec, pointer_of, resolve
from privgw.config.openapi_security import existing_named, function_named, operation_security
from privgw.config.types import StrictModel, keyed, optional
from privgw.errors import ConfigError, Problem


class OperationMock(StrictModel):
    """An operation answered by API Gateway itself."""

    mock: Mock = Field(description="The answer API Gateway gives by itself for this operation.")


class OpenApiSource(StrictModel):
    """Where the spec is, and which target an operation goes to when the spec does not say."""

    path: str = Field(
        min_length=1,
        max_length=1024,
        description=(
            "the document (YAML or JSON) relative to the config's folder and inside it; "
            "validated with openapi-spec-validator; only local `$ref`s (`#/...`)"
        ),
    )
    default_target: TargetName | None = optional(
        (
            "the target of every operation that gets none from `openapi.targets` or its own "
            "`x-amazon-apigateway-integration`; an operation with none of the three is "
            "refused, naming it"
        ),
    )
    targets: dict[str, TargetName | OperationMock] = keyed(
        2000,
        (
            'an operation\'s target by `operationId` or `"METHOD /path"`: a target name, or '
            "`{mock: {...}}`; a key that names no operation is refused with the nearest one"
        ),
    )


#: The folder a spec path is relative to: the config file's, while it is validated (pydantic
#: calls a model's own __init__, which drops a validation context, so a context variable says
#: it instead).
SPEC_FOLDER: ContextVar[Path | None] = ContextVar("SPEC_FOLDER", default=None)


#: privgw's own extensions, written by ``privgw openapi`` (``openapi_export.py``): the route
#: as its config said it, a generated CORS preflight (``cors`` makes it again), and the
#: operations an ANY route stands for (the record is on the first).
ROUTE_EXTENSION = "x-privgw-route"
PREFLIGHT_EXTENSION = "x-privgw-preflight"
ANY_EXTENSION = "x-privgw-any-method"


def _operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any], list[Any]]]:
    """(METHOD, path, operation, path-level parameters) in the spec's order."""
    for path, listed in (spec.get("paths") or {}).items():
        item = resolve(spec, listed, pointer_of(["paths", path]))  # a path item may be a $ref
        shared = list(item.get("parameters") or [])
        for key, operation in item.items():
            if key == "trace":
                raise SpecError(
                    pointer_of(["paths", path, key]),
                    "is a TRACE operation, a method API Gateway does not take",
                    "GET, PUT, POST, DELETE, OPTIONS, HEAD or PATCH (or remove it)",
                )
            method = "ANY" if key == "x-amazon-apigateway-any-method" else key.upper()
            if not isinstance(operation, Mapping) or operation.get(PREFLIGHT_EXTENSION):
                continue
            if operation.get(ANY_EXTENSION):
                if ROUTE_EXTENSION not in operation:
                    continue  # one of the methods of the ANY route recorded on the first
                method = "ANY"
            if method in HTTP_METHODS:
                yield method, path, operation, shared


def _only_function(data: Mapping[str, Any]) -> bool:
    """Whether the config has exactly one function, which routes without a target reach."""
    functions = data.get("functions")
    count = len(functions) if isinstance(functions, Mapping) else 0
    return count + (data.get("function") is not None) == 1


def mock_of(integration: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A mock integration as privgw's mock: the status its request template selects, and the
    integration response that status selects (its selection pattern, else ``default``) with
    its static headers and its one response template (API Gateway, "Set up mock integrations")."""
    templates = integration.get("requestTemplates") or {}
    status = 200
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        status = int(json.loads(templates.get("application/json", "{}")).get("statusCode", 200))
    responses = integration.get("responses") or {}
    chosen: Any = responses.get("default")
    for pattern, response in responses.items():
        with contextlib.suppress(re.error):
            if pattern != "default" and re.fullmatch(str(pattern), str(status)):
                chosen = response
                break
    mock: dict[str, Any] = {"status": status}
    if not isinstance(chosen, Mapping):
        return mock
    with contextlib.suppress(ValueError, TypeError):
        mock["status"] = int(chosen.get("statusCode", status))
    headers = {}
    for key, value in (chosen.get("responseParameters") or {}).items():
        header = str(key).removeprefix("method.response.header.")
        static = re.fullmatch(r"'(.*)'", str(value), re.DOTALL)
        if header == key or static is None:
            raise SpecError(
                where + "/responses",
                f"sets {key} from {value}, which a mock cannot (it has no request to map)",
                "static header values ('...'), or a target in openapi.targets",
            )
        headers[header] = static.group(1)
    if headers:
        mock["headers"] = headers
    bodies = chosen.get("responseTemplates") or {}
    if len(bodies) > 1:
        raise SpecError(
            where + "/responses",
            f"answers in {len(bodies)} content types ({', '.join(sorted(bodies))})",
            "one response template: privgw's mock answers in one content type",
        )
    for content_type, body in bodies.items():
        mock["content_type"], mock["body"] = str(content_type), str(body or "")
    return mock


#: A function's ARN by CloudFormation: ${Name.Arn} in a Sub, or Fn::GetAtt in either form.
_LOGICAL_ARN = re.compile(
    r'\$\{([A-Za-z0-9]+)\.Arn\}|"Fn::GetAtt": \["([A-Za-z0-9]+)", "Arn"\]'
    r'|"Fn::GetAtt": "([A-Za-z0-9]+)\.Arn"'
)


def _integration_target(
    integration: Mapping[str, Any], data: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """The route fields an existing x-amazon-apigateway-integration means, or SpecError."""
    kind = str(integration.get("type", "")).lower()
    if kind == "mock":
        return {"mock": mock_of(integration, where)}
    if kind == "aws_proxy":
        uri = integration.get("uri")
        # a string, or Fn::Sub (its variables too), Fn::Join, Fn::GetAtt: read as written
        text = uri if isinstance(uri, str) else json.dumps(uri)
        logical = _LOGICAL_ARN.search(text)
        found = next((g for g in logical.groups() if g), "") if logical else ""
        if found and (name := function_named(found, data)):
            return {"target": name}
        if existing := existing_named(text, data):
            return {"target": existing}
        arn = re.search(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_:$-]+", text)
        named = found or (arn.group(0) if arn else text)
        raise SpecError(
            where,
            f"sends the operation to Lambda {named}, which the config does not have",
            "add it under functions (its logical id <Name>Function) or existing_functions "
            "({name: {arn: ...}}), or name a target in openapi.targets",
        )
    if kind == "http_proxy" and integration.get("connectionType") == "VPC_LINK":
        link = integration.get("connectionId")
        backends = data.get("backends")
        for name, backend in (backends if isinstance(backends, Mapping) else {}).items():
            if not isinstance(backend, Mapping):
                continue
            links = [backend.get("vpc_link"), backend.get("vpc_link_v1")]
            if any(isinstance(x, Mapping) and x.get("id") == link for x in links):
                return {"target": name}
        raise SpecError(
            where,
            f"goes through VPC link {link}, which no backend of the config uses",
            "a backend with vpc_link: {id: ...} or vpc_link_v1: {id: ...}, or a target in "
            "openapi.targets",
        )
    raise SpecError(
        where,
        f"is an integration of type {kind or 'none'}"
        + (f" ({integration.get('connectionType')})" if integration.get("connectionType") else ""),
        "aws_proxy to a config function, mock, or http_proxy through a backend's VPC link; "
        "for anything else name a target in openapi.targets",
    )


def _validation(
    spec: Mapping[str, Any],
    operation: Mapping[str, Any],
    shared: list[Any],
    where: str,
) -> dict[str, Any]:
    """Required query and header parameters and a JSON body as request validation."""
    fields: dict[str, Any] = {}
    required: list[str] = []
    body: Any = None
    for index, given in enumerate([*shared, *(operation.get("parameters") or [])]):
        parameter = resolve(spec, given, f"{where}/parameters/{index}")
        place = parameter.get("in")
        if place == "body":  # Swagger 2.0
            body = parameter.get("schema")
        elif parameter.get("required") and place in ("query", "header"):
            prefix = "querystring" if place == "query" else "header"
            required.append(f"{prefix}.{parameter['name']}")
    request_body = operation.get("requestBody")
    if request_body is not None:
        request_body = resolve(spec, request_body, where + "/requestBody")
        content = request_body.get("content") or {}
        if "application/json" in content:
            body = content["application/json"].get("schema")
    checks_params, checks_body = _validator(spec, operation, where)
    required = required if checks_params else []
    body = body if checks_body else None
    if required:
        fields["required_parameters"] = sorted(set(required))
    if body is not None:
        fields["request_schema"] = draft4(spec, body, where)
    if required or body is not None:
        fields["request_validation"] = (
            "all" if required and body is not None else "params" if required else "body"
        )
    return fields


def _validator(
    spec: Mapping[str, Any], operation: Mapping[str, Any], where: str
) -> tuple[bool, bool]:
    """What the operation's x-amazon-apigateway-request-validator (or the spec's default)
    checks: parameters, body. Without one, whatever the spec requires is validated."""
    key = "x-amazon-apigateway-request-validator"
    named = operation.get(key, spec.get(key))
    if named is None:
        return True, True
    chosen = (spec.get("x-amazon-apigateway-request-validators") or {}).get(named)
    if not isinstance(chosen, Mapping):
        raise SpecError(
            f"{where}/{key}" if key in operation else pointer_of([key]),
            f"names validator {named}, which x-amazon-apigateway-request-validators lacks",
            "a validator the spec defines",
        )
    return bool(chosen.get("validateRequestParameters")), bool(chosen.get("validateRequestBody"))


def spec_routes(
    source: Mapping[str, Any], data: Mapping[str, Any], spec: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(operation key, route data) for every operation of the spec."""
    targets = dict(source.get("targets") or {})
    default = source.get("default_target")
    routes: list[tuple[str, dict[str, Any]]] = []
    used: set[str] = set()
    for method, path, operation, shared in _operations(spec):
        verb = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
        where = pointer_of(["paths", path, verb])
        key = f"{method} {path}"
        op_id = str(operation["operationId"]) if operation.get("operationId") else None
        route: dict[str, Any] = {"method": method, "path": path}
        chosen = targets.get(op_id) if op_id in targets else targets.get(key)
        used.update(k for k in (op_id, key) if k is not None and k in targets)
        recorded = operation.get(ROUTE_EXTENSION)
        if isinstance(recorded, Mapping):  # privgw's own record: the route exactly as it was
            route.update(recorded)
            if chosen is not None:
                route.pop("target", None)
                route.pop("mock", None)
                route.update(chosen if isinstance(chosen, Mapping) else {"target": chosen})
            routes.append((op_id or key, route))
            continue
        if op_id is not None:
            route["name"] = op_id
        if isinstance(chosen, Mapping):
            route.update(chosen)
        elif chosen is not None:
            route["target"] = chosen
        elif "x-amazon-apigateway-integration" in operation:
            route.update(
                _integration_target(
                    operation["x-amazon-apigateway-integration"],
                    data,
                    where + "/x-amazon-apigateway-integration",
                )
            )
        elif default is not None:
            route["target"] = default
        elif not _only_function(data):  # with one, a route without target goes to it
            raise SpecError(
                where,
                f"has no target (operation {op_id or key})",
                "openapi.targets: {" + (op_id or key) + ": <target>}, openapi.default_target, "
                "or an x-amazon-apigateway-integration in the spec",
            )
        route.update(operation_security(spec, operation, where, data))
        if "mock" not in route:
            route.update(_validation(spec, operation, shared, where))
        routes.append((op_id or key, route))
    keys = {k for key, _ in routes for k in (key,)} | {
        f"{r['method']} {r['path']}" for _, r in routes
    }
    for name in targets:
        if name not in used:
            near = difflib.get_close_matches(name, sorted(keys), n=1)
            raise SpecError(
                "",
                f"has no operation {name} (named in openapi.targets)"
                + (f"; did you mean {near[0]}?" if near else ""),
                "an operationId or 'METHOD /path' of the spec",
            )
    return routes


def _method_and_path(route: Any) -> str:
    """'METHOD /path' of a route in either form (a string may end in '-> target')."""
    if isinstance(route, str):
        parts = route.partition("->")[0].split()
        return f"{parts[0].upper()} {parts[1]}" if len(parts) == 2 else route
    if isinstance(route, Mapping):
        return f"{str(route.get('method', '')).upper()} {route.get('path', '')}"
    return ""


def with_spec_routes(data: Any, folder: Path) -> Any:
    """``data`` with the spec's operations as routes (the config's own routes added, or
    replacing the operation they name), or ConfigError naming the spec's pointer."""
    if not isinstance(data, Mapping) or not isinstance(data.get("openapi"), Mapping):
        return data
    source = data["openapi"]
    if not isinstance(source.get("path"), str):
        return data  # the model says what is wrong with openapi.path
    try:
        spec = load_spec(folder, source["path"])
        operations = spec_routes(source, data, spec)
    except SpecError as error:
        raise ConfigError([error.problem()]) from None
    merged = [route for _, route in operations]
    index = {key: i for i, (key, _) in enumerate(operations)}
    index |= {f"{r['method']} {r['path']}": i for i, (_, r) in enumerate(operations)}
    problems = []
    extra: list[Any] = []
    for position, route in enumerate(data.get("routes") or []):
        if isinstance(route, Mapping) and route.get("operation") is not None:
            replaced = index.get(str(route["operation"]))
            if replaced is None:
                problems.append(
                    Problem(
                        f"routes[{position}].operation",
                        "names no operation of the spec",
                        str(route["operation"]),
                        "an operationId or 'METHOD /path' of the spec",
                    )
                )
                continue
            merged[replaced] = {k: v for k, v in route.items() if k != "operation"}
            continue
        method_path = _method_and_path(route)
        if method_path in index:
            name = operations[index[method_path]][0]
            problems.append(
                Problem(
                    f"routes[{position}]",
                    f"repeats {method_path}, operation {name} of the spec",
                    None,
                    f"operation: {name} on this route to replace the spec's, or another path",
                )
            )
            continue
        extra.append(route)
    if problems:
        raise ConfigError(problems)
    result = dict(copy.deepcopy(data))
    result["routes"] = merged + extra
    return result

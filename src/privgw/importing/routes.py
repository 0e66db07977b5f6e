"""A live API's methods as privgw routes: path and method, who may call (IAM, an API key, a
Cognito authorizer), request validation, and what answers (a Lambda function by ARN, a
backend through a VPC link or over the internet, a mock). A method privgw cannot express is
left out with a report line saying which AWS field and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from privgw.config.openapi import mock_of
from privgw.config.openapi_schema import SpecError
from privgw.config.openapi_security import identity_sources
from privgw.evaluate import ApiArn
from privgw.importing.live import Snapshot, functions_in
from privgw.importing.mapped import mapping_of
from privgw.importing.services import service_of


@dataclass
class Targets:
    """The named things routes go to, as config sections, gathered while reading methods."""

    existing_functions: dict[str, dict[str, Any]] = field(default_factory=dict)
    backends: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    #: What the snapshot read of each function (its tags name a stack's function).
    read: Mapping[str, Any] = field(default_factory=dict)
    #: The API's ARN parts: a service's resource is in its account and region.
    api: ApiArn = field(kw_only=True)

    def function(self, arn: str) -> str:
        """The config name of the function at ``arn`` (alias or version kept in the ARN):
        the logical id a CloudFormation stack gave it without ``Function`` (privgw's own
        ``OrdersFunction`` is ``orders`` again), else its function name."""
        for name, existing in self.existing_functions.items():
            if existing["arn"] == arn:
                return name
        tags = (self.read.get(arn) or {}).get("Tags") or {}
        logical = str(tags.get("aws:cloudformation:logical-id", ""))
        function = arn.split(":function:")[1].split(":", maxsplit=1)[0]
        if logical.endswith("Function") and len(logical) > len("Function"):
            function = logical.removesuffix("Function")
            function = function[:1].lower() + function[1:]
        elif logical == "Function":
            function = "main"
        name = config_name(function, set(self.existing_functions))
        self.existing_functions[name] = {"arn": arn}
        return name

    def backend(self, settings: dict[str, Any]) -> str:
        for name, backend in self.backends.items():
            if backend == settings:
                return name
        host = re.sub(r"^https?://", "", str(settings["uri"])).split("/")[0].split(".")[0]
        name = config_name(host or "backend", set(self.backends))
        self.backends[name] = settings
        return name

    def service(self, settings: dict[str, Any]) -> str:
        """The name of a service entry: its resource's own name, apart from every other
        target's name (names become logical ids, so they differ in more than case)."""
        for name, service in self.services.items():
            if service == settings:
                return name
        resource = re.split(r"[:/]", str(settings["arn"]))[-1]
        taken = {n.lower() for n in (*self.existing_functions, *self.backends, *self.services)}
        name = config_name(resource, set())
        unique, index = name, 2
        while unique.lower() in taken:
            unique, index = f"{name}{index}", index + 1
        self.services[unique] = settings
        return unique


def config_name(text: str, taken: set[str]) -> str:
    """A config name (letters and digits, starting with a letter) for an AWS name."""
    words = re.split(r"[^A-Za-z0-9]+", text)
    name = words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])
    name = re.sub(r"^[^A-Za-z]+", "", name)[:60] or "imported"
    unique, index = name, 2
    while unique in taken:
        unique, index = f"{name}{index}", index + 1
    return unique


def _where(method: Mapping[str, Any], path: str) -> str:
    return f"{method.get('httpMethod')} {path}"


def _mock(integration: Mapping[str, Any]) -> dict[str, Any]:
    """A MOCK integration as privgw's mock, read the way an OpenAPI document's is."""
    responses = {
        str(response.get("selectionPattern") or "default"): response
        for response in (integration.get("integrationResponses") or {}).values()
    }
    return mock_of({**integration, "responses": responses}, "")


def _http_backend(
    integration: Mapping[str, Any], where: str, targets: Targets
) -> dict[str, Any] | str:
    """An HTTP integration's backend (by its base URI and VPC link) and target path."""
    uri = str(integration.get("uri", ""))
    base = re.sub(r"(https?://[^/]+).*", r"\1", uri)
    settings: dict[str, Any] = {"uri": base}
    if integration.get("connectionType") == "VPC_LINK":
        link = str(integration.get("connectionId", ""))
        if link.startswith("${stageVariables."):
            return f"reaches its VPC link through a stage variable ({link})"
        settings["vpc_link_v1"] = {"id": link}
    elif base.startswith("https://"):
        settings["internet"] = True
    else:
        return f"sends calls to {uri} over plain HTTP across the internet"
    route: dict[str, Any] = {"target": targets.backend(settings)}
    rest = uri[len(base) :]
    if rest not in ("", "/") and rest != where.split(" ", 1)[1]:
        route["target_path"] = rest
    return route


def _function_target(integration: Mapping[str, Any], where: str, targets: Targets) -> str:
    """The existing function a Lambda integration calls, its wait carried."""
    name = targets.function(functions_in(integration.get("uri"))[0])
    wait = int(integration.get("timeoutInMillis") or 29000)
    existing = targets.existing_functions[name]
    if existing.setdefault("integration_timeout_ms", wait) != wait:
        targets.report.append(
            f"method {where}: timeoutInMillis {wait}; the config waits "
            f"{existing['integration_timeout_ms']} ms for every route to {name} (one "
            "timeout per existing function)"
        )
    return name


def _target(
    integration: Mapping[str, Any], where: str, targets: Targets, method: Mapping[str, Any]
) -> dict[str, Any] | str:
    """The route fields of an integration, or why it cannot be one."""
    kind = str(integration.get("type", ""))
    calls_function = bool(functions_in(integration.get("uri")))
    if kind == "AWS_PROXY":
        if not calls_function:
            return f"is a proxy to {integration.get('uri')}, which is no Lambda function"
        return {"target": _function_target(integration, where, targets)}
    if kind == "MOCK":
        try:
            return {"mock": _mock(integration)}
        except SpecError as exc:
            return exc.message
    if kind == "HTTP_PROXY":
        return _http_backend(integration, where, targets)
    notes: list[str] = []  # what a mapped or service route changes, for the report
    if kind in ("AWS", "HTTP") and (calls_function or kind == "HTTP"):
        mapping = mapping_of(integration, method, notes)
        if isinstance(mapping, str):
            return mapping
        route = (
            {"target": _function_target(integration, where, targets)}
            if calls_function
            else _http_backend(integration, where, targets)
        )
        if isinstance(route, str):
            return route
        targets.report += [f"method {where}: {note}" for note in notes]
        return {**route, "integration": mapping}
    if kind == "AWS":
        service = service_of(integration, targets.api, notes)
        if isinstance(service, str):
            return service
        targets.report += [f"method {where}: {note}" for note in notes]
        return {"target": targets.service(service)}
    return f"is an integration of type {kind or 'none'}, which privgw does not build"


def _auth(
    method: Mapping[str, Any], authorizers: Mapping[str, Any], targets: Targets
) -> dict[str, Any] | str:
    kind = str(method.get("authorizationType", "NONE"))
    if kind == "NONE":
        return {"auth": "none"}
    if kind == "AWS_IAM":
        return {"auth": "iam"}
    authorizer = authorizers.get(str(method.get("authorizerId")), {})
    if kind == "COGNITO_USER_POOLS" and authorizer:
        source = str(authorizer.get("identitySource", "method.request.header.Authorization"))
        cognito: dict[str, Any] = {
            "user_pool_arns": sorted(authorizer.get("providerARNs") or []),
            "header": source.removeprefix("method.request.header."),
        }
        if method.get("authorizationScopes"):
            cognito["scopes"] = list(method["authorizationScopes"])
        return {"auth": {"cognito": cognito}}
    if kind == "CUSTOM" and authorizer:
        arns = functions_in(authorizer.get("authorizerUri"))
        if not arns:
            return (
                f"is authorized by {authorizer.get('name')}, which invokes "
                f"{authorizer.get('authorizerUri')}, no Lambda function"
            )
        kind_of = str(authorizer.get("type", "TOKEN")).lower()
        default = "method.request.header.Authorization"
        auth: dict[str, Any] = {
            "lambda": targets.function(arns[0]),
            "type": kind_of,
            "identity_source": identity_sources(str(authorizer.get("identitySource") or default)),
        }
        if authorizer.get("authorizerResultTtlInSeconds") is not None:
            auth["result_ttl"] = int(authorizer["authorizerResultTtlInSeconds"])
        return {"auth": auth}
    return f"has authorization {kind}, which privgw does not express"


def _validation(
    method: Mapping[str, Any], snapshot: Snapshot, where: str
) -> tuple[dict[str, Any], list[str]]:
    """Required parameters and a JSON body model, validated as the method's validator says."""
    fields: dict[str, Any] = {}
    report: list[str] = []
    validators = {v["id"]: v for v in snapshot.get("validators", [])}
    chosen = validators.get(str(method.get("requestValidatorId")), {})
    params, body = (
        bool(chosen.get("validateRequestParameters")),
        bool(chosen.get("validateRequestBody")),
    )
    required = sorted(
        key.removeprefix("method.request.")
        for key, needed in (method.get("requestParameters") or {}).items()
        if needed and not key.startswith("method.request.path.")
    )
    if required and params:
        fields["required_parameters"] = required
    elif required:  # declared, never checked: API Gateway validates only with a validator
        report.append(
            f"{where}: requires {', '.join(required)} without a validator that checks "
            "parameters, so nothing enforces it; not carried (request_validation: params "
            "would enforce it)"
        )
    models = method.get("requestModels") or {}
    schema = None
    if "application/json" in models:
        named = {m["name"]: m for m in snapshot.get("models", [])}
        model = named.get(models["application/json"], {})
        if model.get("name") not in ("Empty", "Error"):
            try:
                schema = json.loads(model.get("schema") or "null")
                if isinstance(schema, str):  # text of the schema's text: read it once more
                    schema = json.loads(schema)
            except ValueError:
                report.append(f"{where}: model {model.get('name')} is not JSON; left out")
    if schema is not None and isinstance(schema, dict):
        schema.pop("$schema", None)
        schema.pop("title", None)
        fields["request_schema"] = schema
    body = body and "request_schema" in fields  # a validator's body check needs a model
    mode = {(True, True): "all", (True, False): "params", (False, True): "body"}.get((params, body))
    if mode is not None:
        fields["request_validation"] = mode
    return fields, report


def throttle(rate: Any, burst: Any, where: str, report: list[str]) -> tuple[float, int] | None:
    """A live throttle (rate, burst) privgw can carry, else None with the reason reported.
    API Gateway answers -1 for a limit nobody set; privgw throttles with both limits, and
    refuses a rate or burst of 0, which turns every call away with 429."""
    if rate is None or rate < 0:
        return None
    if rate == 0 or burst == 0:
        report.append(
            f"{where}: rate {rate}, burst {burst} left out: it turns every call away (429), "
            "which privgw does not build; remove the method or the caller instead"
        )
        return None
    if burst is None or burst < 0:
        report.append(
            f"{where}: rate {rate} left out: no burst limit is set with it, and privgw "
            "throttles with both (add the burst to the config)"
        )
        return None
    return float(rate), int(burst)


def _method_settings(
    snapshot: Snapshot, route: Mapping[str, Any], integration: Mapping[str, Any], report: list[str]
) -> dict[str, Any]:
    """The stage's settings of this one method (``~1orders/GET``) as the route's throttling
    and cache; the cache keys on the integration's cache key parameters that the route has
    (a path parameter or a required one: privgw declares no optional ones)."""
    path, verb = route["path"], route["method"]
    settings = ((snapshot.get("stage") or {}).get("methodSettings") or {}).get(
        f"{path.replace('~', '~0').replace('/', '~1')}/{verb}"
    ) or {}
    fields: dict[str, Any] = {}
    pair = throttle(
        settings.get("throttlingRateLimit"),
        settings.get("throttlingBurstLimit"),
        f"method {verb} {path}: throttling",
        report,
    )
    if pair is not None:
        fields["throttling"] = {"rate_limit": pair[0], "burst_limit": pair[1]}
    if settings.get("cachingEnabled"):
        cache: dict[str, Any] = {"ttl_seconds": int(settings.get("cacheTtlInSeconds", 300))}
        has = {f"method.request.{p}" for p in route.get("required_parameters", [])}
        has |= {f"method.request.path.{s.strip('{}+')}" for s in path.split("/") if "{" in s}
        keys = sorted(integration.get("cacheKeyParameters") or [])
        for key in sorted(set(keys) - has):
            report.append(
                f"method {verb} {path}: cache key {key} left out: the route does not require "
                "it, and privgw keys only on parameters a route has"
            )
        if set(keys) & has:
            cache["key_parameters"] = sorted(set(keys) & has)
        fields["cache"] = cache
    return fields


def read_routes(snapshot: Snapshot, targets: Targets) -> list[dict[str, Any]]:
    """Every method of the API that privgw can express, as a route (sorted by path)."""
    authorizers = {a["id"]: a for a in snapshot.get("authorizers", [])}
    routes = []
    for resource in snapshot["resources"]:
        path = resource["path"]
        for verb, method in sorted((resource.get("resourceMethods") or {}).items()):
            where = _where({"httpMethod": verb}, path)
            integration = method.get("methodIntegration") or {}
            route: dict[str, Any] = {"method": verb, "path": path}
            if method.get("operationName"):
                route["name"] = method["operationName"]
            target = _target(integration, where, targets, method)
            auth = _auth(method, authorizers, targets)
            for found in (target, auth):
                if isinstance(found, str):
                    targets.report.append(f"method {where}: left out: it {found}")
            if isinstance(target, str) or isinstance(auth, str):
                continue
            route.update(target)
            route.update(auth)
            if method.get("apiKeyRequired"):
                route["api_key_required"] = True
            if "mock" not in route:
                fields, report = _validation(method, snapshot, where)
                route.update(fields)
                targets.report += report
            route.update(_method_settings(snapshot, route, integration, targets.report))
            routes.append(route)
    return routes

"""The API as an OpenAPI 3.0 definition with API Gateway's extensions: every route's operation
with the same integration, authorization and validation as the plain flavour's Method, the
CORS preflights, the security schemes and models. The SAM flavour's ``DefinitionBody`` when
its Api events cannot say a route (``needs_definition``)."""

from __future__ import annotations

import json
from typing import Any

from troposphere.apigateway import Integration

from privgw.config import Config, Route
from privgw.config.auth import CognitoAuth, LambdaAuth, identity_parameter
from privgw.model import ApiMethod, resolve_api
from privgw.resources.api import route_method
from privgw.resources.auth import (
    VALIDATORS,
    authorizer_key,
    authorizer_specs,
    authorizer_uri,
    model_id,
)
from privgw.resources.cors import preflight_headers, preflight_integration

#: API Gateway's two built-in models, which a REST API has without defining them; an OpenAPI
#: definition must define what it references ("Working with models and mapping templates").
BUILT_IN_MODELS: dict[str, Any] = {
    "Empty": {"title": "Empty Schema", "type": "object"},
    "Error": {
        "title": "Error Schema",
        "type": "object",
        "properties": {"message": {"type": "string"}},
    },
}

#: Pinning the OpenAPI version stops SAM from also creating its surprise stage named "Stage".
OPENAPI_VERSION = "3.0.1"


def needs_definition(cfg: Config) -> bool:
    """Whether some route needs more than privgw's SAM Api events say: a backend, a mock, a
    service, a function that already runs, a mapped (non-proxy) integration, a streamed Lambda
    response (events have no ResponseTransferMode), an authorizer, an API key, validation,
    CORS, or routes whose auth differ (events take one default, IAM or none)."""
    routes = resolve_api(cfg).routes
    if cfg.cors is not None or len({json.dumps(_auth_key(m)) for m in routes}) > 1:
        return True
    if any(m.api_key_required or route_of(m).request_validation for m in routes):
        return True
    if any(route_of(m).content_handling or route_of(m).integration for m in routes):
        return True
    if any(m.auth not in ("iam", "none") for m in routes):
        return True
    for method in routes:
        target = method.target
        if target.kind != "function":
            return True
        assert target.name is not None
        if cfg.all_functions[target.name].response_streaming:
            return True
    return False


def openapi_definition(cfg: Config, always: bool = False) -> dict[str, Any] | None:
    """Every route as an OpenAPI operation with API Gateway's integration extension, when some
    route needs it (``needs_definition``) or ``always`` (the body form, ``api_definition``);
    None otherwise, and SAM builds the definition from the functions' events. SAM does not
    merge events into a definition it is given (only with MergeDefinitions), so the definition
    holds every route; the events still give each function its invoke permission."""
    if not always and not needs_definition(cfg):
        return None
    paths: dict[str, dict[str, Any]] = {}
    for route in resolve_api(cfg).routes:
        verb = route.http_method
        method = "x-amazon-apigateway-any-method" if verb == "ANY" else verb.lower()
        paths.setdefault(route.path, {})[method] = _operation(cfg, route)
    definition: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": cfg.name, "version": "1.0"},
        "paths": dict(sorted((path, dict(sorted(ops.items()))) for path, ops in paths.items())),
    }
    for preflight in (m for m in resolve_api(cfg).methods if m.is_preflight):
        paths.setdefault(preflight.path, {})["options"] = _preflight_operation(
            cfg, list(preflight.allow_methods)
        )
    definition["paths"] = dict(
        sorted((path, dict(sorted(ops.items()))) for path, ops in paths.items())
    )
    schemes = _security_schemes(cfg)
    routes = [route_of(m) for m in resolve_api(cfg).routes]
    schemas = {model_id(r): r.request_schema for r in routes if r.request_schema is not None}
    schemas |= {
        model: BUILT_IN_MODELS[model]
        for r in routes
        if r.integration is not None
        for response in r.integration.responses
        for model in response.models.values()
    }
    components: dict[str, Any] = {}
    if schemes:
        components["securitySchemes"] = schemes
    if schemas:
        components["schemas"] = dict(sorted(schemas.items()))
    if components:
        definition["components"] = components
    kinds = sorted({r.request_validation for r in routes if r.request_validation})
    if kinds:
        definition["x-amazon-apigateway-request-validators"] = {
            kind: {
                "validateRequestParameters": VALIDATORS[kind][1],
                "validateRequestBody": VALIDATORS[kind][2],
            }
            for kind in kinds
        }
    return definition


def route_of(method: ApiMethod) -> Route:
    assert method.route is not None, "a route's method"
    return method.route


def _auth_key(method: ApiMethod) -> Any:
    auth = method.auth
    return auth if isinstance(auth, str) else auth.model_dump(by_alias=True)


API_KEY_SCHEME = "api_key"


def _security_schemes(cfg: Config) -> dict[str, Any]:
    """The OpenAPI security schemes the routes use: SigV4, each authorizer, the API key."""
    schemes: dict[str, Any] = {}
    if any(m.auth == "iam" for m in resolve_api(cfg).routes):
        schemes[IAM_SCHEME] = SIGV4_SCHEME
    for spec in authorizer_specs(cfg).values():
        setting = spec.setting
        if isinstance(setting, LambdaAuth):
            authorizer: dict[str, Any] = {
                "type": setting.type,
                "authorizerUri": authorizer_uri(cfg, setting.function).to_dict(),
                "identitySource": ", ".join(identity_parameter(s) for s in setting.identity_source),
                "authorizerResultTtlInSeconds": setting.result_ttl,
            }
            header = setting.headers[0] if setting.headers else "Unused"
            schemes[spec.logical_id] = {
                "type": "apiKey",
                "name": header,
                "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": authorizer,
            }
        else:
            schemes[spec.logical_id] = {
                "type": "apiKey",
                "name": setting.cognito.header,
                "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {
                    "type": "cognito_user_pools",
                    "providerARNs": list(setting.cognito.user_pool_arns),
                    "identitySource": f"method.request.header.{setting.cognito.header}",
                },
            }
    if any(m.api_key_required for m in resolve_api(cfg).routes):
        schemes[API_KEY_SCHEME] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    return dict(sorted(schemes.items()))


def _security(cfg: Config, method: ApiMethod) -> list[dict[str, list[str]]]:
    """The operation's security requirement: one object naming every scheme it needs."""
    auth = method.auth
    needed: dict[str, list[str]] = {}
    if auth == "iam":
        needed[IAM_SCHEME] = []
    elif isinstance(auth, LambdaAuth | CognitoAuth):
        spec = authorizer_specs(cfg)[authorizer_key(auth)]
        scopes = list(auth.cognito.scopes) if isinstance(auth, CognitoAuth) else []
        needed[spec.logical_id] = scopes
    if method.api_key_required:
        needed[API_KEY_SCHEME] = []
    return [needed] if needed else []


def _validation(route: Route) -> dict[str, Any]:
    """The route's validator, required parameters and body model in OpenAPI."""
    extra: dict[str, Any] = {}
    if route.request_validation:
        extra["x-amazon-apigateway-request-validator"] = route.request_validation
    if route.required_parameters:
        extra["parameters"] = [
            {
                "name": p.partition(".")[2],
                "in": "query" if p.startswith("querystring.") else "header",
                "required": True,
                "schema": {"type": "string"},
            }
            for p in sorted(route.required_parameters)
        ]
    if route.request_schema is not None:
        extra["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model_id(route)}"}}
            },
        }
    return extra


def _preflight_operation(cfg: Config, methods: list[str]) -> dict[str, Any]:
    headers = {h: {"schema": {"type": "string"}} for h in preflight_headers(cfg)}
    return {
        "responses": {"204": {"description": "CORS preflight", "headers": headers}},
        "x-amazon-apigateway-integration": openapi_integration(preflight_integration(cfg, methods)),
    }


#: How SAM itself declares AWS_IAM authorization in the definitions it generates.
IAM_SCHEME = "AWS_IAM"
SIGV4_SCHEME = {
    "type": "apiKey",
    "name": "Authorization",
    "in": "header",
    "x-amazon-apigateway-authtype": "awsSigv4",
}


def _operation(cfg: Config, method: ApiMethod) -> dict[str, Any]:
    """One OpenAPI operation carrying the same integration as the plain flavour's Method."""
    route = route_of(method)
    declared = route_method(cfg, method).to_dict()["Properties"]
    integration = declared["Integration"]
    operation: dict[str, Any] = {"responses": _responses(declared)}
    if "OperationName" in declared:
        operation["operationId"] = declared["OperationName"]
    parameters = _parameters(declared)
    if parameters:
        operation["parameters"] = parameters
    security = _security(cfg, method)
    if security:
        operation["security"] = security
    validation = _validation(route)
    validation.pop("parameters", None)  # declared with the method's own (_parameters)
    operation.update(validation)
    operation["x-amazon-apigateway-integration"] = openapi_integration(integration)
    return operation


#: Where a method request parameter is, in OpenAPI's words.
_PARAMETER_IN = {"path": "path", "querystring": "query", "header": "header"}


def _parameters(method: dict[str, Any]) -> list[dict[str, Any]]:
    """The plain Method's request parameters as OpenAPI parameters (the same names and
    required flags), so both flavours declare the same method request."""
    found = []
    for key, required in method.get("RequestParameters", {}).items():
        kind, _, name = key.removeprefix("method.request.").partition(".")
        found.append(
            {
                "name": name,
                "in": _PARAMETER_IN[kind],
                "required": bool(required),
                "schema": {"type": "string"},
            }
        )
    return found


def _responses(method: dict[str, Any]) -> dict[str, Any]:
    """The plain Method's method responses as OpenAPI responses: status, headers, models."""
    responses: dict[str, Any] = {}
    for declared in method.get("MethodResponses", []):
        status = str(declared["StatusCode"])
        response: dict[str, Any] = {"description": f"{status} response"}
        headers = declared.get("ResponseParameters", {})
        if headers:
            response["headers"] = {
                key.removeprefix("method.response.header."): {"schema": {"type": "string"}}
                for key in headers
            }
        models = declared.get("ResponseModels", {})
        if models:
            response["content"] = {
                content_type: {"schema": {"$ref": f"#/components/schemas/{model}"}}
                for content_type, model in models.items()
            }
        responses[status] = response
    return responses


def openapi_integration(integration: Integration | dict[str, Any]) -> dict[str, Any]:
    """A Method's Integration in the OpenAPI extension's spelling (API Gateway developer guide,
    "x-amazon-apigateway-integration object"): lower camel case, integration responses keyed
    by selection pattern."""
    props = integration if isinstance(integration, dict) else integration.to_dict()
    result: dict[str, Any] = {}
    for key, value in props.items():
        if key == "IntegrationHttpMethod":
            result["httpMethod"] = value
        elif key == "IntegrationResponses":
            result["responses"] = {
                response.get("SelectionPattern", "default"): {
                    k[:1].lower() + k[1:]: v for k, v in response.items() if k != "SelectionPattern"
                }
                for response in value
            }
        elif key in ("Type", "PassthroughBehavior"):
            result[key[:1].lower() + key[1:]] = value.lower()
        else:
            result[key[:1].lower() + key[1:]] = value
    return dict(sorted(result.items()))

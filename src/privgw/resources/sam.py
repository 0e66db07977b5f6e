"""The SAM flavour: a Serverless::Api and a Serverless::Function with one Api event per route.

Everything SAM and plain CloudFormation say alike (endpoint, security group, role, log groups,
policy statements, stage settings, outputs) comes from the shared builders; only the API and
function resources differ. The logical ids match the plain flavour's (``RestApi``,
``Function``), so the outputs are literally the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from troposphere import PropsDictType, Ref, Sub
from troposphere.apigateway import Integration
from troposphere.serverless import (
    Api,
    ApiEvent,
    Auth,
    DeadLetterQueue,
    EndpointConfiguration,
    ResourcePolicyStatement,
    S3Location,
)
from troposphere.serverless import Function as ServerlessFunction
from troposphere.validators import integer

from privgw import naming
from privgw.config import Config, Route
from privgw.config import Function as ConfigFunction
from privgw.config.auth import CognitoAuth, LambdaAuth, identity_parameter
from privgw.model import resolve_api
from privgw.resources import backend, parameters
from privgw.resources.api import (
    api_description,
    lambda_integration,
    mock_integration,
    resource_policy,
    stage_settings,
)
from privgw.resources.auth import (
    AUTHORIZER_URI,
    VALIDATORS,
    authorizer_key,
    authorizer_specs,
    model_id,
)
from privgw.resources.common import tag_map
from privgw.resources.cors import preflight_headers, preflight_integration
from privgw.resources.function import code_location, dead_letter_arn, shared_function_properties
from privgw.resources.network import endpoint_ids, endpoint_list
from privgw.resources.responses import gateway_response_specs

#: Pinning the OpenAPI version stops SAM from also creating its surprise stage named "Stage".
OPENAPI_VERSION = "3.0.1"
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class ProxyApiEvent(ApiEvent):
    """SAM's Api event plus ``TimeoutInMillis``, which SAM supports and troposphere lacks."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's own declaration style
        **ApiEvent.props,
        "TimeoutInMillis": (integer, False),
    }


class PrivateApi(Api):
    """SAM's Api plus ``GatewayResponses``, which SAM supports and troposphere lacks."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's own declaration style
        **Api.props,
        "GatewayResponses": (dict, False),
    }


def sam_gateway_responses(cfg: Config) -> dict[str, Any]:
    """The same gateway responses as the plain flavour's, in SAM's Api spelling."""
    result: dict[str, Any] = {}
    for spec in gateway_response_specs(cfg):
        response: dict[str, Any] = {"ResponseTemplates": {spec.content_type: spec.body}}
        if spec.status is not None:
            response["StatusCode"] = spec.status
        if spec.headers:
            response["ResponseParameters"] = {
                "Headers": {k: f"'{v}'" for k, v in sorted(spec.headers.items())}
            }
        result[spec.response_type] = response
    return result


def serverless_api(cfg: Config) -> Api:
    """PRIVATE Api whose resource policy is privgw's own statements, verbatim; backend and mock
    routes are in its OpenAPI definition (function routes come from the functions' events,
    which SAM adds to it)."""
    ids = endpoint_ids(cfg)
    statements = resource_policy(cfg)["Statement"]
    auth: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    definition = openapi_definition(cfg)
    if definition is not None:
        extra["DefinitionBody"] = definition
    elif {cfg.auth_of(r) for r in cfg.routes} == {"iam"}:
        # SigV4 callers; the integration still invokes through the Lambda permission
        auth = {"DefaultAuthorizer": "AWS_IAM", "InvokeRole": "NONE"}
    return PrivateApi(
        naming.API,
        GatewayResponses=sam_gateway_responses(cfg),
        Name=cfg.name,
        Description=api_description(cfg),
        StageName=parameters.stage_name(cfg),
        OpenApiVersion=OPENAPI_VERSION,
        EndpointConfiguration=EndpointConfiguration(
            Type="PRIVATE", **endpoint_list("VPCEndpointIds", ids)
        ),
        Auth=Auth(ResourcePolicy=ResourcePolicyStatement(CustomStatements=statements), **auth),
        Tags=tag_map(cfg),
        **extra,
        **stage_settings(cfg),
    )


def needs_definition(cfg: Config) -> bool:
    """Whether some route needs more than privgw's SAM Api events say: a backend, a mock, a
    streamed Lambda response (events have no ResponseTransferMode), an authorizer, an API key,
    validation, CORS, or routes whose auth differ (events take one default, IAM or none)."""
    if cfg.cors is not None or len({json.dumps(_auth_key(cfg, r)) for r in cfg.routes}) > 1:
        return True
    if any(r.api_key_required or r.request_validation for r in cfg.routes):
        return True
    if any(cfg.auth_of(r) not in ("iam", "none") for r in cfg.routes):
        return True
    for route in cfg.routes:
        target = cfg.target_of(route)
        if target.kind != "function":
            return True
        assert target.name is not None
        if cfg.all_functions[target.name].response_streaming:
            return True
    return False


def openapi_definition(cfg: Config) -> dict[str, Any] | None:
    """Every route as an OpenAPI operation with API Gateway's integration extension, when some
    route needs it (``needs_definition``); None otherwise, and SAM builds the definition from
    the functions' events. SAM does not merge events into a definition it is given (only with
    MergeDefinitions), so the definition holds every route; the events still give each
    function its invoke permission."""
    if not needs_definition(cfg):
        return None
    paths: dict[str, dict[str, Any]] = {}
    for route in cfg.routes:
        method = "x-amazon-apigateway-any-method" if route.method == "ANY" else route.method.lower()
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
    schemas = {model_id(r): r.request_schema for r in cfg.routes if r.request_schema is not None}
    components: dict[str, Any] = {}
    if schemes:
        components["securitySchemes"] = schemes
    if schemas:
        components["schemas"] = dict(sorted(schemas.items()))
    if components:
        definition["components"] = components
    kinds = sorted({r.request_validation for r in cfg.routes if r.request_validation})
    if kinds:
        definition["x-amazon-apigateway-request-validators"] = {
            kind: {
                "validateRequestParameters": VALIDATORS[kind][1],
                "validateRequestBody": VALIDATORS[kind][2],
            }
            for kind in kinds
        }
    return definition


def _auth_key(cfg: Config, route: Route) -> Any:
    auth = cfg.auth_of(route)
    return auth if isinstance(auth, str) else auth.model_dump(by_alias=True)


API_KEY_SCHEME = "api_key"


def _security_schemes(cfg: Config) -> dict[str, Any]:
    """The OpenAPI security schemes the routes use: SigV4, each authorizer, the API key."""
    schemes: dict[str, Any] = {}
    if any(cfg.auth_of(r) == "iam" for r in cfg.routes):
        schemes[IAM_SCHEME] = SIGV4_SCHEME
    for spec in authorizer_specs(cfg).values():
        setting = spec.setting
        if isinstance(setting, LambdaAuth):
            function = naming.function_ids(setting.function).function
            authorizer: dict[str, Any] = {
                "type": setting.type,
                "authorizerUri": Sub(AUTHORIZER_URI % function).to_dict(),
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
    if any(r.api_key_required for r in cfg.routes):
        schemes[API_KEY_SCHEME] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    return dict(sorted(schemes.items()))


def _security(cfg: Config, route: Route) -> list[dict[str, list[str]]]:
    """The operation's security requirement: one object naming every scheme it needs."""
    auth = cfg.auth_of(route)
    needed: dict[str, list[str]] = {}
    if auth == "iam":
        needed[IAM_SCHEME] = []
    elif isinstance(auth, LambdaAuth | CognitoAuth):
        spec = authorizer_specs(cfg)[authorizer_key(auth)]
        scopes = list(auth.cognito.scopes) if isinstance(auth, CognitoAuth) else []
        needed[spec.logical_id] = scopes
    if route.api_key_required:
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


def _operation(cfg: Config, route: Route) -> dict[str, Any]:
    """One OpenAPI operation carrying the same integration as the plain flavour's Method."""
    target = cfg.target_of(route)
    operation: dict[str, Any] = {"responses": {}}
    if target.kind == "mock":
        assert route.mock is not None
        integration, (declared,) = mock_integration(route.mock)
        headers = declared.to_dict().get("ResponseParameters", {})
        response: dict[str, Any] = {"description": f"{route.mock.status} response"}
        if headers:
            response["headers"] = {
                key.removeprefix("method.response.header."): {"schema": {"type": "string"}}
                for key in headers
            }
        operation["responses"] = {str(route.mock.status): response}
    elif target.kind == "backend":
        assert target.name is not None
        integration = backend.backend_integration(cfg, target.name, route)
        variables = backend.path_variables(route)
        if variables:
            operation["parameters"] = [
                {"name": v, "in": "path", "required": True, "schema": {"type": "string"}}
                for v in variables
            ]
    else:
        assert target.name is not None
        integration = lambda_integration(cfg, target.name)
    security = _security(cfg, route)
    if security:
        operation["security"] = security
    validation = _validation(route)
    operation["parameters"] = operation.get("parameters", []) + validation.pop("parameters", [])
    if not operation["parameters"]:
        del operation["parameters"]
    operation.update(validation)
    operation["x-amazon-apigateway-integration"] = openapi_integration(integration)
    return operation


def openapi_integration(integration: Integration) -> dict[str, Any]:
    """A Method's Integration in the OpenAPI extension's spelling (API Gateway developer guide,
    "x-amazon-apigateway-integration object"): lower camel case, integration responses keyed
    by selection pattern."""
    props = integration.to_dict()
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


def api_event(cfg: Config, route: Route, function: str) -> tuple[str, ProxyApiEvent]:
    name = naming.method_id(route.segments, route.method).removeprefix("Method")
    return name, ProxyApiEvent(
        name,
        RestApiId=Ref(naming.API),
        Path=route.path,
        Method=route.method.lower(),
        TimeoutInMillis=cfg.all_functions[function].timeout * 1000,
    )


def serverless_function(
    cfg: Config, name: str, fn: ConfigFunction, output_dir: Path | None = None
) -> ServerlessFunction:
    """One function with an Api event per route it serves, running as privgw's
    least-privilege role."""
    code = fn.code
    extra: dict[str, Any] = {}
    if code.inline is not None:
        extra["InlineCode"] = code.inline
    elif code.path is not None:
        extra["CodeUri"] = code_location(cfg, fn, output_dir)
    else:
        location = {"Version": code.s3_object_version} if code.s3_object_version else {}
        extra["CodeUri"] = S3Location(Bucket=code.s3_bucket, Key=code.s3_key, **location)
    if fn.dead_letter_service:
        extra["DeadLetterQueue"] = DeadLetterQueue(
            Type=fn.dead_letter_service.upper(), TargetArn=dead_letter_arn(cfg, name, fn)
        )
    events = dict(sorted(api_event(cfg, route, name) for route in cfg.routes_to("function", name)))
    if events:
        extra["Events"] = events
    return ServerlessFunction(
        naming.function_ids(name).function,
        Tags=tag_map(cfg),
        **shared_function_properties(cfg, name, fn),
        **extra,
    )


def serverless_functions(cfg: Config, output_dir: Path | None = None) -> list[ServerlessFunction]:
    return [
        serverless_function(cfg, name, fn, output_dir) for name, fn in cfg.all_functions.items()
    ]

"""The SAM flavour: a Serverless::Api and a Serverless::Function with one Api event per route.

Everything SAM and plain CloudFormation say alike (endpoint, security group, role, log groups,
policy statements, stage settings, outputs) comes from the shared builders; only the API and
function resources differ. The logical ids match the plain flavour's (``RestApi``,
``Function``), so the outputs are literally the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from troposphere import PropsDictType, Ref
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
from privgw.resources import backend, parameters
from privgw.resources.api import (
    api_description,
    lambda_integration,
    mock_integration,
    resource_policy,
    stage_settings,
)
from privgw.resources.common import tag_map
from privgw.resources.function import code_location, dead_letter_arn, shared_function_properties
from privgw.resources.network import endpoint_ids, endpoint_list

#: Pinning the OpenAPI version stops SAM from also creating its surprise stage named "Stage".
OPENAPI_VERSION = "3.0.1"
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class ProxyApiEvent(ApiEvent):
    """SAM's Api event plus ``TimeoutInMillis``, which SAM supports and troposphere lacks."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's own declaration style
        **ApiEvent.props,
        "TimeoutInMillis": (integer, False),
    }


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
    elif cfg.access.iam_principals:
        # SigV4 callers; the integration still invokes through the Lambda permission
        auth = {"DefaultAuthorizer": "AWS_IAM", "InvokeRole": "NONE"}
    return Api(
        naming.API,
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
    """Whether some route needs more than a SAM Api event can say: a backend, a mock, or a
    streamed Lambda response (events have no ResponseTransferMode)."""
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
    if cfg.access.iam_principals:
        definition["components"] = {"securitySchemes": {IAM_SCHEME: SIGV4_SCHEME}}
    return definition


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
    if cfg.access.iam_principals:
        operation["security"] = [{IAM_SCHEME: []}]
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
    return ServerlessFunction(
        naming.function_ids(name).function,
        Events=events,
        Tags=tag_map(cfg),
        **shared_function_properties(cfg, name, fn),
        **extra,
    )


def serverless_functions(cfg: Config, output_dir: Path | None = None) -> list[ServerlessFunction]:
    return [
        serverless_function(cfg, name, fn, output_dir) for name, fn in cfg.all_functions.items()
    ]

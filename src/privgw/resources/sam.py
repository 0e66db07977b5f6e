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
from privgw.model import resolve_api
from privgw.resources import openapi, parameters
from privgw.resources.api import (
    api_description,
    binary_media_types,
    resource_policy,
)
from privgw.resources.common import tag_map
from privgw.resources.function import code_location, dead_letter_arn, shared_function_properties
from privgw.resources.network import endpoint_ids, endpoint_list
from privgw.resources.openapi import route_of
from privgw.resources.responses import gateway_response_specs
from privgw.resources.stage import stage_settings
from privgw.resources.tls import tls_properties

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class ProxyApiEvent(ApiEvent):
    """SAM's Api event plus ``TimeoutInMillis``, which SAM supports and troposphere lacks."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's own declaration style
        **ApiEvent.props,
        "TimeoutInMillis": (integer, False),
    }


class PrivateApi(Api):
    """SAM's Api plus ``GatewayResponses``, ``SecurityPolicy`` and ``EndpointAccessMode``,
    which SAM supports and troposphere lacks."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's own declaration style
        **Api.props,
        "GatewayResponses": (dict, False),
        # SAM passes both to the RestApi it generates (samtranslator's ApiGenerator)
        "SecurityPolicy": (str, False),
        "EndpointAccessMode": (str, False),
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


def serverless_api(cfg: Config, body: bool = False) -> Api:
    """PRIVATE Api whose resource policy is privgw's own statements, verbatim; backend and mock
    routes are in its OpenAPI definition (function routes come from the functions' events,
    which SAM adds to it)."""
    ids = endpoint_ids(cfg)
    statements = resource_policy(cfg)["Statement"]
    auth: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    definition = openapi.openapi_definition(cfg, always=body)
    if definition is not None:
        extra["DefinitionBody"] = definition
    elif {m.auth for m in resolve_api(cfg).routes} == {"iam"}:
        # SigV4 callers; the integration still invokes through the Lambda permission
        auth = {"DefaultAuthorizer": "AWS_IAM", "InvokeRole": "NONE"}
    return PrivateApi(
        naming.API,
        GatewayResponses=sam_gateway_responses(cfg),
        Name=cfg.name,
        Description=api_description(cfg),
        StageName=parameters.stage_name(cfg),
        OpenApiVersion=openapi.OPENAPI_VERSION,
        EndpointConfiguration=EndpointConfiguration(
            Type="PRIVATE", **endpoint_list("VPCEndpointIds", ids)
        ),
        Auth=Auth(ResourcePolicy=ResourcePolicyStatement(CustomStatements=statements), **auth),
        Tags=tag_map(cfg),
        **binary_media_types(cfg),
        **tls_properties(cfg.tls),
        **extra,
        **stage_settings(cfg),
    )


def api_event(cfg: Config, route: Route, function: str) -> tuple[str, ProxyApiEvent]:
    name = naming.method_id(route.segments, route.method).removeprefix("Method")
    return name, ProxyApiEvent(
        name,
        RestApiId=Ref(naming.API),
        Path=route.path,
        Method=route.method.lower(),
        TimeoutInMillis=cfg.all_functions[function].wait_ms,
    )


def serverless_function(
    cfg: Config, name: str, fn: ConfigFunction, output_dir: Path | None = None, events: bool = True
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
    api_events = dict(
        sorted(api_event(cfg, route_of(m), name) for m in resolve_api(cfg).to("function", name))
    )
    if api_events and events:
        extra["Events"] = api_events
    return ServerlessFunction(
        naming.function_ids(name).function,
        Tags=tag_map(cfg),
        **shared_function_properties(cfg, name, fn),
        **extra,
    )


def serverless_functions(
    cfg: Config, output_dir: Path | None = None, events: bool = True
) -> list[ServerlessFunction]:
    return [
        serverless_function(cfg, name, fn, output_dir, events)
        for name, fn in cfg.all_functions.items()
    ]

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
from privgw.resources import parameters
from privgw.resources.api import api_description, resource_policy, stage_settings
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
    """PRIVATE Api whose resource policy is privgw's own statements, verbatim."""
    ids = endpoint_ids(cfg)
    statements = resource_policy(cfg)["Statement"]
    auth: dict[str, Any] = {}
    if cfg.access.iam_principals:
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
        **stage_settings(cfg),
    )


def api_event(cfg: Config, route: Route) -> tuple[str, ProxyApiEvent]:
    name = naming.method_id(route.segments, route.method).removeprefix("Method")
    return name, ProxyApiEvent(
        name,
        RestApiId=Ref(naming.API),
        Path=route.path,
        Method=route.method.lower(),
        TimeoutInMillis=cfg.function.timeout * 1000,
    )


def serverless_function(cfg: Config, output_dir: Path | None = None) -> ServerlessFunction:
    """The function with one Api event per route, running as privgw's least-privilege role."""
    code = cfg.function.code
    extra: dict[str, Any] = {}
    if code.inline is not None:
        extra["InlineCode"] = code.inline
    elif code.path is not None:
        extra["CodeUri"] = code_location(cfg, output_dir)
    else:
        location = {"Version": code.s3_object_version} if code.s3_object_version else {}
        extra["CodeUri"] = S3Location(Bucket=code.s3_bucket, Key=code.s3_key, **location)
    if cfg.function.dead_letter_service:
        extra["DeadLetterQueue"] = DeadLetterQueue(
            Type=cfg.function.dead_letter_service.upper(), TargetArn=dead_letter_arn(cfg)
        )
    events = dict(sorted(api_event(cfg, route) for route in cfg.routes))
    return ServerlessFunction(
        naming.FUNCTION,
        Events=events,
        Tags=tag_map(cfg),
        **shared_function_properties(cfg),
        **extra,
    )

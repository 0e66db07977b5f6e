"""The PRIVATE REST API: resources, proxy methods, the one Lambda permission, deployment, stage."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from troposphere import AWSObject, GetAtt, Ref, Sub
from troposphere.apigateway import (
    AccessLogSetting,
    Account,
    Deployment,
    EndpointConfiguration,
    Integration,
    Method,
    MethodSetting,
    Resource,
    RestApi,
    Stage,
)
from troposphere.awslambda import Permission
from troposphere.iam import Role
from troposphere.logs import LogGroup

from privgw import naming, suppressions
from privgw.config import Config, Route, resource_paths
from privgw.resources import parameters, policy
from privgw.resources.common import execute_api_arn, log_group, tags_for
from privgw.resources.network import endpoint_ids, endpoint_list

#: One JSON line per request; vpceId shows which endpoint a call came through.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTime",
        "vpceId": "$context.identity.vpceId",
        "sourceIp": "$context.identity.sourceIp",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "path": "$context.path",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integration.error",
        "errorMessage": "$context.error.message",
    },
    separators=(",", ":"),
)

LAMBDA_PROXY_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "${Function.Arn}/invocations"
)


def api_description(cfg: Config) -> str:
    return cfg.description or f"Private API {cfg.name}, reachable only via VPC endpoints"


def resource_policy(cfg: Config) -> dict[str, Any]:
    """The API's resource policy, the same document in both flavours."""
    return policy.as_dict(
        policy.api_resource_policy(
            endpoint_ids(cfg),
            vpc_ids=parameters.values(cfg, parameters.ALLOWED_VPC, cfg.access.vpc_ids),
            source_cidrs=cfg.access.source_cidrs,
            principals=parameters.values(
                cfg, parameters.ALLOWED_PRINCIPAL, cfg.access.iam_principals
            ),
        )
    )


def authorization_type(cfg: Config) -> str:
    """AWS_IAM when the config names allowed principals (callers must sign), else NONE."""
    return "AWS_IAM" if cfg.access.iam_principals else "NONE"


def rest_api(cfg: Config) -> RestApi:
    """PRIVATE, reachable through the listed endpoints, with the deny-by-default policy."""
    ids = endpoint_ids(cfg)
    config = EndpointConfiguration(Types=["PRIVATE"], **endpoint_list("VpcEndpointIds", ids))
    return RestApi(
        naming.API,
        Name=cfg.name,
        Description=api_description(cfg),
        EndpointConfiguration=config,
        Policy=resource_policy(cfg),
        Tags=tags_for(cfg),
    )


def _parent_id(segments: Sequence[str]) -> Any:
    if len(segments) == 1:
        return GetAtt(naming.API, "RootResourceId")
    return Ref(naming.resource_id(segments[:-1]))


def _resource_ref(segments: Sequence[str]) -> Any:
    return (
        GetAtt(naming.API, "RootResourceId") if not segments else Ref(naming.resource_id(segments))
    )


def api_resources(cfg: Config) -> list[Resource]:
    """One Resource per path segment prefix the routes use, parents before children."""
    return [
        Resource(
            naming.resource_id(node),
            RestApiId=Ref(naming.API),
            ParentId=_parent_id(node),
            PathPart=node[-1],
        )
        for node in resource_paths(cfg.routes)
    ]


def proxy_method(cfg: Config, route: Route) -> Method:
    """A Lambda proxy method; the integration timeout follows the function's timeout."""
    return Method(
        naming.method_id(route.segments, route.method),
        RestApiId=Ref(naming.API),
        ResourceId=_resource_ref(route.segments),
        HttpMethod=route.method,
        AuthorizationType=authorization_type(cfg),
        **suppressions.metadata(
            None if cfg.access.iam_principals else suppressions.METHOD_WITHOUT_AUTHORIZER
        ),
        Integration=Integration(
            Type="AWS_PROXY",
            IntegrationHttpMethod="POST",
            Uri=Sub(LAMBDA_PROXY_URI),
            TimeoutInMillis=cfg.function.timeout * 1000,
        ),
    )


def api_methods(cfg: Config) -> list[Method]:
    """Methods sorted by logical id, so route order in the config never changes the output."""
    return sorted((proxy_method(cfg, r) for r in cfg.routes), key=lambda m: str(m.title))


def invoke_permission() -> Permission:
    """One permission for the whole API (not one per method), scoped to this API's ARN."""
    return Permission(
        naming.API_PERMISSION,
        Action="lambda:InvokeFunction",
        FunctionName=GetAtt(naming.FUNCTION, "Arn"),
        Principal="apigateway.amazonaws.com",
        SourceAccount=Ref("AWS::AccountId"),
        SourceArn=execute_api_arn("*"),
    )


def deployment_digest(api: RestApi, parts: Sequence[AWSObject]) -> str:
    """Hash of everything a stage serves: methods, integrations, resources, policy, endpoints.

    Deployments are immutable snapshots; a new logical id is the only way a change reaches
    the stage, so anything that changes what callers get must be in here.
    """
    api_props = api.to_dict()["Properties"]
    served = {k: api_props.get(k) for k in ("EndpointConfiguration", "Policy")}
    return naming.content_hash(served, [(p.title, p.to_dict()) for p in parts])


def deployment(
    cfg: Config, api: RestApi, resources: list[Resource], methods: list[Method]
) -> Deployment:
    digest = deployment_digest(api, [*resources, *methods])
    return Deployment(
        naming.deployment_id(digest),
        RestApiId=Ref(naming.API),
        Description=f"privgw content hash {digest}",
        DependsOn=[m.title for m in methods],
    )


def access_log_group(cfg: Config) -> LogGroup:
    return log_group(cfg, naming.ACCESS_LOG_GROUP, cfg.stage.log_retention_days)


def stage_settings(cfg: Config) -> dict[str, Any]:
    """Access log, throttling and tracing: said alike by the plain Stage and the SAM Api."""
    st = cfg.stage
    settings: dict[str, Any] = {"TracingEnabled": st.tracing}
    if st.access_logging:
        settings["AccessLogSetting"] = AccessLogSetting(
            DestinationArn=GetAtt(naming.ACCESS_LOG_GROUP, "Arn"), Format=ACCESS_LOG_FORMAT
        )
    if st.throttling_rate_limit is not None or st.throttling_burst_limit is not None:
        throttle: dict[str, Any] = {"HttpMethod": "*", "ResourcePath": "/*"}
        if st.throttling_rate_limit is not None:
            throttle["ThrottlingRateLimit"] = st.throttling_rate_limit
        if st.throttling_burst_limit is not None:
            throttle["ThrottlingBurstLimit"] = st.throttling_burst_limit
        settings["MethodSettings"] = [MethodSetting(**throttle)]
    if cfg.api_gateway_account_role:
        settings["DependsOn"] = [naming.ACCOUNT]
    settings.update(
        suppressions.metadata(
            suppressions.STAGE_WITHOUT_CACHE,
            None if st.access_logging else suppressions.STAGE_WITHOUT_ACCESS_LOG,
            None if st.tracing else suppressions.STAGE_WITHOUT_TRACING,
        )
    )
    return settings


def stage(cfg: Config, deployment_id: str) -> Stage:
    """The stage callers use, with tracing and JSON access logs unless turned off."""
    return Stage(
        naming.STAGE,
        StageName=parameters.stage_name(cfg),
        Description=f"Stage of {cfg.name}"
        if cfg.reusable
        else f"Stage {cfg.stage.name} of {cfg.name}",
        RestApiId=Ref(naming.API),
        DeploymentId=Ref(deployment_id),
        Tags=tags_for(cfg),
        **stage_settings(cfg),
    )


def account_logging_role(cfg: Config) -> list[AWSObject]:
    """The account-wide CloudWatch role API Gateway needs before any stage may log.

    Retained on stack deletion: the account setting keeps pointing at it, and every other API
    in the account and region would lose its logs if it went away.
    """
    role = Role(
        naming.ACCOUNT_ROLE,
        Description="Lets API Gateway write access and execution logs for this account",
        AssumeRolePolicyDocument=policy.service_trust_policy("apigateway.amazonaws.com"),
        ManagedPolicyArns=[
            Sub(
                "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs"
            )
        ],
        Tags=tags_for(cfg),
        DeletionPolicy="Retain",
        UpdateReplacePolicy="Retain",
    )
    account = Account(naming.ACCOUNT, CloudWatchRoleArn=GetAtt(naming.ACCOUNT_ROLE, "Arn"))
    return [role, account]

"""The stage callers use: its access log (privgw's JSON line or the config's format), method
settings (throttling, CloudWatch metrics, execution logs, per-route throttling and caching),
cache cluster and tracing, said alike by the plain Stage and the SAM Api; and the account-wide
CloudWatch role some accounts still need."""

from __future__ import annotations

import json
from typing import Any

from troposphere import AWSObject, GetAtt, Ref, Sub
from troposphere.apigateway import AccessLogSetting, Account, MethodSetting, Stage
from troposphere.iam import Role
from troposphere.logs import LogGroup

from privgw import naming, suppressions
from privgw.config import Config
from privgw.resources import parameters, policy
from privgw.resources.common import log_group, tags_for

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


def access_log_group(cfg: Config) -> LogGroup:
    return log_group(cfg, naming.ACCESS_LOG_GROUP, cfg.stage.log_retention_days)


def access_log_format(cfg: Config) -> str:
    """The config's own format (a map becomes one compact JSON object), else privgw's."""
    given = cfg.stage.access_log_format
    if given is None:
        return ACCESS_LOG_FORMAT
    return given if isinstance(given, str) else json.dumps(given, separators=(",", ":"))


def _encoded(path: str) -> str:
    """A resource path as MethodSetting's ResourcePath writes it: a leading /, then the path
    with every / as ~1 (AWS::ApiGateway::Stage MethodSetting: /resource/subresource is
    /~1resource~1subresource)."""
    return "/" + path.replace("~", "~0").replace("/", "~1")


def _logging(cfg: Config) -> dict[str, Any]:
    """What every method setting carries of the stage's metrics and execution logging, so a
    route's own settings never turn them off for that route."""
    st = cfg.stage
    found: dict[str, Any] = {}
    if st.metrics:
        found["MetricsEnabled"] = True
    if st.logging_level != "OFF":
        found["LoggingLevel"] = st.logging_level
    if st.data_trace:
        found["DataTraceEnabled"] = True
    return found


def method_settings(cfg: Config) -> list[MethodSetting]:
    """The stage-wide setting (every method: throttling, metrics, execution logging) and one
    per route with its own throttling or cache."""
    st = cfg.stage
    wide: dict[str, Any] = dict(_logging(cfg))
    if st.throttling_rate_limit is not None:
        wide["ThrottlingRateLimit"] = st.throttling_rate_limit
    if st.throttling_burst_limit is not None:
        wide["ThrottlingBurstLimit"] = st.throttling_burst_limit
    settings = [MethodSetting(HttpMethod="*", ResourcePath="/*", **wide)] if wide else []
    for route in sorted(cfg.routes, key=lambda r: (r.path, r.method)):
        own: dict[str, Any] = {}
        if route.throttling is not None:
            own["ThrottlingRateLimit"] = route.throttling.rate_limit
            own["ThrottlingBurstLimit"] = route.throttling.burst_limit
        if route.cache is not None and st.cache is not None:
            own["CachingEnabled"] = True
            own["CacheTtlInSeconds"] = route.cache.ttl_seconds
            own["CacheDataEncrypted"] = st.cache.encrypted
        if own:
            settings.append(
                MethodSetting(
                    HttpMethod=route.method,
                    ResourcePath=_encoded(route.path),
                    **_logging(cfg),
                    **own,
                )
            )
    return settings


def stage_settings(cfg: Config) -> dict[str, Any]:
    """Access log, method settings, cache cluster and tracing: said alike by the plain Stage
    and the SAM Api."""
    st = cfg.stage
    settings: dict[str, Any] = {"TracingEnabled": st.tracing}
    if st.access_logging:
        settings["AccessLogSetting"] = AccessLogSetting(
            DestinationArn=GetAtt(naming.ACCESS_LOG_GROUP, "Arn"), Format=access_log_format(cfg)
        )
    if st.cache is not None:
        settings["CacheClusterEnabled"] = True
        settings["CacheClusterSize"] = st.cache.size
    methods = method_settings(cfg)
    if methods:
        settings["MethodSettings"] = methods
    if cfg.api_gateway_account_role:
        settings["DependsOn"] = [naming.ACCOUNT]
    settings.update(
        suppressions.metadata(
            None if st.cache is not None else suppressions.STAGE_WITHOUT_CACHE,
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

"""The Lambda function, its least-privilege role and its log group."""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Ref
from troposphere.awslambda import Code, Environment, Function, LoggingConfig
from troposphere.iam import Policy, Role
from troposphere.logs import LogGroup

from privgw import naming, policy
from privgw.build.common import tags_for
from privgw.config import Config


def function_log_group(cfg: Config) -> LogGroup:
    """Created by the template (not on first invoke) so retention is set and the role is scoped."""
    return LogGroup(
        naming.FUNCTION_LOG_GROUP,
        RetentionInDays=cfg.function.log_retention_days,
        Tags=tags_for(cfg),
    )


def function_role(cfg: Config) -> Role:
    """Assumable by Lambda only; may write only the function's own log group."""
    return Role(
        naming.FUNCTION_ROLE,
        Description=f"Runs the {cfg.name} API function; writes its own log group only",
        AssumeRolePolicyDocument=policy.service_trust_policy("lambda.amazonaws.com"),
        Policies=[
            Policy(
                PolicyName="write-own-log-group",
                PolicyDocument=policy.function_logging_policy(
                    GetAtt(naming.FUNCTION_LOG_GROUP, "Arn")
                ),
            )
        ],
        Tags=tags_for(cfg),
    )


def function_code(cfg: Config) -> Code:
    code = cfg.function.code
    if code.inline is not None:
        return Code(ZipFile=code.inline)
    extra = {"S3ObjectVersion": code.s3_object_version} if code.s3_object_version else {}
    return Code(S3Bucket=code.s3_bucket, S3Key=code.s3_key, **extra)


def lambda_function(cfg: Config) -> Function:
    """The one function every route proxies to; logs go to the template's own log group."""
    fn = cfg.function
    extra: dict[str, Any] = {}
    if fn.environment:
        extra["Environment"] = Environment(Variables=dict(sorted(fn.environment.items())))
    return Function(
        naming.FUNCTION,
        Description=fn.description or f"Handles every route of the private API {cfg.name}",
        Runtime=fn.runtime,
        Handler=fn.handler,
        Code=function_code(cfg),
        MemorySize=fn.memory,
        Timeout=fn.timeout,
        Architectures=[fn.architecture],
        Role=GetAtt(naming.FUNCTION_ROLE, "Arn"),
        LoggingConfig=LoggingConfig(LogGroup=Ref(naming.FUNCTION_LOG_GROUP)),
        Tags=tags_for(cfg),
        **extra,
    )

"""The Lambda function, its least-privilege role and its log group."""

from __future__ import annotations

from typing import Any

from troposphere import AWSObject, GetAtt, Ref
from troposphere.awslambda import Code, DeadLetterConfig, Environment, Function, LoggingConfig
from troposphere.iam import Policy, Role

from privgw import naming, policy, suppressions
from privgw.build.common import log_group, tags_for
from privgw.config import Config


def function_log_group(cfg: Config) -> AWSObject:
    """Created by the template (not on first invoke) so retention is set and the role is scoped."""
    return log_group(cfg, naming.FUNCTION_LOG_GROUP, cfg.function.log_retention_days)


def function_role(cfg: Config) -> Role:
    """Assumable by Lambda only; may write only the function's own log group."""
    return Role(
        naming.FUNCTION_ROLE,
        Description=f"Runs the {cfg.name} API function; writes its own log group only",
        AssumeRolePolicyDocument=policy.service_trust_policy("lambda.amazonaws.com"),
        Policies=[
            Policy(
                PolicyName="write-own-log-group",
                PolicyDocument=policy.function_role_policy(
                    GetAtt(naming.FUNCTION_LOG_GROUP, "Arn"), cfg.function.dead_letter_arn
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
    if fn.kms_key_arn:
        extra["KmsKeyArn"] = fn.kms_key_arn
    if fn.reserved_concurrency is not None:
        extra["ReservedConcurrentExecutions"] = fn.reserved_concurrency
    if fn.dead_letter_arn:
        extra["DeadLetterConfig"] = DeadLetterConfig(TargetArn=fn.dead_letter_arn)
    skipped = suppressions.metadata(
        None if fn.reserved_concurrency else suppressions.FUNCTION_WITHOUT_RESERVED_CONCURRENCY,
        None if fn.dead_letter_arn else suppressions.FUNCTION_WITHOUT_DLQ,
        suppressions.FUNCTION_OUTSIDE_VPC,
        None if fn.kms_key_arn or not fn.environment else suppressions.FUNCTION_ENV_WITH_AWS_KEY,
    )
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
        **skipped,
    )

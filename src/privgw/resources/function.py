"""The Lambda function, its least-privilege role and its log group."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from troposphere import AWSHelperFn, AWSObject, GetAtt, Ref
from troposphere.awslambda import (
    Code,
    DeadLetterConfig,
    Environment,
    Function,
    LoggingConfig,
    VPCConfig,
)
from troposphere.iam import Policy, Role

from privgw import naming, suppressions
from privgw.config import Config
from privgw.resources import parameters, policy
from privgw.resources.common import log_group, tags_for


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
                    GetAtt(naming.FUNCTION_LOG_GROUP, "Arn"),
                    cfg.function.dead_letter_service,
                    dead_letter_arn(cfg),
                    in_vpc=cfg.function.vpc is not None,
                ),
            )
        ],
        Tags=tags_for(cfg),
        **suppressions.metadata(suppressions.ROLE_VPC_ACCESS if cfg.function.vpc else None),
    )


def dead_letter_arn(cfg: Config) -> Any:
    """The dead-letter target (a parameter of its own service in a reusable template)."""
    service = cfg.function.dead_letter_service
    if service is None:
        return None
    return parameters.value(cfg, parameters.dead_letter_slot(service), cfg.function.dead_letter_arn)


class LocalCodePath(AWSHelperFn):
    """A local folder or .zip as ``Code``: ``aws cloudformation package`` uploads it and puts
    the S3 location in its place. troposphere accepts helper values for any property."""

    def __init__(self, path: str) -> None:
        self.data = path


def code_location(cfg: Config, output_dir: Path | None) -> str | None:
    """The local code path as the template must say it: relative to the template's folder,
    because that is what ``sam`` and ``aws cloudformation package`` resolve it against."""
    path = cfg.function.code.path
    if path is None:
        return None
    if output_dir is None or cfg.source_dir is None:
        return path
    target = (cfg.source_dir / path).resolve()
    return Path(os.path.relpath(target, output_dir.resolve())).as_posix()


def function_code(cfg: Config, output_dir: Path | None = None) -> Code | LocalCodePath:
    code = cfg.function.code
    if code.inline is not None:
        return Code(ZipFile=code.inline)
    local = code_location(cfg, output_dir)
    if local is not None:
        return LocalCodePath(local)
    extra = {"S3ObjectVersion": code.s3_object_version} if code.s3_object_version else {}
    return Code(S3Bucket=code.s3_bucket, S3Key=code.s3_key, **extra)


def shared_function_properties(
    cfg: Config, *extra_suppressions: suppressions.Suppression | None
) -> dict[str, Any]:
    """What the plain and SAM function resources say alike (the role, limits, logging)."""
    fn = cfg.function
    props: dict[str, Any] = {
        "Description": fn.description or f"Handles every route of the private API {cfg.name}",
        "Runtime": fn.runtime,
        "Handler": fn.handler,
        "MemorySize": fn.memory,
        "Timeout": fn.timeout,
        "Architectures": [fn.architecture],
        "Role": GetAtt(naming.FUNCTION_ROLE, "Arn"),
        "LoggingConfig": LoggingConfig(LogGroup=Ref(naming.FUNCTION_LOG_GROUP)),
    }
    if fn.environment:
        props["Environment"] = Environment(Variables=dict(sorted(fn.environment.items())))
    if fn.kms_key_arn:
        props["KmsKeyArn"] = parameters.value(cfg, parameters.FUNCTION_KEY, fn.kms_key_arn)
    if fn.reserved_concurrency is not None:
        props["ReservedConcurrentExecutions"] = fn.reserved_concurrency
    if fn.vpc is not None:
        props["VpcConfig"] = VPCConfig(
            SubnetIds=parameters.value(cfg, parameters.FUNCTION_SUBNETS, list(fn.vpc.subnet_ids)),
            SecurityGroupIds=parameters.value(
                cfg, parameters.FUNCTION_GROUPS, list(fn.vpc.security_group_ids)
            ),
        )
    props.update(
        suppressions.metadata(
            None if fn.reserved_concurrency else suppressions.FUNCTION_WITHOUT_RESERVED_CONCURRENCY,
            None if fn.dead_letter_arn else suppressions.FUNCTION_WITHOUT_DLQ,
            None if fn.vpc else suppressions.FUNCTION_OUTSIDE_VPC,
            None
            if fn.kms_key_arn or not fn.environment
            else suppressions.FUNCTION_ENV_WITH_AWS_KEY,
            *extra_suppressions,
        )
    )
    return props


def lambda_function(cfg: Config, output_dir: Path | None = None) -> Function:
    """The one function every route proxies to; logs go to the template's own log group."""
    extra: dict[str, Any] = {}
    if cfg.function.dead_letter_arn:
        extra["DeadLetterConfig"] = DeadLetterConfig(TargetArn=dead_letter_arn(cfg))
    return Function(
        naming.FUNCTION,
        Code=function_code(cfg, output_dir),
        Tags=tags_for(cfg),
        **shared_function_properties(
            cfg, suppressions.LOCAL_CODE_NEEDS_PACKAGE if cfg.function.code.path else None
        ),
        **extra,
    )

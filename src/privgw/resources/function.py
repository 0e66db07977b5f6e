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
from privgw.config import Function as ConfigFunction
from privgw.config.stack import MAIN_FUNCTION
from privgw.resources import parameters, policy
from privgw.resources.common import log_group, tags_for


def function_log_group(cfg: Config, name: str, fn: ConfigFunction) -> AWSObject:
    """Created by the template (not on first invoke) so retention is set and the role is scoped."""
    return log_group(cfg, naming.function_ids(name).log_group, fn.log_retention_days)


def function_role(cfg: Config, name: str, fn: ConfigFunction) -> Role:
    """Assumable by Lambda only; may write only this function's own log group."""
    ids = naming.function_ids(name)
    return Role(
        ids.role,
        Description=(
            f"Runs the {cfg.name} API function; writes its own log group only"
            if name == MAIN_FUNCTION
            else f"Runs function {name} of the {cfg.name} API; writes its own log group only"
        ),
        AssumeRolePolicyDocument=policy.service_trust_policy("lambda.amazonaws.com"),
        Policies=[
            Policy(
                PolicyName="write-own-log-group",
                PolicyDocument=policy.function_role_policy(
                    GetAtt(ids.log_group, "Arn"),
                    fn.dead_letter_service,
                    dead_letter_arn(cfg, name, fn),
                    in_vpc=fn.vpc is not None,
                ),
            )
        ],
        Tags=tags_for(cfg),
        **suppressions.metadata(suppressions.ROLE_VPC_ACCESS if fn.vpc else None),
    )


def dead_letter_arn(cfg: Config, name: str, fn: ConfigFunction) -> Any:
    """The dead-letter target (a parameter of its own service in a reusable template)."""
    service = fn.dead_letter_service
    if service is None:
        return None
    return parameters.value(
        cfg,
        parameters.function_slot(name, parameters.dead_letter_slot(service)),
        fn.dead_letter_arn,
    )


class LocalCodePath(AWSHelperFn):
    """A local folder or .zip as ``Code``: ``aws cloudformation package`` uploads it and puts
    the S3 location in its place. troposphere accepts helper values for any property."""

    def __init__(self, path: str) -> None:
        self.data = path


def code_location(cfg: Config, fn: ConfigFunction, output_dir: Path | None) -> str | None:
    """The local code path as the template must say it: relative to the template's folder,
    because that is what ``sam`` and ``aws cloudformation package`` resolve it against."""
    path = fn.code.path
    if path is None:
        return None
    if output_dir is None or cfg.source_dir is None:
        return path
    target = (cfg.source_dir / path).resolve()
    return Path(os.path.relpath(target, output_dir.resolve())).as_posix()


def function_code(
    cfg: Config, fn: ConfigFunction, output_dir: Path | None = None
) -> Code | LocalCodePath:
    code = fn.code
    if code.inline is not None:
        return Code(ZipFile=code.inline)
    local = code_location(cfg, fn, output_dir)
    if local is not None:
        return LocalCodePath(local)
    extra = {"S3ObjectVersion": code.s3_object_version} if code.s3_object_version else {}
    return Code(S3Bucket=code.s3_bucket, S3Key=code.s3_key, **extra)


def shared_function_properties(
    cfg: Config, name: str, fn: ConfigFunction, *extra_suppressions: suppressions.Suppression | None
) -> dict[str, Any]:
    """What the plain and SAM function resources say alike (the role, limits, logging)."""
    ids = naming.function_ids(name)
    default_description = (
        f"Handles every route of the private API {cfg.name}"
        if len(cfg.all_functions) == 1 and not cfg.backends
        else f"Function {name} of the private API {cfg.name}"
    )
    props: dict[str, Any] = {
        "Description": fn.description or default_description,
        "Runtime": fn.runtime,
        "Handler": fn.handler,
        "MemorySize": fn.memory,
        "Timeout": fn.timeout,
        "Architectures": [fn.architecture],
        "Role": GetAtt(ids.role, "Arn"),
        "LoggingConfig": LoggingConfig(LogGroup=Ref(ids.log_group)),
    }
    if fn.environment:
        props["Environment"] = Environment(Variables=dict(sorted(fn.environment.items())))
    if fn.kms_key_arn:
        props["KmsKeyArn"] = parameters.value(
            cfg, parameters.function_slot(name, parameters.FUNCTION_KEY), fn.kms_key_arn
        )
    if fn.reserved_concurrency is not None:
        props["ReservedConcurrentExecutions"] = fn.reserved_concurrency
    if fn.vpc is not None:
        props["VpcConfig"] = VPCConfig(
            SubnetIds=parameters.value(
                cfg,
                parameters.function_slot(name, parameters.FUNCTION_SUBNETS),
                list(fn.vpc.subnet_ids),
            ),
            SecurityGroupIds=parameters.value(
                cfg,
                parameters.function_slot(name, parameters.FUNCTION_GROUPS),
                list(fn.vpc.security_group_ids),
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


def lambda_function(
    cfg: Config, name: str, fn: ConfigFunction, output_dir: Path | None = None
) -> Function:
    """One function; logs go to its own log group."""
    extra: dict[str, Any] = {}
    if fn.dead_letter_arn:
        extra["DeadLetterConfig"] = DeadLetterConfig(TargetArn=dead_letter_arn(cfg, name, fn))
    return Function(
        naming.function_ids(name).function,
        Code=function_code(cfg, fn, output_dir),
        Tags=tags_for(cfg),
        **shared_function_properties(
            cfg, name, fn, suppressions.LOCAL_CODE_NEEDS_PACKAGE if fn.code.path else None
        ),
        **extra,
    )


def function_resources(cfg: Config) -> list[AWSObject]:
    """Each function's log group and role (both flavours build the function itself)."""
    parts: list[AWSObject] = []
    for name, fn in cfg.all_functions.items():
        parts += [function_log_group(cfg, name, fn), function_role(cfg, name, fn)]
    return parts

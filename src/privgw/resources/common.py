"""Small helpers shared by the builders: tags and ARNs from pseudo-parameters."""

from __future__ import annotations

from typing import Any

from troposphere import Sub, Tags
from troposphere.logs import LogGroup

from privgw import suppressions
from privgw.config import AnyConfig, Config
from privgw.resources import parameters


def tag_map(cfg: AnyConfig, **extra: str) -> dict[str, str]:
    """A resource's tags as a mapping: the user's over privgw's, sorted for stable output.

    ``privgw:api`` lets a console or cost report find everything belonging to one API.
    """
    merged = {"privgw:api": cfg.name, **extra, **cfg.tags}
    return {key: merged[key] for key in sorted(merged)}


def tags_for(cfg: AnyConfig, **extra: str) -> Tags:
    """The same tags as the list of Key/Value pairs plain CloudFormation resources take."""
    return Tags(tag_map(cfg, **extra))


def execute_api_arn(path: str) -> Sub:
    """An execute-api ARN of this stack's API; ``path`` follows ``{api}/``."""
    return Sub(
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/" + path
    )


def log_group(cfg: Config, title: str, retention_days: int) -> LogGroup:
    """A log group with retention, and the customer KMS key when the config names one."""
    extra: dict[str, Any] = {}
    if cfg.log_kms_key_arn:
        extra["KmsKeyId"] = parameters.value(cfg, parameters.LOG_KEY, cfg.log_kms_key_arn)
    return LogGroup(
        title,
        RetentionInDays=retention_days,
        Tags=tags_for(cfg),
        **extra,
        **suppressions.metadata(
            None if cfg.log_kms_key_arn else suppressions.LOG_GROUP_WITH_SERVICE_KEY
        ),
    )

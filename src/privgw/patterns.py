"""Every pattern privgw checks an AWS id, ARN or name with, in one place: the config's field
types, the reusable templates' parameter patterns and the CLI's argument checks read these
(unanchored; ``anchored`` wraps one for CloudFormation's AllowedPattern)."""

from __future__ import annotations


def aws_id(prefix: str) -> str:
    """Ids like vpc-0123abcd / vpc-0123456789abcdef0: the prefix, then 8 or 17 hex digits."""
    return rf"{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})"


#: A region name (us-east-1, eu-central-2, us-gov-west-1, cn-north-1).
REGION = r"[a-z]{2,4}(-[a-z]+)+-\d{1,2}"
#: A KMS key ARN of any partition.
KMS_KEY_ARN = r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,64}"
#: Who a reusable template's principal parameters take: an account id, or a role or user ARN.
ACCOUNT_ROLE_OR_USER = r"(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+)"
#: API Gateway's rule for stage names ("Set up a stage for a REST API"): letters, digits,
#: hyphens and underscores, up to 128 characters.
STAGE_NAME = r"[A-Za-z0-9_-]{1,128}"


def anchored(pattern: str) -> str:
    """``pattern`` for the whole value, as CloudFormation's AllowedPattern reads it."""
    return f"^{pattern}$"

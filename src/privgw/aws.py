"""AWS sessions and clients for the commands that call AWS (deploy, doctor): the region as the
aws CLI v2 finds it (``--region``, then ``AWS_REGION``, then ``AWS_DEFAULT_REGION`` and the
profile; boto3 alone skips ``AWS_REGION``), checked before anything is sent, and errors that
say what happened (no region, no credentials, an endpoint that cannot be reached)."""

from __future__ import annotations

import os
from typing import Any

from privgw.errors import PrivgwError


class AwsError(PrivgwError):
    """AWS could not be asked: no region or credentials, an unknown region, an endpoint that
    cannot be reached, or a refused call (exit 2)."""


def region_of(region: str | None) -> str | None:
    """``--region``, else ``AWS_REGION`` (what the aws CLI v2 and the AWS SDKs read first),
    else None: boto3 then reads ``AWS_DEFAULT_REGION`` and the profile."""
    return region or os.environ.get("AWS_REGION") or None


def known_regions() -> list[str]:
    """Every region of every partition botocore knows (offline: its bundled endpoint data)."""
    from botocore.session import get_session  # noqa: PLC0415

    session = get_session()
    return sorted(
        {
            r
            for partition in session.get_available_partitions()
            for r in session.get_available_regions("cloudformation", partition)
        }
    )


def aws_client(
    service: str, region: str | None, endpoint_url: str | None, profile: str | None = None
) -> Any:
    """A client, after checking that a known region and credentials are configured: botocore
    would otherwise raise NoRegionError, or fail with an error that reads as if AWS refused."""
    import boto3  # noqa: PLC0415 - only the commands that call AWS need the SDK
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415

    try:
        session = boto3.session.Session(region_name=region_of(region), profile_name=profile)
        region_name = session.region_name
        credentials = session.get_credentials()
    except BotoCoreError as exc:  # a broken profile or config file, for one
        raise AwsError(f"cannot read your AWS configuration: {exc}") from None
    if not region_name:
        raise AwsError(
            "no AWS region configured, so nothing was sent: pass --region, set AWS_REGION "
            "(or AWS_DEFAULT_REGION), or set `region` in your profile (`aws configure`)"
        )
    if region_name not in known_regions():
        from privgw.lint import unknown_region_message  # noqa: PLC0415

        raise AwsError(
            unknown_region_message([region_name], known_regions()) + ", so nothing was sent"
        )
    if credentials is None:
        raise AwsError(
            "no AWS credentials found, so nothing was sent: set AWS_PROFILE to a configured "
            "profile (`aws configure`, `aws sso login`), or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)"
        )
    return session.client(service, endpoint_url=endpoint_url)


def aws_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    return (BotoCoreError, ClientError)


def describe_failure(exc: Exception, what: str) -> AwsError:
    """An AWS error in words: an endpoint that cannot be reached is not a refusal."""
    from botocore.exceptions import (  # noqa: PLC0415
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return AwsError(
            f"could not reach the AWS endpoint{' ' + url if url else ''} to {what} (no answer: "
            "check --endpoint-url / AWS_ENDPOINT_URL, the network or a proxy)"
        )
    return AwsError(f"AWS refused to {what}: {exc}")

"""Every IAM and resource-policy document privgw emits, built with awacs in one place.

Both template flavours take their statements from here, so the security semantics (who may
invoke, who may assume, what a role may do) have exactly one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from awacs import execute_api, logs, sns, sqs
from awacs.aws import (
    Allow,
    Condition,
    Deny,
    Everybody,
    PolicyDocument,
    Principal,
    SourceVpce,
    Statement,
    StringNotEquals,
)
from awacs.sts import AssumeRole
from troposphere import encode_to_dict

#: The whole API in resource-policy shorthand; API Gateway expands it on save.
API_RESOURCE = "execute-api:/*"
ALLOW_SID = "AllowInvoke"
DENY_SID = "DenyUnlessThroughAllowedEndpoints"


def api_resource_policy(endpoint_ids: Sequence[Any]) -> PolicyDocument:
    """Deny-by-default: invoke is allowed, then explicitly denied unless via a listed endpoint.

    ``endpoint_ids`` may mix literal ``vpce-`` ids and template references. The explicit Deny is
    what makes the API private: without it any VPC endpoint in any account could call it.
    """
    if not endpoint_ids:
        raise ValueError("a private API needs at least one VPC endpoint in its policy")
    return PolicyDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Sid=ALLOW_SID,
                Effect=Allow,
                Principal=Principal(Everybody),
                Action=[execute_api.Invoke],
                Resource=[API_RESOURCE],
            ),
            Statement(
                Sid=DENY_SID,
                Effect=Deny,
                Principal=Principal(Everybody),
                Action=[execute_api.Invoke],
                Resource=[API_RESOURCE],
                Condition=Condition(StringNotEquals({SourceVpce: list(endpoint_ids)})),
            ),
        ],
    )


def service_trust_policy(service: str) -> PolicyDocument:
    """A role trust policy for one AWS service principal (e.g. lambda.amazonaws.com)."""
    return PolicyDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Effect=Allow,
                Principal=Principal("Service", [service]),
                Action=[AssumeRole],
            )
        ],
    )


def function_role_policy(log_group_arn: Any, dead_letter_arn: str | None = None) -> PolicyDocument:
    """Least privilege for the function: write its own log group (and its DLQ), nothing else.

    No ``logs:CreateLogGroup``: the log group is created (with retention) by the template.
    """
    statements = [
        Statement(
            Sid="WriteOwnLogGroup",
            Effect=Allow,
            Action=[logs.CreateLogStream, logs.PutLogEvents],
            Resource=[log_group_arn],
        )
    ]
    if dead_letter_arn:
        action = sns.Publish if dead_letter_arn.split(":")[2] == "sns" else sqs.SendMessage
        statements.append(
            Statement(
                Sid="SendFailedEventsToDeadLetterTarget",
                Effect=Allow,
                Action=[action],
                Resource=[dead_letter_arn],
            )
        )
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def as_dict(document: PolicyDocument) -> dict[str, Any]:
    """Plain-dict form, which troposphere's ``RestApi.Policy`` requires (it rejects awacs)."""
    result = encode_to_dict(document)
    assert isinstance(result, dict)
    return result

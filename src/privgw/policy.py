"""Every IAM and resource-policy document privgw emits, built with awacs in one place.

Both template flavours take their statements from here, so the security semantics (who may
invoke, who may assume, what a role may do) have exactly one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from awacs import ec2, execute_api, logs, sns, sqs
from awacs.aws import (
    Allow,
    Condition,
    Deny,
    Everybody,
    NotIpAddress,
    PolicyDocument,
    Principal,
    SourceVpc,
    SourceVpce,
    Statement,
    StringNotEquals,
    VpcSourceIp,
)
from awacs.sts import AssumeRole
from troposphere import Sub, encode_to_dict

#: The whole API in resource-policy shorthand; API Gateway expands it on save.
API_RESOURCE = "execute-api:/*"
ALLOW_SID = "AllowInvoke"
DENY_SID = "DenyUnlessThroughAllowedEndpoints"
DENY_CIDR_SID = "DenyOutsideAllowedSourceCidrs"


def api_resource_policy(
    endpoint_ids: Sequence[Any],
    vpc_ids: Sequence[str] = (),
    source_cidrs: Sequence[str] = (),
    principals: Sequence[str] = (),
) -> PolicyDocument:
    """Deny-by-default: invoke is allowed, then explicitly denied unless via an allowed path.

    ``endpoint_ids`` may mix literal ``vpce-`` ids and template references. The explicit Deny is
    what makes the API private: without it any VPC endpoint in any account could call it.
    Endpoint ids and VPC ids share one StringNotEquals block, whose keys IAM ANDs: the Deny
    applies only when the call's endpoint is not allowed *and* its VPC is not allowed, so
    either admits it. Caller CIDRs are a separate Deny (always required when given).
    ``principals`` (AWS_IAM authorization) replace ``*`` in the Allow.
    """
    keys: dict[str, list[Any]] = {}
    if endpoint_ids:
        keys[SourceVpce] = list(endpoint_ids)
    if vpc_ids:
        keys[SourceVpc] = list(vpc_ids)
    if not keys:
        raise ValueError("a private API needs at least one VPC endpoint or VPC in its policy")
    statements = [
        Statement(
            Sid=ALLOW_SID,
            Effect=Allow,
            Principal=Principal("AWS", list(principals)) if principals else Principal(Everybody),
            Action=[execute_api.Invoke],
            Resource=[API_RESOURCE],
        ),
        _deny_invoke(DENY_SID, StringNotEquals(keys)),
    ]
    if source_cidrs:
        statements.append(
            _deny_invoke(DENY_CIDR_SID, NotIpAddress({VpcSourceIp: list(source_cidrs)}))
        )
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def _deny_invoke(sid: str, condition: Any) -> Statement:
    """An explicit Deny of execute-api:Invoke on the whole API, for everyone, when matched."""
    return Statement(
        Sid=sid,
        Effect=Deny,
        Principal=Principal(Everybody),
        Action=[execute_api.Invoke],
        Resource=[API_RESOURCE],
        Condition=Condition(condition),
    )


def endpoint_policy(account_apis_only: bool, principals: Sequence[str]) -> PolicyDocument:
    """What may be invoked through an execute-api endpoint, and by whom."""
    resource = (
        Sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*")
        if account_apis_only
        else "*"
    )
    return PolicyDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Sid="InvokeThroughThisEndpoint",
                Effect=Allow,
                Principal=Principal("AWS", list(principals))
                if principals
                else Principal(Everybody),
                Action=[execute_api.Invoke],
                Resource=[resource],
            )
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


#: What Lambda needs to attach a function to a VPC (AWSLambdaVPCAccessExecutionRole's
#: actions). EC2 does not support resource-level scoping for Describe*, and Lambda creates the
#: interfaces in subnets it chooses at run time, so the resource is "*".
VPC_ACCESS_ACTIONS = (
    ec2.CreateNetworkInterface,
    ec2.DescribeNetworkInterfaces,
    ec2.DescribeSubnets,
    ec2.DeleteNetworkInterface,
    ec2.AssignPrivateIpAddresses,
    ec2.UnassignPrivateIpAddresses,
)


def function_role_policy(
    log_group_arn: Any, dead_letter_arn: str | None = None, in_vpc: bool = False
) -> PolicyDocument:
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
    if in_vpc:
        statements.append(
            Statement(
                Sid="ManageVpcNetworkInterfaces",
                Effect=Allow,
                Action=list(VPC_ACCESS_ACTIONS),
                Resource=["*"],
            )
        )
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def as_dict(document: PolicyDocument) -> dict[str, Any]:
    """Plain-dict form, which troposphere's ``RestApi.Policy`` requires (it rejects awacs)."""
    result = encode_to_dict(document)
    assert isinstance(result, dict)
    return result

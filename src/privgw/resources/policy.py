"""Every IAM and resource-policy document privgw emits, built with awacs in one place.

Both template flavours take their statements from here, so the security semantics (who may
invoke, who may assume, what a role may do) have exactly one definition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from awacs import ec2, execute_api, logs, sns, sqs
from awacs.aws import (
    Allow,
    Condition,
    Deny,
    Everybody,
    NotIpAddress,
    Null,
    PolicyDocument,
    Principal,
    PrincipalArn,
    SourceVpc,
    SourceVpce,
    Statement,
    StringNotEquals,
    VpcSourceIp,
)
from awacs.sts import AssumeRole
from troposphere import encode_to_dict

#: The whole API in resource-policy shorthand; API Gateway expands it on save.
API_RESOURCE = "execute-api:/*"
ALLOW_SID = "AllowInvoke"
DENY_SID = "DenyUnlessThroughAllowedEndpoints"
DENY_CIDR_SID = "DenyOutsideAllowedSourceCidrs"
DENY_PRINCIPAL_SID = "DenyUnlistedPrincipals"
DENY_OTHER_ACCOUNTS_SID = "DenySignedCallersOfOtherAccounts"
#: A global condition key (IAM User Guide, "AWS global condition context keys") that awacs 2.6
#: has no constant for.
PrincipalAccount = "aws:PrincipalAccount"


def api_resource_policy(
    endpoint_ids: Sequence[Any],
    vpc_ids: Sequence[Any] = (),
    source_cidrs: Sequence[str] = (),
    principals: Sequence[Any] = (),
    own_account: Any = None,
) -> PolicyDocument:
    """Deny-by-default: invoke is allowed, then explicitly denied unless via an allowed path.

    ``endpoint_ids`` may mix literal ``vpce-`` ids and template references. The explicit Deny is
    what makes the API private: without it any VPC endpoint in any account could call it.
    Endpoint ids and VPC ids share one StringNotEquals block, whose keys IAM ANDs: the Deny
    applies only when the call's endpoint is not allowed *and* its VPC is not allowed, so
    either admits it. Caller CIDRs are a separate Deny (always required when given).
    ``principals`` (AWS_IAM authorization) replace ``*`` in the Allow *and* get a Deny of
    their own: for a caller of the API's own account an IAM policy allowing execute-api:Invoke
    is enough to get in (API Gateway developer guide, "How API Gateway resource policies affect
    authorization workflow", table A), so only an explicit Deny keeps its other principals out.
    Without listed principals, ``own_account`` (the stack's account, for an API with IAM
    routes) denies signed callers of every other account: with ``Principal: *`` the Allow
    admits them, and their own account's IAM policy is the other half they need.
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
    if principals:
        statements.append(_deny_unlisted_principals(principals))
    elif own_account is not None:
        statements.append(_deny_other_accounts(own_account))
    return PolicyDocument(Version="2012-10-17", Statement=statements)


def _deny_other_accounts(own_account: Any) -> Statement:
    """Deny a signed caller whose account is not ``own_account``. The Null test keeps the Deny
    off unsigned calls (no aws:PrincipalAccount), which routes without IAM take; keys of one
    condition block are ANDed."""
    return _deny_invoke(
        DENY_OTHER_ACCOUNTS_SID,
        [StringNotEquals({PrincipalAccount: [own_account]}), Null({PrincipalAccount: "false"})],
    )


_ACCOUNT_ROOT = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):root")


def _deny_unlisted_principals(principals: Sequence[Any]) -> Statement:
    """Deny every caller whose role/user ARN is not listed and whose account is not listed.

    ``aws:PrincipalArn`` of an assumed-role session is its role's ARN, so sessions of a listed
    role stay admitted; an account id or ``:root`` ARN admits the whole account, as it does in
    a Principal. IAM ANDs the two keys: the Deny applies only when neither matches. A value
    only known at deploy time (a parameter: an account id or a role/user ARN) goes under both
    keys, where only its own kind can ever match.
    """
    accounts: list[Any] = []
    arns: list[Any] = []
    for principal in principals:
        if not isinstance(principal, str):
            accounts.append(principal)
            arns.append(principal)
            continue
        root = _ACCOUNT_ROOT.fullmatch(principal)
        if principal.isdigit() or root:
            accounts.append(root.group(1) if root else principal)
        else:
            arns.append(principal)
    keys: dict[str, list[Any]] = {}
    if arns:
        keys[PrincipalArn] = arns
    if accounts:
        keys[PrincipalAccount] = [a for i, a in enumerate(accounts) if a not in accounts[:i]]
    return _deny_invoke(DENY_PRINCIPAL_SID, StringNotEquals(keys))


def _deny_invoke(sid: str, condition: Any) -> Statement:
    """An explicit Deny of execute-api:Invoke on the whole API, for everyone, when matched
    (``condition``: one condition, or a list of them, ANDed)."""
    return Statement(
        Sid=sid,
        Effect=Deny,
        Principal=Principal(Everybody),
        Action=[execute_api.Invoke],
        Resource=[API_RESOURCE],
        Condition=Condition(condition),
    )


def endpoint_policy(resource: Any, principals: Sequence[Any]) -> PolicyDocument:
    """What may be invoked through an execute-api endpoint (``resource``), and by whom."""
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
    log_group_arn: Any,
    dead_letter_service: str | None = None,
    dead_letter_arn: Any = None,
    in_vpc: bool = False,
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
    if dead_letter_service:
        action = sns.Publish if dead_letter_service == "sns" else sqs.SendMessage
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

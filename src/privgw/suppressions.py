"""Scanner findings privgw suppresses on purpose, each with the reason a reviewer will read.

A suppression is emitted only where the rule does not fit a private API or where the user's
config deliberately turned a feature off; each is written into the resource's ``Metadata``
(checkov's documented form) and listed in the security model guide (docs/guides/security.md).
Anything not listed here must pass the scanner for real.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Suppression:
    """One checkov rule skipped on one kind of resource, and why."""

    check: str
    resource_type: str
    reason: str

    def as_skip(self) -> dict[str, str]:
        return {"id": self.check, "comment": self.reason}


METHOD_WITHOUT_AUTHORIZER = Suppression(
    "CKV_AWS_59",
    "AWS::ApiGateway::Method",
    "Private API: the resource policy denies every call that does not come through an allowed "
    "VPC endpoint, so the method needs no authorizer to keep the back end closed.",
)
STAGE_WITHOUT_CACHE = Suppression(
    "CKV_AWS_120",
    "AWS::ApiGateway::Stage",
    "A stage cache is a paid cache cluster billed per hour, and Lambda proxy responses are "
    "not cacheable unless the API is designed for it.",
)
STAGE_WITHOUT_ACCESS_LOG = Suppression(
    "CKV_AWS_76",
    "AWS::ApiGateway::Stage",
    "Access logging was turned off in the config (stage.access_logging: false).",
)
STAGE_WITHOUT_TRACING = Suppression(
    "CKV_AWS_73",
    "AWS::ApiGateway::Stage",
    "X-Ray tracing was turned off in the config (stage.tracing: false).",
)
FUNCTION_WITHOUT_RESERVED_CONCURRENCY = Suppression(
    "CKV_AWS_115",
    "AWS::Lambda::Function",
    "No reserved concurrency by default: reserving it takes capacity from every other function "
    "in the account. Set function.reserved_concurrency to cap this function.",
)
FUNCTION_WITHOUT_DLQ = Suppression(
    "CKV_AWS_116",
    "AWS::Lambda::Function",
    "API Gateway invokes the function synchronously and returns errors to the caller; a "
    "dead-letter queue only receives failed asynchronous invocations. Set "
    "function.dead_letter_arn if the function is also invoked asynchronously.",
)
FUNCTION_OUTSIDE_VPC = Suppression(
    "CKV_AWS_117",
    "AWS::Lambda::Function",
    "Callers reach the function only through the private API; the function itself needs no "
    "VPC resources, and placing it in a VPC would add ENIs and NAT costs for nothing.",
)
FUNCTION_ENV_WITH_AWS_KEY = Suppression(
    "CKV_AWS_173",
    "AWS::Lambda::Function",
    "Environment variables are encrypted at rest with the AWS managed key. Set "
    "function.kms_key_arn to use a customer managed key.",
)
LOG_GROUP_WITH_SERVICE_KEY = Suppression(
    "CKV_AWS_158",
    "AWS::Logs::LogGroup",
    "Log data is encrypted at rest with CloudWatch Logs' service-managed key. Set "
    "log_kms_key_arn to use a customer managed key.",
)

ROLE_VPC_ACCESS = Suppression(
    "CKV_AWS_111",
    "AWS::IAM::Role",
    "Only with function.vpc: attaching a function to a VPC needs the network-interface actions "
    "of AWS's AWSLambdaVPCAccessExecutionRole on Resource '*' (Lambda picks the interfaces at "
    "run time and validates the role against unscoped calls when it creates the function).",
)

REDEPLOYER_WITHOUT_RESERVED_CONCURRENCY = Suppression(
    "CKV_AWS_115",
    "AWS::Lambda::Function",
    "privgw's redeploy function runs only when CloudFormation updates the stack; reserving "
    "concurrency for it would take capacity from every other function in the account.",
)
REDEPLOYER_WITHOUT_DLQ = Suppression(
    "CKV_AWS_116",
    "AWS::Lambda::Function",
    "CloudFormation invokes privgw's redeploy function and waits for its answer; a failure "
    "fails (and rolls back) the stack update, so there is nothing for a dead-letter queue.",
)
REDEPLOYER_OUTSIDE_VPC = Suppression(
    "CKV_AWS_117",
    "AWS::Lambda::Function",
    "privgw's redeploy function only calls the API Gateway management API and answers "
    "CloudFormation; it reaches no resource inside a VPC.",
)

ALL = (
    METHOD_WITHOUT_AUTHORIZER,
    STAGE_WITHOUT_CACHE,
    STAGE_WITHOUT_ACCESS_LOG,
    STAGE_WITHOUT_TRACING,
    FUNCTION_WITHOUT_RESERVED_CONCURRENCY,
    FUNCTION_WITHOUT_DLQ,
    FUNCTION_OUTSIDE_VPC,
    FUNCTION_ENV_WITH_AWS_KEY,
    LOG_GROUP_WITH_SERVICE_KEY,
    ROLE_VPC_ACCESS,
    REDEPLOYER_WITHOUT_RESERVED_CONCURRENCY,
    REDEPLOYER_WITHOUT_DLQ,
    REDEPLOYER_OUTSIDE_VPC,
)


#: cfn-lint rules privgw silences on one resource, and why (the security model guide lists
#: them too).
LOCAL_CODE_NEEDS_PACKAGE = Suppression(
    "W3002",
    "AWS::Lambda::Function",
    "Code is a local folder on purpose (function.code.path): deploy this template through "
    "`aws cloudformation package`, which uploads the folder and writes the S3 location in.",
)
OUTPUTS_FROM_IMPORTS = Suppression(
    "W6001",
    "template",
    "Only with endpoint.imports: the AliasUrl/curl outputs are built from the imported endpoint "
    "id so they show real URLs; W6001 warns about outputs that re-export imports, and these "
    "outputs are not exported.",
)
CFN_LINT = (LOCAL_CODE_NEEDS_PACKAGE, OUTPUTS_FROM_IMPORTS)


def metadata(*suppressions: Suppression | None) -> dict[str, Any]:
    """``Metadata=`` keyword arguments for a resource: empty when nothing is suppressed.

    checkov rules go under ``checkov.skip`` (with the reason as comment); cfn-lint rules under
    ``cfn-lint.config.ignore_checks`` (cfn-lint has no comment field: the reason is in the
    security model guide and in ``CFN_LINT``).
    """
    given = [s for s in suppressions if s is not None]
    result: dict[str, Any] = {}
    skips = [s.as_skip() for s in given if s.check.startswith("CKV")]
    if skips:
        result["checkov"] = {"skip": skips}
    ignored = [s.check for s in given if not s.check.startswith("CKV")]
    if ignored:
        result["cfn-lint"] = {"config": {"ignore_checks": ignored}}
    return {"Metadata": result} if result else {}

"""The values a reusable template takes as parameters (``Slot``): each one's name, AWS type,
description and the pattern that keeps an override valid (and closed)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from troposphere import Parameter

from privgw import naming
from privgw.config import STAGE_NAME_PATTERN
from privgw.config.backend import LOAD_BALANCER_ARN_PATTERN, VPC_LINK_ID_PATTERN
from privgw.config.consumer import DOMAIN_NAME_ARN_PATTERN
from privgw.config.domain import SHARE_PRINCIPAL_PATTERN
from privgw.config.existing_function import FUNCTION_ARN_PATTERN
from privgw.config.service import SERVICES
from privgw.patterns import ACCOUNT_ROLE_OR_USER, KMS_KEY_ARN, anchored, aws_id


@dataclass(frozen=True)
class Slot:
    """One config value a reusable template takes as a parameter (a list: one per item)."""

    name: str
    type: str
    description: str
    pattern: str | None = None
    constraint: str | None = None
    per_item: bool = False

    def parameter(self, default: Any, index: int | None = None) -> Parameter:
        name = self.name if index is None else f"{self.name}{index}"
        extra: dict[str, Any] = {}
        if self.pattern:
            extra["AllowedPattern"] = self.pattern
        if self.constraint:
            extra["ConstraintDescription"] = self.constraint
        description = self.description.format(index=index)
        if isinstance(default, list | tuple):
            default = ",".join(default)
        return Parameter(name, Type=self.type, Default=default, Description=description, **extra)


def _id(prefix: str) -> str:
    return anchored(aws_id(prefix))


STAGE = Slot(
    naming.STAGE_PARAMETER,
    "String",
    "Stage callers use (e.g. dev, prod)",
    pattern=f"^{STAGE_NAME_PATTERN}$",
    constraint="1-128 letters, digits, - or _",
)
VPC = Slot(naming.VPC_PARAMETER, "AWS::EC2::VPC::Id", "VPC of the execute-api interface endpoint")
SUBNETS = Slot(
    naming.SUBNETS_PARAMETER,
    "List<AWS::EC2::Subnet::Id>",
    "Subnets of the endpoint's network interfaces",
)
ALLOWED_CIDR = Slot(
    naming.ALLOWED_CIDR_PARAMETER,
    "String",
    "Caller CIDR {index} allowed to reach the endpoint on 443",
    per_item=True,
)
SOURCE_GROUP = Slot(
    naming.SOURCE_GROUP_PARAMETER,
    "AWS::EC2::SecurityGroup::Id",
    "Security group {index} whose members may reach the endpoint on 443",
    per_item=True,
)
EXISTING_ENDPOINT = Slot(
    naming.EXISTING_ENDPOINT_PARAMETER,
    "String",
    "Existing execute-api endpoint {index} that may call the API",
    pattern=_id("vpce"),
    constraint="an execute-api interface endpoint id, vpce-...",
    per_item=True,
)
ALLOWED_VPC = Slot(
    naming.ALLOWED_VPC_PARAMETER,
    "String",
    "VPC {index} whose execute-api endpoints may call the API",
    pattern=_id("vpc"),
    constraint="a VPC id, vpc-... (of any account)",
    per_item=True,
)
PRINCIPAL_PATTERN = anchored(ACCOUNT_ROLE_OR_USER)
ALLOWED_PRINCIPAL = Slot(
    naming.ALLOWED_PRINCIPAL_PARAMETER,
    "String",
    "Account id or IAM role/user ARN {index} that may call the API",
    pattern=PRINCIPAL_PATTERN,
    constraint="a 12-digit account id or an arn:...:iam::<account>:role/... or user/... ARN",
    per_item=True,
)
ENDPOINT_POLICY_PRINCIPAL = Slot(
    naming.ENDPOINT_POLICY_PRINCIPAL_PARAMETER,
    "String",
    "Account id or IAM role/user ARN {index} that may use the endpoint",
    pattern=PRINCIPAL_PATTERN,
    constraint="a 12-digit account id or an arn:...:iam::<account>:role/... or user/... ARN",
    per_item=True,
)
FUNCTION_SUBNETS = Slot(
    naming.FUNCTION_SUBNETS_PARAMETER,
    "List<AWS::EC2::Subnet::Id>",
    "Subnets of the function's interfaces",
)
ENDPOINT_GROUPS = Slot(
    naming.ENDPOINT_GROUPS_PARAMETER,
    "List<AWS::EC2::SecurityGroup::Id>",
    "Existing security groups attached to the endpoint",
)
FUNCTION_GROUPS = Slot(
    naming.FUNCTION_GROUPS_PARAMETER,
    "List<AWS::EC2::SecurityGroup::Id>",
    "Security groups of the function's interfaces",
)
KMS_PATTERN = anchored(KMS_KEY_ARN)
FUNCTION_KEY = Slot(
    naming.FUNCTION_KEY_PARAMETER,
    "String",
    "KMS key for the function's environment variables",
    pattern=KMS_PATTERN,
    constraint="arn:<partition>:kms:<region>:<account>:key/<id>",
)
LOG_KEY = Slot(
    naming.LOG_KEY_PARAMETER,
    "String",
    "KMS key for the log groups",
    pattern=KMS_PATTERN,
    constraint="arn:<partition>:kms:<region>:<account>:key/<id>",
)
CERTIFICATE = Slot(
    naming.CERTIFICATE_PARAMETER,
    "String",
    "ACM certificate of the custom domain name",
    pattern=r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]{1,64}$",
    constraint="arn:<partition>:acm:<region>:<account>:certificate/<id>",
)
HOSTED_ZONE = Slot(
    naming.HOSTED_ZONE_PARAMETER,
    "AWS::Route53::HostedZone::Id",
    "Private hosted zone of the custom name",
)

SHARE_PRINCIPAL = Slot(
    naming.SHARE_PRINCIPAL_PARAMETER,
    "String",
    "Account id, organization ARN or OU ARN {index} the custom domain is shared with",
    pattern=f"^({SHARE_PRINCIPAL_PATTERN})$",
    constraint="a 12-digit account id or an arn:aws:organizations::... organization or OU ARN",
    per_item=True,
)

PROVIDER_DOMAIN = Slot(
    naming.PROVIDER_DOMAIN_PARAMETER,
    "String",
    "The provider's private custom domain name ARN (its CustomDomainArn output)",
    pattern=f"^{DOMAIN_NAME_ARN_PATTERN}$",
    constraint="arn:<partition>:apigateway:<region>:<account>:/domainnames/<name>+<id>",
)
CONSUMER_ENDPOINT = Slot(
    naming.ENDPOINT_PARAMETER,
    "String",
    "The existing execute-api endpoint that calls the provider",
    pattern=_id("vpce"),
    constraint="an execute-api interface endpoint id, vpce-...",
)
EXISTING_ENDPOINT_DNS = Slot(
    naming.ENDPOINT_DNS_PARAMETER,
    "String",
    "The existing endpoint's regional DNS name (DnsEntries[0].DnsName)",
    pattern=r"^vpce-[0-9a-f]{8,17}-[a-z0-9]{8}\.execute-api\.[a-z0-9-]+\.vpce\.amazonaws\.com(\.cn)?$",
    constraint="vpce-...-xxxxxxxx.execute-api.<region>.vpce.amazonaws.com",
)
EXISTING_ENDPOINT_ZONE = Slot(
    naming.ENDPOINT_ZONE_PARAMETER,
    "String",
    "Hosted zone of the existing endpoint's DNS name (DnsEntries[0].HostedZoneId)",
    pattern=r"^Z[A-Z0-9]{1,32}$",
    constraint="Z followed by letters and digits",
)


def function_slot(function: str, slot: Slot) -> Slot:
    """``slot`` for one function: the function named main keeps the unprefixed name."""
    prefix = naming.function_ids(function).parameter_prefix
    if not prefix:
        return slot
    return replace(slot, name=prefix + slot.name, description=f"{slot.description} ({function})")


#: A backend's or existing target's own parameters, by what they hold; ``target_slot`` names
#: them for one target.
_TARGET_SLOTS = {
    "LoadBalancerArn": Slot(
        "LoadBalancerArn",
        "String",
        "Internal ALB or NLB of backend {backend}",
        pattern=f"^{LOAD_BALANCER_ARN_PATTERN}$",
        constraint="arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/"
        "app|net/<name>/<id>",
    ),
    "VpcLinkSubnetIds": Slot(
        "VpcLinkSubnetIds",
        "List<AWS::EC2::Subnet::Id>",
        "Subnets of the VPC link to backend {backend}",
    ),
    "VpcLinkSecurityGroupIds": Slot(
        "VpcLinkSecurityGroupIds",
        "List<AWS::EC2::SecurityGroup::Id>",
        "Security groups of the VPC link to backend {backend}",
    ),
    "FunctionArn": Slot(
        "FunctionArn",
        "String",
        "Existing Lambda function (or alias or version) {backend}",
        pattern=f"^{FUNCTION_ARN_PATTERN}$",
        constraint="arn:<partition>:lambda:<region>:<account>:function:<name>[:<alias or version>]",
    ),
    "VpcLinkId": Slot(
        "VpcLinkId",
        "String",
        "Existing VPC link to backend {backend}",
        pattern=f"^{VPC_LINK_ID_PATTERN}$",
        constraint="a VPC link id: 5-16 lower-case letters and digits",
    ),
}


def target_slot(backend: str, holds: str) -> Slot:
    """The parameter of one target that holds ``holds`` (a key of ``_TARGET_SLOTS``)."""
    shape = _TARGET_SLOTS[holds]
    return replace(
        shape,
        name=naming.capitalised(backend) + shape.name,
        description=shape.description.format(backend=backend),
    )


def dead_letter_slot(service: str) -> Slot:
    """The dead-letter target keeps its service: the role's permission is for that one."""
    return Slot(
        naming.DEAD_LETTER_PARAMETER,
        "String",
        f"{service.upper()} target for failed asynchronous invocations",
        pattern=rf"^arn:aws[a-z-]*:{service}:[a-z0-9-]+:\d{{12}}:[A-Za-z0-9_.-]{{1,256}}$",
        constraint=f"an {service.upper()} ARN, arn:<partition>:{service}:<region>:<account>:...",
    )


def service_arn_slot(name: str, aws: str) -> Slot:
    """The resource of service ``name``: an override must stay a resource of the same kind,
    since its role's action is that service's."""
    kind = SERVICES[aws]
    return Slot(
        naming.capitalised(name) + "ServiceArn",
        "String",
        f"The {aws} resource service {name} calls",
        pattern=f"^{kind.arn_pattern}$",
        constraint=kind.arn_example,
    )


def service_key_slot(name: str) -> Slot:
    """The KMS key of service ``name``'s queue or stream."""
    return replace(
        FUNCTION_KEY,
        name=naming.capitalised(name) + "ServiceKmsKeyArn",
        description=f"KMS key of the queue or stream service {name} writes to",
    )

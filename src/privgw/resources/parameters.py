"""Reusable templates (``reusable: true``): every account- or environment-specific value
becomes a Parameter.

The config's values become the defaults, so deploying without overrides reproduces the config,
and `--parameter-overrides` retargets the same file to another VPC, subnets, caller CIDRs,
allowed endpoints and principals, keys, certificate or stage (dev, prod, another account). No
VPC, subnet, security-group or account id stays literal in such a template. Parameter types are
AWS-specific where CloudFormation has one, so a wrong id is refused before anything is created.

Each value has one ``Slot`` here; builders ask ``value``/``values`` for it (a ``Ref`` in a
reusable template, the config's literal otherwise) and ``template_parameters`` declares exactly
the slots the config fills, so a builder and its parameter cannot drift apart.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from troposphere import Parameter, Ref

from privgw import naming
from privgw.config import STAGE_NAME_PATTERN, AnyConfig, Config, ConsumerStack, min_cidr_prefix
from privgw.config.backend import LOAD_BALANCER_ARN_PATTERN, VPC_LINK_ID_PATTERN
from privgw.config.consumer import DOMAIN_NAME_ARN_PATTERN
from privgw.config.domain import SHARE_PRINCIPAL_PATTERN


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
    return rf"^{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$"


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
PRINCIPAL_PATTERN = r"^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+)$"
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
FUNCTION_GROUPS = Slot(
    naming.FUNCTION_GROUPS_PARAMETER,
    "List<AWS::EC2::SecurityGroup::Id>",
    "Security groups of the function's interfaces",
)
KMS_PATTERN = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,64}$"
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


def load_balancer_slot(backend: str) -> Slot:
    return Slot(
        naming.capitalised(backend) + "LoadBalancerArn",
        "String",
        f"Internal ALB or NLB of backend {backend}",
        pattern=f"^{LOAD_BALANCER_ARN_PATTERN}$",
        constraint="arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/"
        "app|net/<name>/<id>",
    )


def vpc_link_subnets_slot(backend: str) -> Slot:
    return Slot(
        naming.capitalised(backend) + "VpcLinkSubnetIds",
        "List<AWS::EC2::Subnet::Id>",
        f"Subnets of the VPC link to backend {backend}",
    )


def vpc_link_groups_slot(backend: str) -> Slot:
    return Slot(
        naming.capitalised(backend) + "VpcLinkSecurityGroupIds",
        "List<AWS::EC2::SecurityGroup::Id>",
        f"Security groups of the VPC link to backend {backend}",
    )


def vpc_link_slot(backend: str) -> Slot:
    return Slot(
        naming.capitalised(backend) + "VpcLinkId",
        "String",
        f"Existing VPC link to backend {backend}",
        pattern=f"^{VPC_LINK_ID_PATTERN}$",
        constraint="a VPC link id: 5-16 lower-case letters and digits",
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


def is_reusable(cfg: AnyConfig) -> bool:
    return isinstance(cfg, Config | ConsumerStack) and cfg.reusable


def value(cfg: AnyConfig, slot: Slot, literal: Any) -> Any:
    """``Ref`` to the slot's parameter in a reusable template, else the config's value."""
    return Ref(slot.name) if is_reusable(cfg) else literal


def values(cfg: AnyConfig, slot: Slot, literals: Sequence[Any]) -> list[Any]:
    """One ``Ref`` per item (``Name1``, ``Name2``, ...) in a reusable template, else the list."""
    if not is_reusable(cfg):
        return list(literals)
    return [Ref(f"{slot.name}{index}") for index in range(1, len(literals) + 1)]


def cidr_slot(cidrs: Sequence[str], cidr: str) -> Slot:
    """An allowed-CIDR parameter whose pattern keeps every override from opening the endpoint
    to all addresses: with ``k`` CIDRs of one family, each must be at least /``k.bit_length()``
    (``min_cidr_prefix``), so together they can never cover the whole family."""
    version = ipaddress.ip_network(cidr).version
    count = sum(1 for c in cidrs if ipaddress.ip_network(c).version == version)
    shortest = min_cidr_prefix(count)
    lengths = "|".join(str(n) for n in range(128 if version == 6 else 32, shortest - 1, -1))
    address = r"[0-9a-fA-F:]+" if version == 6 else r"(\d{1,3}\.){3}\d{1,3}"
    return Slot(
        ALLOWED_CIDR.name,
        "String",
        ALLOWED_CIDR.description,
        pattern=f"^{address}/({lengths})$",
        constraint=f"an IPv{version} CIDR of /{shortest} or longer (never all addresses)",
        per_item=True,
    )


def _created_endpoint_filled(cfg: AnyConfig) -> Iterator[tuple[Slot, Any]]:
    """The slots of an endpoint the stack creates: its network and policy principals."""
    network = cfg.network_required
    yield VPC, network.vpc_id
    yield SUBNETS, list(network.subnet_ids)
    for cidr in network.allowed_cidrs:
        yield cidr_slot(network.allowed_cidrs, cidr), cidr
    for group in network.source_security_group_ids:
        yield SOURCE_GROUP, group
    chosen = cfg.endpoint_policy
    if chosen:
        for principal in chosen.principals:
            yield ENDPOINT_POLICY_PRINCIPAL, account_of_root(principal)


def _consumer_filled(cfg: ConsumerStack) -> Iterator[tuple[Slot, Any]]:
    """Every slot a consumer config fills: its endpoint, zone and the provider's domain."""
    endpoint = cfg.endpoint
    if endpoint.create:
        yield from _created_endpoint_filled(cfg)
    else:
        yield CONSUMER_ENDPOINT, endpoint.existing_id
        if cfg.hosted_zone and cfg.hosted_zone.create:  # the only user of the VPC's id
            yield VPC, endpoint.vpc_id
        yield EXISTING_ENDPOINT_DNS, endpoint.dns_name
        yield EXISTING_ENDPOINT_ZONE, endpoint.hosted_zone_id
    if cfg.hosted_zone and cfg.hosted_zone.id:
        yield HOSTED_ZONE, cfg.hosted_zone.id
    yield PROVIDER_DOMAIN, cfg.provider.domain_name_arn


def _filled(cfg: Config | ConsumerStack) -> Iterator[tuple[Slot, Any]]:
    """Every slot the config fills, with its default: a list slot once per item."""
    if isinstance(cfg, ConsumerStack):
        yield from _consumer_filled(cfg)
        return
    yield STAGE, cfg.stage.name
    if cfg.endpoint.create:
        yield from _created_endpoint_filled(cfg)
    for endpoint in cfg.endpoint.existing_ids:
        yield EXISTING_ENDPOINT, endpoint
    for vpc in cfg.access.vpc_ids:
        yield ALLOWED_VPC, vpc
    for principal in cfg.access.iam_principals:
        yield ALLOWED_PRINCIPAL, account_of_root(principal)
    for name, fn in cfg.all_functions.items():
        if fn.vpc:
            yield function_slot(name, FUNCTION_SUBNETS), list(fn.vpc.subnet_ids)
            yield function_slot(name, FUNCTION_GROUPS), list(fn.vpc.security_group_ids)
        if fn.dead_letter_arn and fn.dead_letter_service:
            yield function_slot(name, dead_letter_slot(fn.dead_letter_service)), fn.dead_letter_arn
        if fn.kms_key_arn:
            yield function_slot(name, FUNCTION_KEY), fn.kms_key_arn
    for name, backend in sorted(cfg.backends.items()):
        if backend.load_balancer_arn:
            yield load_balancer_slot(name), backend.load_balancer_arn
        link = backend.vpc_link
        if link is not None and link.created:
            yield vpc_link_subnets_slot(name), list(link.subnet_ids)
            yield vpc_link_groups_slot(name), list(link.security_group_ids)
        else:
            existing = (
                link.id
                if link is not None
                else backend.vpc_link_v1.id
                if backend.vpc_link_v1
                else None
            )
            yield vpc_link_slot(name), existing
    if cfg.log_kms_key_arn:
        yield LOG_KEY, cfg.log_kms_key_arn
    domain = cfg.custom_domain
    if domain:
        yield CERTIFICATE, domain.certificate_arn
        if domain.hosted_zone and domain.hosted_zone.id:
            yield HOSTED_ZONE, domain.hosted_zone.id
        alias = domain.hosted_zone.endpoint if domain.hosted_zone else None
        if alias is not None:
            if domain.hosted_zone and domain.hosted_zone.create:  # the zone's VPC
                yield VPC, alias.vpc_id
            yield EXISTING_ENDPOINT_DNS, alias.dns_name
            yield EXISTING_ENDPOINT_ZONE, alias.hosted_zone_id
        for principal in domain.share_with:
            yield SHARE_PRINCIPAL, principal


def account_of_root(principal: str) -> str:
    """``arn:...:iam::123456789012:root`` means the account, as the bare id does; parameters
    take the id, so one pattern serves every override."""
    if principal.endswith(":root"):
        return principal.split(":")[4]
    return principal


def template_parameters(cfg: Config | ConsumerStack) -> list[Parameter]:
    """The parameters of a reusable template, defaults taken from the config."""
    if not cfg.reusable:
        return []
    result = []
    counts: dict[str, int] = {}
    for slot, default in _filled(cfg):
        if slot.per_item:
            counts[slot.name] = counts.get(slot.name, 0) + 1
            result.append(slot.parameter(default, counts[slot.name]))
        else:
            result.append(slot.parameter(default))
    return result


def parameter_count(cfg: Config) -> int:
    """How many parameters a reusable build of ``cfg`` declares (CloudFormation allows 200)."""
    return sum(1 for _ in _filled(cfg)) + (1 if cfg.endpoint.parameter else 0)


def vpc_id(cfg: AnyConfig) -> Any:
    return value(cfg, VPC, cfg.network_required.vpc_id)


def subnet_ids(cfg: AnyConfig) -> Any:
    return value(cfg, SUBNETS, list(cfg.network_required.subnet_ids))


def stage_name(cfg: Config) -> Any:
    return value(cfg, STAGE, cfg.stage.name)


def stage_in_sub(cfg: Config) -> str:
    """The stage as it appears inside an Fn::Sub string."""
    return "${" + STAGE.name + "}" if cfg.reusable else cfg.stage.name

"""Reusable templates (``reusable: true``): every account- or environment-specific value
becomes a Parameter.

The config's values become the defaults, so deploying without overrides reproduces the config,
and `--parameter-overrides` retargets the same file to another VPC, subnets, caller CIDRs,
allowed endpoints and principals, keys, certificate or stage (dev, prod, another account). No
VPC, subnet, security-group or account id stays literal in such a template. Parameter types are
AWS-specific where CloudFormation has one, so a wrong id is refused before anything is created.

Each value has one ``Slot`` (``slots``); builders ask ``value``/``values`` for it (a ``Ref`` in a
reusable template, the config's literal otherwise) and ``template_parameters`` declares exactly
the slots the config fills, so a builder and its parameter cannot drift apart.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence
from typing import Any

from troposphere import Parameter, Ref

from privgw.config import AnyConfig, Config, ConsumerStack, min_cidr_prefix
from privgw.resources.slots import (  # the builders read the slots as parameters.X
    ALLOWED_CIDR,
    ALLOWED_PRINCIPAL,
    ALLOWED_VPC,
    CERTIFICATE,
    CONSUMER_ENDPOINT,
    ENDPOINT_GROUPS,
    ENDPOINT_POLICY_PRINCIPAL,
    EXISTING_ENDPOINT,
    EXISTING_ENDPOINT_DNS,
    EXISTING_ENDPOINT_ZONE,
    FUNCTION_GROUPS,
    FUNCTION_KEY,
    FUNCTION_SUBNETS,
    HOSTED_ZONE,
    KMS_PATTERN,
    LOG_KEY,
    PRINCIPAL_PATTERN,
    PROVIDER_DOMAIN,
    SHARE_PRINCIPAL,
    SOURCE_GROUP,
    STAGE,
    SUBNETS,
    VPC,
    Slot,
    _id,
    dead_letter_slot,
    function_slot,
    service_arn_slot,
    service_key_slot,
    target_slot,
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
    if cfg.endpoint_security_group_ids:
        yield ENDPOINT_GROUPS, cfg.endpoint_security_group_ids
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
            yield target_slot(name, "LoadBalancerArn"), backend.load_balancer_arn
        link = backend.vpc_link
        if link is not None and link.created:
            yield target_slot(name, "VpcLinkSubnetIds"), list(link.subnet_ids)
            yield target_slot(name, "VpcLinkSecurityGroupIds"), list(link.security_group_ids)
        elif not backend.internet and (
            backend.vpc_link_v1 is None or not backend.vpc_link_v1.created
        ):
            existing = (
                link.id
                if link is not None
                else backend.vpc_link_v1.id
                if backend.vpc_link_v1
                else None
            )
            yield target_slot(name, "VpcLinkId"), existing
    for name, function in sorted(cfg.existing_functions.items()):
        yield target_slot(name, "FunctionArn"), function.arn
    for name, service in sorted(cfg.services.items()):
        yield service_arn_slot(name, service.aws), service.arn
        if service.kms_key_arn:
            yield service_key_slot(name), service.kms_key_arn
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


__all__ = [
    "ALLOWED_CIDR",
    "ALLOWED_PRINCIPAL",
    "ALLOWED_VPC",
    "CERTIFICATE",
    "CONSUMER_ENDPOINT",
    "ENDPOINT_GROUPS",
    "ENDPOINT_POLICY_PRINCIPAL",
    "EXISTING_ENDPOINT",
    "EXISTING_ENDPOINT_DNS",
    "EXISTING_ENDPOINT_ZONE",
    "FUNCTION_GROUPS",
    "FUNCTION_KEY",
    "FUNCTION_SUBNETS",
    "HOSTED_ZONE",
    "KMS_PATTERN",
    "LOG_KEY",
    "PRINCIPAL_PATTERN",
    "PROVIDER_DOMAIN",
    "SHARE_PRINCIPAL",
    "SOURCE_GROUP",
    "STAGE",
    "SUBNETS",
    "VPC",
    "Slot",
    "_id",
    "account_of_root",
    "cidr_slot",
    "dead_letter_slot",
    "function_slot",
    "is_reusable",
    "parameter_count",
    "stage_in_sub",
    "stage_name",
    "subnet_ids",
    "target_slot",
    "template_parameters",
    "value",
    "values",
    "vpc_id",
]

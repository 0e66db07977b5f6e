"""Where a created endpoint lives and who may reach it (``network``), and which endpoints may
call the API (``endpoint``), beside ``resources/network.py`` that builds them."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any, Self

from pydantic import (
    Field,
    model_validator,
)

from privgw.config.addresses import (
    CidrList,
    SecurityGroupId,
    SubnetId,
    VpcEndpointId,
    VpcId,
    min_cidr_prefix,
)
from privgw.config.checking import fail_many, reads, refuse
from privgw.config.types import Name, PrincipalArn, StrictModel, UniqueList, listed, switch
from privgw.errors import Problem
from privgw.limits import DEFAULT_GROUPS_PER_INTERFACE, MAX_GROUPS_PER_INTERFACE


def existing_groups() -> Any:
    """The ``security_group_ids`` field of every kind that creates an endpoint."""
    return listed(
        MAX_GROUPS_PER_INTERFACE,
        "Existing security groups to attach to the created endpoint, in addition to privgw's "
        "own group, or instead of it when network names no caller CIDR or source group (then "
        "these groups alone decide who reaches the endpoint on TCP 443).",
    )


class Network(StrictModel):
    """Where a created endpoint lives and who may reach it on TCP 443."""

    vpc_id: VpcId = Field(description="VPC of the execute-api interface endpoint.")
    subnet_ids: UniqueList[SubnetId] = Field(
        min_length=1,
        max_length=16,
        description="Subnets for the endpoint's network interfaces (one per AZ you use).",
    )
    allowed_cidrs: CidrList = listed(
        60,
        (
            "callers' CIDRs (IPv4 or IPv6, strict: no host bits); `0.0.0.0/0` and `::/0` are "
            "refused, and so is a list whose union covers every address (`0.0.0.0/1` + "
            "`128.0.0.0/1`). One ingress rule on TCP 443 each."
        ),
    )
    source_security_group_ids: UniqueList[SecurityGroupId] = listed(
        60,
        (
            "`sg-` ids whose members may call the endpoint. At least one CIDR or group is "
            "required, unless `endpoint.security_group_ids` names existing groups."
        ),
    )

    @model_validator(mode="after")
    @reads("allowed_cidrs", "source_security_group_ids")
    def _has_callers(self) -> Self:
        if len(self.allowed_cidrs) + len(self.source_security_group_ids) > 60:
            raise refuse(
                "allowed_cidrs",
                "too many ingress rules for one security group",
                str(len(self.allowed_cidrs) + len(self.source_security_group_ids)),
                "at most 60 CIDRs and source groups together",
            )
        return self


class EndpointPolicy(StrictModel):
    """A VPC endpoint policy on a created endpoint: what may be called *through* it."""

    account_apis_only: bool = switch(
        True,
        "Only APIs of this stack's account and region may be invoked through it "
        "(a guard against using the endpoint to reach other accounts' private APIs).",
    )
    principals: UniqueList[PrincipalArn] = listed(
        50,
        "Only these IAM principals (account ids or ARNs; signed requests) may use "
        "it; empty: anyone in the VPC.",
    )


class ConsumerEndpointPolicy(StrictModel):
    """A VPC endpoint policy on the created endpoint: only the provider's account's APIs and
    domain names may be invoked through it."""

    principals: UniqueList[PrincipalArn] = listed(
        50,
        "Only these IAM principals (signed requests) may use the endpoint; empty: "
        "anyone in the VPC. Unsigned calls (tokens, API keys, none) are anonymous to it.",
    )


class Endpoint(StrictModel):
    """Which execute-api interface endpoints may call the API (the policy's allow-list)."""

    create: bool = Field(
        default=True, description="Create an execute-api interface endpoint in `network`."
    )
    private_dns: bool = Field(
        default=True,
        description=(
            "Private DNS on the created endpoint. Note: it makes every public API's default "
            "name resolve to the endpoint inside that VPC; only one endpoint per VPC may have it."
        ),
    )
    existing_ids: UniqueList[VpcEndpointId] = listed(
        20,
        (
            "existing `vpce-` ids (any VPC, any account) that may also call the API. With "
            "`create: false` these are the only endpoints, and `network` must be left out."
        ),
    )
    imports: UniqueList[Name] = listed(
        20,
        (
            "Endpoint stacks (their export_prefix) whose endpoint may call the API: "
            "Fn::ImportValue of <prefix>-VpcEndpointId. Deploy those stacks first."
        ),
    )
    parameter: bool = switch(
        False,
        (
            "also take an endpoint id at deploy time: the template parameter `VpcEndpointId` "
            "(`--parameter-overrides VpcEndpointId=vpce-...`)"
        ),
    )
    policy: EndpointPolicy | None = Field(
        default=None, description="A VPC endpoint policy on the created endpoint."
    )
    security_group_ids: UniqueList[SecurityGroupId] = existing_groups()

    @property
    def any_given(self) -> bool:
        """Whether any endpoint at all is allowed (created, existing, imported or a parameter)."""
        return self.create or bool(self.existing_ids or self.imports) or self.parameter

    @model_validator(mode="after")
    @reads("create", "policy", "private_dns", "security_group_ids")
    def _has_endpoint(self) -> Self:
        problems = []
        if not self.create and self.policy is not None:
            problems.append(
                Problem(
                    "policy",
                    "applies only to an endpoint privgw creates",
                    None,
                    "no policy when create is false (set it on the endpoint's own stack)",
                )
            )
        if not self.create and self.security_group_ids:
            problems.append(
                Problem(
                    "security_group_ids",
                    "applies only to an endpoint privgw creates",
                    ", ".join(self.security_group_ids),
                    "no security_group_ids when create is false (the endpoint's own groups decide)",
                )
            )
        if not self.create and "private_dns" in self.model_fields_set:
            problems.append(
                Problem(
                    "private_dns",
                    "applies only to an endpoint privgw creates",
                    str(self.private_dns).lower(),
                    "no private_dns when create is false",
                )
            )
        if problems:
            raise fail_many(problems)
        return self


def endpoint_group_problems(
    network: Network | None, groups: Sequence[str], where: str = "endpoint.security_group_ids"
) -> list[Problem]:
    """Somebody reaches a created endpoint on TCP 443: privgw's group admits a caller CIDR or
    source group, or the existing groups attached to it decide; and the groups fit on its
    network interfaces."""
    if network is None:
        return []
    own = bool(network.allowed_cidrs or network.source_security_group_ids)
    if not own and not groups:
        return [
            Problem(
                "network.allowed_cidrs",
                "no caller could reach the endpoint",
                "[]",
                "at least one CIDR here, one id in network.source_security_group_ids, or "
                f"existing groups in {where}",
            )
        ]
    if own + len(groups) > MAX_GROUPS_PER_INTERFACE:
        return [
            Problem(
                where,
                "too many security groups for the endpoint's network interfaces",
                str(len(groups)),
                f"at most {MAX_GROUPS_PER_INTERFACE - own} besides privgw's own group (the "
                f"quota is {DEFAULT_GROUPS_PER_INTERFACE} groups per interface by default, "
                f"{MAX_GROUPS_PER_INTERFACE} at most)",
            )
        ]
    return []


def refuse_wide_reusable_cidrs(reusable: bool, network: Network | None) -> None:
    """A reusable template takes each caller CIDR as a parameter, checked alone: a pattern per
    parameter must keep every override from opening the endpoint to all addresses, and the
    config's own CIDRs are its defaults, so they must pass it too."""
    if not reusable or network is None:
        return
    problems = []
    cidrs = network.allowed_cidrs
    for index, cidr in enumerate(cidrs):
        block = ipaddress.ip_network(cidr)
        count = sum(1 for c in cidrs if ipaddress.ip_network(c).version == block.version)
        shortest = min_cidr_prefix(count)
        if block.prefixlen < shortest:
            problems.append(
                Problem(
                    f"network.allowed_cidrs[{index}]",
                    f"is shorter than /{shortest}, the shortest prefix a reusable template "
                    f"with {count} IPv{block.version} caller CIDRs accepts (so that no "
                    "overrides of them can cover every address)",
                    cidr,
                    f"/{shortest} or longer",
                )
            )
    if problems:
        raise fail_many(problems)


def network_problems(
    create: bool, network: Network | None, reuse: str = "endpoint.create: false"
) -> list[Problem]:
    """A network section exactly when privgw creates the endpoint; ``reuse`` says how this
    kind reuses an endpoint instead."""
    if create == (network is not None):
        return []
    if create:
        return [
            Problem(
                "network",
                "is required to create an endpoint",
                None,
                f"vpc_id, subnet_ids and allowed_cidrs, or {reuse}",
            )
        ]
    return [
        Problem(
            "network",
            "is used only when privgw creates the endpoint",
            None,
            "no network section when endpoint.create is false",
        )
    ]


def caller_problems(endpoint: Endpoint, vpc_ids: list[str]) -> list[Problem]:
    """Some endpoint (or VPC) may call the API."""
    if endpoint.any_given or vpc_ids:
        return []
    return [
        Problem(
            "endpoint.existing_ids",
            "no endpoint could call the API",
            "[] with create: false and no imports, parameter or access.vpc_ids",
            "endpoint.create: true, vpce- ids here, endpoint.imports, endpoint.parameter, or "
            "VPC ids in access.vpc_ids",
        )
    ]

"""The endpoint kind (``kind: endpoint``): a stack with only the execute-api endpoint and its
security group, exported for the API stacks of many teams."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from privgw.config.addresses import SecurityGroupId
from privgw.config.base import StackConfig, cross_field_rule
from privgw.config.network import (
    EndpointPolicy,
    Network,
    endpoint_group_problems,
    existing_groups,
)
from privgw.config.types import Name, UniqueList, optional, switch


class EndpointStack(StackConfig):
    """A stack with only the execute-api endpoint and its security group, exported for the
    API stacks of many teams (``endpoint.imports`` in their configs)."""

    kind: Literal["endpoint"] = Field(description="An endpoint stack.")
    network: Network = Field(description="The VPC, subnets and callers of the shared endpoint.")
    private_dns: bool = switch(
        True,
        "Private DNS on the endpoint (one per VPC; public APIs' names then resolve "
        "to it inside the VPC).",
    )
    export_prefix: Name | None = optional(
        "Exports are <prefix>-VpcEndpointId, -EndpointDnsName, -SecurityGroupId "
        "(default: name). Export names are unique per account and region.",
    )
    policy: EndpointPolicy | None = Field(
        default=None, description="A VPC endpoint policy on the endpoint."
    )
    security_group_ids: UniqueList[SecurityGroupId] = existing_groups()
    _groups_fit = cross_field_rule(
        lambda cfg: endpoint_group_problems(
            cfg.network, cfg.security_group_ids, "security_group_ids"
        ),
        *("network.allowed_cidrs", "network.source_security_group_ids", "security_group_ids"),
    )

    @property
    def exports(self) -> str:
        return self.export_prefix or self.name

    @property
    def network_required(self) -> Network:
        return self.network

    @property
    def endpoint_private_dns(self) -> bool:
        return self.private_dns

    @property
    def endpoint_policy(self) -> EndpointPolicy | None:
        return self.policy

    @property
    def endpoint_security_group_ids(self) -> list[str]:
        return list(self.security_group_ids)

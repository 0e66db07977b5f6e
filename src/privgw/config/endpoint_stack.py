"""The endpoint kind (``kind: endpoint``): a stack with only the execute-api endpoint and its
security group, exported for the API stacks of many teams."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from privgw.config.base import StackConfig
from privgw.config.network import EndpointPolicy, Network
from privgw.config.types import Name, optional, switch


class EndpointStack(StackConfig):
    """A stack with only the execute-api endpoint and its security group, exported for the
    API stacks of many teams (``endpoint.imports`` in their configs)."""

    kind: Literal["endpoint"] = Field(description="An endpoint stack.")
    network: Network
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

"""Replaces: moto 5.2.5 moto/ec2/models/vpcs.py VPCEndPoint.get_cfn_attribute (no DnsEntries).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "endpoint-dns-entries",
    "Fn::GetAtt Endpoint.DnsEntries fails in moto, which drops every output of the stack; the "
    "patch answers it from the endpoint's own dns_entries as AWS formats them "
    "('zone-id:dns-name').",
)
def _dns_entries() -> None:
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    vpcs: Any = importlib.import_module("moto.ec2.models.vpcs")

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "DnsEntries":
            return [f"{e['hosted_zone_id']}:{e['dns_name']}" for e in self.dns_entries or []]
        if attribute_name == "Id":
            return self.id
        raise UnformattedGetAttTemplateException()

    vpcs.VPCEndPoint.get_cfn_attribute = get_cfn_attribute
    vpcs.VPCEndPoint.has_cfn_attr = classmethod(
        lambda cls, attr: attr in ("Id", "CreationTimestamp", "DnsEntries", "NetworkInterfaceIds")
    )

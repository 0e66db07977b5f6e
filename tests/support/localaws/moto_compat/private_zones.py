"""Replaces: moto 5.2.5 moto/route53/models.py FakeZone.create_from_cloudformation_json (zone
named after the logical resource, always public, VPCs ignored).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "private-hosted-zones",
    "moto's CloudFormation layer creates every AWS::Route53::HostedZone as a public zone named "
    "after its logical id, ignoring Name and VPCs. The patch creates it through moto's own "
    "create_hosted_zone with its Name, private when it lists VPCs, associated with each of them, "
    "and refuses a VPC that does not exist (as AWS does).",
)
def _private_zones() -> None:
    route53: Any = importlib.import_module("moto.route53.models")
    ec2: Any = importlib.import_module("moto.ec2.models")
    partition: Any = importlib.import_module("moto.utilities.utils").get_partition

    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json["Properties"]
        vpcs = props.get("VPCs") or []
        for vpc in vpcs:  # raises InvalidVpcID.NotFound as AWS would
            ec2.ec2_backends[account_id][vpc.get("VPCRegion", region_name)].get_vpc(vpc["VPCId"])
        backend = route53.route53_backends[account_id][partition(region_name)]
        first = vpcs[0] if vpcs else {}
        zone = backend.create_hosted_zone(
            props["Name"],
            private_zone=bool(vpcs),
            vpcid=first.get("VPCId"),
            vpcregion=first.get("VPCRegion"),
        )
        for vpc in vpcs[1:]:
            zone.add_vpc(vpc["VPCId"], vpc.get("VPCRegion"))
        return zone

    route53.FakeZone.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)

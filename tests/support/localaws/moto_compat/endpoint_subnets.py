"""Replaces: moto 5.2.5 moto/ec2/models/vpcs.py VPCBackend.create_vpc_endpoint (no subnet check).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "endpoint-subnets-exist",
    "AWS fails an interface endpoint whose subnet does not exist (InvalidSubnetID.NotFound); "
    "moto creates it anyway. The patch looks each subnet up through moto's own get_subnet "
    "first (stricter, never more lenient).",
)
def _endpoint_subnets() -> None:
    vpcs: Any = importlib.import_module("moto.ec2.models.vpcs")

    original = vpcs.VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        for subnet_id in kwargs.get("subnet_ids") or []:
            self.get_subnet(subnet_id)
        return original(self, *args, **kwargs)

    vpcs.VPCBackend.create_vpc_endpoint = create_vpc_endpoint

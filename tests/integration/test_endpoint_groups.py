"""Existing security groups on the created endpoint, deployed on the local endpoint: the
endpoint carries them beside privgw's own group, or alone when the network names no caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of, physical_id
from tests.support.localaws.endpoint import LocalAws, create_network


@pytest.mark.parametrize("own_group", [True, False], ids=["beside-own", "instead-of-own"])
def test_the_endpoint_carries_the_existing_groups(
    local_aws: LocalAws, tmp_path: Path, own_group: bool
) -> None:
    net = create_network(local_aws, "10.61.0.0/16" if own_group else "10.62.0.0/16")
    network: dict[str, object] = {"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids}
    if own_group:
        network["allowed_cidrs"] = [net.cidr]
    data = with_changes(
        BASE_CONFIG,
        name="groups" if own_group else "groupsonly",
        network=network,
        **{"endpoint.security_group_ids": [net.caller_group_id]},
    )
    path = tmp_path / "groups.yaml"
    path.write_text(render(build_template(Config(**data)), "yaml"), encoding="utf-8")
    stack = f"endpoint-groups-{int(own_group)}"
    result = aws_deploy(local_aws, path, stack)
    assert result.returncode == 0, result.stderr + result.stdout
    (endpoint,) = local_aws.client("ec2").describe_vpc_endpoints(
        VpcEndpointIds=[outputs_of(local_aws, stack)["VpcEndpointIds"]]
    )["VpcEndpoints"]
    groups = [g["GroupId"] for g in endpoint["Groups"]]
    if own_group:
        assert groups == [
            physical_id(local_aws, stack, "EndpointSecurityGroup"),
            net.caller_group_id,
        ]
    else:
        assert groups == [net.caller_group_id]

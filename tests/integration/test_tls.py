"""An enhanced TLS security policy with STRICT endpoint access, deployed on the local endpoint
in both flavours: get-rest-api reads back the policy and the mode, and the stack has no
CurlWithHeader output (STRICT refuses that form)."""

from __future__ import annotations

from pathlib import Path

import pytest

from privgw.flavours import Flavour
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of, stack_failure
from tests.support.localaws.endpoint import LocalAws, create_network
from tests.support.localaws.stacks import deployable

TLS13 = "SecurityPolicy_TLS13_1_3_2025_09"


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
def test_the_api_holds_the_policy_and_mode(
    local_aws: LocalAws, tmp_path: Path, flavour: Flavour
) -> None:
    net = create_network(local_aws, "10.70.0.0/16" if flavour == "cfn" else "10.71.0.0/16")
    stack = f"tls-{flavour}"
    data = with_changes(
        BASE_CONFIG,
        name=stack,
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
        tls={"security_policy": TLS13, "endpoint_access_mode": "STRICT"},
    )
    result = aws_deploy(local_aws, deployable(data, flavour, net, local_aws, tmp_path), stack)
    assert result.returncode == 0, result.stderr + stack_failure(local_aws, stack)
    outputs = outputs_of(local_aws, stack)
    api = local_aws.client("apigateway").get_rest_api(restApiId=outputs["RestApiId"])
    assert api["securityPolicy"] == TLS13
    assert api["endpointAccessMode"] == "STRICT"
    assert "CurlWithHeader" not in outputs
    assert "AliasUrl" in outputs

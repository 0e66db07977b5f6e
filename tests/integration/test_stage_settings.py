"""Stage settings deployed on the local endpoint, in both flavours: the access log format, the
cache cluster, every method setting (the stage's and each route's) and the cache keys read back
as API Gateway holds them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privgw import Config
from privgw.flavours import Flavour
from tests.support.configs import with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of
from tests.support.localaws.endpoint import LocalAws, create_network
from tests.support.localaws.stacks import deployable
from tests.unit.resources.test_stage_settings import TUNED


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
def test_the_stage_holds_the_configs_settings(
    local_aws: LocalAws, tmp_path: Path, flavour: Flavour
) -> None:
    net = create_network(local_aws, "10.68.0.0/16" if flavour == "cfn" else "10.69.0.0/16")
    stack = f"stagesettings-{flavour}"
    data = with_changes(
        TUNED,
        name=stack,
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
    )
    result = aws_deploy(local_aws, deployable(data, flavour, net, local_aws, tmp_path), stack)
    assert result.returncode == 0, result.stderr + result.stdout
    apigateway = local_aws.client("apigateway")
    api_id = outputs_of(local_aws, stack)["RestApiId"]
    stage = apigateway.get_stage(restApiId=api_id, stageName=Config(**data).stage.name)
    assert stage["cacheClusterEnabled"] is True
    assert stage["cacheClusterSize"] == "1.6"
    assert json.loads(stage["accessLogSettings"]["format"]) == TUNED["stage"]["access_log_format"]
    settings = stage["methodSettings"]
    assert settings["*/*"]["metricsEnabled"] is True
    assert settings["*/*"]["loggingLevel"] == "ERROR"
    assert settings["*/*"]["throttlingRateLimit"] == 100.0
    order = settings["~1orders~1{id}/GET"]
    assert order["throttlingRateLimit"] == 10.0
    assert order["throttlingBurstLimit"] == 5
    assert order["cachingEnabled"] is True
    assert order["cacheTtlInSeconds"] == 60
    assert order["cacheDataEncrypted"] is True
    assert settings["~1catalog/GET"]["cachingEnabled"] is True
    assert "~1hello/GET" not in settings
    resources = {r["path"]: r["id"] for r in apigateway.get_resources(restApiId=api_id)["items"]}
    integration = apigateway.get_integration(
        restApiId=api_id, resourceId=resources["/orders/{id}"], httpMethod="GET"
    )
    assert integration["cacheKeyParameters"] == ["method.request.path.id"]

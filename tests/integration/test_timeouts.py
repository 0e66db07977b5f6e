"""A function that runs ten minutes behind a two-minute integration wait, deployed on the local
endpoint: Lambda's timeout and API Gateway's wait are each what the config says."""

from __future__ import annotations

from pathlib import Path

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of
from tests.support.localaws.endpoint import LocalAws, create_network


def test_the_wait_and_the_function_timeout_deploy_apart(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    net = create_network(local_aws, "10.63.0.0/16")
    data = with_changes(
        BASE_CONFIG,
        name="longwait",
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
        **{"function.timeout": 600, "function.integration_timeout_ms": 120_000},
    )
    path = tmp_path / "longwait.yaml"
    path.write_text(render(build_template(Config(**data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "longwait")
    assert result.returncode == 0, result.stderr + result.stdout
    api_id = outputs_of(local_aws, "longwait")["RestApiId"]
    apigateway = local_aws.client("apigateway")
    (hello,) = [
        r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/hello"
    ]
    integration = apigateway.get_integration(
        restApiId=api_id, resourceId=hello["id"], httpMethod="GET"
    )
    assert int(integration["timeoutInMillis"]) == 120_000
    function = local_aws.client("lambda").get_function_configuration(
        FunctionName=integration["uri"].split(":function:")[1].split("/")[0]
    )
    assert function["Timeout"] == 600

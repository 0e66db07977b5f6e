"""An HTTP service outside the VPC, deployed on the local endpoint: the integration reads back
as an internet HTTP proxy to the route's target path, with no VPC link."""

from __future__ import annotations

from pathlib import Path

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of
from tests.support.localaws.endpoint import LocalAws, create_network


def test_the_route_reaches_its_target_path_over_the_internet(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    net = create_network(local_aws, "10.67.0.0/16")
    data = with_changes(
        BASE_CONFIG,
        name="internetbe",
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
        backends={"fargate": {"internet": True, "uri": "https://abc123.example.com"}},
        routes=[
            "GET /hello",
            {"method": "GET", "path": "/fargate", "target": "fargate", "target_path": "/Prod/"},
        ],
    )
    path = tmp_path / "internetbe.yaml"
    path.write_text(render(build_template(Config(**data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "internetbe")
    assert result.returncode == 0, result.stderr + result.stdout
    apigateway = local_aws.client("apigateway")
    api_id = outputs_of(local_aws, "internetbe")["RestApiId"]
    (fargate,) = [
        r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/fargate"
    ]
    integration = apigateway.get_integration(
        restApiId=api_id, resourceId=fargate["id"], httpMethod="GET"
    )
    assert integration["type"] == "HTTP_PROXY"
    assert integration["uri"] == "https://abc123.example.com/Prod/"
    assert integration["connectionType"] == "INTERNET"
    assert "connectionId" not in integration
    resources = local_aws.client("cloudformation").describe_stack_resources(StackName="internetbe")[
        "StackResources"
    ]
    assert not [r for r in resources if "VpcLink" in r["ResourceType"]]

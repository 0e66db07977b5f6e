"""Binary media types and a route's content handling, deployed on the local endpoint and read
back from API Gateway."""

from __future__ import annotations

from pathlib import Path

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of
from tests.support.localaws.endpoint import LocalAws, create_network


def test_binary_settings_reach_api_gateway(local_aws: LocalAws, tmp_path: Path) -> None:
    net = create_network(local_aws, "10.64.0.0/16")
    data = with_changes(
        BASE_CONFIG,
        name="binary",
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
        binary_media_types=["image/png", "application/octet-stream"],
        routes=[{"path": "/images", "method": "POST", "content_handling": "CONVERT_TO_BINARY"}],
    )
    path = tmp_path / "binary.yaml"
    path.write_text(render(build_template(Config(**data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "binary")
    assert result.returncode == 0, result.stderr + result.stdout
    api_id = outputs_of(local_aws, "binary")["RestApiId"]
    apigateway = local_aws.client("apigateway")
    api = apigateway.get_rest_api(restApiId=api_id)
    assert api["binaryMediaTypes"] == ["image/png", "application/octet-stream"]
    (images,) = [
        r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/images"
    ]
    integration = apigateway.get_integration(
        restApiId=api_id, resourceId=images["id"], httpMethod="POST"
    )
    assert integration["contentHandling"] == "CONVERT_TO_BINARY"

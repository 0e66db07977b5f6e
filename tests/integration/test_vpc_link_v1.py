"""A VPC link v1 privgw creates for a backend's NLB, deployed on the local endpoint: the link
exists with the NLB as its target, and the route's integration goes through it."""

from __future__ import annotations

from pathlib import Path

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of, physical_id
from tests.support.localaws.endpoint import REGION, LocalAws, create_network


def test_the_created_link_carries_the_route(local_aws: LocalAws, tmp_path: Path) -> None:
    net = create_network(local_aws, "10.65.0.0/16")
    nlb = (
        f"arn:aws:elasticloadbalancing:{REGION}:123456789012:"
        "loadbalancer/net/orders/0123456789abcdef"
    )
    data = with_changes(
        BASE_CONFIG,
        name="linkv1",
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
        backends={
            "orders": {
                "load_balancer_arn": nlb,
                "vpc_link_v1": {"create": True},
                "uri": "http://orders.internal.example.com",
            }
        },
        routes=[{"path": "/orders", "method": "GET", "target": "orders"}, "GET /hello"],
    )
    path = tmp_path / "linkv1.yaml"
    path.write_text(render(build_template(Config(**data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "linkv1")
    assert result.returncode == 0, result.stderr + result.stdout
    apigateway = local_aws.client("apigateway")
    link_id = physical_id(local_aws, "linkv1", "OrdersVpcLink")
    assert apigateway.get_vpc_link(vpcLinkId=link_id)["targetArns"] == [nlb]
    api_id = outputs_of(local_aws, "linkv1")["RestApiId"]
    (orders,) = [
        r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/orders"
    ]
    integration = apigateway.get_integration(
        restApiId=api_id, resourceId=orders["id"], httpMethod="GET"
    )
    assert integration["connectionType"] == "VPC_LINK"
    assert integration["connectionId"] == link_id

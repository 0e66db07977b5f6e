"""A route to a Lambda function that already runs, deployed on the local endpoint: the
function (with an alias) is created beforehand by hand, the stack adds the integration and one
permission on the alias, and reading both back gives what the config says."""

from __future__ import annotations

import json
from pathlib import Path

from privgw import Config, build_template, render
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import aws_deploy, outputs_of
from tests.support.localaws.endpoint import LocalAws, create_network
from tests.support.localaws.stacks import create_existing_function


def test_the_route_calls_the_alias_and_the_api_may_invoke_it(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    net = create_network(local_aws, "10.66.0.0/16")
    alias_arn = create_existing_function(
        local_aws, "arn:aws:lambda:us-east-1:123456789012:function:adopted-orders:live"
    )
    data = with_changes(
        BASE_CONFIG,
        name="existingfn",
        network={"vpc_id": net.vpc_id, "subnet_ids": net.subnet_ids, "allowed_cidrs": [net.cidr]},
        existing_functions={"legacy": {"arn": alias_arn, "integration_timeout_ms": 15000}},
        routes=["GET /hello", "GET /orders -> legacy"],
    )
    path = tmp_path / "existingfn.yaml"
    path.write_text(render(build_template(Config(**data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "existingfn")
    assert result.returncode == 0, result.stderr + result.stdout

    apigateway = local_aws.client("apigateway")
    api_id = outputs_of(local_aws, "existingfn")["RestApiId"]
    (orders,) = [
        r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/orders"
    ]
    integration = apigateway.get_integration(
        restApiId=api_id, resourceId=orders["id"], httpMethod="GET"
    )
    assert integration["type"] == "AWS_PROXY"
    assert integration["httpMethod"] == "POST"
    assert integration["timeoutInMillis"] == 15000
    assert integration["uri"].endswith(f"/functions/{alias_arn}/invocations")

    policy = json.loads(
        local_aws.client("lambda").get_policy(FunctionName="adopted-orders", Qualifier="live")[
            "Policy"
        ]
    )
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    assert f":{api_id}/*" in json.dumps(statement["Condition"])
    roles = local_aws.client("iam").list_roles()["Roles"]
    assert [
        r["RoleName"]
        for r in roles
        if "existingfn" in r["RoleName"].lower() and "legacy" in r["RoleName"].lower()
    ] == []

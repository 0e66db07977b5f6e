"""A parameter-only stack update reaches the stage: privgw's redeploy custom resource (#23).

API Gateway serves a changed resource policy only after a new deployment (developer guide,
"Updates to REST APIs that require redeployment"); a Deployment's logical id changes only with
the template, so changing AllowedPrincipalN, ExistingEndpointIdN, AllowedVpcIdN, VpcEndpointId
or VpcId on a stack update used to leave the stage on the old policy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, build_template, lint_text, render
from privgw.evaluate import ApiArn, Request, evaluate, resolve
from privgw.resources.redeploy import HANDLER_CODE
from tests.support.configs import BASE_CONFIG, with_changes
from tests.support.localaws.deployed import outputs_of, physical_id
from tests.support.localaws.endpoint import REGION, LocalAws, create_network

REUSABLE = with_changes(
    BASE_CONFIG, reusable=True, **{"endpoint.existing_ids": ["vpce-0123456789abcdef0"]}
)
SERVED_BY_PARAMETERS = [
    REUSABLE,
    with_changes(BASE_CONFIG, **{"endpoint.parameter": True}),
]


def resources(data: dict[str, Any], flavour: str = "cfn") -> dict[str, Any]:
    template = build_template(Config(**data), flavour).to_dict()  # type: ignore[arg-type]
    found: dict[str, Any] = template["Resources"]
    return found


@pytest.mark.parametrize("data", SERVED_BY_PARAMETERS, ids=["reusable", "endpoint-parameter"])
@pytest.mark.parametrize("flavour", ["cfn", "sam"])
def test_templates_whose_parameters_feed_the_policy_carry_the_redeployer(
    data: dict[str, Any], flavour: str
) -> None:
    found = resources(data, flavour)
    custom = found["PrivgwRedeploy"]
    assert custom["Type"] == "Custom::PrivgwRedeploy"
    props = custom["Properties"]
    assert props["ServiceToken"] == {"Fn::GetAtt": ["PrivgwRedeployFunction", "Arn"]}
    if flavour == "cfn":  # what changes with a parameter is exactly what the stage serves
        api = found["RestApi"]["Properties"]
        assert props["Served"]["Policy"] == api["Policy"]
        assert props["Served"]["VpcEndpointIds"] == api["EndpointConfiguration"]["VpcEndpointIds"]
        assert props["StageName"] == {"Ref": "Stage"}
    text = render(build_template(Config(**data), flavour), "yaml")  # type: ignore[arg-type]
    assert lint_text(text) == []


def test_other_templates_have_no_redeployer() -> None:
    assert not any(k.startswith("PrivgwRedeploy") for k in resources(BASE_CONFIG))


def test_the_redeployers_role_may_only_redeploy_this_stage() -> None:
    role = resources(REUSABLE)["PrivgwRedeployRole"]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": ["lambda.amazonaws.com"]}]
    (inline,) = role["Policies"]
    refs = {
        "AWS::Partition": "aws",
        "AWS::Region": "us-east-1",
        "RestApi": "abc123defg",
        "Stage": "v1",
        "PrivgwRedeployLogGroup.Arn": "arn:aws:logs:us-east-1:111122223333:log-group:r",
    }
    document = resolve(inline["PolicyDocument"], refs)
    api = "arn:aws:apigateway:us-east-1::/restapis/"
    caller = "arn:aws:iam::111122223333:role/redeploy"

    def decision(action: str, resource: str) -> str:
        return evaluate(document, Request(action, resource, caller), ApiArn("abc123defg"))

    assert decision("apigateway:POST", api + "abc123defg/deployments") == "allow"
    assert decision("apigateway:PATCH", api + "abc123defg/stages/v1") == "allow"
    for action, resource in [
        ("apigateway:POST", api + "otherapi00/deployments"),
        ("apigateway:PATCH", api + "abc123defg/stages/prod"),
        ("apigateway:PATCH", api + "abc123defg"),  # the API itself (its policy)
        ("apigateway:DELETE", api + "abc123defg/stages/v1"),
        ("apigateway:POST", api + "abc123defg/resources"),
    ]:
        assert decision(action, resource) == "implicit-deny", (action, resource)


def test_the_inline_code_fits_and_compiles() -> None:
    assert len(HANDLER_CODE.encode()) <= 4096, "Lambda's inline code limit"
    compile(HANDLER_CODE, "index.py", "exec")


def _deploy(local: LocalAws, template: Path, stack: str, *overrides: str) -> None:
    result = local.aws(
        "cloudformation", "deploy", "--template-file", str(template), "--stack-name", stack,
        "--capabilities", "CAPABILITY_IAM", "--no-fail-on-empty-changeset",
        "--parameter-overrides", *overrides, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


def _served(local: LocalAws, stack: str) -> tuple[str, str]:
    """The stage's deployment and the API's deployed policy."""
    api_id = outputs_of(local, stack)["RestApiId"]
    apigw = local.client("apigateway")
    (stage,) = apigw.get_stages(restApiId=api_id)["item"]
    return stage["deploymentId"], apigw.get_rest_api(restApiId=api_id)["policy"]


def test_a_parameter_only_update_moves_the_stage_to_a_new_deployment(
    local_aws: LocalAws,
    tmp_path: Path,
) -> None:
    net = create_network(local_aws)
    first, second = net.shared_endpoint_ids[:2]
    path = tmp_path / "reusable.yaml"
    path.write_text(render(build_template(Config(**REUSABLE)), "yaml"), encoding="utf-8")
    common = (f"VpcId={net.vpc_id}", f"SubnetIds={','.join(net.subnet_ids)}")
    _deploy(local_aws, path, "redeploy", *common, f"ExistingEndpointId1={first}")
    created_on, policy = _served(local_aws, "redeploy")
    assert first in policy
    assert physical_id(local_aws, "redeploy", "PrivgwRedeploy").startswith("privgw-redeploy-")
    _deploy(local_aws, path, "redeploy", *common, f"ExistingEndpointId1={second}")
    moved_to, policy = _served(local_aws, "redeploy")
    assert second in policy
    assert first not in policy
    assert moved_to != created_on, "the stage serves a deployment made after the policy changed"
    assert physical_id(local_aws, "redeploy", "PrivgwRedeploy") == moved_to
    _deploy(local_aws, path, "redeploy", *common, f"ExistingEndpointId1={second}")
    assert _served(local_aws, "redeploy")[0] == moved_to, "no change, no new deployment"


def test_the_handler_against_the_local_endpoint(
    local_aws: LocalAws,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The function's own code, as Lambda runs it (boto3 from the environment), on a stack
    deployed to the local endpoint: Create and Delete change nothing, Update moves the stage."""
    net = create_network(local_aws)
    path = tmp_path / "reusable.yaml"
    path.write_text(render(build_template(Config(**REUSABLE)), "yaml"), encoding="utf-8")
    endpoint = net.shared_endpoint_ids[0]
    _deploy(
        local_aws, path, "handler", f"VpcId={net.vpc_id}",
        f"SubnetIds={','.join(net.subnet_ids)}", f"ExistingEndpointId1={endpoint}",
    )  # fmt: skip
    for key, value in local_aws.env.items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    namespace: dict[str, Any] = {}
    exec(compile(HANDLER_CODE, "index.py", "exec"), namespace)
    api_id = outputs_of(local_aws, "handler")["RestApiId"]
    before, _ = _served(local_aws, "handler")
    props = {"RestApiId": api_id, "StageName": "v1"}
    for request in ("Create", "Delete"):
        event = {"RequestType": request, "ResourceProperties": props, "PhysicalResourceId": "x"}
        assert namespace["redeploy"](event) == "x"
        assert _served(local_aws, "handler")[0] == before
    update = {"RequestType": "Update", "ResourceProperties": props, "PhysicalResourceId": "x"}
    deployment = namespace["redeploy"](update)
    assert _served(local_aws, "handler")[0] == deployment != before
    described = local_aws.client("apigateway").get_deployment(
        restApiId=api_id, deploymentId=deployment
    )
    assert "policy or endpoints changed" in json.dumps(described, default=str)

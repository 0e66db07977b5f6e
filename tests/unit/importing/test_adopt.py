"""``privgw import --adopt`` from snapshots (no AWS): the IMPORT change set's template says
each resource as it runs under privgw's logical ids, with the identifier keys its
CloudFormation schema names; what is not adopted is named with what the update does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from privgw.cli.importing import commands
from privgw.importing.adopt import TEMPLATE_BODY_LIMIT, AdoptRefused, adoption
from privgw.importing.run import adopt_files, imported_from
from privgw.lint import run_cfn_lint
from tests.unit.importing.test_translate import LAMBDA_URI, SEED, _method, snapshot

POOL = "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_a"


def rich() -> dict[str, Any]:
    """An API with a Cognito authorizer, a validator and a model a method uses, per-method
    stage settings, and a method privgw leaves out (a non-proxy AWS integration)."""
    resources = [
        {"id": "r0", "path": "/"},
        {
            "id": "r1",
            "path": "/orders",
            "parentId": "r0",
            "pathPart": "orders",
            "resourceMethods": {
                "POST": _method(
                    httpMethod="POST",
                    authorizationType="COGNITO_USER_POOLS",
                    authorizerId="au1",
                    authorizationScopes=["orders/write"],
                    requestValidatorId="v1",
                    requestModels={"application/json": "Order"},
                    methodIntegration={
                        "type": "AWS_PROXY",
                        "httpMethod": "POST",
                        "uri": LAMBDA_URI,
                        "timeoutInMillis": 29000,
                        "cacheNamespace": "r1",
                        "cacheKeyParameters": [],
                    },
                ),
                "PUT": _method(
                    httpMethod="PUT",
                    methodIntegration={"type": "AWS", "uri": "arn:aws:apigateway:x:sqs:path/q"},
                ),
            },
        },
    ]
    stage = {
        "stageName": "prod",
        "deploymentId": "dep1",
        "tracingEnabled": True,
        "variables": {"tier": "gold"},
        "methodSettings": {"~1orders/POST": {"throttlingRateLimit": 25.0}},
    }
    return snapshot(
        *SEED,
        resources=resources,
        stage=stage,
        authorizers=[
            {
                "id": "au1",
                "name": "pool-auth",
                "type": "COGNITO_USER_POOLS",
                "providerARNs": [POOL],
                "identitySource": "method.request.header.Authorization",
            }
        ],
        validators=[{"id": "v1", "name": "all", "validateRequestBody": True}],
        models=[{"id": "m1", "name": "Order", "schema": json.dumps({"type": "object"})}],
    )


def _adopted(snap: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    imported = imported_from(snap)
    template, resources, report = adopt_files(imported)
    return json.loads(template), json.loads(resources), report


def test_each_adopted_resource_is_said_as_it_runs_with_its_schemas_identifier() -> None:
    template, resources, _ = _adopted(rich())
    by_type = {r["ResourceType"]: r for r in resources}
    assert set(by_type) == {
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::Model",
    }
    assert by_type["AWS::ApiGateway::Method"]["ResourceIdentifier"] == {
        "RestApiId": "a1b2c3d4e5",
        "ResourceId": "r1",
        "HttpMethod": "POST",
    }
    assert by_type["AWS::ApiGateway::Authorizer"]["ResourceIdentifier"] == {
        "RestApiId": "a1b2c3d4e5",
        "AuthorizerId": "au1",
    }
    assert by_type["AWS::ApiGateway::Model"]["ResourceIdentifier"] == {
        "RestApiId": "a1b2c3d4e5",
        "Name": "Order",
    }
    assert by_type["AWS::ApiGateway::Stage"]["ResourceIdentifier"] == {
        "RestApiId": "a1b2c3d4e5",
        "StageName": "prod",
    }
    bodies = template["Resources"]
    assert set(bodies) == {r["LogicalResourceId"] for r in resources}
    assert all(b["DeletionPolicy"] == b["UpdateReplacePolicy"] == "Retain" for b in bodies.values())
    method = bodies[by_type["AWS::ApiGateway::Method"]["LogicalResourceId"]]["Properties"]
    assert method == {
        "RestApiId": "a1b2c3d4e5",
        "ResourceId": "r1",
        "HttpMethod": "POST",
        "AuthorizationType": "COGNITO_USER_POOLS",
        "AuthorizerId": "au1",
        "RequestValidatorId": "v1",
        "RequestModels": {"application/json": "Order"},
        "AuthorizationScopes": ["orders/write"],
        "Integration": {  # the namespace API Gateway derives and empty lists left out
            "Type": "AWS_PROXY",
            "Uri": LAMBDA_URI,
            "TimeoutInMillis": 29000,
            "IntegrationHttpMethod": "POST",
        },
    }
    stage = bodies[by_type["AWS::ApiGateway::Stage"]["LogicalResourceId"]]["Properties"]
    assert stage["DeploymentId"] == "dep1"  # the deployment that serves now
    assert stage["Variables"] == {"tier": "gold"}
    assert stage["MethodSettings"] == [
        {"ResourcePath": "/~1orders", "HttpMethod": "POST", "ThrottlingRateLimit": 25.0}
    ]
    model = bodies[by_type["AWS::ApiGateway::Model"]["LogicalResourceId"]]["Properties"]
    assert model["Schema"] == {"type": "object"}  # the object the live string holds
    assert [f for f in run_cfn_lint(json.dumps(template)) if f.source != "privgw"] == []


def test_what_is_not_adopted_is_named_with_what_the_update_does() -> None:
    _, resources, report = _adopted(rich())
    assert "AWS::ApiGateway::Deployment" not in {r["ResourceType"] for r in resources}
    assert any(
        "(AWS::ApiGateway::Deployment) is not imported: a new deployment of the adopted API, "
        "and the stage moves to it" in line
        for line in report
    )
    assert any(
        line.startswith("adopt: PUT /orders runs in the API but not in the config's template")
        for line in report
    )
    assert any(
        "(AWS::Lambda::Permission) is not imported: a new statement" in line for line in report
    )
    stage = next(line for line in report if line.startswith("adopt: Stage: the update changes"))
    assert "DeploymentId: dep1 -> (new Deployment" in stage


def test_names_privgw_gives_otherwise_are_matched_by_the_methods_that_use_them() -> None:
    """The live authorizer is called pool-auth, privgw names its own differently: the one
    the live method uses is the one its twin in the template uses."""
    imported = imported_from(rich())
    built = imported.template["Resources"]
    authorizer = next(k for k, v in built.items() if v["Type"] == "AWS::ApiGateway::Authorizer")
    assert built[authorizer]["Properties"]["Name"] != "pool-auth"
    adopted = adoption(imported.snapshot, imported.template)
    assert adopted.template["Resources"][authorizer]["Properties"]["Name"] == "pool-auth"
    assert any(
        line.startswith(f"adopt: {authorizer}: the update changes Name: pool-auth -> ")
        for line in adopted.report
    )
    method = next(k for k, v in built.items() if v["Type"] == "AWS::ApiGateway::Method")
    changes = [line for line in adopted.report if line.startswith(f"adopt: {method}:")]
    assert not any("AuthorizerId" in line for line in changes)  # the same authorizer


def test_an_api_a_stack_already_manages_is_refused() -> None:
    snap = rich()
    snap["api"]["tags"] = {"aws:cloudformation:stack-name": "orders"}
    imported = imported_from(snap)
    with pytest.raises(AdoptRefused, match="belongs to stack orders: CloudFormation imports"):
        adopt_files(imported)


def test_the_commands_import_then_update_and_a_big_template_goes_through_s3() -> None:
    small = commands(
        "orders",
        "cfg/my api.adopt.json",
        "cfg/my api.resources-to-import.json",
        config="cfg/my api.yaml",
        region="eu-west-1",
        size=1000,
    )
    assert small[0] == (
        "aws cloudformation create-change-set --stack-name orders --change-set-name "
        "privgw-adopt --region eu-west-1 --change-set-type IMPORT --template-body "
        "file://'cfg/my api.adopt.json' --resources-to-import "
        "file://'cfg/my api.resources-to-import.json'"
    )
    assert small[-2:] == [
        "privgw build 'cfg/my api.yaml' -o cfg/templates",
        "privgw deploy 'cfg/templates/my api.yaml' --stack-name orders --region eu-west-1",
    ]
    big = commands(
        "orders",
        "x.adopt.json",
        "x.resources-to-import.json",
        config="x.yaml",
        region="eu-west-1",
        size=TEMPLATE_BODY_LIMIT + 1,
    )
    assert big[0].startswith("aws s3 cp x.adopt.json s3://$BUCKET/x.adopt.json --region eu-west-1")
    assert "--template-url https://$BUCKET.s3.eu-west-1.amazonaws.com/x.adopt.json" in big[1]


def test_a_big_api_is_written_compact_to_stay_under_the_body_limit() -> None:
    snap = rich()
    for n in range(120):  # enough methods that the indented template is over 51,200 bytes
        snap["resources"].append(
            {
                "id": f"x{n}",
                "path": f"/item{n}",
                "resourceMethods": {
                    "GET": _method(
                        httpMethod="GET",
                        methodIntegration={"type": "AWS_PROXY", "uri": LAMBDA_URI},
                    )
                },
            }
        )
    template, resources, _ = _adopted(snap)
    text, _, _ = adopt_files(imported_from(snap))
    assert len(resources) > 120
    assert len(json.dumps(template, indent=2).encode()) > TEMPLATE_BODY_LIMIT
    assert "\n" not in text.rstrip("\n")  # compact: no indentation
    assert len(text.encode()) < len(json.dumps(template, indent=2).encode())
    assert json.loads(text) == template

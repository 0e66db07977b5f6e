"""A new deployment of the stage when the API's policy or endpoints change while the template
does not: a stack update that changes only parameters (``AllowedPrincipalN``,
``ExistingEndpointIdN``, ``AllowedVpcIdN``, ``VpcEndpointId``, or ``VpcId``, which replaces the
created endpoint). API Gateway serves a changed resource policy only after a new deployment
(developer guide, "Updates to REST APIs that require redeployment"), and the Deployment's
logical id can change only with the template, so a small custom resource does it: its
``Served`` property holds the resolved policy and endpoint ids, CloudFormation sends it an
Update exactly when they resolve differently, and its function creates a deployment and points
the stage at it. The function's role may do only that, on this API and stage."""

from __future__ import annotations

from typing import Any

from awacs import apigateway, logs
from awacs.aws import Allow, PolicyDocument, Statement
from troposphere import AWSObject, GetAtt, Ref, Sub
from troposphere.awslambda import Code, Function, LoggingConfig
from troposphere.cloudformation import CustomResource
from troposphere.iam import Policy, Role

from privgw import naming, suppressions
from privgw.config import Config
from privgw.resources import policy
from privgw.resources.common import log_group, tags_for
from privgw.resources.network import endpoint_ids

#: The function's code. ``redeploy`` holds the logic (the tests call it against the local
#: endpoint); ``handler`` answers CloudFormation (the custom-resource response protocol).
HANDLER_CODE = '''\
"""privgw: redeploy the stage when the API's policy or endpoints change (see the template)."""
import json
import urllib.request

import boto3


def redeploy(event, apigateway=None):
    """Create: nothing (the stack's own Deployment holds the policy). Update: a new deployment,
    and the stage on it. Delete: nothing. Returns the physical id."""
    props = event["ResourceProperties"]
    if event["RequestType"] != "Update":
        return event.get("PhysicalResourceId") or "privgw-redeploy-" + props["RestApiId"]
    client = apigateway or boto3.client("apigateway")
    deployment = client.create_deployment(
        restApiId=props["RestApiId"],
        description="privgw: the resource policy or endpoints changed (stack parameters)",
    )["id"]
    client.update_stage(
        restApiId=props["RestApiId"],
        stageName=props["StageName"],
        patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment}],
    )
    return deployment


def handler(event, context):
    status, reason = "SUCCESS", "done"
    physical = event.get("PhysicalResourceId") or context.log_stream_name
    try:
        physical = redeploy(event)
    except Exception as exc:  # reported to CloudFormation, which rolls the update back
        status, reason = "FAILED", str(exc)[:1000]
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason,
            "PhysicalResourceId": physical,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
        }
    ).encode()
    request = urllib.request.Request(
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""}
    )
    urllib.request.urlopen(request, timeout=30).close()
'''

RUNTIME = "python3.13"


class RedeployResource(CustomResource):
    """The custom resource, under a type of its own (troposphere accepts any property on it)."""

    resource_type = naming.REDEPLOY_TYPE


def needs_redeployer(cfg: Config) -> bool:
    """Whether a parameter can change the policy or endpoints without changing the template:
    a reusable template, or an endpoint given as the VpcEndpointId parameter."""
    return cfg.reusable or cfg.endpoint.parameter


def redeploy_policy(stage: Any) -> PolicyDocument:
    """Create deployments of this API and move this stage: nothing else, nowhere else."""
    api = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${" + naming.API + "}"
    return PolicyDocument(
        Version="2012-10-17",
        Statement=[
            Statement(
                Sid="CreateDeploymentsOfThisApi",
                Effect=Allow,
                Action=[apigateway.POST],
                Resource=[Sub(api + "/deployments")],
            ),
            Statement(
                Sid="MoveThisStage",
                Effect=Allow,
                Action=[apigateway.PATCH],
                Resource=[Sub(api + "/stages/${Stage}", Stage=stage)],
            ),
            Statement(
                Sid="WriteOwnLogGroup",
                Effect=Allow,
                Action=[logs.CreateLogStream, logs.PutLogEvents],
                Resource=[GetAtt(naming.REDEPLOY_LOG_GROUP, "Arn")],
            ),
        ],
    )


def redeployer(cfg: Config, stage: Any, served_policy: dict[str, Any]) -> list[AWSObject]:
    """The function, its role and log group, and the custom resource; ``stage`` is the stage's
    name as the template refers to it (both flavours)."""
    if not needs_redeployer(cfg):
        return []
    role = Role(
        naming.REDEPLOY_ROLE,
        Description=f"Redeploys the {cfg.name} API's stage when its policy parameters change",
        AssumeRolePolicyDocument=policy.service_trust_policy("lambda.amazonaws.com"),
        Policies=[Policy(PolicyName="redeploy-this-stage", PolicyDocument=redeploy_policy(stage))],
        Tags=tags_for(cfg),
    )
    function = Function(
        naming.REDEPLOY_FUNCTION,
        Description=f"privgw: redeploys the {cfg.name} stage after a parameter-only update",
        Runtime=RUNTIME,
        Handler="index.handler",
        Code=Code(ZipFile=HANDLER_CODE),
        MemorySize=128,
        Timeout=60,
        Architectures=["arm64"],
        Role=GetAtt(naming.REDEPLOY_ROLE, "Arn"),
        LoggingConfig=LoggingConfig(LogGroup=Ref(naming.REDEPLOY_LOG_GROUP)),
        Tags=tags_for(cfg),
        **suppressions.metadata(
            suppressions.REDEPLOYER_WITHOUT_RESERVED_CONCURRENCY,
            suppressions.REDEPLOYER_WITHOUT_DLQ,
            suppressions.REDEPLOYER_OUTSIDE_VPC,
        ),
    )
    custom = RedeployResource(
        naming.REDEPLOY,
        ServiceToken=GetAtt(naming.REDEPLOY_FUNCTION, "Arn"),
        RestApiId=Ref(naming.API),
        StageName=stage,
        Served={"Policy": served_policy, "VpcEndpointIds": endpoint_ids(cfg)},
    )
    return [log_group(cfg, naming.REDEPLOY_LOG_GROUP, 30), role, function, custom]

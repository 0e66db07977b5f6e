"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py: no model for AWS::ApiGateway::Stage.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

from typing import Any

from tests.support.localaws.moto_compat.registry import Deploying, NamedModel, patch


@patch(
    "stage-resource",
    "AWS::ApiGateway::Stage is not modelled by moto's CloudFormation layer (Ref gives nothing, "
    "no stage exists); the patch creates it through moto's own create_stage, with the "
    "description, tags and tracing flag, and updates its deployment on stack updates.",
)
def _stage() -> None:
    from moto.core.common_models import CloudFormationModel

    class StageResource(NamedModel, CloudFormationModel):
        resource_type = "AWS::ApiGateway::Stage"

        def __init__(self, api_id: str, name: str) -> None:
            self.api_id, self.name = api_id, name

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> StageResource:
            where.backend("apigateway").create_stage(
                props["RestApiId"],
                props["StageName"],
                props["DeploymentId"],
                variables=props.get("Variables"),
                description=props.get("Description", ""),
                tags={t["Key"]: t["Value"] for t in props.get("Tags", [])} or None,
                tracing_enabled=props.get("TracingEnabled"),
            )
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def update(cls, props: dict[str, Any], where: Deploying) -> StageResource:
            where.backend("apigateway").update_stage(
                props["RestApiId"],
                props["StageName"],
                [{"op": "replace", "path": "/deploymentId", "value": props["DeploymentId"]}],
            )
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def delete(cls, props: dict[str, Any], where: Deploying) -> None:
            where.backend("apigateway").delete_stage(props["RestApiId"], props["StageName"])

    globals()["StageResource"] = StageResource

"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py: no model for AWS::ApiGateway::Stage.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.localaws.moto_compat.registry import NamedModel, patch


@patch(
    "stage-resource",
    "AWS::ApiGateway::Stage is not modelled by moto's CloudFormation layer (Ref gives nothing, "
    "no stage exists); the patch creates it through moto's own create_stage, with the "
    "description, tags and tracing flag, and updates its deployment on stack updates.",
)
def _stage() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")
    from moto.core.common_models import CloudFormationModel

    class StageResource(NamedModel, CloudFormationModel):
        resource_type = "AWS::ApiGateway::Stage"

        def __init__(self, api_id: str, name: str) -> None:
            self.api_id, self.name = api_id, name

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> StageResource:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            backend.create_stage(
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
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> StageResource:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            backend.update_stage(
                props["RestApiId"],
                props["StageName"],
                [{"op": "replace", "path": "/deploymentId", "value": props["DeploymentId"]}],
            )
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def delete_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> None:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            backend.delete_stage(props["RestApiId"], props["StageName"])

    globals()["StageResource"] = StageResource

"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py: no model for AWS::ApiGateway::Stage.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

from typing import Any

from tests.support.localaws.moto_compat.registry import Deploying, NamedModel, patch

#: A MethodSetting property and the UpdateStage path suffix that sets it.
_METHOD_SETTING_PATHS = {
    "MetricsEnabled": "metrics/enabled",
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
    "CacheDataEncrypted": "caching/dataEncrypted",
}


def _setting_operations(props: dict[str, Any]) -> list[dict[str, str]]:
    """The UpdateStage patch operations that say the stage's access log and method settings
    (a setting of /~1orders GET is at /~1orders/GET/..., every method's at /*/*/...)."""
    operations = []
    log = props.get("AccessLogSetting")
    if log:
        for key, name in (("DestinationArn", "destinationArn"), ("Format", "format")):
            value = str(log[key])
            operations.append(
                {"op": "replace", "path": f"/accessLogSettings/{name}", "value": value}
            )
    for setting in props.get("MethodSettings", []):
        where = f"/{setting['ResourcePath'][1:]}/{setting['HttpMethod']}"
        for key, suffix in _METHOD_SETTING_PATHS.items():
            if key in setting:
                value = setting[key]
                text = str(value).lower() if isinstance(value, bool) else str(value)
                operations.append({"op": "replace", "path": f"{where}/{suffix}", "value": text})
    return operations


@patch(
    "stage-resource",
    "AWS::ApiGateway::Stage is not modelled by moto's CloudFormation layer (Ref gives nothing, "
    "no stage exists); the patch creates it through moto's own create_stage, with the "
    "description, tags, tracing flag and cache cluster, applies the access log setting and "
    "method settings through moto's update_stage patch operations (the paths AWS's "
    "UpdateStage takes, such as /~1orders/GET/caching/enabled), and updates its deployment on "
    "stack updates.",
)
def _stage() -> None:
    from moto.core.common_models import CloudFormationModel

    class StageResource(NamedModel, CloudFormationModel):
        resource_type = "AWS::ApiGateway::Stage"

        def __init__(self, api_id: str, name: str) -> None:
            self.api_id, self.name = api_id, name

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> StageResource:
            backend = where.backend("apigateway")
            backend.create_stage(
                props["RestApiId"],
                props["StageName"],
                props["DeploymentId"],
                variables=props.get("Variables"),
                description=props.get("Description", ""),
                cacheClusterEnabled=props.get("CacheClusterEnabled"),
                cacheClusterSize=props.get("CacheClusterSize"),
                tags={t["Key"]: t["Value"] for t in props.get("Tags", [])} or None,
                tracing_enabled=props.get("TracingEnabled"),
            )
            operations = _setting_operations(props)
            if operations:
                backend.update_stage(props["RestApiId"], props["StageName"], operations)
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def update(cls, props: dict[str, Any], where: Deploying) -> StageResource:
            where.backend("apigateway").update_stage(
                props["RestApiId"],
                props["StageName"],
                [
                    {"op": "replace", "path": "/deploymentId", "value": props["DeploymentId"]},
                    *_setting_operations(props),
                ],
            )
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def delete(cls, props: dict[str, Any], where: Deploying) -> None:
            where.backend("apigateway").delete_stage(props["RestApiId"], props["StageName"])

    globals()["StageResource"] = StageResource

"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py: no models for AWS::ApiGateway::Authorizer,
ApiKey, UsagePlan, UsagePlanKey, GatewayResponse, RequestValidator and Model.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
import json
from typing import Any, ClassVar

from tests.support.localaws.moto_compat.registry import Deploying, NamedModel, patch


@patch(
    "access-control-resources",
    "moto's CloudFormation layer skips AWS::ApiGateway::Authorizer, ApiKey, UsagePlan, "
    "UsagePlanKey, GatewayResponse, RequestValidator and Model (the stack completes without "
    "them and a Method's AuthorizerId or RequestValidatorId refers to nothing). The patch "
    "creates each through moto's own apigateway calls (create_authorizer, create_api_key, "
    "create_usage_plan, create_usage_plan_key, put_gateway_response, "
    "create_request_validator, create_model), which refuse an unknown API or key as AWS "
    "does; Ref gives the id (the name for a Model), as in AWS.",
)
def _access_control() -> None:
    common: Any = importlib.import_module("moto.core.common_models")

    class Created(NamedModel):
        """A resource known by its id once moto's backend has made it (a mixin: moto finds
        models among CloudFormationModel's *direct* subclasses)."""

        resource_type: ClassVar[str] = ""
        physical_id_attribute = "id"

        def __init__(self, resource_id: str) -> None:
            self.id = resource_id

    class AuthorizerModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::Authorizer"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            made = where.backend("apigateway").create_authorizer(
                restapi_id=props["RestApiId"],
                name=props.get("Name", where.resource_name),
                authorizer_type=props["Type"],
                provider_arns=props.get("ProviderARNs"),
                authorizer_uri=props.get("AuthorizerUri"),
                identity_source=props.get("IdentitySource"),
                authorizer_result_ttl=props.get("AuthorizerResultTtlInSeconds"),
            )
            return cls(made.id)

    class ApiKeyModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::ApiKey"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            made = where.backend("apigateway").create_api_key(
                {
                    "name": props.get("Name"),
                    "description": props.get("Description"),
                    "enabled": bool(props.get("Enabled")),
                    "tags": {t["Key"]: t["Value"] for t in props.get("Tags", [])},
                }
            )
            return cls(made.id)

    class UsagePlanModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::UsagePlan"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            backend = where.backend("apigateway")
            stages = []
            for stage in props.get("ApiStages", []):
                backend.get_stage(stage["ApiId"], stage["Stage"])  # refuses an unknown stage
                stages.append({"apiId": stage["ApiId"], "stage": stage["Stage"]})
            throttle = props.get("Throttle") or {}
            quota = props.get("Quota") or {}
            made = backend.create_usage_plan(
                {
                    "name": props.get("UsagePlanName"),
                    "description": props.get("Description"),
                    "apiStages": stages,
                    "throttle": {
                        "rateLimit": throttle.get("RateLimit"),
                        "burstLimit": throttle.get("BurstLimit"),
                    }
                    if throttle
                    else None,
                    "quota": {"limit": quota.get("Limit"), "period": quota.get("Period")}
                    if quota
                    else None,
                }
            )
            return cls(made.id)

    class UsagePlanKeyModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::UsagePlanKey"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            where.backend("apigateway").create_usage_plan_key(
                props["UsagePlanId"], {"keyId": props["KeyId"], "keyType": props["KeyType"]}
            )
            return cls(f"{props['UsagePlanId']}:{props['KeyId']}")

    class GatewayResponseModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::GatewayResponse"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            where.backend("apigateway").put_gateway_response(
                rest_api_id=props["RestApiId"],
                response_type=props["ResponseType"],
                status_code=props.get("StatusCode"),
                response_parameters=props.get("ResponseParameters"),
                response_templates=props.get("ResponseTemplates"),
            )
            return cls(f"{props['RestApiId']}:{props['ResponseType']}")

    class RequestValidatorModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::RequestValidator"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            made = where.backend("apigateway").create_request_validator(
                restapi_id=props["RestApiId"],
                name=props.get("Name", where.resource_name),
                body=props.get("ValidateRequestBody"),
                params=props.get("ValidateRequestParameters"),
            )
            return cls(made.id)

    class ModelModel(Created, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::Model"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            made = where.backend("apigateway").create_model(
                rest_api_id=props["RestApiId"],
                name=props["Name"],
                content_type=props.get("ContentType", "application/json"),
                description=props.get("Description", ""),
                # Schema is JSON text or an object (AWS::ApiGateway::Model); stored as text
                schema=schema
                if isinstance(schema := props.get("Schema", {}), str)
                else json.dumps(schema),
            )
            return cls(made.name)

    # moto looks its models up through CloudFormationModel.__subclasses__(), which holds only
    # weak references: keep the classes alive
    globals().update(
        AuthorizerModel=AuthorizerModel,
        ApiKeyModel=ApiKeyModel,
        UsagePlanModel=UsagePlanModel,
        UsagePlanKeyModel=UsagePlanKeyModel,
        GatewayResponseModel=GatewayResponseModel,
        RequestValidatorModel=RequestValidatorModel,
        ModelModel=ModelModel,
    )

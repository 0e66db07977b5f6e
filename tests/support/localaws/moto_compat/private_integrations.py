"""Replaces: moto 5.2.5 moto/apigateway/models.py Method.create_from_cloudformation_json (reads
only Type, Uri and IntegrationHttpMethod, so a MOCK without a Uri fails with KeyError, a
VPC-link integration loses its connection and ContentHandling is dropped) and
Integration.to_json (no connectionId, integrationTarget or responseTransferMode);
moto/cloudformation/parsing.py: no model for AWS::ApiGatewayV2::VpcLink or
AWS::ApiGateway::VpcLink.

Drop this module when moto does what the reasons below say AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import Deploying, NamedModel, patch

#: Integration properties moto's Integration does not keep, with their API (get-method) names.
EXTRA_INTEGRATION_KEYS = {
    "ConnectionId": "connectionId",
    "IntegrationTarget": "integrationTarget",
    "ResponseTransferMode": "responseTransferMode",
    "CacheKeyParameters": "cacheKeyParameters",
}


def _refuse(message: str) -> Exception:
    exceptions: Any = importlib.import_module("moto.cloudformation.exceptions")
    return exceptions.ValidationError(message=message)  # type: ignore[no-any-return]


def check_connection(apigateway: Any, apigatewayv2: Any, integration: dict[str, Any]) -> None:
    """As AWS does: a VPC_LINK integration names a VPC link that exists, with the load balancer
    (IntegrationTarget) exactly when the link is a v2 one."""
    if integration.get("ConnectionType") != "VPC_LINK":
        return
    link = integration.get("ConnectionId")
    v1 = link in apigateway.vpc_links
    v2 = link in apigatewayv2.vpc_links
    if not (v1 or v2):
        raise _refuse(f"Invalid VPC link identifier specified: {link}")
    if v2 and not integration.get("IntegrationTarget"):
        raise _refuse("A VPC link V2 integration requires an integration target")
    if v1 and integration.get("IntegrationTarget"):
        raise _refuse("An integration target is only allowed with a VPC link V2")


def apply_integration(
    apigateway: Any,
    apigatewayv2: Any,
    location: tuple[str, str, str],
    integration: dict[str, Any],
) -> None:
    """Store a CloudFormation-cased Integration on the method at ``location`` (api id,
    resource id, HTTP method) through moto's own calls, keeping what moto's model lacks."""
    api_id, resource_id, http_method = location
    check_connection(apigateway, apigatewayv2, integration)
    stored = apigateway.put_integration(
        function_id=api_id,
        resource_id=resource_id,
        method_type=http_method,
        integration_type=integration["Type"],
        uri=integration.get("Uri", ""),
        integration_method=integration.get("IntegrationHttpMethod"),
        credentials=integration.get("Credentials"),
        request_templates=integration.get("RequestTemplates"),
        passthrough_behavior=integration.get("PassthroughBehavior"),
        timeout_in_millis=integration.get("TimeoutInMillis"),
        request_parameters=integration.get("RequestParameters"),
        connection_type=integration.get("ConnectionType"),
        content_handling=integration.get("ContentHandling"),
    )
    stored.privgw_extra = {
        api_name: integration[key]
        for key, api_name in EXTRA_INTEGRATION_KEYS.items()
        if key in integration
    }
    for response in integration.get("IntegrationResponses", []):
        apigateway.put_integration_response(
            function_id=api_id,
            resource_id=resource_id,
            method_type=http_method,
            status_code=response["StatusCode"],
            selection_pattern=response.get("SelectionPattern"),
            response_templates=dict(response.get("ResponseTemplates", {})),
            response_parameters=response.get("ResponseParameters"),
        )


@patch(
    "private-integrations",
    "AWS::ApiGateway::Method: moto's CloudFormation layer reads only the integration's Type, "
    "Uri and IntegrationHttpMethod (a MOCK, which has no Uri, fails with KeyError; a VPC-link "
    "integration loses ConnectionId and IntegrationTarget) and drops the authorizer, scopes, "
    "validator, models, method request parameters, method responses and integration "
    "responses; get-method shows no "
    "connectionId, integrationTarget, responseTransferMode or cacheKeyParameters; and "
    "AWS::ApiGatewayV2::VpcLink "
    "and AWS::ApiGateway::VpcLink have no model. The patch stores every integration "
    "property through moto's own "
    "put_method / put_integration / put_integration_response / put_method_response, creates "
    "VPC links v2 through moto's apigatewayv2 create_vpc_link after checking their subnets and "
    "security groups exist and VPC links v1 through moto's apigateway create_vpc_link, and "
    "refuses, as AWS does, an integration whose VPC link does not "
    "exist or whose IntegrationTarget does not match the link's version.",
)
def _private_integrations() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")
    common: Any = importlib.import_module("moto.core.common_models")

    def to_json(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original_to_json(self)
        result.update(getattr(self, "privgw_extra", {}))
        return result

    original_to_json = models.Integration.to_json
    models.Integration.to_json = to_json

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json["Properties"]
        where = Deploying(resource_name, account_id, region_name)
        apigateway = where.backend("apigateway")
        api_id, resource_id, http_method = (
            props["RestApiId"],
            props["ResourceId"],
            props["HttpMethod"],
        )
        method = apigateway.put_method(
            function_id=api_id,
            resource_id=resource_id,
            method_type=http_method,
            authorization_type=props["AuthorizationType"],
            api_key_required=props.get("ApiKeyRequired"),
            request_parameters=props.get("RequestParameters"),
            request_models=props.get("RequestModels"),
            authorizer_id=props.get("AuthorizerId"),
            authorization_scopes=props.get("AuthorizationScopes"),
            request_validator_id=props.get("RequestValidatorId"),
        )
        for response in props.get("MethodResponses", []):
            apigateway.put_method_response(
                function_id=api_id,
                resource_id=resource_id,
                method_type=http_method,
                response_code=response["StatusCode"],
                response_models=response.get("ResponseModels"),
                response_parameters=response.get("ResponseParameters"),
            )
        apply_integration(
            apigateway,
            where.backend("apigatewayv2"),
            (api_id, resource_id, http_method),
            props["Integration"],
        )
        return method

    models.Method.create_from_cloudformation_json = classmethod(create)

    class CreatedLink:
        """A VPC link a stack creates, known by its id (a mixin: moto finds models among the
        direct subclasses of CloudFormationModel only)."""

        physical_id_attribute = "id"

        def __init__(self, link_id: str) -> None:
            self.id = link_id

    class VpcLinkV2(CreatedLink, NamedModel, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGatewayV2::VpcLink"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            ec2 = where.backend("ec2")
            for subnet in props["SubnetIds"]:
                ec2.get_subnet(subnet)  # raises InvalidSubnetID.NotFound, as AWS refuses
            groups = props.get("SecurityGroupIds", [])
            if groups:
                ec2.describe_security_groups(group_ids=groups)  # raises when one is missing
            link = where.backend("apigatewayv2").create_vpc_link(
                name=props["Name"],
                sg_ids=groups,
                subnet_ids=props["SubnetIds"],
                tags=props.get("Tags") or {},
            )
            return cls(link.id)

    class VpcLinkV1(CreatedLink, NamedModel, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::VpcLink"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            link = where.backend("apigateway").create_vpc_link(
                name=props["Name"],
                description=props.get("Description", ""),
                target_arns=props["TargetArns"],
                tags={t["Key"]: t["Value"] for t in props.get("Tags") or []},
            )
            return cls(link.id)

    globals()["VpcLinkV2"] = VpcLinkV2  # moto's registry holds models weakly
    globals()["VpcLinkV1"] = VpcLinkV1


def from_openapi(integration: dict[str, Any]) -> dict[str, Any]:
    """An ``x-amazon-apigateway-integration`` object in CloudFormation's casing."""
    result: dict[str, Any] = {}
    for key, value in integration.items():
        if key == "httpMethod":
            result["IntegrationHttpMethod"] = value
        elif key == "responses":
            result["IntegrationResponses"] = [
                {**{k[0].upper() + k[1:]: v for k, v in response.items()}}
                | ({} if pattern == "default" else {"SelectionPattern": pattern})
                for pattern, response in value.items()
            ]
        elif key in ("type", "passthroughBehavior"):
            result[key[0].upper() + key[1:]] = value.upper()
        else:
            result[key[0].upper() + key[1:]] = value
    return result


def apply_openapi_integrations(
    apigateway: Any, apigatewayv2: Any, api: Any, body: dict[str, Any]
) -> None:
    """What moto's OpenAPI import leaves out: each operation's integration (a SAM Body)."""
    by_path = {resource.get_path(): resource.id for resource in api.resources.values()}
    for path, operations in body.get("paths", {}).items():
        for key, operation in operations.items():
            integration = operation.get("x-amazon-apigateway-integration")
            if integration is None:
                continue
            method = "ANY" if key == "x-amazon-apigateway-any-method" else key.upper()
            apply_integration(
                apigateway, apigatewayv2, (api.id, by_path[path], method), from_openapi(integration)
            )


def apply_openapi_access(apigateway: Any, api: Any, body: dict[str, Any]) -> None:
    """What moto's OpenAPI import leaves out of access control (a SAM Body): gateway
    responses, authorizers (security schemes with x-amazon-apigateway-authorizer), request
    validators, and each operation's authorizer, API key and validator."""
    for kind, response in body.get("x-amazon-apigateway-gateway-responses", {}).items():
        apigateway.put_gateway_response(
            rest_api_id=api.id,
            response_type=kind,
            status_code=response.get("statusCode"),
            response_parameters=response.get("responseParameters"),
            response_templates=response.get("responseTemplates"),
        )
    authorizers: dict[str, Any] = {}
    schemes = (body.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in schemes.items():
        spec = scheme.get("x-amazon-apigateway-authorizer")
        if spec is None:
            continue
        authorizers[name] = apigateway.create_authorizer(
            restapi_id=api.id,
            name=name,
            authorizer_type=spec["type"].upper(),
            provider_arns=spec.get("providerARNs"),
            authorizer_uri=spec.get("authorizerUri"),
            identity_source=spec.get("identitySource"),
            authorizer_result_ttl=spec.get("authorizerResultTtlInSeconds"),
        )
    validators = {
        name: apigateway.create_request_validator(
            restapi_id=api.id,
            name=name,
            body=spec.get("validateRequestBody"),
            params=spec.get("validateRequestParameters"),
        )
        for name, spec in body.get("x-amazon-apigateway-request-validators", {}).items()
    }
    by_path = {resource.get_path(): resource for resource in api.resources.values()}
    for path, operations in body.get("paths", {}).items():
        for key, operation in operations.items():
            method_type = "ANY" if key == "x-amazon-apigateway-any-method" else key.upper()
            method = by_path[path].resource_methods[method_type]
            for requirement in operation.get("security", []):
                for scheme_name, scopes in requirement.items():
                    scheme = schemes[scheme_name]
                    if scheme_name in authorizers:
                        method.authorizer_id = authorizers[scheme_name].id
                        method.authorization_type = (
                            "CUSTOM"
                            if scheme["x-amazon-apigateway-authtype"] == "custom"
                            else "COGNITO_USER_POOLS"
                        )
                        method.authorization_scopes = scopes or None
                    elif scheme.get("x-amazon-apigateway-authtype") == "awsSigv4":
                        method.authorization_type = "AWS_IAM"
                    else:
                        method.api_key_required = True
            validator = operation.get("x-amazon-apigateway-request-validator")
            if validator:
                method.request_validator_id = validators[validator].id

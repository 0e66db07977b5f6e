"""Replaces: moto 5.2.5 moto/apigateway/models.py RestAPI.create_from_cloudformation_json (drops
Policy, keeps CloudFormation casing) and the missing update_from_cloudformation_json.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from tests.support.localaws.moto_compat.private_integrations import (
    apply_openapi_access,
    apply_openapi_integrations,
)
from tests.support.localaws.moto_compat.registry import patch


def _tls(props: dict[str, Any]) -> dict[str, str]:
    """SecurityPolicy and EndpointAccessMode in get-rest-api's casing."""
    names = {"SecurityPolicy": "securityPolicy", "EndpointAccessMode": "endpointAccessMode"}
    return {api: props[cfn] for cfn, api in names.items() if props.get(cfn)}


@patch(
    "rest-api-properties",
    "AWS::ApiGateway::RestApi: moto's CloudFormation layer drops Policy and keeps "
    "EndpointConfiguration in CloudFormation casing, so get-rest-api shows neither, and it "
    "cannot update a RestApi at all (a changed policy left the stack without its API); the "
    "patch passes both (API casing) to moto's own create_rest_api, an OpenAPI Body (SAM) to "
    "its put_rest_api (overwrite mode, x-amazon-apigateway-any-method as ANY) and each "
    "operation's x-amazon-apigateway-integration (which that import fails on for a MOCK and "
    "stores without a VPC link's target) to the private-integrations patch's put_integration, "
    "and the definition's gateway responses, authorizers, request validators and each "
    "operation's security and validator (which that import ignores) to moto's own calls, "
    "keeps BinaryMediaTypes (or the definition's x-amazon-apigateway-binary-media-types), "
    "SecurityPolicy and EndpointAccessMode (which moto's model lacks; get-rest-api shows it), "
    "and updates policy, endpoint configuration, binary media types and TLS settings in place "
    "on stack updates, as AWS does.",
)
def _rest_api() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")

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
        backend = models.apigateway_backends[account_id][region_name]
        config = props.get("EndpointConfiguration")
        api_config = None
        if config:
            api_config = {"types": config.get("Types", [])}
            if config.get("VpcEndpointIds"):
                api_config["vpcEndpointIds"] = config["VpcEndpointIds"]
        body = props.get("Body")
        policy = props.get("Policy") or (body or {}).get("x-amazon-apigateway-policy")
        api = backend.create_rest_api(
            name=props.get("Name") or (body or {}).get("info", {}).get("title") or resource_name,
            description=props.get("Description", ""),
            endpoint_configuration=api_config,
            policy=json.dumps(policy) if policy is not None else None,
            tags=props.get("Tags") and {t["Key"]: t["Value"] for t in props["Tags"]},
        )
        api.privgw_tls = _tls(props)
        api.binaryMediaTypes = list(
            props.get("BinaryMediaTypes")
            or (body or {}).get("x-amazon-apigateway-binary-media-types")
            or []
        )
        if body:
            doc = json.loads(json.dumps(body))
            for operations in doc.get("paths", {}).values():
                if "x-amazon-apigateway-any-method" in operations:
                    operations["ANY"] = operations.pop("x-amazon-apigateway-any-method")
                for key in [k for k in operations if k.startswith("x-") or k == "parameters"]:
                    operations.pop(key)
                for operation in operations.values():  # applied below, MOCK included
                    operation.pop("x-amazon-apigateway-integration", None)
            backend.put_rest_api(api.id, doc, fail_on_warnings=False, mode="overwrite")
            v2: Any = importlib.import_module("moto.apigatewayv2.models")
            apply_openapi_integrations(
                backend, v2.apigatewayv2_backends[account_id][region_name], api, body
            )
            apply_openapi_access(backend, api, body)
        return api

    def update(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Policy, EndpointConfiguration, BinaryMediaTypes, Name and Description update in
        place, as in AWS."""
        props = cloudformation_json["Properties"]
        config = props.get("EndpointConfiguration")
        if config:
            original_resource.endpoint_configuration = {"types": config.get("Types", [])}
            if config.get("VpcEndpointIds"):
                original_resource.endpoint_configuration["vpcEndpointIds"] = config[
                    "VpcEndpointIds"
                ]
        if props.get("Policy") is not None:
            original_resource.policy = json.dumps(props["Policy"])
        original_resource.binaryMediaTypes = list(props.get("BinaryMediaTypes") or [])
        original_resource.privgw_tls = _tls(props)
        original_resource.name = props.get("Name", original_resource.name)
        original_resource.description = props.get("Description", "")
        return original_resource

    def to_dict(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original_to_dict(self)
        result.update(getattr(self, "privgw_tls", {}))
        return result

    original_to_dict = models.RestAPI.to_dict
    models.RestAPI.to_dict = to_dict
    models.RestAPI.create_from_cloudformation_json = classmethod(create)
    models.RestAPI.update_from_cloudformation_json = classmethod(update)

"""The running API's resources as CloudFormation properties, value for value.

A CloudFormation import (``--adopt``) takes each resource as it runs; the template that
imports it must say what runs, not what privgw would build, or the stack starts out drifted
(AWS CloudFormation User Guide, "Import AWS resources into a CloudFormation stack manually").
So these properties are read from the snapshot, with the live ids written out (an imported
resource's id is what it is; the update after the import puts privgw's ``Ref``s back, which
resolve to the same ids). Values API Gateway reports for a setting nobody made (false, empty,
the cache namespace it derives from the resource id) are left out: CloudFormation's default
is the same value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from privgw.importing.policy import parse_policy


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def is_set(value: Any) -> bool:
    """A value someone set: API Gateway answers false and empty for settings never made."""
    return value not in (None, False, "", [], {})


def _fields(live: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``names`` of ``live`` that are set, under CloudFormation's (PascalCase) names."""
    return {_pascal(n): live[n] for n in names if is_set(live.get(n))}


def _responses(live: Mapping[str, Any] | None, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """A method's or integration's responses (a map keyed by status) as CloudFormation's list."""
    return [_fields(r, ("statusCode", *names)) for _, r in sorted((live or {}).items())]


def rest_api(api: Mapping[str, Any]) -> dict[str, Any]:
    """AWS::ApiGateway::RestApi as ``get-rest-api`` answers."""
    props = _fields(
        api,
        (
            "name",
            "description",
            "binaryMediaTypes",
            "minimumCompressionSize",
            "disableExecuteApiEndpoint",
        ),
    )
    if api.get("apiKeySource") not in (None, "HEADER"):
        props["ApiKeySourceType"] = api["apiKeySource"]
    endpoint = api.get("endpointConfiguration") or {}
    props["EndpointConfiguration"] = _fields(endpoint, ("types", "vpcEndpointIds"))
    policy = parse_policy(api.get("policy"))
    if policy is not None:
        props["Policy"] = policy
    if api.get("tags"):
        props["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(api["tags"].items())]
    return props


def resource(api_id: str, live: Mapping[str, Any], by_path: Mapping[str, str]) -> dict[str, Any]:
    """AWS::ApiGateway::Resource (never the root, which the RestApi makes); ``by_path``: each
    live resource's id, for a snapshot that has paths only."""
    above, part = str(live["path"]).rsplit("/", 1)
    parent = live.get("parentId") or by_path[above or "/"]
    return {"RestApiId": api_id, "ParentId": parent, "PathPart": live.get("pathPart") or part}


def method(api_id: str, resource_id: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """AWS::ApiGateway::Method with its integration, as ``get-method`` answers."""
    props: dict[str, Any] = {"RestApiId": api_id, "ResourceId": resource_id}
    props |= _fields(
        live,
        (
            "httpMethod",
            "authorizationType",
            "authorizerId",
            "apiKeyRequired",
            "requestValidatorId",
            "operationName",
            "requestParameters",
            "requestModels",
            "authorizationScopes",
        ),
    )
    responses = _responses(live.get("methodResponses"), ("responseParameters", "responseModels"))
    if responses:
        props["MethodResponses"] = responses
    integration = live.get("methodIntegration")
    if integration:
        wire = _fields(
            integration,
            (
                "type",
                "uri",
                "connectionType",
                "connectionId",
                "credentials",
                "requestParameters",
                "requestTemplates",
                "passthroughBehavior",
                "contentHandling",
                "timeoutInMillis",
                "cacheKeyParameters",
            ),
        )
        if integration.get("httpMethod"):
            wire["IntegrationHttpMethod"] = integration["httpMethod"]
        if integration.get("cacheNamespace") not in (None, resource_id):
            wire["CacheNamespace"] = integration["cacheNamespace"]
        if (integration.get("tlsConfig") or {}).get("insecureSkipVerification"):
            wire["TlsConfig"] = {"InsecureSkipVerification": True}
        answers = _responses(
            integration.get("integrationResponses"),
            ("selectionPattern", "responseParameters", "responseTemplates", "contentHandling"),
        )
        if answers:
            wire["IntegrationResponses"] = answers
        props["Integration"] = wire
    return props


#: A stage's per-method settings CloudFormation's MethodSetting can say.
_SETTINGS = (
    "metricsEnabled",
    "loggingLevel",
    "dataTraceEnabled",
    "throttlingBurstLimit",
    "throttlingRateLimit",
    "cachingEnabled",
    "cacheTtlInSeconds",
    "cacheDataEncrypted",
)


def _method_setting(key: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """``~1orders/GET`` (the stage's key) as ResourcePath ``/~1orders`` and HttpMethod ``GET``."""
    path, verb = key.rsplit("/", 1)
    setting = {"ResourcePath": "/" + path, "HttpMethod": verb}
    setting |= {_pascal(n): live[n] for n in _SETTINGS if n in live}
    return setting


def stage(api_id: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """AWS::ApiGateway::Stage on the deployment it serves now."""
    props: dict[str, Any] = {"RestApiId": api_id, "StageName": live["stageName"]}
    props |= _fields(
        live,
        (
            "deploymentId",
            "description",
            "cacheClusterEnabled",
            "clientCertificateId",
            "documentationVersion",
            "tracingEnabled",
            "variables",
        ),
    )
    if live.get("cacheClusterEnabled") and live.get("cacheClusterSize"):
        props["CacheClusterSize"] = live["cacheClusterSize"]
    logs = live.get("accessLogSettings") or {}
    if logs.get("destinationArn"):
        props["AccessLogSetting"] = _fields(logs, ("destinationArn", "format"))
    settings = [
        _method_setting(k, v) for k, v in sorted((live.get("methodSettings") or {}).items())
    ]
    if settings:
        props["MethodSettings"] = settings
    if live.get("tags"):
        props["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(live["tags"].items())]
    return props


def authorizer(api_id: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """AWS::ApiGateway::Authorizer."""
    props = {"RestApiId": api_id}
    props |= _fields(
        live,
        (
            "name",
            "type",
            "providerARNs",
            "authType",
            "authorizerUri",
            "authorizerCredentials",
            "identitySource",
            "identityValidationExpression",
        ),
    )
    if live.get("authorizerResultTtlInSeconds") is not None:
        props["AuthorizerResultTtlInSeconds"] = live["authorizerResultTtlInSeconds"]
    return props


def model(api_id: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """AWS::ApiGateway::Model, its schema as the object the string holds."""
    props = {"RestApiId": api_id, **_fields(live, ("name", "description", "contentType"))}
    if live.get("schema"):
        props["Schema"] = json.loads(live["schema"])
    return props


def validator(api_id: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """AWS::ApiGateway::RequestValidator (false is a setting here: both flags are said)."""
    return {
        "RestApiId": api_id,
        "Name": live.get("name", ""),
        "ValidateRequestBody": bool(live.get("validateRequestBody")),
        "ValidateRequestParameters": bool(live.get("validateRequestParameters")),
    }

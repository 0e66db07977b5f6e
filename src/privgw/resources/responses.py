"""Gateway responses: privgw's answers for the failures that confuse private-API callers most,
the config's own over them, with the CORS headers when ``cors`` names one origin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import Ref
from troposphere.apigateway import GatewayResponse

from privgw import naming
from privgw.config import Config
from privgw.resources.auth import authorizer_specs
from privgw.resources.cors import cors_response_headers

_REQUEST_ID = '"requestId": "$context.requestId"'
#: privgw's answers for the failures that confuse private-API callers most (API Gateway
#: developer guide, "Gateway response types"); $context.error.messageString is the message
#: already quoted for JSON.
DEFAULT_RESPONSES: dict[str, tuple[int, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (
        403,
        '{"message": "Missing Authentication Token: no such route or stage, a call to the wrong '
        "API id (check the path, the stage and the Host or x-apigw-api-id header), or an "
        'unsigned call to an IAM-authorized route", ' + _REQUEST_ID + "}",
    ),
    "ACCESS_DENIED": (
        403,
        '{"message": "Access denied by the resource policy or the authorizer: call through an '
        'allowed VPC endpoint or VPC, with valid credentials", "error": '
        "$context.error.messageString, " + _REQUEST_ID + "}",
    ),
}
AUTHORIZER_RESPONSES: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (
        401,
        '{"message": "Unauthorized: the authorizer found no valid token in this call", '
        + _REQUEST_ID
        + "}",
    ),
    "AUTHORIZER_FAILURE": (
        500,
        '{"message": "The authorizer failed (see its function\'s log)", ' + _REQUEST_ID + "}",
    ),
    "AUTHORIZER_CONFIGURATION_ERROR": (
        500,
        '{"message": "The authorizer is misconfigured or could not be invoked", '
        + _REQUEST_ID
        + "}",
    ),
}


@dataclass(frozen=True)
class ResponseSpec:
    """One gateway response as both flavours write it."""

    response_type: str
    status: int | None
    content_type: str
    body: str
    headers: dict[str, str]

    @property
    def logical_id(self) -> str:
        return naming.gateway_response_id(self.response_type)


def gateway_response_specs(cfg: Config) -> list[ResponseSpec]:
    """privgw's defaults (the authorizer ones only when an authorizer is used), the config's
    own answers over them, each with the CORS headers when ``cors`` names one origin."""
    defaults = dict(DEFAULT_RESPONSES)
    if authorizer_specs(cfg):
        defaults.update(AUTHORIZER_RESPONSES)
    specs = {
        kind: ResponseSpec(kind, status, "application/json", body, {})
        for kind, (status, body) in defaults.items()
    }
    for kind, response in cfg.gateway_responses.items():
        specs[kind] = ResponseSpec(
            kind, response.status, response.content_type, response.body, dict(response.headers)
        )
    cors = cors_response_headers(cfg)
    return [
        ResponseSpec(s.response_type, s.status, s.content_type, s.body, {**cors, **s.headers})
        for _, s in sorted(specs.items())
    ]


def gateway_responses(cfg: Config) -> list[GatewayResponse]:
    result = []
    for spec in gateway_response_specs(cfg):
        extra: dict[str, Any] = {}
        if spec.status is not None:
            extra["StatusCode"] = str(spec.status)
        if spec.headers:
            extra["ResponseParameters"] = {
                f"gatewayresponse.header.{k}": f"'{v}'" for k, v in sorted(spec.headers.items())
            }
        result.append(
            GatewayResponse(
                spec.logical_id,
                RestApiId=Ref(naming.API),
                ResponseType=spec.response_type,
                ResponseTemplates={spec.content_type: spec.body},
                **extra,
            )
        )
    return result


def openapi_gateway_responses(cfg: Config) -> dict[str, Any]:
    """The same gateway responses as ``x-amazon-apigateway-gateway-responses`` (API Gateway
    developer guide, "x-amazon-apigateway-gateway-responses object"), for the body form: a
    GatewayResponse resource beside a RestApi Body would be overwritten by the next
    PutRestApi (cfn-lint W3660)."""
    result: dict[str, Any] = {}
    for spec in gateway_response_specs(cfg):
        response: dict[str, Any] = {"responseTemplates": {spec.content_type: spec.body}}
        if spec.status is not None:
            response["statusCode"] = str(spec.status)
        if spec.headers:
            response["responseParameters"] = {
                f"gatewayresponse.header.{k}": f"'{v}'" for k, v in sorted(spec.headers.items())
            }
        result[spec.response_type] = response
    return dict(sorted(result.items()))

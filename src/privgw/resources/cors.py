"""CORS for browser callers: the generated OPTIONS methods (a MOCK answering 204 with the
CORS headers, one per path the resolved model says needs one) and the headers gateway
responses carry."""

from __future__ import annotations

from typing import Any

from troposphere import Ref
from troposphere.apigateway import Integration, IntegrationResponse, Method, MethodResponse

from privgw import naming, suppressions
from privgw.config import Config
from privgw.model import resolve_api


def cors_response_headers(cfg: Config) -> dict[str, str]:
    """The static CORS headers for gateway responses: only with one origin (or *), since a
    static header cannot pick among several."""
    cors = cfg.cors
    if cors is None or len(cors.allow_origins) != 1:
        return {}
    headers = {"Access-Control-Allow-Origin": cors.allow_origins[0]}
    if cors.allow_credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    return headers


def preflight_integration(cfg: Config, methods: list[str]) -> Integration:
    """A MOCK answering 204 with the CORS headers; several origins: the caller's Origin is
    echoed only when listed (a mapping template sets the header)."""
    cors = cfg.cors
    assert cors is not None
    params = {
        "method.response.header.Access-Control-Allow-Methods": f"'{','.join(methods)}'",
        "method.response.header.Access-Control-Allow-Headers": f"'{','.join(cors.allow_headers)}'",
        "method.response.header.Access-Control-Max-Age": f"'{cors.max_age}'",
    }
    template = ""
    if len(cors.allow_origins) == 1:
        params["method.response.header.Access-Control-Allow-Origin"] = f"'{cors.allow_origins[0]}'"
    else:
        listed = " || ".join(f'$origin == "{o}"' for o in cors.allow_origins)
        template = (
            '#set($origin = $input.params("Origin"))\n'
            f"#if({listed})\n"
            "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n"
            "#end"
        )
    if cors.allow_credentials:
        params["method.response.header.Access-Control-Allow-Credentials"] = "'true'"
    return Integration(
        Type="MOCK",
        PassthroughBehavior="NEVER",
        RequestTemplates={"application/json": '{"statusCode": 204}'},
        IntegrationResponses=[
            IntegrationResponse(
                StatusCode="204",
                ResponseParameters=dict(sorted(params.items())),
                ResponseTemplates={"application/json": template},
            )
        ],
    )


def preflight_headers(cfg: Config) -> list[str]:
    """The headers a preflight answer declares (the origin one even when a template sets it)."""
    cors = cfg.cors
    assert cors is not None
    names = [
        "Access-Control-Allow-Headers",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin",
        "Access-Control-Max-Age",
    ]
    if cors.allow_credentials:
        names.append("Access-Control-Allow-Credentials")
    return sorted(names)


def preflight_methods(cfg: Config, resource_ref: Any) -> list[Method]:
    """The generated OPTIONS methods (the model's preflights); ``resource_ref(segments)`` is
    the path's Resource."""
    return [
        Method(
            naming.method_id(m.segments, "OPTIONS"),
            RestApiId=Ref(naming.API),
            ResourceId=resource_ref(m.segments),
            HttpMethod="OPTIONS",
            AuthorizationType="NONE",
            Integration=preflight_integration(cfg, list(m.allow_methods)),
            MethodResponses=[
                MethodResponse(
                    StatusCode="204",
                    ResponseParameters={
                        f"method.response.header.{h}": False for h in preflight_headers(cfg)
                    },
                )
            ],
            **suppressions.metadata(suppressions.METHOD_WITHOUT_AUTHORIZER),
        )
        for m in resolve_api(cfg).methods
        if m.is_preflight
    ]

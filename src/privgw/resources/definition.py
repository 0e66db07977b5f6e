"""The API's body form (``api_definition: body``): the whole API as one OpenAPI ``Body`` on the
RestApi (the same definition the SAM flavour's ``DefinitionBody`` holds), so the template's
resource count no longer grows with the routes. CloudFormation's 500 resources otherwise cap
an API near 244 routes (a Resource and a Method each); API Gateway's own limits (300
resources per API, adjustable) still hold.

Everything a stage serves is in the body: methods, integrations, authorizers, validators,
models and gateway responses. A separate resource of those types beside a Body would be
overwritten by the next PutRestApi (cfn-lint W3660). The policy, the endpoint configuration,
binary media types and TLS stay RestApi properties, exactly as in the resources form.
"""

from __future__ import annotations

from collections.abc import Sequence

from troposphere import AWSObject, Ref
from troposphere.apigateway import RestApi

from privgw import naming
from privgw.config import Config
from privgw.resources import api, keys, openapi, responses, stage
from privgw.resources.existing_function import existing_permissions


def body_rest_api(cfg: Config) -> RestApi:
    """The RestApi of the resources form, with every route in its Body."""
    rest_api = api.rest_api(cfg)
    body = openapi.openapi_definition(cfg, always=True)
    assert body is not None, "always a definition"
    gateway_responses = responses.openapi_gateway_responses(cfg)
    if gateway_responses:
        body["x-amazon-apigateway-gateway-responses"] = gateway_responses
    rest_api.Body = body
    return rest_api


def body_api(
    cfg: Config, functions: list[AWSObject], links: Sequence[AWSObject]
) -> list[AWSObject]:
    """The functions, the RestApi with its Body, one invoke permission per function, the
    Deployment of the body (its hash covers the Body, so any change reaches the stage) and the
    stage."""
    rest_api = body_rest_api(cfg)
    deployment = api.deployment(cfg, rest_api, [], [], links)
    return [
        *functions,
        rest_api,
        *api.invoke_permissions(cfg),
        *existing_permissions(cfg),
        deployment,
        *keys.api_key_resources(cfg, Ref(naming.STAGE)),
        stage.stage(cfg, str(deployment.title)),
    ]

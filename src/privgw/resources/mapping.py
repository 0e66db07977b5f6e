"""Non-proxy integrations (``routes[].integration``): the route's proxy integration turned into
an ``AWS`` (function) or ``HTTP`` (backend) one with request templates, parameter mappings,
passthrough behaviour and selected responses, and the method responses and request parameters
those need (API Gateway developer guide, "Set up integration responses": every status an
integration response sends must be a method response, every header it maps declared there).
Shared by both flavours: the SAM flavour's OpenAPI operation carries the same integration."""

from __future__ import annotations

from typing import Any

from troposphere.apigateway import Integration, IntegrationResponse, MethodResponse

from privgw.config.mapping import Mapping

#: A proxy integration's type, and what it becomes when the route maps its request and answer.
NON_PROXY = {"AWS_PROXY": "AWS", "HTTP_PROXY": "HTTP"}


def _header(name: str) -> str:
    return f"method.response.header.{name}"


def mapped(integration: Integration, mapping: Mapping) -> Integration:
    """``integration`` with the mapping's templates, parameters and responses."""
    given = integration.properties
    integration.Type = NON_PROXY[given["Type"]]
    parameters = {**given.get("RequestParameters", {}), **mapping.request_parameters}
    if parameters:
        integration.RequestParameters = dict(sorted(parameters.items()))
    if mapping.request_templates:
        integration.RequestTemplates = dict(sorted(mapping.request_templates.items()))
    integration.PassthroughBehavior = mapping.passthrough
    responses = []
    for response in mapping.responses:
        fields: dict[str, Any] = {"StatusCode": str(response.status)}
        if response.pattern:
            fields["SelectionPattern"] = response.pattern
        if response.headers:
            fields["ResponseParameters"] = {
                _header(k): v for k, v in sorted(response.headers.items())
            }
        if response.templates:
            fields["ResponseTemplates"] = dict(sorted(response.templates.items()))
        responses.append(IntegrationResponse(**fields))
    integration.IntegrationResponses = responses
    return integration


def mapped_method_responses(mapping: Mapping) -> list[MethodResponse]:
    """One method response per answer, declaring its headers and models."""
    declared = []
    for response in mapping.responses:
        fields: dict[str, Any] = {"StatusCode": str(response.status)}
        if response.headers:
            fields["ResponseParameters"] = {_header(k): False for k in sorted(response.headers)}
        if response.models:
            fields["ResponseModels"] = dict(sorted(response.models.items()))
        declared.append(MethodResponse(**fields))
    return declared


def mapped_method_parameters(mapping: Mapping) -> dict[str, bool]:
    """The method request parameters the mappings read: path parameters are always there
    (required), the others optional unless the route requires them."""
    return {name: name.startswith("method.request.path.") for name in mapping.method_parameters()}

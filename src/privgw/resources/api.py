"""The PRIVATE REST API: resources, a method per route (Lambda proxy, VPC-link backend or mock),
one Lambda permission per function, deployment, stage."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from troposphere import AWSObject, GetAtt, Ref, Sub
from troposphere.apigateway import (
    Deployment,
    EndpointConfiguration,
    Integration,
    IntegrationResponse,
    Method,
    MethodResponse,
    Resource,
    RestApi,
)
from troposphere.awslambda import Permission

from privgw import naming
from privgw.config import Config
from privgw.config.api import Mock
from privgw.model import ApiMethod, resolve_api
from privgw.resources import (
    auth,
    backend,
    cors,
    existing_function,
    mapping,
    parameters,
    policy,
    service,
)
from privgw.resources.common import execute_api_arn, tags_for
from privgw.resources.network import endpoint_ids, endpoint_list
from privgw.resources.tls import tls_properties

#: Lambda proxy URIs: Invoke, or InvokeWithResponseStream for a streamed response (API Gateway
#: developer guide, "Set up a Lambda proxy integration with payload response streaming").
LAMBDA_PROXY_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "${%s.Arn}/invocations"
)
LAMBDA_STREAMING_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2021-11-15/functions/"
    "${%s.Arn}/response-streaming-invocations"
)


def api_description(cfg: Config) -> str:
    return cfg.description or f"Private API {cfg.name}, reachable only via VPC endpoints"


def resource_policy(cfg: Config) -> dict[str, Any]:
    """The API's resource policy, the same document in both flavours."""
    return policy.as_dict(
        policy.api_resource_policy(
            endpoint_ids(cfg),
            vpc_ids=parameters.values(cfg, parameters.ALLOWED_VPC, cfg.access.vpc_ids),
            source_cidrs=cfg.access.source_cidrs,
            principals=parameters.values(
                cfg, parameters.ALLOWED_PRINCIPAL, cfg.access.iam_principals
            ),
            own_account=Ref("AWS::AccountId") if _signs(cfg) else None,
        )
    )


def _signs(cfg: Config) -> bool:
    """Whether some route takes IAM (SigV4) callers."""
    return any(m.auth == "iam" for m in resolve_api(cfg).routes)


def rest_api(cfg: Config) -> RestApi:
    """PRIVATE, reachable through the listed endpoints, with the deny-by-default policy."""
    ids = endpoint_ids(cfg)
    config = EndpointConfiguration(Types=["PRIVATE"], **endpoint_list("VpcEndpointIds", ids))
    return RestApi(
        naming.API,
        Name=cfg.name,
        Description=api_description(cfg),
        EndpointConfiguration=config,
        Policy=resource_policy(cfg),
        Tags=tags_for(cfg),
        **binary_media_types(cfg),
        **tls_properties(cfg.tls),
    )


def binary_media_types(cfg: Config) -> dict[str, Any]:
    """``BinaryMediaTypes`` when the config names any (the same list in both flavours)."""
    return {"BinaryMediaTypes": list(cfg.binary_media_types)} if cfg.binary_media_types else {}


def target_integration(cfg: Config, method: ApiMethod) -> Integration:
    """The integration of a function or backend route, with the route's content handling."""
    route, target = method.route, method.target
    assert route is not None, "a route's method"
    assert target.name is not None, "a function or backend"
    if target.kind == "backend":
        integration = backend.backend_integration(cfg, target.name, route)
    elif target.kind == "existing_function":
        integration = existing_function.existing_integration(cfg, target.name)
    elif target.kind == "service":
        integration = service.service_integration(cfg, target.name)
    else:
        integration = lambda_integration(cfg, target.name)
    if route.content_handling is not None:
        integration.ContentHandling = route.content_handling
    if route.integration is not None:
        integration = mapping.mapped(integration, route.integration)
    if route.cache is not None and route.cache.key_parameters:
        integration.CacheKeyParameters = list(route.cache.key_parameters)
    return integration


def _parent_id(segments: Sequence[str]) -> Any:
    if len(segments) == 1:
        return GetAtt(naming.API, "RootResourceId")
    return Ref(naming.resource_id(segments[:-1]))


def _resource_ref(segments: Sequence[str]) -> Any:
    return (
        GetAtt(naming.API, "RootResourceId") if not segments else Ref(naming.resource_id(segments))
    )


def api_resources(cfg: Config) -> list[Resource]:
    """One Resource per path segment prefix the routes use, parents before children."""
    return [
        Resource(
            naming.resource_id(node),
            RestApiId=Ref(naming.API),
            ParentId=_parent_id(node),
            PathPart=node[-1],
        )
        for node in resolve_api(cfg).resources
        if node
    ]


def lambda_integration(cfg: Config, name: str) -> Integration:
    """A Lambda proxy integration; API Gateway waits as long as the function says (``wait_ms``)."""
    fn = cfg.all_functions[name]
    function_id = naming.function_ids(name).function
    extra: dict[str, Any] = {}
    if fn.response_streaming:
        extra["ResponseTransferMode"] = "STREAM"
    uri = LAMBDA_STREAMING_URI if fn.response_streaming else LAMBDA_PROXY_URI
    return Integration(
        Type="AWS_PROXY",
        IntegrationHttpMethod="POST",
        Uri=Sub(uri % function_id),
        TimeoutInMillis=fn.wait_ms,
        **extra,
    )


def mock_integration(mock: Mock) -> tuple[Integration, list[MethodResponse]]:
    """API Gateway answers by itself: the request template picks the status, the response
    template is the body, headers are static values. Other request content types get 415
    (PassthroughBehavior NEVER), so a body is never read as the mock's selector."""
    headers = {f"method.response.header.{k}": f"'{v}'" for k, v in sorted(mock.headers.items())}
    status = str(mock.status)
    response: dict[str, Any] = {
        "StatusCode": status,
        "ResponseTemplates": {mock.content_type: mock.body},
    }
    if headers:
        response["ResponseParameters"] = headers
    integration = Integration(
        Type="MOCK",
        PassthroughBehavior="NEVER",
        RequestTemplates={"application/json": json.dumps({"statusCode": mock.status})},
        IntegrationResponses=[IntegrationResponse(**response)],
    )
    declared: dict[str, Any] = {"StatusCode": status}
    if headers:
        declared["ResponseParameters"] = dict.fromkeys(headers, False)
    return integration, [MethodResponse(**declared)]


def route_method(cfg: Config, method: ApiMethod) -> Method:
    """The Method of one route (as the resolved model has it), with the integration its target
    needs."""
    route, target = method.route, method.target
    assert route is not None, "a route's method"
    extra: dict[str, Any] = {}
    parameters: dict[str, bool] = {}
    if target.kind == "mock":
        assert route.mock is not None
        integration, extra["MethodResponses"] = mock_integration(route.mock)
    else:
        integration = target_integration(cfg, method)
        if target.kind == "service":
            extra["MethodResponses"] = service.service_method_responses()
        if route.integration is not None:
            extra["MethodResponses"] = mapping.mapped_method_responses(route.integration)
            parameters |= mapping.mapped_method_parameters(route.integration)
        if target.kind == "backend":
            parameters |= backend.method_request_parameters(route)
    validation = auth.method_validation(route)
    parameters |= validation.pop("RequestParameters", {})
    if parameters:
        extra["RequestParameters"] = dict(sorted(parameters.items()))
    if route.name is not None:
        extra["OperationName"] = route.name
    return Method(
        naming.method_id(route.segments, route.method),
        RestApiId=Ref(naming.API),
        ResourceId=_resource_ref(route.segments),
        HttpMethod=route.method,
        **auth.method_authorization(cfg, method),
        **validation,
        Integration=integration,
        **extra,
    )


def api_methods(cfg: Config) -> list[Method]:
    """Methods sorted by logical id, so route order in the config never changes the output;
    with ``cors``, the generated OPTIONS methods too."""
    methods = [route_method(cfg, m) for m in resolve_api(cfg).routes]
    methods += cors.preflight_methods(cfg, _resource_ref)
    return sorted(methods, key=lambda m: str(m.title))


def _permission(name: str, logical_id: str, scope: str) -> Permission:
    """API Gateway may invoke function ``name`` on this API's ``scope`` only."""
    return Permission(
        logical_id,
        Action="lambda:InvokeFunction",
        FunctionName=GetAtt(naming.function_ids(name).function, "Arn"),
        Principal="apigateway.amazonaws.com",
        SourceAccount=Ref("AWS::AccountId"),
        SourceArn=execute_api_arn(scope),
    )


def invoke_permissions(cfg: Config) -> list[Permission]:
    """One permission per function (not one per method), scoped to this API's ARN; a function
    that only authorizes is scoped to this API's authorizers."""
    routed = resolve_api(cfg).function_targets
    return [
        _permission(
            name, naming.function_ids(name).permission, "*" if name in routed else "authorizers/*"
        )
        for name in cfg.all_functions
    ]


def authorizer_permissions(cfg: Config, routed: set[str]) -> list[Permission]:
    """SAM flavour: a function that is both a route's target and an authorizer gets SAM's
    event permission for its routes only, which does not cover ``{api}/authorizers/*``, so
    every authorized route would fail: it gets this one too."""
    return [
        _permission(name, naming.authorizer_permission_id(name), "authorizers/*")
        for name in sorted(cfg.authorizer_functions & routed)
    ]


def deployment_digest(api: RestApi, parts: Sequence[AWSObject]) -> str:
    """Hash of everything a stage serves: methods, integrations, resources, policy, endpoints.

    Deployments are immutable snapshots; a new logical id is the only way a change reaches
    the stage, so anything that changes what callers get must be in here.
    """
    api_props = api.to_dict()["Properties"]
    served = {k: api_props.get(k) for k in ("EndpointConfiguration", "Policy")}
    # read at deployment too ("Working with binary media types for REST APIs"); hashed only
    # when set, so the Deployment of an API without them keeps its id
    served |= {k: api_props[k] for k in ("BinaryMediaTypes",) if k in api_props}
    # the body form's routes (``resources/definition.py``)
    served |= {k: api_props[k] for k in ("Body",) if k in api_props}
    return naming.content_hash(served, [(p.title, p.to_dict()) for p in parts])


def deployment(  # noqa: PLR0917 - the parts of one snapshot, in template order
    cfg: Config,
    api: RestApi,
    resources: list[Resource],
    methods: list[Method],
    links: Sequence[AWSObject] = (),
    served: Sequence[AWSObject] = (),
) -> Deployment:
    """A snapshot of ``methods``; the VPC links are hashed too, so a link that CloudFormation
    replaces (a new id in the integrations) reaches the stage, and so is what else the stage
    serves (``served``: authorizers, validators, models, gateway responses), which it also
    waits for."""
    digest = deployment_digest(api, [*resources, *methods, *links, *served])
    return Deployment(
        naming.deployment_id(digest),
        RestApiId=Ref(naming.API),
        Description=f"privgw content hash {digest}",
        DependsOn=[m.title for m in methods]
        + sorted(
            str(p.title) for p in served if p.resource_type == "AWS::ApiGateway::GatewayResponse"
        ),
    )

"""Internal services behind a load balancer: the VPC links v2 privgw creates and the HTTP proxy
integrations that reach them (API Gateway developer guide, "Private integrations for REST
APIs"; AWS::ApiGateway::Method Integration: ConnectionType, ConnectionId, IntegrationTarget)."""

from __future__ import annotations

import re
from typing import Any

from troposphere import Ref
from troposphere.apigateway import Integration
from troposphere.apigateway import VpcLink as VpcLinkV1
from troposphere.apigatewayv2 import VpcLink

from privgw import naming
from privgw.config import Config, Route
from privgw.config.backend import Backend
from privgw.resources import parameters
from privgw.resources.common import tag_map, tags_for

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\+?\}")


def vpc_links(cfg: Config) -> list[VpcLink | VpcLinkV1]:
    """One VPC link per backend that asks privgw to create one: v2 to its subnets, or v1 to
    its NLB."""
    links: list[VpcLink | VpcLinkV1] = []
    for name, backend in sorted(cfg.backends.items()):
        if backend.vpc_link_v1 is not None and backend.vpc_link_v1.created:
            links.append(
                VpcLinkV1(
                    naming.vpc_link_id(name),
                    Name=f"{cfg.name}-{name}",
                    Description=f"privgw: {cfg.name} to backend {name}",
                    TargetArns=[
                        parameters.value(
                            cfg,
                            parameters.target_slot(name, "LoadBalancerArn"),
                            backend.load_balancer_arn,
                        )
                    ],
                    Tags=tags_for(cfg),
                )
            )
        link = backend.vpc_link
        if link is None or not link.created:
            continue
        links.append(
            VpcLink(
                naming.vpc_link_id(name),
                Name=f"{cfg.name}-{name}",
                SubnetIds=parameters.value(
                    cfg, parameters.target_slot(name, "VpcLinkSubnetIds"), list(link.subnet_ids)
                ),
                SecurityGroupIds=parameters.value(
                    cfg,
                    parameters.target_slot(name, "VpcLinkSecurityGroupIds"),
                    list(link.security_group_ids),
                ),
                Tags=tag_map(cfg),
            )
        )
    return links


def vpc_link_ref(cfg: Config, name: str, backend: Backend) -> Any:
    """The link's id: the created link, or the existing id (a parameter when reusable)."""
    link, v1 = backend.vpc_link, backend.vpc_link_v1
    if (link is not None and link.created) or (v1 is not None and v1.created):
        return Ref(naming.vpc_link_id(name))
    existing = (
        link.id if link is not None else backend.vpc_link_v1.id if backend.vpc_link_v1 else None
    )
    return parameters.value(cfg, parameters.target_slot(name, "VpcLinkId"), existing)


def backend_path(route: Route) -> str:
    """Where the route goes on the service: its ``target_path``, else its own path, as the
    integration URI says it (``{proxy+}`` becomes ``{proxy}``)."""
    return _VARIABLE.sub(lambda m: "{" + m.group(1) + "}", route.target_path or route.path)


def path_variables(route: Route) -> list[str]:
    """The route's path parameters (the method declares them all)."""
    return _VARIABLE.findall(route.path)


def mapped_variables(route: Route) -> list[str]:
    """The path parameters the integration URI uses, each mapped from the method's."""
    return _VARIABLE.findall(backend_path(route))


def method_request_parameters(route: Route) -> dict[str, bool]:
    """The path variables the method declares (required), so the integration may map them."""
    return {f"method.request.path.{v}": True for v in path_variables(route)}


def backend_integration(cfg: Config, name: str, route: Route) -> Integration:
    """An HTTP proxy through the backend's VPC link to ``path_prefix`` + the route's path."""
    backend = cfg.backends[name]
    extra: dict[str, Any] = {}
    if backend.vpc_link is not None:
        extra["IntegrationTarget"] = parameters.value(
            cfg, parameters.target_slot(name, "LoadBalancerArn"), backend.load_balancer_arn
        )
    if backend.response_streaming:
        extra["ResponseTransferMode"] = "STREAM"
    variables = mapped_variables(route)
    if variables:
        extra["RequestParameters"] = {
            f"integration.request.path.{v}": f"method.request.path.{v}" for v in variables
        }
    if backend.internet:
        extra["ConnectionType"] = "INTERNET"
    else:
        extra["ConnectionType"] = "VPC_LINK"
        extra["ConnectionId"] = vpc_link_ref(cfg, name, backend)
    return Integration(
        Type="HTTP_PROXY",
        IntegrationHttpMethod=route.method,
        Uri=backend.base_url + backend_path(route),
        TimeoutInMillis=backend.wait_ms,
        **extra,
    )


def backend_notes(cfg: Config) -> list[str]:
    """What the build prints about each backend: the part of the path privgw cannot create,
    the load balancer's own security group rule (it is not in the stack), and traffic that
    leaves the VPC."""
    notes = []
    for name, backend in sorted(cfg.backends.items()):
        if backend.internet:
            notes.append(
                f"backend {name}: calls to {backend.uri} leave the VPC: API Gateway reaches it "
                "over the internet (no VPC link); the API itself stays private"
            )
        link = backend.vpc_link
        if link is not None and link.created:
            groups = ", ".join(link.security_group_ids)
            notes.append(
                f"backend {name}: the load balancer's security group must admit {groups} (the "
                "VPC link's groups) on its listener port (docs/guides/backends.md)"
            )
    return notes

"""Assembles the builders into one troposphere Template (the object callers may extend)."""

from __future__ import annotations

from troposphere import Template

from privgw import __version__
from privgw.build import api, function, network, outputs
from privgw.config import Config

GENERATOR = "privgw"


def build_template(cfg: Config) -> Template:
    """The plain-CloudFormation template for ``cfg``; pure, so each call gives an equal result."""
    template = Template(
        Description=cfg.description
        or f"privgw: private REST API {cfg.name}, reachable only through VPC endpoints"
    )
    template.set_version("2010-09-09")
    template.set_metadata({GENERATOR: {"generator": GENERATOR, "version": __version__}})
    if cfg.endpoint.create:
        template.add_resource(network.endpoint_security_group(cfg))
        template.add_resource(network.vpc_endpoint(cfg))
    template.add_resource(function.function_log_group(cfg))
    template.add_resource(function.function_role(cfg))
    template.add_resource(function.lambda_function(cfg))
    rest_api = template.add_resource(api.rest_api(cfg))
    resources = api.api_resources(cfg)
    methods = api.api_methods(cfg)
    for part in (*resources, *methods):
        template.add_resource(part)
    template.add_resource(api.invoke_permission())
    deployment = template.add_resource(api.deployment(cfg, rest_api, resources, methods))
    if cfg.stage.access_logging:
        template.add_resource(api.access_log_group(cfg))
    if cfg.api_gateway_account_role:
        for part in api.account_logging_role(cfg):
            template.add_resource(part)
    template.add_resource(api.stage(cfg, str(deployment.title)))
    for output in outputs.api_outputs(cfg):
        template.add_output(output)
    return template

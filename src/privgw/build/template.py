"""Assembles the builders into one troposphere Template (the object callers may extend)."""

from __future__ import annotations

from troposphere import AWSObject, Template

from privgw import __version__
from privgw.build import api, function, network, outputs
from privgw.config import (
    MAX_TEMPLATE_OUTPUTS,
    MAX_TEMPLATE_RESOURCES,
    Config,
    resource_paths,
)
from privgw.errors import ConfigError, Problem
from privgw.render import GENERATOR


def build_template(cfg: Config) -> Template:
    """The plain-CloudFormation template for ``cfg``; pure, so each call gives an equal result."""
    parts: list[AWSObject] = []
    if cfg.endpoint.create:
        parts += [network.endpoint_security_group(cfg), network.vpc_endpoint(cfg)]
    parts += [function.function_log_group(cfg), function.function_role(cfg)]
    parts.append(function.lambda_function(cfg))
    rest_api = api.rest_api(cfg)
    resources = api.api_resources(cfg)
    methods = api.api_methods(cfg)
    deployment = api.deployment(cfg, rest_api, resources, methods)
    parts += [rest_api, *resources, *methods, api.invoke_permission(), deployment]
    if cfg.stage.access_logging:
        parts.append(api.access_log_group(cfg))
    if cfg.api_gateway_account_role:
        parts += api.account_logging_role(cfg)
    parts.append(api.stage(cfg, str(deployment.title)))
    stack_outputs = outputs.api_outputs(cfg)
    _check_limits(cfg, len(parts), len(stack_outputs))

    template = Template(
        Description=cfg.description
        or f"privgw: private REST API {cfg.name}, reachable only through VPC endpoints"
    )
    template.set_version("2010-09-09")
    template.set_metadata({GENERATOR: {"generator": GENERATOR, "version": __version__}})
    for part in parts:
        template.add_resource(part)
    for output in stack_outputs:
        template.add_output(output)
    return template


def _check_limits(cfg: Config, resource_count: int, output_count: int) -> None:
    """CloudFormation's per-template counts, checked on what is about to be emitted."""
    problems = []
    if resource_count > MAX_TEMPLATE_RESOURCES:
        problems.append(
            Problem(
                "routes",
                f"need {resource_count} template resources with the rest of the API "
                f"({len(cfg.routes)} routes on {len(resource_paths(cfg.routes))} paths)",
                None,
                f"at most {MAX_TEMPLATE_RESOURCES} per template: fewer routes, "
                "or ANY /{proxy+} and routing inside the function",
            )
        )
    if output_count > MAX_TEMPLATE_OUTPUTS:
        problems.append(
            Problem(
                "endpoint.existing_ids",
                f"need {output_count} outputs",
                None,
                f"at most {MAX_TEMPLATE_OUTPUTS} per template",
            )
        )
    if problems:
        raise ConfigError(problems)

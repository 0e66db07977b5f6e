"""Assembles the builders into one troposphere Template (the object callers may extend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from troposphere import AWSObject, Ref, Template

from privgw import __version__, naming, suppressions
from privgw.config import Config, EndpointStack, resource_paths
from privgw.errors import ConfigError, Problem
from privgw.flavours import FLAVOURS, GENERATOR, Flavour
from privgw.limits import MAX_TEMPLATE_OUTPUTS, MAX_TEMPLATE_PARAMETERS, MAX_TEMPLATE_RESOURCES
from privgw.resources import api, domain, function, network, outputs, parameters, sam


def build_template(
    cfg: Config, flavour: Flavour = "cfn", output_dir: Path | None = None
) -> Template:
    """The template for ``cfg``: plain CloudFormation (``cfn``) or AWS SAM (``sam``).

    Pure: each call gives an equal result. ``output_dir`` is where the template will be
    written; a local ``code.path`` is made relative to it (what ``sam`` and
    ``aws cloudformation package`` expect).
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; expected one of {', '.join(FLAVOURS)}")
    parts: list[AWSObject] = []
    if cfg.endpoint.create:
        parts += [network.endpoint_security_group(cfg), network.vpc_endpoint(cfg)]
    parts += [function.function_log_group(cfg), function.function_role(cfg)]
    if flavour == "sam":
        parts += [sam.serverless_function(cfg, output_dir), sam.serverless_api(cfg)]
        # SAM's own reference to the stage it generates from the Api
        parts += domain.domain_resources(cfg, Ref(f"{naming.API}.Stage"), api.resource_policy(cfg))
    else:
        parts.append(function.lambda_function(cfg, output_dir))
        rest_api = api.rest_api(cfg)
        resources = api.api_resources(cfg)
        methods = api.api_methods(cfg)
        deployment = api.deployment(cfg, rest_api, resources, methods)
        parts += [rest_api, *resources, *methods, api.invoke_permission(), deployment]
        parts.append(api.stage(cfg, str(deployment.title)))
        parts += domain.domain_resources(cfg, Ref(naming.STAGE), api.resource_policy(cfg))
    if cfg.stage.access_logging:
        parts.append(api.access_log_group(cfg))
    if cfg.api_gateway_account_role:
        parts += api.account_logging_role(cfg)
    stack_outputs = outputs.api_outputs(cfg)
    # SAM expands its Api into RestApi + Deployment + Stage and adds a permission per event.
    expanded = len(parts) + (2 + len(cfg.routes) if flavour == "sam" else 0)
    _check_limits(cfg, expanded, len(stack_outputs))

    template = Template(
        Description=cfg.description
        or f"privgw: private REST API {cfg.name}, reachable only through VPC endpoints"
    )
    template.set_version("2010-09-09")
    if flavour == "sam":
        template.set_transform(sam.SAM_TRANSFORM)
    metadata: dict[str, Any] = {GENERATOR: {"generator": GENERATOR, "version": __version__}}
    if cfg.endpoint.imports:
        metadata.update(suppressions.metadata(suppressions.OUTPUTS_FROM_IMPORTS)["Metadata"])
    template.set_metadata(metadata)
    if cfg.endpoint.parameter:
        template.add_parameter(network.endpoint_parameter())
    for parameter in parameters.template_parameters(cfg):
        template.add_parameter(parameter)
    for part in sorted(parts, key=lambda p: str(p.title)):
        template.add_resource(part)
    for output in stack_outputs:
        template.add_output(output)
    return template


def build_endpoint_stack(cfg: EndpointStack) -> Template:
    """An endpoint stack: the shared endpoint and its security group, exported for API stacks."""
    template = Template(
        Description=cfg.description
        or f"privgw: shared execute-api endpoint {cfg.name} for private APIs"
    )
    template.set_version("2010-09-09")
    template.set_metadata({GENERATOR: {"generator": GENERATOR, "version": __version__}})
    template.add_resource(network.endpoint_security_group(cfg))
    template.add_resource(network.vpc_endpoint(cfg))
    for output in outputs.endpoint_stack_outputs(cfg):
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
    count = parameters.parameter_count(cfg) if cfg.reusable else 0
    if count > MAX_TEMPLATE_PARAMETERS:
        problems.append(
            Problem(
                "reusable",
                f"needs {count} template parameters (one per caller CIDR, source group, "
                "allowed endpoint, VPC and principal)",
                "true",
                f"at most {MAX_TEMPLATE_PARAMETERS} per template: fewer listed values, "
                "or reusable: false",
            )
        )
    if problems:
        raise ConfigError(problems)

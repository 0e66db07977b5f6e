"""Assembles the builders into one troposphere Template (the object callers may extend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from troposphere import AWSObject, Output, Parameter, Ref, Template

from privgw import naming, suppressions
from privgw.config import AnyConfig, Config, EndpointStack
from privgw.config.backend import Backend
from privgw.config.existing_function import ExistingFunction
from privgw.config.function import Function
from privgw.config.openapi_schema import load_spec, spec_notes
from privgw.config.service import Service
from privgw.errors import ConfigError, Problem
from privgw.flavours import FLAVOURS, GENERATOR, Flavour
from privgw.kinds import kind_of
from privgw.limits import (
    MAX_INTEGRATION_TIMEOUT_S,
    MAX_TEMPLATE_OUTPUTS,
    MAX_TEMPLATE_PARAMETERS,
    MAX_TEMPLATE_RESOURCES,
)
from privgw.model import resolve_api
from privgw.resources import (
    api,
    auth,
    backend,
    definition,
    domain,
    existing_function,
    function,
    keys,
    network,
    outputs,
    parameters,
    redeploy,
    responses,
    sam,
    service,
    stage,
)
from privgw.version import __version__


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
    body = uses_body(cfg)
    parts = _stack_parts(cfg, flavour, output_dir, body)
    stack_outputs = outputs.api_outputs(cfg)
    _check_limits(cfg, _expanded(cfg, flavour, parts, body), len(stack_outputs))
    _check_ids_apart(parts, stack_outputs, parameters.template_parameters(cfg))

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


def uses_body(cfg: Config) -> bool:
    """Whether the API is one OpenAPI Body (``api_definition``): when asked, or by default
    when the plain flavour's resources form would not fit the template (both flavours then
    take the body form, so they keep describing the same API)."""
    if cfg.api_definition is not None:
        return cfg.api_definition == "body"
    return len(_stack_parts(cfg, "cfn", None, body=False)) > MAX_TEMPLATE_RESOURCES


def _stack_parts(
    cfg: Config, flavour: Flavour, output_dir: Path | None, body: bool
) -> list[AWSObject]:
    """Every resource of the stack, the API in the body or the resources form."""
    parts: list[AWSObject] = []
    if cfg.endpoint.create:
        parts += network.endpoint_resources(cfg)
    parts += function.function_resources(cfg)
    links = backend.vpc_links(cfg)
    parts += links
    parts += service.service_roles(cfg)
    # the stage's name: SAM's own reference to the stage it generates from the Api
    stage_name = Ref(f"{naming.API}.Stage") if flavour == "sam" else Ref(naming.STAGE)
    parts += domain.domain_resources(cfg, stage_name, api.resource_policy(cfg))
    parts += redeploy.redeployer(cfg, stage_name, api.resource_policy(cfg))
    if cfg.stage.access_logging:
        parts.append(stage.access_log_group(cfg))
    if cfg.api_gateway_account_role:
        parts += stage.account_logging_role(cfg)
    return parts + _api_parts(cfg, flavour, output_dir, links, body)


def _api_parts(
    cfg: Config, flavour: Flavour, output_dir: Path | None, links: Sequence[AWSObject], body: bool
) -> list[AWSObject]:
    if flavour == "sam":
        return _sam_api(cfg, output_dir, body)
    functions: list[AWSObject] = [
        function.lambda_function(cfg, name, fn, output_dir)
        for name, fn in cfg.all_functions.items()
    ]
    if body:
        return definition.body_api(cfg, functions, links)
    return _plain_api(cfg, functions, links)


def _expanded(cfg: Config, flavour: Flavour, parts: list[AWSObject], body: bool) -> int:
    """The resources CloudFormation will hold: SAM expands its Api into RestApi, Deployment
    and Stage, and adds a permission per Api event (none in the body form)."""
    if flavour != "sam":
        return len(parts)
    events = 0 if body else sum(1 for m in resolve_api(cfg).routes if m.target.kind == "function")
    return len(parts) + 2 + events


def build_any(cfg: AnyConfig, flavour: Flavour = "cfn", output_dir: Path | None = None) -> Template:
    """The template of any kind of stack config (``privgw.kinds``); endpoint and consumer
    stacks have no SAM resources, so one template serves both flavours."""
    built: Template = kind_of(cfg).build(cfg, flavour, output_dir)
    return built


def build_notes(cfg: AnyConfig) -> list[str]:
    """What the build tells the user about a config beyond the template."""
    return kind_of(cfg).build_notes(cfg)


def api_notes(cfg: Config) -> list[str]:
    """Which invoke URLs resolve, routes only an API key guards, routes only other endpoints
    reach."""
    notes = [resolve_api(cfg).key_only_note(), _unsigned_behind_endpoint_policy(cfg)]
    if cfg.api_definition is None and uses_body(cfg):
        notes.append(
            f"the API's {len(resolve_api(cfg).routes)} routes would need more than "
            f"{MAX_TEMPLATE_RESOURCES} template resources as Resources and Methods: they are "
            "one OpenAPI Body on the RestApi (api_definition: body; set api_definition to "
            "choose)"
        )
    return outputs.url_notes(cfg) + [n for n in notes if n] + _wait_notes(cfg) + _spec_notes(cfg)


def _spec_notes(cfg: Config) -> list[str]:
    """What the OpenAPI document says that privgw sets aside (its policy, its endpoints)."""
    if cfg.openapi is None:
        return []
    spec = load_spec(cfg.source_dir or Path.cwd(), cfg.openapi.path)
    return [f"openapi: {note}" for note in spec_notes(spec)]


def _wait_notes(cfg: Config) -> list[str]:
    """Integration timeouts over API Gateway's default need a raised quota; a function that
    outlives the wait runs on after its caller got a 504."""
    found = []
    targets: list[tuple[str, str, Function | ExistingFunction | Backend | Service]] = [
        *(("function", n, t) for n, t in cfg.all_functions.items()),
        *(("existing function", n, t) for n, t in cfg.existing_functions.items()),
        *(("service", n, t) for n, t in cfg.services.items()),
        *(("backend", n, t) for n, t in cfg.backends.items()),
    ]
    for kind, name, target in targets:
        if not target.response_streaming and target.wait_ms > MAX_INTEGRATION_TIMEOUT_S * 1000:
            found.append(
                f"{kind} {name}: API Gateway waits {target.wait_ms:,} ms, over its default "
                f"{MAX_INTEGRATION_TIMEOUT_S * 1000:,}: raise 'Maximum integration timeout in "
                "milliseconds' in Service Quotas first (Regional and private REST APIs; it may "
                "lower the account's throttle quota), or the deployment fails"
            )
        if isinstance(target, Function) and target.timeout * 1000 > target.wait_ms:
            found.append(
                f"function {name}: runs up to {target.timeout} s but API Gateway waits "
                f"{target.wait_ms:,} ms: a caller gets 504 while the function runs on"
            )
    return found


def _unsigned_behind_endpoint_policy(cfg: Config) -> str | None:
    """Routes that only the other endpoints reach: the created endpoint's policy names
    principals, and an unsigned call is anonymous to it."""
    policy = cfg.endpoint.policy
    if policy is None or not policy.principals:
        return None
    unsigned = [m.label() for m in resolve_api(cfg).methods if m.auth != "iam"]
    if not unsigned:
        return None
    return (
        f"{', '.join(unsigned[:5])}{' ...' if len(unsigned) > 5 else ''}: unsigned calls, which "
        "endpoint.policy.principals refuses at the created endpoint (anonymous to it); they "
        "reach the API only through the other allowed endpoints"
    )


def build_endpoint_stack(cfg: EndpointStack) -> Template:
    """An endpoint stack: the shared endpoint and its security group, exported for API stacks."""
    template = Template(
        Description=cfg.description
        or f"privgw: shared execute-api endpoint {cfg.name} for private APIs"
    )
    template.set_version("2010-09-09")
    template.set_metadata({GENERATOR: {"generator": GENERATOR, "version": __version__}})
    for resource in network.endpoint_resources(cfg):
        template.add_resource(resource)
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
                f"({len(resolve_api(cfg).routes)} routes on "
                f"{len(resolve_api(cfg).resources) - 1} paths)",
                None,
                f"at most {MAX_TEMPLATE_RESOURCES} per template: api_definition: body "
                "(the routes in one OpenAPI Body), fewer routes, or ANY /{proxy+} and "
                "routing inside the function",
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


def _sam_api(cfg: Config, output_dir: Path | None, body: bool) -> list[AWSObject]:
    """The functions and the API as SAM resources, and what SAM's events do not create:
    authorizers' permissions and the consumers' keys and plans. In the body form functions
    have no Api events (one per route would make a permission per route), so every function
    gets the plain flavour's one permission."""
    parts: list[AWSObject] = [
        *sam.serverless_functions(cfg, output_dir, events=not body),
        sam.serverless_api(cfg, body),
    ]
    if body:
        parts += [*api.invoke_permissions(cfg), *existing_function.existing_permissions(cfg)]
        return parts + keys.api_key_resources(cfg, Ref(f"{naming.API}.Stage"))
    routed = resolve_api(cfg).function_targets
    parts += [
        p for p in api.invoke_permissions(cfg) if p.title not in _event_permissions(cfg, routed)
    ]
    parts += api.authorizer_permissions(cfg, routed)
    parts += existing_function.existing_permissions(cfg)
    return parts + keys.api_key_resources(cfg, Ref(f"{naming.API}.Stage"))


def _plain_api(
    cfg: Config, functions: list[AWSObject], links: Sequence[AWSObject]
) -> list[AWSObject]:
    """The functions, the REST API with its methods, the Deployment of what it serves, and
    the stage."""
    parts = list(functions)
    rest_api = api.rest_api(cfg)
    resources = api.api_resources(cfg)
    methods = api.api_methods(cfg)
    served = [
        *auth.authorizers(cfg),
        *auth.validators_and_models(cfg),
        *responses.gateway_responses(cfg),
    ]
    deployment = api.deployment(cfg, rest_api, resources, methods, links, served)
    parts += [rest_api, *resources, *methods, *served, *api.invoke_permissions(cfg)]
    parts += existing_function.existing_permissions(cfg)
    parts += [deployment, *keys.api_key_resources(cfg, Ref(naming.STAGE))]
    parts.append(stage.stage(cfg, str(deployment.title)))
    return parts


def _event_permissions(cfg: Config, routed: set[str]) -> set[str]:
    """The permissions SAM's Api events already give (those of routed functions)."""
    return {naming.function_ids(n).permission for n in cfg.all_functions if n in routed}


def _check_ids_apart(
    parts: list[AWSObject], stack_outputs: list[Output], stack_parameters: list[Parameter]
) -> None:
    """Function and backend names become logical ids beside path-derived ones; the config keeps
    names apart from each other, and this catches the rare name that spells a path's id
    (a function ``resourceOrders`` and a path ``/orders/function``)."""
    problems = []
    for kind, titles in (
        ("resource", [str(p.title) for p in parts]),
        ("output", [str(o.title) for o in stack_outputs]),
        ("parameter", [str(p.title) for p in stack_parameters]),
    ):
        seen: set[str] = set()
        for title in titles:
            if title in seen:
                problems.append(
                    Problem(
                        "",
                        f"gives two template {kind}s the logical id {title}",
                        None,
                        "function and backend names that do not spell a route's logical id",
                    )
                )
            seen.add(title)
    if problems:
        raise ConfigError(problems)

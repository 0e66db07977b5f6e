"""Non-proxy integrations (``routes[].integration``), beside ``resources/mapping.py`` that
builds them: API Gateway reshapes the request before the target sees it and the answer before
the caller does, instead of passing both through (API Gateway developer guide, "Set up
integration requests", "Set up integration responses", "Mapping template transformations").

A route with an ``integration`` block to a function becomes an ``AWS`` integration (the
function gets what the request template makes, not the proxy event); to a backend, an ``HTTP``
integration. Each mapping expression is checked here against the forms API Gateway accepts,
so a typo is refused with its field path instead of failing the deployment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal, Self

from pydantic import Field, model_validator

from privgw.config.checking import JsonSchemaExtra, Matching, fail, fail_many, reads, shaped
from privgw.config.types import StrictModel, optional
from privgw.errors import Problem

if TYPE_CHECKING:
    from privgw.config.stack import Config

_NAME = r"[A-Za-z0-9_.~!#$%&'*+^`|-]+"
#: Where a mapped value goes: a header, query string or path parameter of the integration
#: request ("Parameter mapping for REST APIs", table of mapping targets).
INTEGRATION_TARGET_PATTERN = rf"integration\.request\.(header|querystring|path)\.{_NAME}"
#: Where it comes from: the method request's parameters or body, the context, a stage
#: variable, or a static value in single quotes.
REQUEST_SOURCE_PATTERN = (
    rf"method\.request\.(header|querystring|multivalueheader|multivaluequerystring|path)\.{_NAME}"
    r"|method\.request\.body(\.[A-Za-z0-9_.$\[\]*-]+)?"
    r"|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*'"
)
#: A method response header's value: from the integration response, or static.
RESPONSE_SOURCE_PATTERN = (
    rf"integration\.response\.(header|multivalueheader)\.{_NAME}"
    r"|integration\.response\.body(\.[A-Za-z0-9_.$\[\]*-]+)?"
    r"|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*'"
)
IntegrationTarget = Annotated[
    str,
    Matching(
        shaped(
            INTEGRATION_TARGET_PATTERN,
            "integration request parameter",
            "integration.request.header.NAME, .querystring.NAME or .path.NAME",
        )
    ),
]
RequestSource = Annotated[
    str,
    Matching(
        shaped(
            REQUEST_SOURCE_PATTERN,
            "request mapping value",
            "method.request.header|querystring|path.NAME, method.request.body[.JSONPath], "
            "context.VAR, stageVariables.VAR or a 'static value'",
        )
    ),
]
ResponseSource = Annotated[
    str,
    Matching(
        shaped(
            RESPONSE_SOURCE_PATTERN,
            "response mapping value",
            "integration.response.header.NAME, integration.response.body[.JSONPath], "
            "context.VAR, stageVariables.VAR or a 'static value'",
        )
    ),
]
ContentType = Annotated[
    str,
    Matching(
        shaped(r"[a-z]+/[A-Za-z0-9.+*-]+", "content type", "type/subtype, e.g. application/json")
    ),
]
HeaderName = Annotated[
    str, Matching(shaped(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}", "header name", "e.g. X-Request-Id"))
]
Templates = dict[ContentType, Annotated[str, Field(max_length=65_536)]]


def _check_selection_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise fail(
            f"is not a regular expression ({error})", "a Java-style regex, e.g. .*NotFound.*"
        ) from None
    return value


class IntegrationResponse(StrictModel):
    """One answer the caller may get: which target answers select it (``pattern``: a regex on
    a Lambda error message or an HTTP status; empty is the default answer), its status, its
    headers and body templates. It is also declared as a method response."""

    status: int = Field(ge=100, le=599, description="The status the caller gets.")
    pattern: Annotated[str, Matching(_check_selection_pattern)] = Field(
        default="",
        max_length=1024,
        description="Selection pattern: a regex on the Lambda error message or the backend's "
        "HTTP status; empty (the default answer) for exactly one response.",
    )
    headers: dict[HeaderName, ResponseSource] = Field(
        default_factory=dict,
        max_length=20,
        description=(
            "response headers by name: `integration.response.header.NAME`, "
            "`integration.response.body[.JSONPath]`, `context.VAR`, `stageVariables.VAR` or a "
            "`'static value'`"
        ),
    )
    templates: Templates = Field(
        default_factory=dict,
        max_length=10,
        description="Response body templates (Velocity) by content type; none passes the "
        "target's body through.",
    )
    models: dict[ContentType, Literal["Empty", "Error"]] = Field(
        default_factory=dict,
        max_length=10,
        description=(
            "the method response's model per content type: `Empty` or `Error` (API Gateway's "
            "built-in ones; the SAM flavour's definition defines them)"
        ),
    )


class Mapping(StrictModel):
    """A non-proxy integration: request templates and parameter mappings on the way in,
    selected responses on the way out."""

    request_templates: Templates = Field(
        default_factory=dict,
        max_length=10,
        description=(
            "request body templates (Velocity) by content type, e.g. `application/json: "
            "'{\"id\": \"$input.params(''id'')\"}'`"
        ),
    )
    request_parameters: dict[IntegrationTarget, RequestSource] = Field(
        default_factory=dict,
        max_length=50,
        description="integration.request.header|querystring|path.NAME: from "
        "method.request.*, context.*, stageVariables.* or a 'static value'.",
    )
    passthrough_behavior: Literal["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"] | None = optional(
        "What happens to a request whose content type has no template: WHEN_NO_MATCH passes "
        "it through, NEVER refuses it with 415, WHEN_NO_TEMPLATES passes it only when no "
        "template exists. Default: NEVER with request_templates, else WHEN_NO_MATCH.",
    )
    responses: Annotated[
        list[IntegrationResponse],
        # what _one_default_and_distinct says of defaults, in JSON Schema
        JsonSchemaExtra(
            contains={
                "anyOf": [
                    {"not": {"required": ["pattern"]}},
                    {"properties": {"pattern": {"const": ""}}},
                ]
            },
            minContains=1,
            maxContains=1,
        ),
    ] = Field(
        default_factory=lambda: [IntegrationResponse(status=200)],
        min_length=1,
        max_length=20,
        description=(
            "the answers callers may get, each also declared as a method response: exactly "
            "one without `pattern` (the default), each status once"
        ),
    )

    @property
    def passthrough(self) -> str:
        if self.passthrough_behavior is not None:
            return self.passthrough_behavior
        return "NEVER" if self.request_templates else "WHEN_NO_MATCH"

    @model_validator(mode="after")
    @reads("responses")
    def _one_default_and_distinct(self) -> Self:
        problems: list[Problem] = []
        defaults = [i for i, r in enumerate(self.responses) if not r.pattern]
        if len(defaults) != 1:
            problems.append(
                Problem(
                    "responses",
                    f"has {len(defaults)} default answers (responses without a pattern)",
                    None,
                    "exactly one response without pattern: the answer when no pattern matches",
                )
            )
        seen: dict[int, int] = {}
        for index, response in enumerate(self.responses):
            if response.status in seen:
                problems.append(
                    Problem(
                        f"responses[{index}].status",
                        f"repeats status {response.status} "
                        f"(first at responses[{seen[response.status]}])",
                        str(response.status),
                        "each status once: one pattern can match several answers",
                    )
                )
            seen.setdefault(response.status, index)
        if problems:
            raise fail_many(problems)
        return self

    def method_parameters(self) -> list[str]:
        """The method request parameters the mappings read (method.request.X.NAME)."""
        found = []
        for source in self.request_parameters.values():
            match = re.fullmatch(
                r"method\.request\.(?:multivalue)?(header|querystring|path)\.(.+)", source
            )
            if match:
                found.append(f"method.request.{match.group(1)}.{match.group(2)}")
        return sorted(set(found))


def mapping_problems(cfg: Config) -> list[Problem]:
    """What a route's ``integration`` needs from its target: a function (of the config or
    already running) or a backend, neither streaming (a streamed answer is never mapped);
    method parameters that the route has; path parameters that its backend URI uses."""
    problems = []
    for index, route in enumerate(cfg.routes):
        mapping = route.integration
        if mapping is None or route.mock is not None:
            continue  # a mock route with integration is refused by the route itself
        here = f"routes[{index}].integration"
        target = route.target or (next(iter(cfg.all_functions)) if cfg.all_functions else "")
        if target in cfg.services:
            problems.append(
                Problem(
                    here,
                    f"is given for a route to service {target}, whose integration privgw "
                    "writes for its action",
                    None,
                    f"no integration; services.{target}.request_template for your own template",
                )
            )
            continue
        streams = getattr(
            cfg.all_functions.get(target) or cfg.backends.get(target), "response_streaming", False
        )
        if streams:
            problems.append(
                Problem(
                    here,
                    f"maps the answer of {target}, which streams it (response_streaming): a "
                    "streamed answer passes through unmapped",
                    None,
                    "no integration, or response_streaming: false on the target",
                )
            )
        own = {s.strip("{}+") for s in route.segments if s.startswith("{")}
        for name in mapping.method_parameters():
            kind, _, param = name.removeprefix("method.request.").partition(".")
            if kind == "path" and param not in own:
                problems.append(
                    Problem(
                        f"{here}.request_parameters",
                        f"reads method.request.path.{param}, which is not a parameter of "
                        f"{route.path}",
                        name,
                        "a {param} of the route's path",
                    )
                )
        path_targets = [
            k.removeprefix("integration.request.path.")
            for k in mapping.request_parameters
            if k.startswith("integration.request.path.")
        ]
        uri_variables = set(re.findall(r"\{(\w+)\+?\}", route.target_path or route.path))
        for name in path_targets:
            if target in cfg.backends and name not in uri_variables:
                problems.append(
                    Problem(
                        f"{here}.request_parameters",
                        f"maps integration.request.path.{name}, which the backend's URI does "
                        f"not have ({route.target_path or route.path})",
                        None,
                        "a {param} of the URI (target_path or the route's path)",
                    )
                )
        if path_targets and target not in cfg.backends:
            problems.append(
                Problem(
                    f"{here}.request_parameters",
                    f"maps integration.request.path.{path_targets[0]}, but {target} is a "
                    "function: only a backend's URI has path parameters",
                    None,
                    "header or querystring targets",
                )
            )
    return problems

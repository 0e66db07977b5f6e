"""Where routes go, across the target sections (functions, existing functions, backends,
services) and routes: one function form, every name one thing, every target existing, every
target used, and what a target needs from its routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from privgw.errors import Problem

if TYPE_CHECKING:
    from privgw.config.stack import Config

#: The name ``function:`` (the one-function shorthand) gives its function; its resources keep
#: the logical ids of privgw's one-function templates (``Function``, ``FunctionRole``, ...).
MAIN_FUNCTION = "main"


def one_function_form(cfg: Config) -> list[Problem]:
    if cfg.function is not None and cfg.functions:
        return [
            Problem(
                "function",
                "is given beside functions",
                None,
                f"either function (one function, named {MAIN_FUNCTION}) or functions "
                f"(add it there as {MAIN_FUNCTION}: ...)",
            )
        ]
    return []


def names_apart(cfg: Config) -> list[Problem]:
    """Names become logical ids (first letter capitalised), and a route's target must say one
    thing: no name twice across the target sections, in any letter case."""
    problems = []
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    named = [(section, n) for section, targets in cfg.target_sections.items() for n in targets]
    for section, name in named:
        here = f"{section}.{name}"
        if name in exact:
            clash = f"is also the name of {exact[name]}"
        elif name.lower() in folded:
            clash = f"differs only in case from {folded[name.lower()]}"
        else:
            exact[name] = folded[name.lower()] = here
            continue
        exact.setdefault(name, here)
        problems.append(
            Problem(
                here,
                f"{clash}; a route's target must name one thing",
                None,
                "a name no other function, existing function or backend uses, in any letter case",
            )
        )
    return problems


def targets_exist(cfg: Config) -> list[Problem]:
    """Every route's target names a function, existing function or backend; a route without
    one goes to the only function."""
    functions = cfg.all_functions
    names = [n for targets in cfg.target_sections.values() for n in targets]
    known = ", ".join(names) if names else "none: add functions or backends"
    untargeted = [r for r in cfg.routes if r.mock is None and r.target is None]
    if untargeted and not names:
        return [
            Problem(
                "function",
                "is required: a route without a target or mock goes to the config's function",
                None,
                "a function section, or functions/backends and a target (or mock) on every route",
            )
        ]
    problems = []
    for index, route in enumerate(cfg.routes):
        if route.mock is not None:
            continue
        if route.target is not None:
            if route.target not in names:
                problems.append(
                    Problem(
                        f"routes[{index}].target",
                        f"names no function, existing function or backend "
                        f"({route.method} {route.path})",
                        route.target,
                        f"one of: {known}",
                    )
                )
        elif len(functions) != 1:
            problems.append(
                Problem(
                    f"routes[{index}]",
                    f"has no target, and the config has {len(functions)} functions "
                    f"({route.method} {route.path})",
                    None,
                    f"target: one of {known}, or mock: {{...}}"
                    if names
                    else "a function section, or target/mock on every route",
                )
            )
    return problems


def everything_routed(cfg: Config) -> list[Problem]:
    """A target no route reaches is a typo or a leftover: it would still be deployed (and a
    function still invocable by the API's permission)."""
    used = {r.target for r in cfg.routes if r.target is not None}
    known = {n for targets in cfg.target_sections.values() for n in targets}
    if not used <= known or (cfg.function is not None and cfg.functions):
        return []  # a misspelt target or two function sections: reported already
    used |= cfg.authorizer_functions
    if any(r.target is None and r.mock is None for r in cfg.routes):
        used.update(cfg.all_functions)
    fields = [
        ("function" if name == MAIN_FUNCTION and cfg.function else f"functions.{name}", name)
        for name in cfg.all_functions
    ] + [
        (f"{section}.{name}", name)
        for section, targets in cfg.target_sections.items()
        if section != "functions"
        for name in targets
    ]
    return [
        Problem(
            field, "is the target of no route", None, f"a route with target: {name}, or remove it"
        )
        for field, name in fields
        if name not in used
    ]


def target_paths_reach_backends(cfg: Config) -> list[Problem]:
    """``target_path`` rewrites the path of an HTTP integration; a Lambda proxy integration
    passes the request's own path to the function, so there it would do nothing."""
    return [
        Problem(
            f"routes[{index}].target_path",
            f"applies to a backend route, and {route.method} {route.path} goes to "
            f"{route.target or 'the function'}, which is not a backend",
            route.target_path,
            "no target_path, or a backend as the target",
        )
        for index, route in enumerate(cfg.routes)
        if route.target_path is not None
        and route.mock is None
        and (route.target is None or route.target not in cfg.backends)
    ]


def service_keys_in_request(cfg: Config) -> list[Problem]:
    """A DynamoDB GetItem or Query reads its key with ``$input.params(key)``: the route must
    have it as a path parameter, or require it in the query string, or every call would look
    up an empty key."""
    problems = []
    for index, route in enumerate(cfg.routes):
        service = cfg.services.get(route.target or "")
        if service is None or service.key is None:
            continue
        in_path = any(s.strip("{}+") == service.key for s in route.segments if s.startswith("{"))
        if in_path or f"querystring.{service.key}" in route.required_parameters:
            continue
        problems.append(
            Problem(
                f"routes[{index}]",
                f"goes to {route.target} (dynamodb {service.operation} by {service.key}) but "
                f"has no {{{service.key}}} in its path and does not require "
                f"querystring.{service.key}",
                None,
                f"a path like /items/{{{service.key}}}, or required_parameters: "
                f"[querystring.{service.key}] with request_validation: params",
            )
        )
    return problems


def operations_need_a_spec(cfg: Config) -> list[Problem]:
    """``operation`` names the spec operation a route replaces; without openapi there is none
    (with it, the spec's routes already replaced it, so none is left here)."""
    return [
        Problem(
            f"routes[{index}].operation",
            "names a spec operation, and the config has no openapi",
            route.operation,
            "openapi: {path: ...}, or no operation",
        )
        for index, route in enumerate(cfg.routes)
        if route.operation is not None
    ]

"""The API resource tree the routes need, and what makes routes clash on it: a path twice,
two variables under one parent, two paths with one logical id, more resources than the quota."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from privgw.errors import Problem
from privgw.limits import MAX_RESOURCES_PER_API
from privgw.naming import path_stem

if TYPE_CHECKING:
    from privgw.config.api import Route


def resource_paths(routes: Sequence[Route]) -> list[tuple[str, ...]]:
    """Every API Resource the routes need (each prefix of each path), parents first."""
    nodes: set[tuple[str, ...]] = set()
    for route in routes:
        for i in range(1, len(route.segments) + 1):
            nodes.add(route.segments[:i])
    return sorted(nodes, key=lambda n: (len(n), n))


def route_problems(numbered: Sequence[tuple[int, Route]]) -> list[Problem]:
    """What makes routes clash: repeats, two variables under one parent, two paths with one
    logical id, too many API resources. ``numbered`` pairs each route with its index in the
    config, so a check of only the valid routes still names the right ``routes[i]``."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    names: dict[str, int] = {}
    routes = [route for _, route in numbered]
    for i, route in numbered:
        key = (route.method, route.path)
        if key in seen:
            problems.append(
                Problem(
                    f"[{i}]",
                    f"repeats route {route.method} {route.path}",
                    None,
                    f"each method and path once (first at routes[{seen[key]}])",
                )
            )
        seen.setdefault(key, i)
        if route.name is not None:
            first = names.setdefault(route.name, i)
            if first != i:
                problems.append(
                    Problem(
                        f"[{i}].name",
                        f"repeats the name {route.name!r} of routes[{first}]",
                        None,
                        "a name per route (an OpenAPI operationId is unique)",
                    )
                )
    variable_child: dict[tuple[str, ...], str] = {}
    for node in resource_paths(routes):
        last = node[-1]
        if last.startswith("{"):
            other = variable_child.setdefault(node[:-1], last)
            if other != last:
                parent = "/" + "/".join(node[:-1])
                problems.append(
                    Problem(
                        "",
                        f"gives {parent} two variable children, {other} and {last}",
                        None,
                        "one {param} (or {proxy+}) per parent path, as API Gateway requires",
                    )
                )
    stems: dict[str, tuple[str, ...]] = {}
    for node in resource_paths(routes):
        other_node = stems.setdefault(path_stem(node), node)
        if other_node != node:
            problems.append(
                Problem(
                    "",
                    f"paths /{'/'.join(other_node)} and /{'/'.join(node)} get the same logical id",
                    None,
                    "paths that differ in more than punctuation and case",
                )
            )
    nodes = len(resource_paths(routes))
    if nodes > MAX_RESOURCES_PER_API:
        problems.append(
            Problem(
                "",
                f"needs {nodes} API resources",
                None,
                f"at most {MAX_RESOURCES_PER_API} per API (the default quota)",
            )
        )
    return problems

"""The API as privgw builds it, resolved once from a valid config: every method (routes and
generated CORS preflights) with its path, target, auth and key, and how API Gateway picks one
for a request. The builders, ``simulate`` and ``diagram`` read this, so what is explained is
what is built."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from privgw.config import Config, Route
from privgw.config.api import HTTP_METHODS
from privgw.config.auth import AuthSetting
from privgw.config.route_tree import resource_paths

#: What ``ANY`` stands for in a preflight's Access-Control-Allow-Methods (every method but
#: ANY itself; OPTIONS is added by the preflight).
ANY_EXPANDS_TO = tuple(m for m in HTTP_METHODS if m not in ("ANY", "OPTIONS"))


#: API Gateway developer guide, "Usage plans and API keys for REST APIs": keys identify callers
#: for metering and quotas; they are not a means of authorization.
KEY_ONLY = (
    "the only gate is an API key: keys are for metering and quotas, not for authorization "
    "(API Gateway developer guide, usage plans); add auth: iam, an authorizer or Cognito if "
    "the key is meant to keep callers out"
)


@dataclass(frozen=True)
class MethodTarget:
    """What answers a method: a function, existing function, backend or AWS service by name,
    a mock, or privgw's CORS preflight."""

    kind: Literal["function", "existing_function", "backend", "service", "mock", "preflight"]
    name: str | None = None


@dataclass(frozen=True)
class ApiMethod:
    """One ``AWS::ApiGateway::Method`` of the template: a route, or a generated preflight
    (``route`` None) that answers browsers' OPTIONS requests without auth."""

    http_method: str
    segments: tuple[str, ...]
    target: MethodTarget
    auth: AuthSetting
    api_key_required: bool
    route: Route | None = None
    #: A preflight's Access-Control-Allow-Methods.
    allow_methods: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    @property
    def is_preflight(self) -> bool:
        return self.route is None

    @property
    def takes_anonymous_calls(self) -> bool:
        """No signature, token or key is needed: what a browser's preflight can get through."""
        return self.auth == "none" and not self.api_key_required

    @property
    def key_is_the_only_gate(self) -> bool:
        """An API key but no IAM, authorizer or Cognito check (see ``KEY_ONLY``)."""
        return self.api_key_required and self.auth == "none"

    def label(self) -> str:
        """How diagrams and simulate name the method: with the route's name when it has one."""
        name = self.route.name if self.route is not None else None
        return f"{self.http_method} {self.path}" + (f" ({name})" if name else "")


@dataclass(frozen=True)
class Match:
    """Which resource a request's path selects, and which of its methods answers (None when
    the resource has no such method: API Gateway then answers Missing Authentication Token)."""

    resource: tuple[str, ...] | None
    method: ApiMethod | None


def _specificity(segment: str) -> int:
    """API Gateway prefers a literal segment, then a {param}, then a greedy {param+}."""
    if segment.endswith("+}"):
        return 2
    return 1 if segment.startswith("{") else 0


def path_selects(resource: Sequence[str], segments: Sequence[str]) -> bool:
    """Whether a request path (split into segments) falls on ``resource``."""
    if resource and resource[-1].endswith("+}"):
        head = resource[:-1]
        return len(segments) > len(head) and all(
            p.startswith("{") or p == s for p, s in zip(head, segments, strict=False)
        )
    return len(resource) == len(segments) and all(
        p.startswith("{") or p == s for p, s in zip(resource, segments, strict=True)
    )


@dataclass(frozen=True)
class ResolvedApi:
    """Every method of the API, sorted by path then method, and the resource tree they need;
    ``routes``: the routes' own methods in the config's order (outputs pick the first)."""

    methods: tuple[ApiMethod, ...]
    routes: tuple[ApiMethod, ...] = ()

    def to(self, kind: str, name: str | None = None) -> list[ApiMethod]:
        """The routes going to one function or backend (or every mock), in config order."""
        return [m for m in self.routes if m.target == MethodTarget(kind, name)]  # type: ignore[arg-type]

    @property
    def function_targets(self) -> set[str]:
        """The functions some route goes to."""
        return {str(m.target.name) for m in self.routes if m.target.kind == "function"}

    @cached_property
    def resources(self) -> tuple[tuple[str, ...], ...]:
        """Every resource of the tree: the root, each route's path and each of its parents."""
        nodes = {m.segments[:i] for m in self.methods for i in range(len(m.segments) + 1)}
        return tuple(sorted(nodes, key=lambda n: (len(n), n)))

    def key_only_note(self) -> str | None:
        """A build note naming the methods whose only gate is an API key."""
        keyed = [m.label() for m in self.methods if m.key_is_the_only_gate]
        if not keyed:
            return None
        shown = ", ".join(keyed[:5]) + (f" and {len(keyed) - 5} more" if len(keyed) > 5 else "")
        return f"{shown}: {KEY_ONLY}"

    def on(self, segments: tuple[str, ...]) -> list[ApiMethod]:
        return [m for m in self.methods if m.segments == segments]

    def match(self, http_method: str, path: str) -> Match:
        """The method API Gateway picks: the path selects one resource first (literal segments
        before {param} before {param+}, from the left; a parent resource with no method of its
        own is selected all the same), then its own method, else its ANY. A method on another
        resource is never a fallback."""
        segments = [s for s in path.split("/") if s]
        candidates = [r for r in self.resources if path_selects(r, segments)]
        if not candidates:
            return Match(None, None)
        resource = min(candidates, key=lambda r: [_specificity(s) for s in r])
        methods = {m.http_method: m for m in self.on(resource)}
        return Match(resource, methods.get(http_method.upper()) or methods.get("ANY"))


def _target(cfg: Config, route: Route) -> MethodTarget:
    target = cfg.target_of(route)
    return MethodTarget(target.kind, target.name)


def route_method(cfg: Config, route: Route) -> ApiMethod:
    return ApiMethod(
        http_method=route.method,
        segments=route.segments,
        target=_target(cfg, route),
        auth=cfg.auth_of(route),
        api_key_required=route.api_key_required,
        route=route,
    )


def preflight_paths(routed: Sequence[ApiMethod]) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Each path that needs a generated OPTIONS method, with the methods it announces: every
    routed path without its own OPTIONS route, and without an ANY route that a browser's
    preflight (no credentials, no key) gets through; an ANY behind IAM, an authorizer or a key
    would refuse the preflight, so the path gets its own OPTIONS method, which API Gateway
    prefers to ANY."""
    served: dict[tuple[str, ...], list[ApiMethod]] = {}
    for method in routed:
        served.setdefault(method.segments, []).append(method)
    for segments in sorted(served):
        methods = served[segments]
        if any(
            m.http_method == "OPTIONS" or (m.http_method == "ANY" and m.takes_anonymous_calls)
            for m in methods
        ):
            continue
        announced = {
            name
            for m in methods
            for name in (ANY_EXPANDS_TO if m.http_method == "ANY" else (m.http_method,))
        }
        yield segments, sorted({*announced, "OPTIONS"})


def resolve_api(cfg: Config) -> ResolvedApi:
    """The API ``cfg`` builds: its routes' methods and, with ``cors``, the generated
    preflights, sorted by path and method (the template's order does not depend on the
    config's). Resolved once per config (it is frozen)."""
    cached: ResolvedApi | None = getattr(cfg, "_resolved", None)
    if cached is None:
        cached = _resolve(cfg)
        object.__setattr__(cfg, "_resolved", cached)
    return cached


def _resolve(cfg: Config) -> ResolvedApi:
    routed = [route_method(cfg, route) for route in cfg.routes]
    preflights = (
        [
            ApiMethod(
                "OPTIONS",
                segments,
                MethodTarget("preflight"),
                "none",
                api_key_required=False,
                allow_methods=tuple(methods),
            )
            for segments, methods in preflight_paths(routed)
        ]
        if cfg.cors is not None
        else []
    )
    methods = sorted([*routed, *preflights], key=lambda m: (m.segments, m.http_method))
    return ResolvedApi(tuple(methods), tuple(routed))


__all__ = [
    "ANY_EXPANDS_TO",
    "KEY_ONLY",
    "ApiMethod",
    "Match",
    "MethodTarget",
    "ResolvedApi",
    "path_selects",
    "resolve_api",
    "resource_paths",
]

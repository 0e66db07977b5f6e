"""What an API config answers about itself once valid: every function by name, the auth a
route uses, where a route goes (``RouteTarget``) and which routes go to one target. A base of
``Config`` (``stack.py``), kept apart so the model's module holds its sections and rules; the
fields these read are declared for the type checker only (pydantic makes them in ``Config``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from privgw.config.auth import AuthSetting, LambdaAuth
from privgw.config.base import EndpointSectionStack
from privgw.config.function import Function
from privgw.config.targets import MAIN_FUNCTION

if TYPE_CHECKING:
    from privgw.config.api import Access, Route
    from privgw.config.backend import Backend
    from privgw.config.existing_function import ExistingFunction
    from privgw.config.network import Endpoint
    from privgw.config.service import Service

#: What a route may go to, by the config section that names it.
TargetKind = Literal["function", "existing_function", "backend", "service", "mock"]
TARGET_SECTIONS: dict[str, TargetKind] = {
    "functions": "function",
    "existing_functions": "existing_function",
    "backends": "backend",
    "services": "service",
}


@dataclass(frozen=True)
class RouteTarget:
    """Where a route goes: a function or backend by name, or a mock (``name`` None)."""

    kind: TargetKind
    name: str | None = None


class ApiAnswers(EndpointSectionStack):
    """The questions ``Config``'s users ask of it (see the module's docstring)."""

    if TYPE_CHECKING:
        function: Function | None
        functions: dict[str, Function]
        existing_functions: dict[str, ExistingFunction]
        backends: dict[str, Backend]
        services: dict[str, Service]
        routes: list[Route]
        auth: AuthSetting | None
        access: Access
        endpoint: Endpoint

    def function_fields(self) -> dict[str, Function]:
        """Every function by the config path it was given at (``function`` or
        ``functions.NAME``), for messages about one of them."""
        fields = {f"functions.{name}": fn for name, fn in self.functions.items()}
        if self.function is not None:
            fields["function"] = self.function
        return fields

    @property
    def all_functions(self) -> dict[str, Function]:
        """Every function by name, sorted by name (``function:`` is the one named main)."""
        merged = dict(self.functions)
        if self.function is not None:
            merged[MAIN_FUNCTION] = self.function
        return dict(sorted(merged.items()))

    def auth_of(self, route: Route) -> AuthSetting:
        """The auth a route uses: its own, the API's, or iam when access.iam_principals
        names callers (else none)."""
        if route.auth is not None:
            return route.auth
        if self.auth is not None:
            return self.auth
        return "iam" if self.access.iam_principals else "none"

    @property
    def authorizer_functions(self) -> set[str]:
        """Functions that decide as Lambda authorizers."""
        settings = [self.auth, *(r.auth for r in self.routes)]
        return {a.function for a in settings if isinstance(a, LambdaAuth)}

    @property
    def target_sections(self) -> dict[str, dict[str, object]]:
        """Every named thing a route may go to, by section (``functions`` holds ``function:``
        as main), in ``TARGET_SECTIONS`` order."""
        return {
            "functions": dict(self.all_functions),
            "existing_functions": dict(self.existing_functions),
            "backends": dict(self.backends),
            "services": dict(self.services),
        }

    def target_of(self, route: Route) -> RouteTarget:
        """Where ``route`` goes (validated: every target exists, a route without one has the
        only function)."""
        if route.mock is not None:
            return RouteTarget("mock")
        name = route.target
        if name is None:
            (name,) = self.all_functions
        for section, named in self.target_sections.items():
            if name in named:
                return RouteTarget(TARGET_SECTIONS[section], name)
        raise KeyError(name)  # validated away: every target exists

    def routes_to(self, kind: TargetKind, name: str | None = None) -> list[Route]:
        """The routes going to one function or backend (or every mock route), in config order."""
        return [r for r in self.routes if self.target_of(r) == RouteTarget(kind, name)]

    @property
    def other_ways_in(self) -> bool:
        """Whether an endpoint or VPC besides the created endpoint may call the API."""
        endpoint = self.endpoint
        return bool(
            endpoint.existing_ids or endpoint.imports or endpoint.parameter or self.access.vpc_ids
        )

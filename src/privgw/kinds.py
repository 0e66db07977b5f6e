"""The three kinds of stack config, by table: for each ``kind`` its config model, the template
flavours it builds, its builder, its build notes and its diagram. A command asks this table,
never an ``isinstance`` chain; the builders are imported when first asked for (troposphere is
not needed to read a config)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from privgw.flavours import FLAVOURS, Flavour

if TYPE_CHECKING:
    from privgw.config import AnyConfig


@dataclass(frozen=True)
class Kind:
    """Where each part of one kind lives, as ``module:name``."""

    name: str
    model: str
    flavours: tuple[Flavour, ...]
    builder: str
    notes: str
    diagram: str

    def _load(self, where: str) -> Any:
        module, _, name = where.partition(":")
        return getattr(importlib.import_module(module), name)

    @property
    def model_class(self) -> Any:
        return self._load(self.model)

    def build(self, cfg: AnyConfig, flavour: Flavour = "cfn", output_dir: Any = None) -> Any:
        """The troposphere Template of ``cfg`` (a kind without SAM resources: one template)."""
        builder: Callable[..., Any] = self._load(self.builder)
        if "sam" in self.flavours:
            return builder(cfg, flavour, output_dir)
        return builder(cfg)

    def build_notes(self, cfg: AnyConfig) -> list[str]:
        from privgw.resources.network import endpoint_group_notes  # noqa: PLC0415 - builders

        found: list[str] = self._load(self.notes)(cfg)
        return found + endpoint_group_notes(cfg)

    def mermaid(self, cfg: AnyConfig) -> str:
        drawn: str = self._load(self.diagram)(cfg)
        return drawn


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "api",
            "privgw.config.stack:Config",
            FLAVOURS,
            "privgw.resources.template:build_template",
            "privgw.resources.template:api_notes",
            "privgw.diagram:api_diagram",
        ),
        Kind(
            "endpoint",
            "privgw.config.endpoint_stack:EndpointStack",
            ("cfn",),
            "privgw.resources.template:build_endpoint_stack",
            "privgw.kinds:no_notes",
            "privgw.diagram:endpoint_stack_diagram",
        ),
        Kind(
            "consumer",
            "privgw.config.consumer:ConsumerStack",
            ("cfn",),
            "privgw.resources.consumer:build_consumer_stack",
            "privgw.resources.consumer:consumer_notes",
            "privgw.diagram:consumer_stack_diagram",
        ),
    )
}


def kind_of(cfg: AnyConfig) -> Kind:
    return KINDS[cfg.kind]


def no_notes(cfg: AnyConfig) -> list[str]:
    """An endpoint stack's build says nothing beyond its template."""
    return []

"""The shipped example configs, read once for every page that learns from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: Each config kind's model, as the JSON Schema names it.
KIND_MODELS = {"api": "Config", "endpoint": "EndpointStack", "consumer": "ConsumerStack"}

Example = tuple[Path, dict[str, Any]]


def example_configs(folder: Path) -> list[Example]:
    """Every example config below ``folder`` (its OpenAPI documents aside), parsed."""
    found = []
    for config in sorted(folder.rglob("*.yaml")):
        if config.name.endswith(".openapi.yaml"):
            continue
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            found.append((config, data))
    return found

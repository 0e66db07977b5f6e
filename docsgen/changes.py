"""Which resources a top-level key changes, found by building rather than by saying so: each
shipped example that sets the key is built with and without it, and the resource types that
appear, disappear or change are the key's. A key no example sets, or none that still builds
without it, is left blank rather than guessed.

Template sections count too: a key that adds a Parameter, a Rule or an Output says so. The
stage's Deployment is left out: privgw names it by the content it serves, so nearly every
key changes it (the config reference says so once, above the tables)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from docsgen.examples import KIND_MODELS, Example


def _build(kind: str, data: dict[str, Any], folder: Path) -> dict[str, Any] | None:
    """The template's resources, or None when the config does not validate."""
    from pydantic import ValidationError  # noqa: PLC0415

    from privgw import validate_config  # noqa: PLC0415
    from privgw.errors import PrivgwError  # noqa: PLC0415
    from privgw.kinds import KINDS  # noqa: PLC0415

    try:
        if kind == "api":
            cfg: Any = validate_config(copy.deepcopy(data), folder=folder)
        else:
            cfg = KINDS[kind].model_class.model_validate(copy.deepcopy(data))
        template: dict[str, Any] = KINDS[kind].build(cfg).to_dict()
    except (PrivgwError, ValidationError):
        return None
    parts = dict(template["Resources"])
    parts["Description"] = {"Type": "(Description)", "Body": template.get("Description")}
    for section in ("Parameters", "Rules", "Conditions", "Outputs"):
        for name, body in (template.get(section) or {}).items():
            parts[f"{section}:{name}"] = {"Type": f"({section})", "Body": body}
    return parts


def _differ(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    kinds = set()
    for logical in set(before) | set(after):
        old, new = before.get(logical), after.get(logical)
        if old != new:
            kinds.add(str((old or new or {}).get("Type")))
    kinds.discard("AWS::ApiGateway::Deployment")
    return sorted(kinds)


def changes_by_key(examples: list[Example]) -> dict[tuple[str, str], list[str]]:
    """(model, top-level key) -> the resource types (and template sections) that key changes
    in the examples that set it."""
    found: dict[tuple[str, str], set[str]] = {}
    for config, data in examples:
        kind = str(data.get("kind", "api"))
        whole = _build(kind, data, config.parent)
        if whole is None:
            continue
        for key in data:
            if key in ("kind", "name"):
                continue
            without = _build(kind, {k: v for k, v in data.items() if k != key}, config.parent)
            if without is not None:
                found.setdefault((KIND_MODELS[kind], key), set()).update(_differ(without, whole))
    return {key: sorted(kinds) for key, kinds in found.items()}

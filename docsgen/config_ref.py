"""The config reference, printed from the config's JSON Schema (which pydantic makes from
privgw's models, descriptions included): one table per kind and per nested model, each key
with its type, default, allowed values and limits, its description, and an example taken from
the shipped examples where one sets it.

Nothing here is written by hand about a key: a description that reads badly is fixed in the
model, and the editor's hover text (the schema) changes with it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from docsgen.examples import KIND_MODELS, Example

KINDS = (
    ("Config", "API stack (`kind: api`, the default)"),
    ("EndpointStack", "Endpoint stack (`kind: endpoint`)"),
    ("ConsumerStack", "Consumer stack (`kind: consumer`)"),
)

#: JSON Schema limit keywords, as the reference says them.
LIMITS = {
    "minimum": ">= {}",
    "exclusiveMinimum": "> {}",
    "maximum": "<= {}",
    "exclusiveMaximum": "< {}",
    "minLength": "length >= {}",
    "maxLength": "length <= {}",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "minProperties": "at least {} entries",
    "maxProperties": "at most {} entries",
}


def _ref(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return str(ref).rsplit("/", 1)[-1] if ref else None


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a type (anyOf/oneOf), null left out: optional is said by the
    default."""
    for key in ("anyOf", "oneOf"):
        if key in schema:
            found: list[dict[str, Any]] = []
            for branch in schema[key]:
                if branch.get("type") != "null":
                    found += _branches(branch)
            return found
    return [schema]


def _type(schema: dict[str, Any]) -> str:
    """A type as a reader says it: string, list of string, map of Function, one of ..."""
    words = []
    for branch in _branches(schema):
        name = _ref(branch)
        if name:
            words.append(f"[{name}](#{name.lower()})")
        elif "enum" in branch:
            words.append(" \\| ".join(f"`{json.dumps(v)}`" for v in branch["enum"]))
        elif branch.get("type") == "array":
            words.append(f"list of {_type(branch.get('items', {}))}")
        elif branch.get("type") == "object" and "patternProperties" in branch:
            (value,) = branch["patternProperties"].values()
            words.append(f"map of {_type(value)}")
        elif branch.get("type") == "object" and isinstance(
            branch.get("additionalProperties"), dict
        ):
            words.append(f"map of {_type(branch['additionalProperties'])}")
        else:
            words.append(str(branch.get("type", "any")))
    return " or ".join(dict.fromkeys(words))


def _limits(schema: dict[str, Any]) -> str:
    said = []
    for branch in [schema, *_branches(schema)]:
        for key, text in LIMITS.items():
            if key in branch and text.format(branch[key]) not in said:
                said.append(text.format(branch[key]))
        pattern = branch.get("pattern")
        if pattern and len(pattern) <= 60 and f"pattern `{pattern}`" not in said:
            said.append(f"pattern `{pattern}`")
    return "; ".join(said)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _sentence(text: str) -> str:
    """A description as a sentence, full stop last (its first word may be a literal value,
    so its case is left alone)."""
    text = text.strip()
    return text if not text or text[-1] in ".)!?`" else text + "."


def _default(name: str, schema: dict[str, Any], required: list[str]) -> str:
    if name in required:
        return "required"
    if "default" not in schema:
        kinds = {b.get("type") for b in _branches(schema)}
        if any(_ref(b) for b in _branches(schema)):
            return "its defaults"
        return {"object": "`{}`", "array": "`[]`"}.get(str(kinds.pop()), "computed")
    value = schema["default"]
    return "none" if value is None else f"`{json.dumps(value)}`"


def _resolve(
    schema: dict[str, Any], defs: dict[str, Any]
) -> list[tuple[str | None, dict[str, Any]]]:
    """The concrete schemas a value may match, each with its model's name (if a model)."""
    found: list[tuple[str | None, dict[str, Any]]] = []
    for branch in _branches(schema):
        name = _ref(branch)
        found.append((name, defs[name]) if name else (None, branch))
    return found


def examples_by_model(
    examples: list[Example], schema: dict[str, Any]
) -> dict[tuple[str, str], Any]:
    """The first value each model's key has in the shipped example configs, found by walking
    each config beside the schema (so a map's names are never taken for keys)."""
    defs: dict[str, Any] = schema["$defs"]
    found: dict[tuple[str, str], Any] = {}

    def walk(value: Any, options: list[tuple[str | None, dict[str, Any]]]) -> None:
        for name, model in options:
            if isinstance(value, dict) and name and "properties" in model:
                if not set(value) <= set(model["properties"]):
                    continue  # another branch's shape
                for key, inner in value.items():
                    found.setdefault((name, key), inner)
                    walk(inner, _resolve(model["properties"][key], defs))
                return
            if isinstance(value, dict) and "patternProperties" in model:
                (inner_schema,) = model["patternProperties"].values()
                for inner in value.values():
                    walk(inner, _resolve(inner_schema, defs))
                return
            if isinstance(value, list) and model.get("type") == "array":
                for inner in value:
                    walk(inner, _resolve(model.get("items", {}), defs))
                return

    for _, data in examples:
        kind = KIND_MODELS[str(data.get("kind", "api"))]
        walk(data, [(kind, defs[kind])])
    return found


def _example(value: Any) -> str:
    text = json.dumps(value, separators=(", ", ": "))
    return "" if len(text) > 70 or "\n" in text else f"`{text}`"


def _table(
    name: str,
    model: dict[str, Any],
    examples: dict[tuple[str, str], Any],
    changes: dict[tuple[str, str], list[str]] | None,
) -> list[str]:
    required = list(model.get("required", []))
    rows = [
        "| key | type | default | limits | description | example |"
        + (" changes |" if changes is not None else ""),
        "| --- | --- | --- | --- | --- | --- |" + (" --- |" if changes is not None else ""),
    ]
    for key, schema in model.get("properties", {}).items():
        example = _example(examples[(name, key)]) if (name, key) in examples else ""
        cells: tuple[str, ...] = (
            f"`{key}`",
            _type(schema),
            _default(key, schema, required),
            _cell(_limits(schema)),
            _cell(_sentence(str(schema.get("description", "")))),
            example,
        )
        if changes is not None:
            cells += (", ".join(f"`{t}`" for t in changes.get((name, key), [])),)
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _nested(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """The models a model's keys hold, in the order its keys name them."""
    names = []
    for value in json.dumps(schema).split('"$ref": "#/$defs/')[1:]:
        names.append(value.split('"', 1)[0])
    return [n for n in dict.fromkeys(names) if n in defs]


def config_page(
    schema: dict[str, Any],
    examples: dict[tuple[str, str], Any],
    changes: dict[tuple[str, str], list[str]],
) -> str:
    defs: dict[str, Any] = schema["$defs"]
    lines = [
        "# Config reference",
        "",
        "After this page you can look up every key of every config kind: its type, default, "
        "allowed values and limits, what it does, and an example from the shipped examples.",
        "",
        "Generated from privgw's config models (`python -m docsgen`); an editor reading the "
        "JSON Schema (`privgw schema`) shows the same descriptions. Unknown keys are errors "
        "everywhere; every problem is reported at once, with its field path.",
        "",
        "A kind's table also says what each key *changes*: the resource types (and template "
        "sections) that differ when a shipped example that sets the key is built without it; "
        "blank where no example shows it. The stage's Deployment is not listed: privgw names "
        "it by what the stage serves, so nearly every key makes a new one.",
        "",
    ]
    seen: set[str] = set()
    order: list[str] = []
    for name, _ in KINDS:
        stack = [name]
        while stack:
            current = stack.pop(0)
            if current in seen:
                continue
            seen.add(current)
            order.append(current)
            stack += _nested(defs[current], defs)
    titles = dict(KINDS)
    for name in order:
        model = defs[name]
        title = titles.get(name, name)
        lines += [f"## {title}" if name in titles else f"## {name}", ""]
        if name in titles:
            lines += [f'<a id="{name.lower()}"></a>', ""]
        if model.get("description"):
            lines += [_cell(str(model["description"])), ""]
        lines += [*_table(name, model, examples, changes if name in titles else None), ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"

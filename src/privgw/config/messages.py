"""pydantic's errors in privgw's words: each names the field, what was given and what is
expected (with the unit and range of a number, the shape of a section, the field a misspelt key
probably means), never the validator's own phrasing."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from privgw.errors import Problem


def join(loc: Iterable[int | str], extra: str = "") -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(("function-", "tagged-union", "union[")) and "[" not in part:
            path += f".{part}" if path else part
    if extra:
        path += extra if extra.startswith("[") or not path else f".{extra}"
    return path


def show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class a location points into, for listing the fields a typo could mean."""
    current: Any = root
    for part in loc:
        if isinstance(part, int) or part.startswith(("tagged-union", "function-")):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = model_in(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def field_at(root: type[BaseModel], loc: Sequence[int | str]) -> FieldInfo | None:
    """The field a location names (the last named part of ``loc``), if it is a model field."""
    names = [p for p in loc if isinstance(p, str) and not p.startswith(("tagged-union", "func"))]
    if not names:
        return None
    parent = model_at(root, loc[: len(loc) - 1 - _trailing_indexes(loc)])
    return parent.model_fields.get(names[-1]) if parent else None


def _trailing_indexes(loc: Sequence[int | str]) -> int:
    count = 0
    for part in reversed(loc):
        if isinstance(part, str):
            break
        count += 1
    return count


def suggestion(name: str, model: type[BaseModel] | None) -> str | None:
    """The field a misspelt key most probably means."""
    if model is None:
        return None
    close = difflib.get_close_matches(name, list(model.model_fields), n=1, cutoff=0.75)
    return close[0] if close else None


#: Units the descriptions of numeric fields start with ("MB.", "Seconds; ...").
_UNIT = re.compile(r"^(MB|[Ss]econds|[Dd]ays|[Mm]illiseconds|[Rr]equests per second)\b")


def _range(field: FieldInfo | None, ctx: Mapping[str, Any]) -> str | None:
    """'128 to 10240 MB', '> 0', ... from the field's bounds (or the error's)."""
    bounds: dict[str, Any] = dict(ctx)
    for item in field.metadata if field else []:
        for key in ("ge", "gt", "le", "lt"):
            if getattr(item, key, None) is not None:
                bounds.setdefault(key, getattr(item, key))
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    unit = _UNIT.match(field.description or "") if field else None
    suffix = f" {unit.group(1).lower() if unit.group(1) != 'MB' else 'MB'}" if unit else ""
    if "ge" in bounds and "le" in bounds:
        return f"{low} to {high}{suffix}"
    parts = [f"{op} {value}" for op, value in ((">=", bounds.get("ge")), (">", bounds.get("gt")),
             ("<=", bounds.get("le")), ("<", bounds.get("lt"))) if value is not None]  # fmt: skip
    return " and ".join(parts) + suffix if parts else None


_KINDS = {
    "int": ("is not a whole number", "a whole number"),
    "float": ("is not a number", "a number"),
    "bool": ("is not true or false", "true or false"),
    "string": ("is not text", "text (quote it if YAML reads it as something else)"),
    "list": ("is not a list", "a list (one '- item' per line, or [a, b])"),
    "set": ("is not a list", "a list (one '- item' per line, or [a, b])"),
}


def _shape_problem(
    kind: str, root: type[BaseModel], loc: Sequence[int | str], value: Any, ctx: Mapping[str, Any]
) -> tuple[str, str | None] | None:
    """What a value of the wrong type is, and what the field takes, in privgw's words."""
    field = field_at(root, loc)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model = model_at(root, loc)
        if model is None:
            return "is not a mapping", "a mapping of NAME: value"
        fields = list(model.model_fields)
        name = str(join(loc)).rsplit(".", 1)[-1].split("[")[0] or "it"
        if isinstance(value, str) and "name" in fields:
            example = f"{name}: {{name: {value}}}"
        else:
            example = f"{name}: {{{fields[0]}: ...}}"
        return (
            f"is not a mapping of {name} settings",
            f"a mapping with any of {', '.join(fields)}, e.g. {example}",
        )
    for prefix, (message, expected) in _KINDS.items():
        if kind.startswith(prefix + "_") and kind.endswith(("_type", "_parsing", "_from_float")):
            span = _range(field, ctx) if prefix in ("int", "float") else None
            return message, f"{expected}{' from ' + span if span else ''}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        small = kind.startswith("greater")
        return ("is too small" if small else "is too large"), _range(field, ctx)
    if kind in ("too_long", "too_short"):
        return (
            f"has too {'many' if kind == 'too_long' else 'few'} items"
            if isinstance(value, list | dict)
            else f"is too {'long' if kind == 'too_long' else 'short'}",
            f"at {'most' if kind == 'too_long' else 'least'} "
            f"{ctx.get('max_length', ctx.get('min_length'))}",
        )
    if kind in ("string_too_long", "string_too_short"):
        limit = ctx.get("max_length", ctx.get("min_length"))
        longer = kind == "string_too_long"
        return (
            f"is too {'long' if longer else 'short'}",
            f"at {'most' if longer else 'least'} {limit} characters",
        )
    if kind == "string_pattern_mismatch":
        return "is not in the expected form", f"text matching {ctx.get('pattern')}"
    return None


def field_problems(exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """pydantic's errors as privgw problems, one per field, in input order."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "privgw_many":
            problems.extend(
                Problem(join(loc, p.path), p.message, p.got, p.expected) for p in ctx["problems"]
            )
            continue
        path = join(loc)
        got: str | None = show(err["input"])
        expected: str | None = None
        if kind == "privgw":
            message, expected = ctx["message"], ctx.get("expected")
        elif kind == "missing":
            message, got = "is required", None
            field = field_at(root, loc)
            expected = field.description if field and field.description else None
        elif kind == "extra_forbidden":
            model = model_at(root, loc[:-1])
            message = "is not a known field"
            close = suggestion(str(loc[-1]), model)
            if close:
                message += f"; did you mean {close}?"
            expected = "one of: " + ", ".join(model.model_fields) if model else None
        elif kind == "literal_error":
            message, expected = "is not an allowed value", "one of " + str(ctx.get("expected"))
        elif shaped := _shape_problem(kind, root, loc, err["input"], ctx):
            message, expected = shaped
        else:
            message = err["msg"][0].lower() + err["msg"][1:]
            message = message.replace("input should be", "should be")
        problems.append(Problem(path, message, got, expected))
    return problems


def misspelt_fields(exc: ValidationError, root: type[BaseModel], data: Any) -> set[Any]:
    """The locations of fields a misspelt key probably means and that the input leaves out:
    rules reading them would judge defaults the user never wrote (``rotues:`` leaves routes
    at ``ANY /`` and ``ANY /{proxy+}``)."""
    found: set[Any] = set()
    for err in exc.errors(include_url=False):
        if err["type"] != "extra_forbidden":
            continue
        loc = tuple(err["loc"])
        close = suggestion(str(loc[-1]), model_at(root, loc[:-1]))
        parent: Any = data
        for part in loc[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
        if close and isinstance(parent, Mapping) and close not in parent:
            found.add((*loc[:-1], close))
    return found


def first_problem(model: type[BaseModel], data: Any) -> Problem | None:
    """The first problem ``model`` finds in ``data`` (privgw's words), or None when it takes
    it: for code that builds part of a config and wants a refusal as a sentence, not an
    exception (``privgw import`` checks each piece it reads before it writes it)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found = field_problems(exc, model)
        return found[0] if found else None
    return None

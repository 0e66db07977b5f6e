"""pydantic's errors as privgw problems: a field path, what was given, what was expected; and the
cross-field rules run on the valid parts of a config whose other parts are invalid."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import (
    BaseModel,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from privgw.config.messages import field_problems, join, misspelt_fields, model_in
from privgw.config.route_tree import route_problems
from privgw.errors import ConfigError, Problem


def _map_value_model(annotation: Any) -> Any:
    """The model of a ``dict[str, Model]`` field's values (functions, backends), else None."""
    if getattr(annotation, "__origin__", None) is dict:
        return model_in(get_args(annotation)[1])
    for arg in get_args(annotation):
        found = _map_value_model(arg)
        if found is not None:
            return found
    return None


def config_error(
    exc: ValidationError, root: type[BaseModel], data: Any = None, source: str | None = None
) -> ConfigError:
    """The ConfigError for ``exc``: pydantic's errors as field-path problems, in input order;
    with the input ``data``, also what the cross-field rules find in the valid parts (see
    ``cross_field_problems``), so one run reports everything that can be known, and whether
    some rules had to wait."""
    problems = field_problems(exc, root)
    if not isinstance(data, Mapping):
        return ConfigError(problems, source)
    if "openapi" in root.model_fields:  # the rules read the routes the spec gives
        from privgw.config.openapi import SPEC_FOLDER, with_spec_routes  # noqa: PLC0415

        try:
            data = with_spec_routes(data, SPEC_FOLDER.get() or Path.cwd())
        except ConfigError:  # reported already; the rules on routes wait for the spec
            return ConfigError(problems, source, incomplete=True)
    bad = {tuple(err["loc"]) for err in exc.errors(include_url=False)}
    bad |= misspelt_fields(exc, root, data)
    more, skipped = cross_field_problems(root, data, (), bad)
    seen = {str(p) for p in problems}
    for problem in more:
        if str(problem) not in seen:
            seen.add(str(problem))
            problems.append(problem)
    return ConfigError(problems, source, incomplete=skipped)


def cross_field_problems(
    model: type[BaseModel], data: Mapping[str, Any], loc: tuple[int | str, ...], bad: set[Any]
) -> tuple[list[Problem], bool]:
    """Run every ``@reads`` rule of ``model`` and of the models inside it whose fields are
    valid, although other fields are not. Returns the problems, and whether a rule had to be
    skipped because a field it reads is invalid."""
    problems: list[Problem] = []
    skipped = False
    for name, field in model.model_fields.items():
        value = data.get(name)
        if not isinstance(value, Mapping):
            continue
        keyed = _map_value_model(field.annotation)
        inner = model_in(field.annotation)
        parts = (
            [((*loc, name, key), item) for key, item in value.items()]
            if keyed is not None
            else [((*loc, name), value)]
        )
        for where, item in parts:
            if (keyed or inner) is not None and isinstance(item, Mapping):
                found, was_skipped = cross_field_problems(keyed or inner, item, where, bad)
                problems += found
                skipped = skipped or was_skipped
    if "routes" in model.model_fields and isinstance(data.get("routes"), list):
        problems += _valid_route_problems(model, data["routes"], loc)
    for decorator in model.__pydantic_decorators__.model_validators.values():
        fields = getattr(decorator.func, "__privgw_reads__", None)
        if fields is None or decorator.info.mode != "after":
            continue
        values = _valid_values(model, data, fields, loc, bad)
        if values is None:
            skipped = True
            continue
        instance = model.model_construct(
            _fields_set={f.partition(".")[0] for f in fields} & set(data), **values
        )
        try:
            decorator.func(instance)
        except PydanticCustomError as exc:
            problems += _custom_problems(exc, loc)
    return problems, skipped


def _valid_values(
    model: type[BaseModel],
    data: Mapping[str, Any],
    fields: Sequence[str],
    loc: tuple[int | str, ...],
    bad: set[Any],
) -> dict[str, Any] | None:
    """The typed values of ``fields`` (defaults where unset), or None if any is invalid.

    A dotted name (``network.allowed_cidrs``) reads one field of a section: when the section
    is invalid elsewhere, the rule still runs on a section holding just the fields it reads."""
    values: dict[str, Any] = {}
    sections: dict[str, list[str]] = {}
    for dotted in fields:
        top, _, rest = dotted.partition(".")
        if rest:
            sections.setdefault(top, []).append(rest)
    for name, inner in sections.items():
        whole = _valid_values(model, data, [name], loc, bad)
        if whole is not None:
            values.update(whole)
            continue
        section = _section_model(model, name)
        given = data.get(name)
        if section is None or not isinstance(given, Mapping):
            return None
        found = _valid_values(section, given, inner, (*loc, name), bad)
        if found is None:
            return None
        values[name] = section.model_construct(**found)
    for name in fields:
        if "." in name:
            continue
        here = (*loc, name)
        if any(err[: len(here)] == here for err in bad):
            return None
        field = model.model_fields[name]
        if name not in data:
            if field.is_required():
                return None
            values[name] = field.get_default(call_default_factory=True)
            continue
        try:
            values[name] = _adapter(model, name).validate_python(data[name])
        except (ValidationError, ConfigError):
            return None
    return values


def _section_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """The model of a section field (``Network`` of ``network: Network | None``)."""
    annotation = model.model_fields[name].annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    if not field.metadata:
        return TypeAdapter(field.annotation)
    return TypeAdapter(Annotated[field.annotation, *field.metadata])


def _valid_route_problems(
    model: type[BaseModel], routes: list[Any], loc: tuple[int | str, ...]
) -> list[Problem]:
    """Route clashes among the routes that are valid on their own."""
    numbered = []
    for index, item in enumerate(routes):
        try:
            numbered.append((index, _adapter(model, "routes").validate_python([item])[0]))
        except ValidationError:
            continue
    if len(numbered) == len(routes):
        return []  # all valid: the field validator already ran in the first pass
    return [
        Problem(join((*loc, "routes"), p.path), p.message, p.got, p.expected)
        for p in route_problems(numbered)
    ]


def _custom_problems(exc: PydanticCustomError, loc: tuple[int | str, ...]) -> list[Problem]:
    ctx = exc.context or {}
    if exc.type == "privgw_many":
        return [Problem(join(loc, p.path), p.message, p.got, p.expected) for p in ctx["problems"]]
    return [Problem(join(loc), str(ctx.get("message", exc.message())), None, ctx.get("expected"))]

"""How a config model says no: errors in privgw's own words (the field path is added later, in
``problems``), validators that carry their pattern or enum into the JSON Schema so editors refuse
what the loader refuses, and the fields each cross-field rule reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from privgw.errors import Problem

_F = TypeVar("_F", bound=Callable[..., Any])


def fail(message: str, expected: str | None = None) -> PydanticCustomError:
    """A field error carrying privgw's own wording; ``problems.config_error`` unpacks it."""
    return PydanticCustomError("privgw", "{message}", {"message": message, "expected": expected})


def reads(*fields: str) -> Callable[[_F], _F]:
    """Mark a cross-field validator with the fields it reads, so ``cross_field_problems`` can
    run it on a config whose *other* fields are invalid (pydantic runs after-validators only
    once every field of the model is valid, which made errors arrive in rounds)."""

    def mark(function: _F) -> _F:
        function.__privgw_reads__ = fields  # type: ignore[attr-defined]
        return function

    return mark


def refuse(
    path: str, message: str, got: str | None = None, expected: str | None = None
) -> PydanticCustomError:
    """One cross-field problem, located relative to the model that raises it."""
    return fail_many([Problem(path, message, got, expected)])


def fail_many(problems: list[Problem]) -> PydanticCustomError:
    """Several cross-field problems raised as one pydantic error, so none is lost."""
    text = "; ".join(str(p) for p in problems)
    return PydanticCustomError("privgw_many", "{text}", {"text": text, "problems": problems})


class Matching(AfterValidator):
    """An after-validator whose check is a regular expression: the JSON Schema gets the same
    pattern, so editors refuse what the loader refuses (privgw's own message stays the one a
    user of the CLI sees)."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        pattern = getattr(self.func, "pattern", None)
        if pattern is not None:
            schema["pattern"] = pattern
        return schema


class JsonSchemaExtra:
    """Adds to a field type's JSON Schema what its after-validator checks, where JSON Schema
    can say it (an enum, a pattern, key names), so editors refuse what the loader refuses."""

    def __init__(self, **extra: Any) -> None:
        self.extra = extra

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema.update(self.extra)
        return schema


def shaped(pattern: str, what: str, expected: str) -> Callable[[str], str]:
    """A string type checked against ``pattern`` whose error says ``expected`` in words;
    ``check.pattern`` is the anchored pattern for the JSON Schema."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise fail(f"is not a valid {what}", expected)
        return value

    check.pattern = f"^(?:{pattern})$"  # type: ignore[attr-defined]
    return check

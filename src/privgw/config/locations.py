"""Where each setting of a config file is written (line and column, by field path), and the keys
a file gives twice: YAML and JSON parsers keep the last of two equal keys without a word, so a
second ``access:`` block would silently drop the first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from privgw.errors import Problem


@dataclass(frozen=True)
class Mark:
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def index_nodes(node: yaml.Node | None, path: str = "") -> Iterator[tuple[str, Mark]]:
    """Every field path in a composed YAML (or JSON) document, with where its key is written
    (an item of a list: where the item starts)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = _child(path, str(key.value))
            yield child, _mark(key)
            yield from index_nodes(value, child)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            yield child, _mark(item)
            yield from index_nodes(item, child)


def duplicate_keys(node: yaml.Node | None, path: str = "") -> Iterator[Problem]:
    """A problem for every key written twice in one mapping, at any depth, naming both lines."""
    if isinstance(node, yaml.MappingNode):
        first: dict[str, Mark] = {}
        for key, value in node.value:
            name = str(key.value)
            here = _mark(key)
            if name in first:
                yield Problem(
                    _child(path, name),
                    f"is given twice, at lines {first[name].line} and {here.line}; the parser "
                    "would keep only the last one and silently drop the first",
                    None,
                    "each key once in its mapping (merge the two)",
                    line=here.line,
                    column=here.column,
                )
            else:
                first[name] = here
            yield from duplicate_keys(value, _child(path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from duplicate_keys(item, f"{path}[{i}]")


def mark_of(marks: dict[str, Mark], path: str) -> Mark | None:
    """Where ``path`` is written, or its nearest written parent (a missing field is reported
    where its mapping is)."""
    while path:
        if path in marks:
            return marks[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None

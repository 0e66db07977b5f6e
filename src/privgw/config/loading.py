"""Config files: read (a file or standard input, size and encoding checked), parsed (YAML without
aliases, JSON, TOML), validated into a stack config."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from privgw.config.consumer import ConsumerStack
from privgw.config.locations import Mark, duplicate_keys, index_nodes, mark_of
from privgw.config.messages import show
from privgw.config.openapi import SPEC_FOLDER
from privgw.config.problems import config_error
from privgw.config.stack import Config, EndpointStack
from privgw.errors import ConfigError, Problem
from privgw.flavours import STDIN
from privgw.kinds import KINDS
from privgw.limits import MAX_CONFIG_BYTES, MAX_SPEC_NODES


def load_any(path: str | Path, fmt: str | None = None) -> Config | EndpointStack | ConsumerStack:
    """An API, endpoint-stack or consumer config, by its ``kind``. ``-`` reads standard input
    (format ``fmt``, or detected); a file's format comes from its extension unless given."""
    parsed = _read_config(Path(path), fmt)
    data, source = parsed.data, parsed.source
    kind = KINDS.get(str(data.get("kind"))) if isinstance(data, Mapping) else None
    model = kind.model_class if kind is not None and kind.name != "api" else None
    with parsed.locating():
        if model is not None:
            try:
                stack: EndpointStack | ConsumerStack = model.model_validate(data)
            except ValidationError as exc:
                raise config_error(exc, model, data, source) from None
            return stack
        return _finish(validate_config(data, source, parsed.folder), source, parsed.folder)


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: a config needs none, and they enable 'billion laughs'."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a privgw config", event.start_mark
            )
        return super().compose_node(parent, index)


@dataclass
class _Parsed:
    """A config file's data, its name for messages, its folder, and where each setting is."""

    data: Any
    source: str
    folder: Path
    marks: dict[str, Mark] = field(default_factory=dict)

    @contextmanager
    def locating(self) -> Iterator[None]:
        """Give the problems of a ConfigError raised inside the line they are written on."""
        try:
            yield
        except ConfigError as exc:
            if not self.marks:
                raise
            problems = [
                p if p.line is not None or (mark := mark_of(self.marks, p.path)) is None
                else replace(p, line=mark.line, column=mark.column)
                for p in exc.problems
            ]  # fmt: skip
            raise ConfigError(problems, exc.source, exc.incomplete) from None


class _SpecLoader(yaml.SafeLoader):
    """YAML with anchors and aliases, as OpenAPI documents often share parts; what they expand
    to is counted before anything walks it (see parse_spec_text)."""


def _compose(
    text: str, source: str, loader_class: type[yaml.SafeLoader] = _NoAliasLoader
) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        context = ""
        if exc.context:
            began = exc.context_mark
            context = (
                f" ({exc.context}" + (f" begun at line {began.line + 1}" if began else "") + ")"
            )
        raise ConfigError(
            [
                Problem(
                    "",
                    f"is not valid YAML: {exc.problem}{context}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ],
            source,
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError([Problem("", f"is not valid YAML: {detail}")], source) from None
    finally:
        loader.dispose()


def _parse_text(text: str, fmt: str, source: str) -> tuple[Any, dict[str, Mark]]:
    """Data and the marks of each setting; keys given twice are refused, with both lines."""
    if fmt == "toml":
        try:
            return tomllib.loads(text), {}  # TOML itself refuses a key given twice
        except (ValueError, RecursionError) as exc:
            detail = " ".join(str(exc).split())
            raise ConfigError([Problem("", f"is not valid TOML: {detail}")], source) from None
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = Problem(
                "", f"is not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno
            )
            raise ConfigError([problem], source) from None
        except (ValueError, RecursionError) as exc:
            raise ConfigError([Problem("", f"is not valid JSON: {exc}")], source) from None
        try:  # JSON is YAML: the same composer finds lines and keys given twice
            node = _compose(text, source)
        except ConfigError:  # (a rare JSON that YAML reads otherwise: no lines, then)
            return data, {}
    else:
        node = _compose(text, source)
    twice = list(duplicate_keys(node))
    if twice:
        raise ConfigError(twice, source)
    if fmt != "json":
        loader = _NoAliasLoader("")
        try:
            data = loader.construct_document(node) if node is not None else None
        except (yaml.YAMLError, RecursionError) as exc:
            detail = " ".join(str(exc).split())
            raise ConfigError([Problem("", f"is not valid YAML: {detail}")], source) from None
        finally:
            loader.dispose()
    return data, dict(index_nodes(node))


def parse_config_text(text: str, fmt: str, source: str) -> Any:
    """Parse config text of format yaml/json/toml into plain data, or raise ConfigError (a key
    given twice in one mapping too)."""
    return _parse_text(text, fmt, source)[0]


def parse_spec_text(text: str, fmt: str, source: str) -> Any:
    """An OpenAPI document's data: JSON, or YAML whose aliases are allowed but may expand to
    at most MAX_SPEC_NODES nodes (a 'billion laughs' document is refused before it is walked);
    a key given twice is refused as in a config."""
    if fmt != "yaml":
        return parse_config_text(text, fmt, source)
    node = _compose(text, source, _SpecLoader)
    try:
        size = _expanded_size(node, {})
    except RecursionError:
        raise ConfigError([Problem("", "is nested too deeply")], source) from None
    if size > MAX_SPEC_NODES:
        raise ConfigError(
            [
                Problem(
                    "",
                    f"expands through its aliases to more than {MAX_SPEC_NODES:,} nodes",
                    None,
                    "a document whose anchors and aliases share parts, not multiply them",
                )
            ],
            source,
        )
    twice = list(duplicate_keys(node))
    if twice:
        raise ConfigError(twice, source)
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, RecursionError) as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError([Problem("", f"is not valid YAML: {detail}")], source) from None
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node | None, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` becomes with every alias expanded (shared nodes counted once
    per use, computed once each)."""
    if node is None or id(node) in sizes:
        return sizes.get(id(node), 0)
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, sizes) for item in node.value)
    sizes[id(node)] = size
    return size


def validate_config(data: Any, source: str | None = None, folder: Path | None = None) -> Config:
    """Check plain data (as parsed from a file) and return the typed config; ``folder`` is
    where relative files (an OpenAPI spec) are found."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            [Problem("", "is not a mapping of settings", show(data), "name, function, ...")],
            source,
        )
    try:
        token = SPEC_FOLDER.set(folder)
        try:
            return Config.model_validate(data)
        finally:
            SPEC_FOLDER.reset(token)
    except ValidationError as exc:  # pragma: no cover - Config.__init__ converts them
        raise config_error(exc, Config, data, source) from None
    except RecursionError:
        raise ConfigError([Problem("", "is nested too deeply")], source) from None
    except ConfigError as exc:
        raise ConfigError(exc.problems, source, exc.incomplete) from None


_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


def _read_config(file: Path, fmt: str | None = None) -> _Parsed:
    """Parsed data of a config file (or of standard input for ``-``), its name for messages,
    and its folder (the current one for standard input)."""
    if str(file) == STDIN:
        raw = sys.stdin.buffer.read(MAX_CONFIG_BYTES + 1)
        data, source, marks = _parse_raw(raw, fmt, "<stdin>")
        return _Parsed(data, source, Path.cwd(), marks)
    source = str(file)
    if file.is_dir():
        raise ConfigError(
            [
                Problem(
                    "", "is a directory, not a config file", None, "a .yaml, .json or .toml file"
                )
            ],
            source,
        )
    fmt = fmt or _FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise ConfigError(
            [
                Problem(
                    "",
                    "has an unknown extension",
                    file.suffix or "none",
                    ".yaml, .json, .toml (or --config-format)",
                )
            ],
            source,
        )
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem("", f"cannot be read: {exc.strerror}")], source) from None
    data, source, marks = _parse_raw(raw, fmt, source)
    return _Parsed(data, source, file.resolve().parent, marks)


def _parse_raw(raw: bytes, fmt: str | None, source: str) -> tuple[Any, str, dict[str, Mark]]:
    """Size and encoding checked, then parsed; with no format, TOML if it reads as TOML, else
    YAML (which reads JSON too)."""
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            [Problem("", "is too large", None, f"at most {MAX_CONFIG_BYTES} bytes")], source
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([Problem("", "is not UTF-8 text")], source) from None
    if fmt is None:
        try:
            return tomllib.loads(text), source, {}
        except tomllib.TOMLDecodeError:
            fmt = "yaml"
    data, marks = _parse_text(text, fmt, source)
    return data, source, marks


def _finish(cfg: Config, source: str, source_dir: Path) -> Config:
    cfg._source_dir = source_dir
    problems = [
        problem
        for field, function in cfg.function_fields().items()
        if function.code.path is not None
        and (problem := _code_path_problem(source_dir, function.code.path, f"{field}.code.path"))
    ]
    if problems:
        raise ConfigError(problems, source)
    return cfg


def _code_path_problem(source_dir: Path, code_path: str, field: str) -> Problem | None:
    """The code folder must exist and stay inside the config's folder, symlinks included:
    `sam deploy` and `aws cloudformation package` zip whatever it reaches into the function."""
    target = source_dir / code_path
    expected = "a folder or .zip inside the config file's folder"
    if not target.exists():
        return Problem(
            field,
            f"does not exist (looked for {target})",
            repr(code_path),
            expected,
        )
    root = source_dir.resolve()
    outside = [target] if not target.resolve().is_relative_to(root) else []
    if not outside and target.is_dir():
        outside = [
            link for link in _symlinks_under(target) if not link.resolve().is_relative_to(root)
        ]
    if outside:
        where = outside[0]
        return Problem(
            field,
            f"reaches outside the config file's folder ({where} resolves to {where.resolve()}), "
            "and everything it reaches would be uploaded as the function's code",
            repr(code_path),
            expected + ", with no symlink leading out of it",
        )
    return None


def _symlinks_under(folder: Path) -> Iterable[Path]:
    """Every symlink below ``folder``, without following any (a link cycle cannot loop)."""
    for current, dirs, files in os.walk(folder, followlinks=False):
        for entry in (*dirs, *files):
            path = Path(current, entry)
            if path.is_symlink():
                yield path


#: Top-level keys only a privgw config has (a CloudFormation template, a CI workflow or a
#: compose file has none of them).
CONFIG_KEYS = frozenset(
    {"network", "endpoint", "function", "functions", "routes", "provider", "backends"}
)


def looks_like_config(data: Any) -> bool:
    """Whether parsed data is meant as a privgw config (valid or not): a mapping with a name
    and a key only privgw configs have, or a privgw kind."""
    if not isinstance(data, Mapping) or "Resources" in data:
        return False
    return data.get("kind") in ("api", "endpoint", "consumer") or (
        "name" in data and bool(CONFIG_KEYS & set(data))
    )


def is_config_file(path: Path, fmt: str | None = None) -> bool | None:
    """Whether a file is a privgw config: None when it cannot be read or parsed (so it cannot
    be told)."""
    try:
        return looks_like_config(_read_config(path, fmt).data)
    except ConfigError:
        return None


def load_config(path: str | Path, fmt: str | None = None) -> Config:
    """Read a YAML, JSON or TOML API config and validate it (ConfigError on any problem; a
    config of another kind is named as such: ``load_any`` reads every kind)."""
    parsed = _read_config(Path(path), fmt)
    kind = parsed.data.get("kind") if isinstance(parsed.data, Mapping) else None
    if kind in ("endpoint", "consumer"):
        raise ConfigError(
            [Problem("kind", f"is a {kind} config; load_config reads API configs", kind,
                     "load_any, which reads every kind")],
            parsed.source,
        )  # fmt: skip
    with parsed.locating():
        return _finish(
            validate_config(parsed.data, parsed.source, parsed.folder),
            parsed.source,
            parsed.folder,
        )

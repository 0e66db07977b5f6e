"""The files of an OpenAPI document for ``openapi``: the document itself and the files its
``$ref``s name, all inside the config's folder. A reference to another file is inlined where
it stands, so the rest of privgw reads one document (a RestApi ``Body`` is one JSON object in
the template: it cannot name a file); a URL, a file outside the folder and a cycle through
files are refused with the pointer of the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from privgw.config.openapi_schema import SpecError, pointer_of
from privgw.errors import ConfigError, Problem
from privgw.limits import MAX_SPEC_BYTES

_OUTSIDE = "a local reference (#/components/...) or a file inside the config's folder"


def read_document(path: Path, field_path: str, shown: str) -> Any:
    """One file's data (YAML or JSON by its suffix), or a ConfigError at ``field_path``."""
    from privgw.config.loading import parse_spec_text  # noqa: PLC0415 - loading imports us

    try:
        if path.stat().st_size > MAX_SPEC_BYTES:
            raise ConfigError(
                [Problem(field_path, f"is larger than {MAX_SPEC_BYTES:,} bytes", shown)]
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Problem(field_path, f"cannot be read: {exc.strerror}", shown)]) from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(field_path, "is not UTF-8 text", shown)]) from None
    try:
        return parse_spec_text(text, "json" if path.suffix.lower() == ".json" else "yaml", shown)
    except ConfigError as exc:  # where in the spec file, said at the config's field
        raise ConfigError([_in_file(p, field_path, shown) for p in exc.problems]) from None


def _in_file(problem: Problem, field_path: str, shown: str) -> Problem:
    line = f" line {problem.line}" if problem.line is not None else ""
    key = f" {problem.path}" if problem.path else ""
    return Problem(
        field_path,
        f"({shown}{line}){key} {problem.message}",
        problem.got,
        problem.expected,
    )


def inside(folder: Path, relative: str) -> Path | None:
    """``relative`` resolved against ``folder``, or None when it leaves the folder."""
    path = (folder / relative).resolve()
    return path if path.is_relative_to(folder.resolve()) else None


@dataclass
class _Bundler:
    """Inlines the references to other files of the document at ``main``."""

    main: Path
    folder: Path
    documents: dict[Path, Any] = field(default_factory=dict)

    def inline(self, node: Any, base: Path, at: list[Any], chain: tuple[str, ...]) -> Any:
        """``node`` (from the file ``base``) with every reference that leaves the main
        document replaced by what it names; ``at`` is where the walk is in the main one."""
        if isinstance(node, list):
            return [self.inline(item, base, [*at, i], chain) for i, item in enumerate(node)]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and (base != self.main or not ref.startswith("#")):
            return self._follow(ref, base, [*at, "$ref"], chain)
        return {key: self.inline(value, base, [*at, key], chain) for key, value in node.items()}

    def _follow(self, ref: str, base: Path, at: list[Any], chain: tuple[str, ...]) -> Any:
        where = pointer_of(at)
        said = " -> ".join((*chain, ref))  # from the main document's reference to this one
        if urlsplit(ref).scheme or ref.startswith("//"):
            raise SpecError(where, f"refers to {said}, a remote document", _OUTSIDE)
        name, _, fragment = ref.partition("#")
        target = base if not name else inside(self.folder, str(base.parent / unquote(name)))
        if target is None:
            raise SpecError(where, f"refers to {said}, outside the config's folder", _OUTSIDE)
        if target == self.main:  # back into the main document: a local reference there
            if not fragment.startswith("/"):
                raise SpecError(where, f"refers to {said}, the whole document", _OUTSIDE)
            return {"$ref": "#" + fragment}
        shown = target.relative_to(self.folder).as_posix()
        step = f"{shown}#{fragment}"
        if step in chain:
            raise SpecError(
                where,
                f"refers to {said}, which leads back to {step}",
                "references to other files without a cycle (a recursive schema belongs in "
                "the main document's components)",
            )
        if target not in self.documents:
            if not target.is_file():
                raise SpecError(where, f"refers to {said}, which is no file", "an existing file")
            try:
                self.documents[target] = read_document(target, "openapi", shown)
            except ConfigError as exc:
                first = exc.problems[0]
                raise SpecError(
                    where, f"refers to {said}: {first.message}", first.expected or "a valid file"
                ) from None
        node: Any = self.documents[target]
        for escaped in fragment.lstrip("/").split("/") if fragment.strip("/") else []:
            part = unquote(escaped).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                raise SpecError(where, f"refers to {said}, which does not exist", "an existing ref")
        return self.inline(node, target, at[:-1], (*chain, step))


def bundle(spec: Any, main: Path, folder: Path) -> tuple[Any, list[Path]]:
    """The document at ``main`` with its references to other files inlined, and the files
    read (``main`` first)."""
    bundler = _Bundler(main.resolve(), folder.resolve())
    return bundler.inline(spec, main.resolve(), [], ()), [main.resolve(), *bundler.documents]


def stamps(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """What tells a file changed: its path, modification time and size (None if gone)."""
    found = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            return ()
        found.append((str(file), stat.st_mtime_ns, stat.st_size))
    return tuple(found)

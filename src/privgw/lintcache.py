"""A lint-result cache, so a rebuild of unchanged configs skips cfn-lint entirely.

Keyed on the template's bytes, the regions, privgw's version and lint settings, cfn-lint's
version, and a fingerprint of cfn-lint's installed files (rules and schemas: cfn-lint can
update its specs in place, so a version alone is not enough) and of privgw's own rules. The
fingerprint is each file's path, size and modification time, not its bytes (about 25 ms for
cfn-lint's 2,700 files here; a cold lint of one template costs about a second). Stored under
``$XDG_CACHE_HOME/privgw`` (``~/.cache/privgw``), never in a repository; bounded to
``MAX_ENTRIES`` files; written atomically (temporary file and rename), so concurrent builds
never read half an entry; any read error is a miss.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from privgw.findings import Finding
from privgw.version import __version__

MAX_ENTRIES = 2000
#: What privgw's lint does besides cfn-lint's defaults; part of the key.
LINT_SETTINGS = "cfn-lint + privgw.rules; findings as privgw.findings.Finding v1"


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "privgw" / "lint"


def _stamp(path: str | Path, digest: Any) -> None:
    """A file's path, size and modification time into ``digest`` (a vanished file: nothing)."""
    with contextlib.suppress(OSError):
        stat = os.stat(path)
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())


def _tree_fingerprint(root: Path, digest: Any) -> None:
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            _stamp(os.path.join(dirpath, name), digest)


@functools.cache
def installed_fingerprint() -> str:
    """cfn-lint's version and files, and privgw's own rules and every privgw module they
    import (the part of privgw a lint result depends on, which changes without a version bump
    during development)."""
    # Found, not imported: importing cfn-lint costs most of a second, the point of a hit is
    # not to pay it.
    spec = importlib.util.find_spec("cfnlint")
    version = importlib.metadata.version("cfn-lint")
    digest = hashlib.sha256(f"cfn-lint {version}\n".encode())
    if spec is not None and spec.origin is not None:
        _tree_fingerprint(Path(spec.origin).parent, digest)
    for path in rule_sources():
        _stamp(path, digest)
    return digest.hexdigest()


def rule_sources() -> list[Path]:
    """privgw's files a lint result depends on: the rules, the lint module, and every privgw
    module they import, followed through the imports (read with ``ast``, not imported: a
    cache hit must not pay for loading them). privgw's own ``__init__`` counts, its imports
    do not (they are the public face, not what a rule decides with); a subpackage's are
    followed."""
    here = Path(__file__).parent
    todo = [*sorted((here / "rules").glob("*.py")), here / "lint.py"]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        if path == here / "__init__.py":
            continue
        for name in _privgw_imports(path):
            todo.extend(_module_files(here, name))
    return sorted(seen)


def _privgw_imports(path: Path) -> list[str]:
    """The privgw modules ``path`` imports at run time (``from privgw.x import y``: privgw.x
    and privgw.x.y, whichever is a module; not those under ``if TYPE_CHECKING:``)."""
    import ast  # noqa: PLC0415

    names: list[str] = []
    todo: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("privgw"):
            module = str(node.module)
            names += [module, *(f"{module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("privgw")]
        todo.extend(ast.iter_child_nodes(node))
    return names


def _module_files(package: Path, name: str) -> list[Path]:
    """The file (or package ``__init__``) a dotted privgw name is, if it is one."""
    parts = name.split(".")[1:]
    base = package.joinpath(*parts) if parts else package
    return [p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()]


class LintCache:
    """cfn-lint's findings per template text; ``enabled=False`` neither reads nor writes."""

    def __init__(self, regions: Sequence[str], kind: str, *, enabled: bool = True) -> None:
        """``kind`` says which findings are stored (cfn-lint's alone, or privgw lint's)."""
        self.regions = tuple(sorted(regions))
        self.kind = kind
        self.enabled = enabled
        self.folder = cache_folder()

    def key(self, text: str) -> str:
        parts = [
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
            ",".join(self.regions),
            f"privgw {__version__}",
            LINT_SETTINGS,
            self.kind,
            installed_fingerprint(),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def get(self, text: str) -> list[Finding] | None:
        if not self.enabled:
            return None
        try:
            raw = json.loads((self.folder / f"{self.key(text)}.json").read_text("utf-8"))
            return [
                Finding(
                    f["source"], f["line"], f["rule"], f["level"], f["message"], tuple(f["path"])
                )
                for f in raw
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, text: str, findings: Sequence[Finding]) -> None:
        if not self.enabled:
            return
        data = [
            {
                "source": f.source,
                "line": f.line,
                "rule": f.rule,
                "level": f.level,
                "message": f.message,
                "path": list(f.path),
            }
            for f in findings
        ]
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".entry.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle)
                os.replace(tmp, self.folder / f"{self.key(text)}.json")
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            self._prune()

    def _prune(self) -> None:
        """Keep the newest ``MAX_ENTRIES`` entries."""
        entries = list(self.folder.glob("*.json"))
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda p: p.stat().st_mtime_ns if p.exists() else 0)
        for old in entries[: len(entries) - MAX_ENTRIES]:
            with contextlib.suppress(OSError):
                old.unlink()

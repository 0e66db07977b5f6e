"""Which OpenAPI documents openapi-spec-validator has accepted, kept as empty marker files
named by a digest of the document and the validator's version, under
``$XDG_CACHE_HOME/privgw/specs`` (beside the lint cache, never in a repository). Only an
acceptance is remembered: a document that fails is validated again, so its error is always
shown. Bounded to ``MAX_MARKERS`` files; any file-system error is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any

from privgw.lintcache import cache_folder

MAX_MARKERS = 500
#: Off for ``--no-cache``: nothing is read or written.
ENABLED = True


def _folder() -> Path:
    return cache_folder().parent / "specs"


def validated_marker(spec: Any) -> Path | None:
    """The marker of ``spec`` as the installed validator would judge it (None if unknowable,
    or with the cache off)."""
    if not ENABLED:
        return None
    try:
        versions = [
            importlib.metadata.version(name)
            for name in ("openapi-spec-validator", "openapi-schema-validator", "jsonschema")
        ]
    except importlib.metadata.PackageNotFoundError:
        return None
    text = json.dumps(spec, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(("\0".join(versions) + "\0" + text).encode()).hexdigest()
    return _folder() / digest


def remember_valid(marker: Path) -> None:
    """Record an accepted document; the oldest markers go when there are too many."""
    with contextlib.suppress(OSError):
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        markers = sorted(marker.parent.iterdir(), key=lambda p: p.stat().st_mtime_ns)
        for old in markers[: max(0, len(markers) - MAX_MARKERS)]:
            old.unlink()

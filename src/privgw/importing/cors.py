"""The CORS preflights of a live API (the OPTIONS mocks the console's "Enable CORS" and privgw
write) read back as the config's ``cors``, when they all say the same thing; otherwise they
stay mock routes, answering exactly as before."""

from __future__ import annotations

import re
from typing import Any

_PREFIX = "access-control-"
_TOKEN = re.compile(r"[A-Za-z0-9-]+")


def _preflight(route: dict[str, Any]) -> dict[str, Any] | None:
    """What one OPTIONS mock says, or None when it is not only a CORS preflight."""
    mock = route.get("mock")
    if route.get("method") != "OPTIONS" or not isinstance(mock, dict) or mock.get("body"):
        return None
    headers = {str(k).lower(): str(v) for k, v in (mock.get("headers") or {}).items()}
    if mock.get("status") not in (200, 204) or any(not k.startswith(_PREFIX) for k in headers):
        return None
    origin = headers.get("access-control-allow-origin")
    allowed = [h.strip() for h in headers.get("access-control-allow-headers", "").split(",")]
    if not origin or not all(_TOKEN.fullmatch(h) for h in allowed if h):
        return None
    try:
        max_age = int(headers.get("access-control-max-age", "600"))
    except ValueError:
        return None
    return {
        "allow_origins": [origin],
        "allow_headers": [h for h in allowed if h],
        "allow_credentials": headers.get("access-control-allow-credentials") == "true",
        "max_age": max_age,
        "methods": sorted(
            m.strip().upper() for m in headers.get("access-control-allow-methods", "").split(",")
        ),
    }


def read_cors(
    routes: list[dict[str, Any]], report: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """``routes`` without their preflights and the ``cors`` they mean, or both unchanged."""
    preflights = {r["path"]: _preflight(r) for r in routes if r["method"] == "OPTIONS"}
    said = list(preflights.values())
    if not said or None in said:
        return routes, None
    first = {k: v for k, v in said[0].items() if k != "methods"}  # type: ignore[union-attr]
    if any({k: v for k, v in s.items() if k != "methods"} != first for s in said if s):
        return routes, None
    for path, preflight in sorted(preflights.items()):
        own = sorted({r["method"] for r in routes if r["path"] == path} | {"OPTIONS"})
        if preflight and preflight["methods"] != own and "ANY" not in own:
            report.append(
                f"method OPTIONS {path}: allowed {','.join(preflight['methods'])}; the config's "
                f"cors allows the path's own methods ({','.join(own)})"
            )
    paths = {r["path"] for r in routes if r["method"] != "OPTIONS"}
    for path in sorted(paths - set(preflights)):
        report.append(f"resource {path}: had no CORS preflight; the config's cors adds one")
    report.append(
        f"OPTIONS methods of {len(preflights)} paths: read as cors (privgw answers each "
        "preflight with 204 and the path's own methods)"
    )
    kept = [r for r in routes if not (r["method"] == "OPTIONS" and r["path"] in preflights)]
    return kept, first

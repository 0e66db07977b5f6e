"""Lambda runtimes and the dates AWS deprecates them.

The table mirrors AWS's published runtime support policy. A runtime is accepted only while its
deprecation date lies in the future, so a config that was valid last year is refused with the
successor named once AWS stops patching its runtime (the same date cfn-lint's W2531 starts
warning, which privgw must never emit). ``tests/unit/resources/test_runtimes.py`` checks the
table against cfn-lint's own lifecycle data so the two cannot drift apart silently.
"""

from __future__ import annotations

from datetime import date

#: runtime -> (deprecation date, successor to suggest); retired runtimes are omitted entirely.
RUNTIME_DEPRECATION: dict[str, tuple[date, str | None]] = {
    "nodejs20.x": (date(2026, 4, 30), "nodejs24.x"),
    "nodejs22.x": (date(2027, 4, 30), "nodejs24.x"),
    "nodejs24.x": (date(2028, 4, 30), None),
    "python3.10": (date(2026, 10, 31), "python3.14"),
    "python3.11": (date(2027, 6, 30), "python3.14"),
    "python3.12": (date(2028, 10, 31), "python3.14"),
    "python3.13": (date(2029, 6, 30), "python3.14"),
    "python3.14": (date(2029, 6, 30), None),
    "java11": (date(2027, 6, 30), "java25"),
    "java17": (date(2027, 6, 30), "java25"),
    "java21": (date(2029, 6, 30), "java25"),
    "java25": (date(2029, 6, 30), None),
    "dotnet8": (date(2026, 11, 10), "dotnet10"),
    "dotnet10": (date(2028, 11, 14), None),
    "ruby3.3": (date(2027, 3, 31), "ruby4.0"),
    "ruby3.4": (date(2028, 3, 31), "ruby4.0"),
    "ruby4.0": (date(2029, 3, 31), None),
    "provided.al2": (date(2026, 7, 31), "provided.al2023"),
    "provided.al2023": (date(2029, 6, 30), None),
}

#: Runtimes whose functions may carry their code inline (``Code.ZipFile``).
INLINE_CODE_RUNTIME_PREFIXES = ("python", "nodejs")


def supported_runtimes(today: date | None = None) -> list[str]:
    """Runtimes a new function may use today, sorted for stable messages and schemas."""
    day = today or date.today()
    return sorted(name for name, (deprecated, _) in RUNTIME_DEPRECATION.items() if deprecated > day)


def runtime_problem(runtime: str, today: date | None = None) -> str | None:
    """Why ``runtime`` cannot be used today, or None when it can."""
    day = today or date.today()
    known = RUNTIME_DEPRECATION.get(runtime)
    if known is None:
        return "is not a Lambda runtime privgw supports"
    deprecated, successor = known
    if deprecated <= day:
        hint = f"; move to {successor}" if successor else ""
        return f"was deprecated by AWS on {deprecated.isoformat()}{hint}"
    return None

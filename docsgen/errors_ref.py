"""The errors reference: every refusal class of the error corpus (``tests/golden/corpus/
invalid``), with what the config gets wrong and the exact text a user sees, so a message can
be looked up by what it says."""

from __future__ import annotations

from pathlib import Path


def errors_page(corpus: Path) -> str:
    lines = [
        "# Errors",
        "",
        "After this page you can find what a privgw error means and which config draws it: "
        "each refusal the error corpus holds, with the exact text `privgw build` prints.",
        "",
        "Generated from `tests/golden/corpus/invalid/` (`python -m docsgen`): each entry is "
        "a config there and the error text a test holds privgw to. Every error names the "
        "field path (and the file's line and column), what was given and what is allowed; "
        "all problems of a config come in one run, and nothing is written (exit code 2).",
        "",
    ]
    for config in sorted(corpus.glob("*.yaml")):
        errors = config.with_suffix(".errors.txt")
        if not errors.exists():
            continue
        first = config.read_text(encoding="utf-8").splitlines()[0]
        what = first.removeprefix("#").strip()
        name = config.stem
        lines += [f"## {name}", ""]
        if first.startswith("#") and ":" in what:
            lines += [what.split(":", 1)[1].strip().capitalize() + ".", ""]
        lines += [
            f"`tests/golden/corpus/invalid/{config.name}` draws:",
            "",
            "```text",
            errors.read_text(encoding="utf-8").rstrip(),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"

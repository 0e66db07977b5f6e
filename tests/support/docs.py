"""The documentation as the tests read it: the README and every page under docs/, and one
section of it by its heading, wherever it lives (a section moved between pages stays found)."""

from __future__ import annotations

from pathlib import Path

from tests.support.configs import ROOT

DOCS = ROOT / "docs"


def pages() -> list[Path]:
    """The README, then every documentation page, in a stable order."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def docs_text() -> str:
    """All of the documentation, page after page."""
    return "\n\n".join(p.read_text(encoding="utf-8") for p in pages())


def page_with(heading: str) -> Path:
    """The one page with a ``## heading...`` (the heading's start is enough)."""
    found = [
        p
        for p in pages()
        if any(
            line.startswith(f"## {heading}") for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert len(found) == 1, f"## {heading}: on {len(found)} pages"
    return found[0]


def section(heading: str) -> str:
    """The text under ``## heading...``, up to the next heading of that level, on its page."""
    text = page_with(heading).read_text(encoding="utf-8")
    return text.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]

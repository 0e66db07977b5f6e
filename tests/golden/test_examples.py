"""The committed outputs (templates/, schema/) are exactly what the code produces now."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from bench.readme import README, RESULTS, updated
from privgw import build_template, load_config, render
from privgw.cli import output_name
from privgw.config import config_schema
from privgw.flavours import FLAVOURS, Flavour
from tests.support.configs import EXAMPLES, ROOT

HINT = "run `make templates` and commit the result"


def _diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        actual.splitlines(keepends=True),
        expected.splitlines(keepends=True),
        f"{name} (committed)",
        f"{name} (built now)",
    )
    return "".join(list(lines)[:60])


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_example_has_a_fresh_committed_template(example: Path, flavour: Flavour) -> None:
    committed = ROOT / "templates" / output_name(example.stem, flavour, "yaml")
    assert committed.exists(), f"{committed} is missing: {HINT}"
    fresh = render(build_template(load_config(example), flavour, ROOT / "templates"), "yaml")
    actual = committed.read_text(encoding="utf-8")
    assert actual == fresh, f"{committed} is stale: {HINT}\n" + _diff(fresh, actual, committed.name)


def test_every_example_has_a_fresh_committed_diagram(example: Path) -> None:
    from privgw.diagram import markdown_page  # noqa: PLC0415

    committed = ROOT / "templates" / f"{example.stem}.md"
    assert committed.exists(), f"{committed} is missing: {HINT}"
    cfg = load_config(example)
    fresh = markdown_page(cfg, build_template(cfg).to_dict())
    actual = committed.read_text(encoding="utf-8")
    assert actual == fresh, f"{committed} is stale: {HINT}\n" + _diff(fresh, actual, committed.name)


def test_no_orphan_templates() -> None:
    expected = {output_name(p.stem, f, "yaml") for p in EXAMPLES for f in FLAVOURS}
    expected |= {f"{p.stem}.md" for p in EXAMPLES}
    files = [p for p in (ROOT / "templates").iterdir() if p.is_file()]
    orphans = [p.name for p in files if p.name not in expected]
    assert orphans == [], f"templates without an example: {orphans}"


def test_committed_schema_is_fresh() -> None:
    committed = (ROOT / "schema" / "privgw.schema.json").read_text(encoding="utf-8")
    assert committed == json.dumps(config_schema(), indent=2, sort_keys=True) + "\n", HINT


def test_examples_cover_the_three_scenarios() -> None:
    configs = [load_config(p) for p in EXAMPLES]
    assert any(
        c.endpoint.create and any(r.path == "/hello" and r.method == "GET" for r in c.routes)
        for c in configs
    ), "the seed's single-VPC GET /hello"
    assert any(c.network and len(c.network.allowed_cidrs) > 1 for c in configs), "peered VPCs"
    assert any(not c.endpoint.create and c.endpoint.existing_ids for c in configs), "reuse"


def test_readme_benchmarks_are_the_committed_results() -> None:
    """The README's numbers are bench/results.md as `make bench` wrote it, not retyped."""
    readme = README.read_text(encoding="utf-8")
    assert updated(readme, RESULTS.read_text(encoding="utf-8")) == readme, (
        "README's Benchmarks section differs from bench/results.md: run `make bench` "
        "(or `python -m bench.readme`) and commit the result"
    )

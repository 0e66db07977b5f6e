"""Benchmark rows for OpenAPI in (issue #27): reading a spec (parse, validation, routes) and
building from it, at 100 and 1,000 operations over 20 functions, with the template's size and
resources. The spec is tests/support/specs.py's generated one; nothing here asserts a time."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from bench.timing import fmt, timed
from privgw import build_template, load_config, render
from privgw.config import openapi_schema, spec_cache
from privgw.resources.template import uses_body
from tests.support.specs import write_generated

OPERATION_COUNTS = (100, 1000)


def _cold_read(config: Path) -> None:
    """A first read of the config and its spec: privgw's in-process copy of read specs and
    its remembered validator acceptances (config/spec_cache.py) would make it a cache hit."""
    openapi_schema._LOADED.clear()
    spec_cache.ENABLED = False
    try:
        load_config(config)
    finally:
        spec_cache.ENABLED = True


def section_openapi(repeat: int, results: dict[str, float]) -> list[str]:
    rows = []
    reads: dict[int, float] = {}
    for count in OPERATION_COUNTS:
        runs = repeat if count <= 100 else max(3, repeat // 3)
        with tempfile.TemporaryDirectory() as tmp:
            config = write_generated(Path(tmp), count)
            spec_bytes = (Path(tmp) / "generated.openapi.json").stat().st_size
            read = timed(lambda config=config: _cold_read(config), runs)
            cfg = load_config(config)
        built = timed(lambda cfg=cfg: render(build_template(cfg), "yaml"), runs)
        template = build_template(cfg)
        text = render(template, "yaml")
        compact = render(template, "json", compact=True)
        form = "body" if uses_body(cfg) else "resources"
        reads[count] = statistics.median(read)
        rows.append(
            f"| {count:,} | {spec_bytes:,} | {fmt(read)} | {fmt(built)} | {form} | "
            f"{len(template.resources)} | {len(text.encode()):,} | {len(compact.encode()):,} |"
        )
    ratio = reads[OPERATION_COUNTS[-1]] / reads[OPERATION_COUNTS[0]]
    results["openapi_read_ratio"] = ratio
    return [
        "## OpenAPI in: a generated spec over 20 functions (`openapi:`)",
        "",
        "Four operations per resource, path parameters, JSON bodies through `$ref` schemas, an "
        "API key on writes; a third of the operations carry their own integration "
        "(tests/support/specs.py).",
        "",
        "| operations | spec bytes | read (parse + validate + routes) | build + render "
        "| form | resources | YAML bytes | compact JSON bytes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Reading 1,000 operations takes {ratio:.1f}x the time of 100 (ten times the "
        "operations). Above what the resources form fits, the default is the body form, whose "
        "resources do not grow with operations.",
        "",
    ]

"""The config corpus: files a reviewer can read, each beside what privgw must make of it.

``tests/golden/corpus/invalid/NAME.yaml`` beside ``NAME.errors.txt``, the whole error text a
user sees; ``tests/golden/corpus/valid/NAME.yaml`` beside ``NAME.template.yaml``, the template
it builds (golden). ``make corpus`` (``python -m tests.support.corpus``) rewrites the expected
files from what privgw does now, for review in the diff; the tests never write them.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import yaml

from privgw import ConfigError, build_template, render
from privgw.config import load_any, load_config
from privgw.runtimes import supported_runtimes

CORPUS = Path(__file__).resolve().parents[1] / "golden" / "corpus"
INVALID = CORPUS / "invalid"
VALID = CORPUS / "valid"


def invalid_configs() -> list[Path]:
    return sorted(INVALID.glob("*.yaml"))


def valid_configs() -> list[Path]:
    return sorted(p for p in VALID.glob("*.yaml") if not p.name.endswith(".template.yaml"))


#: Stands for the list of runtimes AWS has not deprecated yet, which changes with the date.
TODAYS_RUNTIMES = "<the runtimes supported today>"


def errors_of(path: Path) -> str:
    """The error text ``privgw build`` prints for an invalid config, named by file name only."""
    try:
        load_any(path)  # any kind: API, endpoint and consumer configs
    except ConfigError as exc:
        text = str(ConfigError(exc.problems, path.name, exc.incomplete)) + "\n"
        return text.replace(", ".join(supported_runtimes()), TODAYS_RUNTIMES)
    return "(no error: this config is valid)\n"


def template_of(path: Path) -> str:
    return render(build_template(load_config(path)), "yaml")


def expected(path: Path) -> Path:
    if path.parent == INVALID:
        return path.with_suffix(".errors.txt")
    return path.with_suffix(".template.yaml")


def actual(path: Path) -> str:
    return errors_of(path) if path.parent == INVALID else template_of(path)


def diff(path: Path) -> str:
    """A unified diff from the stored expectation to what privgw does now; empty when equal."""
    want = expected(path).read_text(encoding="utf-8") if expected(path).exists() else ""
    got = actual(path)
    return "".join(
        difflib.unified_diff(
            want.splitlines(keepends=True),
            got.splitlines(keepends=True),
            expected(path).name,
            "privgw now",
        )
    )


def valid_data() -> dict[str, dict[str, Any]]:
    """Every valid corpus config as plain data, by name (the variants other tests reuse)."""
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in valid_configs()}


def regenerate() -> int:
    """`make corpus`: rewrite every expected file; print what changed."""
    changed = 0
    for path in [*invalid_configs(), *valid_configs()]:
        text = actual(path)
        target = expected(path)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(CORPUS.parents[2])}")
            changed += 1
    print(f"{changed} expected file(s) changed; review them with git diff")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())

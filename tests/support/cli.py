"""The CLI as a test runs it: in-process, with its exit code and both streams captured."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml

from privgw.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write_config(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path

"""What the benchmark sections share: where the repository and the seed example are, the
console script a user runs, and the seed example with N flat routes."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "hello.yaml"
_SCRIPT = Path(sys.executable).with_name("privgw")
#: The console script a user runs (falls back to the module when it is not installed).
PRIVGW = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "privgw.cli"]
ROUTE_COUNTS = (1, 10, 50, 100, 200)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(command, check=True, capture_output=True, env=env)


def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return data


def with_routes(count: int) -> dict[str, Any]:
    data = copy.deepcopy(seed_data())
    data["routes"] = [f"GET /r{i}" for i in range(count)]
    return data

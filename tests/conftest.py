"""Shared fixtures: the examples, a known-good config to mutate, and template helpers."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, build_template, load_config, render
from privgw.flavours import FLAVOURS
from privgw.rendering import FORMATS, Format

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

VPC = "vpc-0123456789abcdef0"
SUBNETS = ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]

BASE_CONFIG: dict[str, Any] = {
    "name": "svc",
    "network": {"vpc_id": VPC, "subnet_ids": SUBNETS, "allowed_cidrs": ["10.0.0.0/16"]},
    "function": {
        "runtime": "python3.13",
        "handler": "index.handler",
        "code": {"inline": "def handler(event, context):\n    return {'statusCode': 200}\n"},
    },
    "routes": ["GET /hello"],
}


@pytest.fixture
def base() -> dict[str, Any]:
    """A fresh deep copy of a valid config, for tests to mutate."""
    return copy.deepcopy(BASE_CONFIG)


def with_changes(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Copy ``data`` and set dotted keys: with_changes(d, **{"network.vpc_id": "x"})."""
    result = copy.deepcopy(data)
    for dotted, value in changes.items():
        node = result
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        if value is DELETE:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return result


DELETE = object()


def assert_no_environment_literals(text: str) -> None:
    """No account id, region, partition or URL suffix written into a template's text (the
    caller first removes what its config itself names)."""
    assert not re.search(r"\b\d{12}\b", text), "hard-coded account id"
    assert not re.search(r"\b(us|eu|ap|sa|ca|me|af)-[a-z]+-\d\b", text), "hard-coded region"
    assert "arn:aws:" not in text, "hard-coded partition"
    assert "amazonaws.com/" not in text.replace("${AWS::URLSuffix}", "")


def resources_of(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def one_of(template: dict[str, Any], rtype: str) -> dict[str, Any]:
    found = resources_of(template, rtype)
    assert len(found) == 1, f"expected one {rtype}, found {sorted(found)}"
    return next(iter(found.values()))


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture
def build_dict() -> Callable[[dict[str, Any]], dict[str, Any]]:
    def _build(data: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = build_template(Config(**data)).to_dict()
        return result

    return _build


def example_texts() -> Iterator[tuple[str, Format, str]]:
    """(label, format, text) of every example in both flavours and both formats."""
    for path in EXAMPLES:
        cfg = load_config(path)
        for flavour in FLAVOURS:
            template = build_template(cfg, flavour, ROOT / "templates")
            for fmt in FORMATS:
                yield f"{path.stem}.{flavour}", fmt, render(template, fmt)


@pytest.fixture(autouse=True)
def _own_lint_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets an empty lint cache of its own (never the user's ~/.cache)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))

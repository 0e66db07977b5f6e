"""Fixtures every test folder shares; the helpers they build on live in tests/support/."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, build_template
from tests.support.configs import BASE_CONFIG, EXAMPLES


@pytest.fixture
def base() -> dict[str, Any]:
    """A fresh deep copy of a valid config, for tests to mutate."""
    return copy.deepcopy(BASE_CONFIG)


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


@pytest.fixture(autouse=True)
def _own_lint_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets an empty lint cache of its own (never the user's ~/.cache)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))

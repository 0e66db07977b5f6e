"""Rendering is deterministic and writes are atomic."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from privgw import Config, build_template, render, write_atomic
from privgw.errors import OutputError
from tests.support.configs import BASE_CONFIG


def test_json_is_sorted_and_indented() -> None:
    """Sections in the conventional order (golden/test_docs.py), everything below them sorted."""
    text = render(build_template(Config(**BASE_CONFIG)), "json")
    data = json.loads(text)
    sections = json.dumps(list(data))
    assert (
        text
        == json.dumps(
            {
                key: json.loads(json.dumps(data[key], sort_keys=True))
                for key in json.loads(sections)
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def test_yaml_uses_short_form_intrinsics() -> None:
    text = render(build_template(Config(**BASE_CONFIG)), "yaml")
    assert "!Ref RestApi" in text
    assert "!Sub" in text
    assert "Fn::" not in text


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(build_template(Config(**BASE_CONFIG)), "xml")  # type: ignore[arg-type]


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "t.yaml"
    write_atomic(target, "one\n")
    write_atomic(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["t.yaml"]


def test_failure_mid_write_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "t.yaml"
    target.write_text("previous\n", encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"], "temporary file left behind"


def test_interrupt_mid_write_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "t.yaml"
    target.write_text("previous\n", encoding="utf-8")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.yaml"]

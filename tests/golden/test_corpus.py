"""Every corpus config against its stored expectation, whole text, diff on mismatch.

A wording change in an error, or any change in a template, fails here with a unified diff;
run `make corpus` to rewrite the expected files, then review them in the commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.corpus import CORPUS, diff, expected, invalid_configs, valid_configs

HINT = "\n(run `make corpus` to accept the new text, then review the diff)"


@pytest.mark.parametrize("path", invalid_configs(), ids=[p.stem for p in invalid_configs()])
def test_invalid_config_gives_exactly_the_stored_errors(path: Path) -> None:
    assert expected(path).exists(), f"{expected(path)} is missing" + HINT
    assert diff(path) == "", diff(path) + HINT


@pytest.mark.parametrize("path", valid_configs(), ids=[p.stem for p in valid_configs()])
def test_valid_config_builds_exactly_the_stored_template(path: Path) -> None:
    assert expected(path).exists(), f"{expected(path)} is missing" + HINT
    assert diff(path) == "", diff(path) + HINT


def test_the_corpus_is_not_empty_and_has_no_strays() -> None:
    assert len(invalid_configs()) >= 60
    assert len(valid_configs()) >= 10
    for folder, suffix in (("invalid", ".errors.txt"), ("valid", ".template.yaml")):
        for extra in (CORPUS / folder).glob(f"*{suffix}"):
            source = extra.with_name(extra.name.removesuffix(suffix) + ".yaml")
            assert source.exists(), f"{extra} has no config beside it"


def test_a_changed_wording_fails_with_a_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proof the comparison can fail: a stored text one word off gives a diff."""
    path = invalid_configs()[0]
    stored = expected(path).read_text(encoding="utf-8")
    monkeypatch.setattr("tests.support.corpus.expected", lambda _: tmp_path / "x.txt")
    (tmp_path / "x.txt").write_text(stored.replace("problem", "issue", 1), encoding="utf-8")
    assert diff(path).startswith("---")

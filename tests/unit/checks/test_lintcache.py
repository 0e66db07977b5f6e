"""The lint-result cache: a hit returns exactly what a fresh lint returns, any change to the
key misses, a broken entry is a miss, --no-cache neither reads nor writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from privgw import lintcache
from privgw.cli import main
from privgw.lint import run_cfn_lint
from privgw.lintcache import LintCache, cache_folder
from tests.support.configs import BASE_CONFIG, leaky_text


@pytest.fixture
def text() -> str:
    return leaky_text()


def test_a_hit_returns_exactly_the_fresh_findings(text: str) -> None:
    fresh = run_cfn_lint(text)
    assert fresh, "a template with findings, so the test can tell"
    cache = LintCache(["us-east-1"], "cfn-lint")
    assert cache.get(text) is None
    cache.put(text, fresh)
    assert cache.get(text) == fresh
    assert [f.path for f in cache.get(text) or []] == [f.path for f in fresh]


def test_every_part_of_the_key_misses(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = LintCache(["us-east-1"], "cfn-lint")
    cache.put(text, run_cfn_lint(text))
    assert cache.get(text) is not None
    assert cache.get(text + "\n") is None, "the template's bytes"
    assert LintCache(["eu-west-1"], "cfn-lint").get(text) is None, "the regions"
    assert LintCache(["us-east-1"], "lint").get(text) is None, "which findings"
    real = getattr(lintcache, "__version__")  # noqa: B009 - not a public name of the module
    monkeypatch.setattr(lintcache, "__version__", "999.0")
    assert cache.get(text) is None, "privgw's version"
    monkeypatch.setattr(lintcache, "__version__", real)
    assert cache.get(text) is not None
    monkeypatch.setattr(lintcache, "LINT_SETTINGS", "other settings")
    assert cache.get(text) is None, "the lint settings"


def test_an_installed_file_changing_misses(text: str, tmp_path: Path) -> None:
    """cfn-lint can update its specs in place: the fingerprint sees a file's size or time."""
    cache = LintCache(["us-east-1"], "cfn-lint")
    cache.put(text, run_cfn_lint(text))
    before = lintcache.installed_fingerprint()
    import cfnlint  # noqa: PLC0415

    spec = Path(cfnlint.__file__).parent / "data" / "schemas" / "providers" / "us-east-1.json"
    stat = spec.stat()
    try:
        import os  # noqa: PLC0415

        os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        lintcache.installed_fingerprint.cache_clear()
        assert lintcache.installed_fingerprint() != before
        assert cache.get(text) is None
    finally:
        os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        lintcache.installed_fingerprint.cache_clear()
    assert lintcache.installed_fingerprint() == before


def test_a_broken_entry_is_a_miss(text: str) -> None:
    cache = LintCache(["us-east-1"], "cfn-lint")
    cache.put(text, run_cfn_lint(text))
    (cache.folder / f"{cache.key(text)}.json").write_text("{not json", encoding="utf-8")
    assert cache.get(text) is None


def test_the_cache_is_bounded(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lintcache, "MAX_ENTRIES", 3)
    cache = LintCache(["us-east-1"], "cfn-lint")
    for index in range(6):
        cache.put(text + "\n" * index, [])
    assert len(list(cache.folder.glob("*.json"))) == 3


def test_build_uses_the_cache_and_no_cache_skips_it(tmp_path: Path) -> None:
    config = tmp_path / "svc.yaml"
    config.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    out = tmp_path / "out"

    def build(*extra: str) -> int:
        return main(
            ["build", str(config), "-o", str(out), "--force", *extra], io.StringIO(), io.StringIO()
        )

    assert build("--no-cache") == 0
    assert not cache_folder().exists() or not list(cache_folder().glob("*.json"))
    assert build() == 0
    entries = list(cache_folder().glob("*.json"))
    assert len(entries) == 1
    assert build() == 0, "a hit gives the same verdict"
    assert list(cache_folder().glob("*.json")) == entries

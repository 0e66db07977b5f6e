"""Every template privgw can emit lints with zero cfn-lint findings; the checks can fail."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, build_template, lint_text, render
from privgw.checks import size_findings
from privgw.limits import INLINE_TEMPLATE_LIMIT, POLICY_LIMIT
from privgw.lint import run_cfn_lint
from privgw.rendering import Format
from tests.support.configs import BASE_CONFIG, example_texts
from tests.support.corpus import valid_data

EXAMPLE_TEXTS = list(example_texts())


@pytest.mark.parametrize(
    "text", [t for _, _, t in EXAMPLE_TEXTS], ids=[f"{n}.{f}" for n, f, _ in EXAMPLE_TEXTS]
)
def test_every_example_lints_clean_in_both_formats(text: str) -> None:
    assert lint_text(text) == []


#: Configs that exercise every option: tests/golden/corpus/valid/ (each beside its golden template).
VARIANTS: dict[str, dict[str, Any]] = valid_data()


@pytest.mark.parametrize("fmt", ["json", "yaml"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_generated_variants_lint_clean(name: str, fmt: Format) -> None:
    text = render(build_template(Config(**VARIANTS[name])), fmt)
    findings = [f for f in lint_text(text) if f.fails]
    assert findings == []


def test_large_template_gets_s3_advice_not_failure() -> None:
    text = render(build_template(Config(**VARIANTS["two-hundred-routes"])), "yaml")
    assert len(text.encode()) > INLINE_TEMPLATE_LIMIT
    (advice,) = [f for f in lint_text(text) if f.rule == "I9002"]
    assert advice.level == "info"
    assert not advice.fails
    assert "--s3-bucket" in advice.message


def test_cfn_lint_is_really_running() -> None:
    """Proof the lint tests can fail: a broken template gets findings."""
    text = render(build_template(Config(**BASE_CONFIG)), "json")
    broken = text.replace('"python3.13"', '"python3.8"').replace(
        '"MemorySize": 256', '"MemorySize": 1'
    )
    findings = run_cfn_lint(broken)
    assert "W2531" in {f.rule for f in findings}  # deprecated runtime
    assert ("E3034", "error") in {(f.rule, f.level) for f in findings}  # memory below 128


def test_oversized_policy_is_an_error() -> None:
    ids = [f"vpce-{i:017x}" for i in range(400)]
    template = {
        "Resources": {
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {"Policy": {"Statement": [{"Condition": {"x": ids}}]}},
            }
        }
    }
    (finding,) = size_findings("{}", template)
    assert finding.rule == "E9003"
    assert finding.fails
    assert str(POLICY_LIMIT)[:1] in finding.message


def test_over_one_megabyte_is_an_error() -> None:
    (finding,) = size_findings("x" * 1_000_001, {"Resources": {}})
    assert (finding.rule, finding.level) == ("E9001", "error")


def test_lint_ignores_local_cfnlintrc(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's ./.cfnlintrc must not hide findings: privgw pins its own settings."""
    (tmp_path / ".cfnlintrc").write_text("ignore_checks:\n  - W2531\n  - E\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    text = render(build_template(Config(**BASE_CONFIG)), "json").replace("python3.13", "python3.8")
    assert "W2531" in {f.rule for f in run_cfn_lint(text)}

"""privgw's checks as cfn-lint rules: line numbers in privgw's lint, a rule list, and plain
`cfn-lint --append-rules` (the command the README documents) running them on any template."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from privgw import Config, build_template, lint_text, render
from privgw.rules import RULES
from tests.support.cli import run
from tests.support.configs import BASE_CONFIG, ROOT, leaky_text

CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))


#: The rules from before the renumbering (P1001..P2007), which keep their old id in words.
RENUMBERED = {"E9001", "I9002", "E9003", *(f"E910{i}" for i in range(1, 8)), "W9106"}


def test_every_rule_is_described_like_cfn_lints_own() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.id[0] in "EWI"
        assert rule.id[1] == "9", "cfn-lint's range for user rules"
        assert rule.shortdesc
        if rule.id in RENUMBERED:
            assert "(was P" in rule.description, "the old id is kept in the description"
        assert rule.source_url.startswith("https://docs.aws.amazon.com/")
        assert "privgw" in rule.tags


def test_privgw_findings_carry_the_line_of_what_is_wrong() -> None:
    text = leaky_text()
    (finding,) = [f for f in lint_text(text) if f.rule == "E9102"]
    assert finding.source == "privgw"
    lines = text.splitlines()
    assert lines[finding.line - 1].strip() == "Policy:", "the RestApi's Policy, by line"


def test_lint_lists_the_rules() -> None:
    code, out, _ = run("lint", "--list-rules")
    assert code == 0
    listed = out.splitlines()
    assert [line.split()[0] for line in listed] == [rule.id for rule in RULES]
    assert all("https://docs.aws.amazon.com/" in line for line in listed)


@pytest.mark.parametrize("rules", [str(ROOT / "src" / "privgw" / "rules"), "privgw.rules"])
def test_plain_cfn_lint_runs_privgws_rules(tmp_path: Path, rules: str) -> None:
    """The README's command: `cfn-lint TEMPLATE --append-rules src/privgw/rules` (or the
    installed module privgw.rules)."""
    clean = subprocess.run(
        [CFN_LINT, str(ROOT / "templates" / "hello.yaml"), "--append-rules", rules],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert (clean.returncode, clean.stdout) == (0, ""), clean.stderr
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(leaky_text(), encoding="utf-8")
    found = subprocess.run(
        [CFN_LINT, str(leaky), "--append-rules", rules],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert found.returncode == 2, found.stdout + found.stderr
    assert found.stdout.startswith("E9102 resource policy of RestApi admits a call through")
    line = int(found.stdout.split(f"{leaky}:", 1)[1].split(":")[0])
    assert leaky.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "Policy:"


def test_a_big_file_gets_the_size_rule_from_plain_cfn_lint(tmp_path: Path) -> None:
    cfg = Config(**{**BASE_CONFIG, "routes": [f"GET /r{i}" for i in range(60)]})
    big = tmp_path / "big.yaml"
    big.write_text(render(build_template(cfg), "yaml"), encoding="utf-8")
    assert big.stat().st_size > 51_200
    found = subprocess.run(
        [CFN_LINT, str(big), "--include-checks", "I", "--append-rules", "privgw.rules"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.stdout.startswith("I9002 template is"), found.stdout + found.stderr

"""checkov passes every template privgw emits; each skipped check carries privgw's reason."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, build_template, load_config, render
from privgw.flavours import FLAVOURS
from privgw.suppressions import ALL
from tests.support.configs import BASE_CONFIG, ROOT, example_texts, topology_texts, with_changes
from tests.support.corpus import valid_data
from tests.support.docs import docs_text

KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SCANNED_VARIANTS = {
    **valid_data(),
    "hardened": with_changes(
        BASE_CONFIG,
        log_kms_key_arn=KEY,
        **{
            "function.reserved_concurrency": 5,
            "function.dead_letter_arn": "arn:aws:sqs:eu-west-1:111122223333:failed-events",
            "function.kms_key_arn": KEY,
            "function.environment": {"MODE": "strict"},
        },
    ),
}


def checkov_command() -> str:
    command = os.environ.get("PRIVGW_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not Path(command).exists():
        pytest.fail(f"checkov not found at {command}: run `make test` (it installs checkov)")
    return command


def scan(directory: Path) -> dict[str, Any]:
    """One checkov run over a directory; --skip-download keeps it off the network."""
    result = subprocess.run(
        [
            checkov_command(),
            "--directory",
            str(directory),
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--compact",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": ""},
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert isinstance(report, dict), "expected one cloudformation report"
    return report


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = tmp_path_factory.mktemp("scan")
    for name, fmt, text in example_texts():
        (directory / f"example-{name}.{fmt}").write_text(text, encoding="utf-8")
    for name, text in topology_texts():
        (directory / f"topology-{name}.yaml").write_text(text, encoding="utf-8")
    cross_account = sorted((ROOT / "examples" / "cross-account").glob("*.yaml"))
    committed = ROOT / "templates" / "cross-account"
    for name, text in topology_texts(cross_account, committed):
        (directory / f"cross-account-{name}.yaml").write_text(text, encoding="utf-8")
    for name, data in SCANNED_VARIANTS.items():
        text = render(build_template(Config(**data)), "yaml")
        (directory / f"variant-{name}.yaml").write_text(text, encoding="utf-8")
    for stem in ("platform", "secured", "services"):  # the body form (api_definition)
        cfg = load_config(ROOT / "examples" / f"{stem}.yaml")
        as_body = cfg.model_copy(update={"api_definition": "body"})
        for flavour in FLAVOURS:
            text = render(build_template(as_body, flavour), "yaml")
            (directory / f"body-{stem}.{flavour}.yaml").write_text(text, encoding="utf-8")
    return scan(directory)


def test_zero_failed_checks(report: dict[str, Any]) -> None:
    failed = [
        (c["check_id"], c["resource"], c["file_path"]) for c in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 100


def test_every_skip_is_one_of_privgws_documented_suppressions(report: dict[str, Any]) -> None:
    documented = {(s.check, s.reason) for s in ALL}
    skipped = report["results"]["skipped_checks"]
    assert skipped
    for check in skipped:
        comment = check["check_result"]["suppress_comment"]
        assert (check["check_id"], comment) in documented, check["resource"]


def test_hardened_config_needs_no_function_or_log_suppressions(report: dict[str, Any]) -> None:
    skipped = {
        (c["check_id"], c["resource"])
        for c in report["results"]["skipped_checks"]
        if "variant-hardened" in c["file_path"]
    }
    assert ("CKV_AWS_115", "AWS::Lambda::Function.Function") not in skipped
    assert ("CKV_AWS_116", "AWS::Lambda::Function.Function") not in skipped
    assert ("CKV_AWS_173", "AWS::Lambda::Function.Function") not in skipped
    assert not any(check == "CKV_AWS_158" for check, _ in skipped)


def test_readme_lists_every_suppression_and_reason() -> None:
    readme = " ".join(docs_text().split())
    for suppression in ALL:
        assert suppression.check in readme
        assert suppression.reason in readme, suppression.check


def test_checkov_really_fails_an_unsuppressed_template(tmp_path: Path) -> None:
    """Proof the scan can fail: strip the suppressions and checkov reports the rules."""
    template = build_template(Config(**BASE_CONFIG)).to_dict()
    for resource in template["Resources"].values():
        resource.pop("Metadata", None)
    (tmp_path / "bare.json").write_text(json.dumps(template), encoding="utf-8")
    failed = {c["check_id"] for c in scan(tmp_path)["results"]["failed_checks"]}
    assert {"CKV_AWS_59", "CKV_AWS_120", "CKV_AWS_115", "CKV_AWS_116"} <= failed

"""The CLI as a new user meets it: every bad input exits 2 with one clear line and writes
nothing, standard input works, and every command's help says what it does."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.support.cli import run, write_config
from tests.support.configs import BASE_CONFIG, ROOT


def assert_clean_refusal(code: int, err: str, fragment: str) -> None:
    assert code == 2, err
    assert err.startswith("privgw: error: ") or err.startswith("privgw: error"), err
    assert fragment in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["build", "schema"])
def test_output_path_that_is_a_file_or_under_one(tmp_path: Path, command: str) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    for target, fragment in (
        (blocker, "afile is a file, not a folder"),
        (blocker / "sub", "afile is a file, not a folder"),
    ):
        if command == "build":
            code, _, err = run("build", str(config), "-o", str(target), "--no-lint")
        else:
            code, _, err = run("schema", "-o", str(target / "schema.json"))
        assert_clean_refusal(code, err, fragment)
    assert blocker.read_text() == "x"


def test_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    """/sys refuses new folders even to root (the tests may run as root, where a read-only
    folder would still be writable)."""
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    code, _, err = run("build", str(config), "-o", "/sys/privgw-test", "--no-lint")
    assert_clean_refusal(code, err, "cannot create the folder /sys/privgw-test")


@pytest.mark.parametrize("region", ["eu-west1", "EU-WEST-1", "eu-wast-1"])
def test_mistyped_region_is_refused_before_anything_is_written(tmp_path: Path, region: str) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    out = tmp_path / "out"
    code, _, err = run("build", str(config), "-o", str(out), "--region", region)
    assert_clean_refusal(code, err, region)
    assert not out.exists(), "nothing may be written"
    code, _, err = run("lint", str(ROOT / "templates" / "hello.yaml"), "--region", region)
    assert_clean_refusal(code, err, region)
    if region == "eu-wast-1":  # a region-shaped typo: the closest region, not all of them
        assert "did you mean eu-west-1?" in err
        assert "ap-southeast-2" not in err


def test_a_known_region_other_than_the_default_lints(tmp_path: Path) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    code, _, err = run("build", str(config), "-o", str(tmp_path / "o"), "--region", "eu-west-1")
    assert (code, err) == (0, "")


def test_config_path_that_is_a_directory(tmp_path: Path) -> None:
    code, _, err = run("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert_clean_refusal(code, err, "is a directory, not a config file")


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (None, yaml.safe_dump(BASE_CONFIG)),
        ("json", __import__("json").dumps(BASE_CONFIG)),
        (None, __import__("json").dumps(BASE_CONFIG)),
    ],
)
def test_config_on_standard_input(tmp_path: Path, fmt: str | None, text: str) -> None:
    args = [sys.executable, "-m", "privgw.cli", "build", "-", "-o", str(tmp_path), "--no-lint"]
    if fmt:
        args += ["--config-format", fmt]
    done = subprocess.run(args, input=text, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    written = tmp_path / f"{BASE_CONFIG['name']}.yaml"
    assert "AWS::ApiGateway::RestApi" in written.read_text(encoding="utf-8")


def test_bad_config_on_standard_input_names_stdin(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "privgw.cli", "build", "-", "-o", str(tmp_path)]
    done = subprocess.run(args, input="name: [", capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "<stdin>" in done.stderr
    assert "Traceback" not in done.stderr


def test_lint_reports_the_yaml_error_with_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A: [b\n", encoding="utf-8")
    code, _, err = run("lint", str(bad))
    assert_clean_refusal(code, err, "not valid YAML: line 3, column 1")
    assert "JSON" not in err
    broken_json = tmp_path / "bad.json"
    broken_json.write_text('{"Resources": ', encoding="utf-8")
    code, _, err = run("lint", str(broken_json))
    assert_clean_refusal(code, err, "not valid JSON")


@pytest.mark.parametrize("command", ["build", "lint", "deploy", "schema"])
def test_every_command_has_help_with_defaults_exit_codes_and_examples(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "privgw.cli", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = done.stdout
    assert "exit codes:" in text
    assert "130" in text
    examples = text.split("examples:\n", 1)[1]
    assert examples.count(f"privgw {command}") == 2
    if command == "build":
        assert "(default: templates/" in text
        assert "(default: yaml)" in text
    if command == "deploy":
        assert "(default: CAPABILITY_IAM" in text


@pytest.mark.parametrize("delay", [0.05, 0.07, 0.1, 0.15, 0.25, 0.4, 0.6])
def test_an_interrupt_at_any_moment_exits_130_without_a_traceback(
    tmp_path: Path, delay: float
) -> None:
    """The console script installs its SIGINT handling before the CLI's imports: measured here,
    it is in place about 30 ms after the process starts (Python's own start-up is the only
    earlier moment); before, a Ctrl-C until about 50 ms in printed an import traceback. The
    earliest moment tested leaves a margin over those 30 ms, so a slow machine does not flake."""
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    script = Path(sys.executable).with_name("privgw")
    process = subprocess.Popen(
        [str(script), "build", str(config), "-o", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    if process.returncode == 0:  # finished before the signal came: nothing to check
        return
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().endswith("privgw: interrupted")
    leftovers = list((tmp_path / "out").glob(".*.tmp")) if (tmp_path / "out").exists() else []
    assert leftovers == []

"""The CLI as a user runs it: exit codes, messages, files written or left alone."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from privgw import __version__
from privgw.cli import main
from tests.support.cli import run, write_config
from tests.support.configs import BASE_CONFIG, EXAMPLES, ROOT, with_changes


def test_build_writes_linted_template(tmp_path: Path) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    code, out, err = run("build", str(config), "-o", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    written = tmp_path / "out" / "svc.yaml"
    assert f"wrote {written}" in out
    assert "AWS::ApiGateway::RestApi" in written.read_text(encoding="utf-8")
    assert not list((tmp_path / "out").glob(".*tmp")), "temporary file left behind"


def test_build_json_format(tmp_path: Path) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    code, _, _ = run("build", str(config), "-o", str(tmp_path), "--format", "json", "--no-lint")
    assert code == 0
    data = json.loads((tmp_path / "svc.json").read_text(encoding="utf-8"))
    assert data["Resources"]["RestApi"]["Properties"]["EndpointConfiguration"]["Types"] == [
        "PRIVATE"
    ]


def test_bad_config_exits_2_lists_problems_and_writes_nothing(tmp_path: Path) -> None:
    good = write_config(tmp_path, "good.yaml", BASE_CONFIG)
    bad = write_config(
        tmp_path,
        "bad.yaml",
        with_changes(
            BASE_CONFIG, **{"network.allowed_cidrs": ["0.0.0.0/0"], "function.timeout": 399}
        ),
    )
    out_dir = tmp_path / "out"
    code, out, err = run("build", str(good), str(bad), "-o", str(out_dir))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert f"invalid config in {bad}: 2 problems" in err
    assert "network.allowed_cidrs[0]: would open the endpoint to every address" in err
    assert "function.timeout: is over API Gateway's longest integration timeout" in err
    assert not out_dir.exists(), "nothing may be written when any config is bad"


def test_failed_build_keeps_previous_template(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    previous = out_dir / "svc.yaml"
    previous.write_text("previous template\n", encoding="utf-8")
    bad = write_config(tmp_path, "svc.yaml", with_changes(BASE_CONFIG, name="-bad"))
    code, _, _ = run("build", str(bad), "-o", str(out_dir))
    assert code == 2
    assert previous.read_text(encoding="utf-8") == "previous template\n"


def test_lint_findings_exit_1(tmp_path: Path) -> None:
    template = tmp_path / "t.json"
    config = write_config(tmp_path, "t.yaml", BASE_CONFIG)
    assert run("build", str(config), "-o", str(tmp_path), "--format", "json", "--no-lint")[0] == 0
    template.write_text(
        template.read_text(encoding="utf-8").replace("python3.13", "python3.8"), encoding="utf-8"
    )
    code, _, err = run("lint", str(template))
    assert code == 1
    assert f"{template}:" in err
    assert "W2531" in err


def test_lint_clean_template_exit_0() -> None:
    templates = sorted(Path(EXAMPLES[0]).parent.parent.glob("templates/*.yaml"))
    code, out, err = run("lint", *map(str, templates))
    assert (code, err) == (0, "")
    assert out.count("no findings") == len(templates)


@pytest.mark.parametrize("content", [b"\x00\xff\xfe", b"[1, 2", b"- a\n- b\n"])
def test_lint_unreadable_template_exit_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(content)
    code, _, err = run("lint", str(path))
    assert code == 2
    assert str(path) in err
    assert "Traceback" not in err


def test_two_configs_same_output_name_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write_config(tmp_path / "a", "svc.yaml", BASE_CONFIG)
    two = write_config(tmp_path / "b", "svc.yaml", BASE_CONFIG)
    code, _, err = run("build", str(one), str(two), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "would both write" in err


def test_schema_describes_config() -> None:
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == "privgw config"
    assert schema["anyOf"] == [
        {"$ref": "#/$defs/Config"},
        {"$ref": "#/$defs/EndpointStack"},
        {"$ref": "#/$defs/ConsumerStack"},
    ]
    consumer = schema["$defs"]["ConsumerStack"]
    assert set(consumer["required"]) == {"kind", "name", "provider"}
    assert consumer["additionalProperties"] is False
    api = schema["$defs"]["Config"]
    assert set(api["required"]) == {"name"}  # function, functions or backends: checked by rules
    assert api["additionalProperties"] is False


def test_version_and_usage_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "privgw.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"privgw {__version__}")
    result = subprocess.run(
        [sys.executable, "-m", "privgw.cli", "build"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "the following arguments are required: CONFIG" in result.stderr


def test_build_without_lint_never_imports_cfn_lint(tmp_path: Path) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    code = (
        "import sys\n"
        "from privgw.cli import main\n"
        f"rc = main(['build', {str(config)!r}, '-o', {str(tmp_path / 'out')!r}, '--no-lint'])\n"
        "assert rc == 0, rc\n"
        "assert not [m for m in sys.modules if m.startswith('cfnlint')], 'cfnlint imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_compact_json_is_smallest_and_equal(tmp_path: Path) -> None:
    config = write_config(tmp_path, "svc.yaml", BASE_CONFIG)
    out = tmp_path / "out"
    assert run("build", str(config), "-o", str(out), "--format", "json", "--no-lint")[0] == 0
    pretty = (out / "svc.json").read_text(encoding="utf-8")
    assert run("build", str(config), "-o", str(out), "--format", "json", "--compact")[0] == 0
    compact = (out / "svc.json").read_text(encoding="utf-8")
    assert json.loads(compact) == json.loads(pretty)
    assert len(compact) < len(pretty) * 0.7
    code, _, err = run("build", str(config), "-o", str(out), "--compact")
    assert code == 2
    assert "--compact applies to --format json only" in err


def test_public_api_resolves_lazily() -> None:
    code = (
        "import sys, privgw\n"
        "assert 'troposphere' not in sys.modules\n"
        "from privgw import render, build_template, load_config\n"
        "import privgw.rendering\n"
        "assert callable(render) and callable(privgw.render)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "public APIs' default names now resolve to this endpoint"),
        ({"endpoint.private_dns": False}, "so there is no PrivateDnsUrl output"),
        (
            {"endpoint.private_dns": False, "endpoint.existing_ids": ["vpce-01234567"]},
            "so PrivateDnsUrl works only from VPCs whose own endpoint has private DNS on",
        ),
    ],
)
def test_build_notes_explain_which_urls_resolve(
    tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    config = write_config(tmp_path, "svc.yaml", with_changes(BASE_CONFIG, **changes))
    code, out, err = run("build", str(config), "-o", str(tmp_path / "out"), "--no-lint")
    assert (code, err) == (0, "")
    assert f"note: {config}: " in out
    assert expected in out
    quiet = run("build", str(config), "-o", str(tmp_path / "out"), "--no-lint", "-q")[1]
    assert "note:" not in quiet


def test_build_names_the_load_balancer_rule_a_created_vpc_link_needs(tmp_path: Path) -> None:
    """The stack cannot change the load balancer's security group: the build says what to add."""
    platform = next(p for p in EXAMPLES if p.stem == "platform")
    code, out, _ = run("build", str(platform), "-o", str(tmp_path), "--no-lint")
    assert code == 0
    (note,) = [line for line in out.splitlines() if "backend inventory" in line]
    assert "security group must admit sg-0e1e2e3e4e5e6e7e8" in note
    assert "backend billing" not in out, "a VPC link v1 has no security group of privgw's"


@pytest.mark.parametrize(
    "config", ["hello", "topologies/platform-endpoint", "cross-account/consumer"]
)
def test_lint_given_a_config_says_to_build_it(config: str) -> None:
    path = ROOT / "examples" / f"{config}.yaml"
    out, err = io.StringIO(), io.StringIO()
    assert main(["lint", str(path)], out, err) == 2
    assert f"{path}: a privgw config, not a template" in err.getvalue()
    assert f"privgw build {path}" in err.getvalue()
    assert "E1001" not in err.getvalue() + out.getvalue()

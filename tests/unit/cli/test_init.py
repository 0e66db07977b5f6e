"""``privgw init``: a starter config of each kind that builds lint-clean as written, its
placeholders marked, the editor schema beside it, and no file ever overwritten."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from privgw.cli import main
from privgw.config import load_any
from privgw.starter import KINDS


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_builds_lint_clean_as_written_with_its_placeholders_marked(
    kind: str, tmp_path: Path
) -> None:
    config = tmp_path / "demo.yaml"
    code, out, err = _run("init", "demo", "--kind", kind, "-o", str(config))
    assert code == 0, err
    assert f"wrote {config} (values marked REPLACE are placeholders)" in out
    text = config.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=privgw.schema.json" in text
    assert json.loads((tmp_path / "privgw.schema.json").read_text(encoding="utf-8"))["$schema"]
    marked = [line for line in text.splitlines() if "# REPLACE: " in line]
    assert {line.split(":")[0].strip() for line in marked} >= {
        "vpc_id",
        "subnet_ids",
        "allowed_cidrs",
    }
    assert load_any(config).kind == kind  # the kind asked for
    code, out, err = _run("build", str(config), "-o", str(tmp_path / "out"), "--flavour", "all")
    assert code == 0, out + err  # built and linted: no finding
    assert "finding" not in (out + err).lower()


def test_given_network_values_are_written_without_placeholders(tmp_path: Path) -> None:
    config = tmp_path / "orders.yaml"
    code, out, _ = _run(
        "init",
        "orders",
        "--vpc",
        "vpc-0a1b2c3d4e5f67890",
        "--subnets",
        "subnet-0a1b2c3d4e5f67891, subnet-0a1b2c3d4e5f67892",
        "--cidrs",
        "10.20.0.0/16,10.30.0.0/16",
        "-o",
        str(config),
    )
    assert code == 0
    assert "REPLACE" not in out
    cfg = load_any(config)
    assert cfg.network is not None
    assert cfg.network.vpc_id == "vpc-0a1b2c3d4e5f67890"
    assert cfg.network.subnet_ids == ["subnet-0a1b2c3d4e5f67891", "subnet-0a1b2c3d4e5f67892"]
    assert [str(c) for c in cfg.network.allowed_cidrs] == ["10.20.0.0/16", "10.30.0.0/16"]
    assert "REPLACE" not in config.read_text(encoding="utf-8")


def test_it_never_overwrites_and_refuses_what_the_config_would(tmp_path: Path) -> None:
    config = tmp_path / "orders.yaml"
    config.write_text("mine\n", encoding="utf-8")
    code, _, err = _run("init", "orders", "-o", str(config))
    assert (code, err.strip()) == (
        2,
        f"privgw: error: {config} exists: privgw init never overwrites a file",
    )
    assert config.read_text(encoding="utf-8") == "mine\n"
    other = tmp_path / "other.yaml"
    code, _, err = _run(
        "init",
        "other",
        "--vpc",
        "vpc-0a1b2c3d4e5f67890",
        "--subnets",
        "sub-1",
        "--cidrs",
        "10.0.0.0/16",
        "-o",
        str(other),
    )
    assert code == 2
    assert "network.subnet_ids" in err
    assert str(other) in err
    assert not other.exists()
    code, _, err = _run("init", "1bad name", "-o", str(tmp_path / "x.yaml"))
    assert code == 2
    assert "a letter, then letters, digits and hyphens" in err


def test_an_existing_schema_file_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "privgw.schema.json").write_text("{}", encoding="utf-8")
    code, _, _ = _run("init", "orders", "-o", str(tmp_path / "orders.yaml"))
    assert code == 0
    assert (tmp_path / "privgw.schema.json").read_text(encoding="utf-8") == "{}"

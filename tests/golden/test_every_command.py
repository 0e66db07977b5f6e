"""Every command over every shipped config: build, lint of what it wrote, simulate (each route,
and one call that must be refused), diagram, openapi (both forms) and schema validation, over
every example and every valid corpus config. A traceback, an exit code other than 0/1/2, or a
command that says nothing is a broken promise (two simulate tracebacks on shipped examples went
unnoticed before)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from privgw.cli import main
from privgw.config import Config, load_any
from privgw.model import resolve_api
from tests.support.configs import ROOT
from tests.support.corpus import valid_configs

CONFIGS = [
    *sorted(p for p in (ROOT / "examples").rglob("*.yaml") if not p.name.endswith(".openapi.yaml")),
    *valid_configs(),
]  # fmt: skip
FOREIGN_ENDPOINT = "vpce-0badbadbadbadbad0"  # listed by no shipped config


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(list(argv), out, err)
    except SystemExit as exited:  # argparse's own refusals
        code = int(exited.code or 0)
    assert code in (0, 1, 2), (argv, code, err.getvalue())
    assert "Traceback" not in out.getvalue() + err.getvalue(), argv
    assert out.getvalue() or err.getvalue(), f"{argv} said nothing"
    return code, out.getvalue(), err.getvalue()


def concrete(path: str) -> str:
    return path.replace("{proxy+}", "a/b").replace("{", "x").replace("}", "")


@pytest.mark.parametrize("config", CONFIGS, ids=[str(p.relative_to(ROOT)) for p in CONFIGS])
def test_every_command_over_every_config(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, wrote, _ = cli("build", str(config), "-o", str(out), "--flavour", "all", "-q")
    assert code == 0, wrote
    for template in sorted(out.glob("*.yaml")):
        assert cli("lint", str(template), "--no-cache")[0] == 0
    assert cli("diagram", str(config))[0] == 0
    schema = json.loads(cli("schema")[1])
    jsonschema.validate(yaml.safe_load(config.read_text(encoding="utf-8")), schema)
    cfg = load_any(config)
    if not isinstance(cfg, Config):
        code, _, err = cli("simulate", str(config), "GET", "/")
        assert code == 2
        assert "kind" in err, "says which config simulate reads"
        assert cli("openapi", str(config))[0] == 2
        return
    for extensions in ([], ["--aws-extensions"]):
        code, document, _ = cli("openapi", str(config), *extensions)
        assert code == 0
        assert yaml.safe_load(document)["paths"], "a document with the API's paths"
    for method in resolve_api(cfg).methods:
        verb = "GET" if method.http_method == "ANY" else method.http_method
        code, said, _ = cli("simulate", str(config), verb, concrete(method.path), "--json")
        assert json.loads(said)["layers"], "the walk reached a layer"
        assert code in (0, 1)
    first = resolve_api(cfg).methods[0]
    verb = "GET" if first.http_method == "ANY" else first.http_method
    code, said, _ = cli(
        "simulate", str(config), verb, concrete(first.path), "--vpce", FOREIGN_ENDPOINT
    )
    assert code == 1, said
    assert "=> refused at" in said

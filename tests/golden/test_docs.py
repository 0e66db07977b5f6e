"""What a new user reads: the licence, the config reference, the template's shape, the notes."""

from __future__ import annotations

import configparser
import io
import json
import os
import subprocess
import sys

import pytest

from privgw import Config, build_template, render
from privgw.cli import main
from privgw.rendering import SECTION_ORDER
from privgw.resources.outputs import url_notes
from tests.support.configs import BASE_CONFIG, ROOT
from tests.support.docs import docs_text, section


def test_licence_file_matches_the_package_metadata() -> None:
    meta = configparser.ConfigParser()
    meta.read(ROOT / "setup.cfg")
    assert meta["metadata"]["license"] == "Apache-2.0"
    assert meta["metadata"]["license_files"] == "LICENSE"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text.splitlines()[1]
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_config_reference_lists_every_key() -> None:
    """The generated reference has a row for every key of every model, under its model."""
    from privgw.config import config_schema  # noqa: PLC0415

    page = (ROOT / "docs" / "reference" / "config.md").read_text(encoding="utf-8")
    listed: set[tuple[str, str]] = set()
    model = ""
    anchors = {"API stack": "Config", "Endpoint stack": "EndpointStack"}
    anchors["Consumer stack"] = "ConsumerStack"
    for line in page.splitlines():
        if line.startswith("## "):
            title = line[3:]
            model = next((m for t, m in anchors.items() if title.startswith(t)), title)
        elif line.startswith("| `"):
            listed.add((model, line.split("`")[1]))
    defs = config_schema()["$defs"]
    every = {(name, key) for name, m in defs.items() for key in m.get("properties", {})}
    assert every - listed == set(), "keys missing from the config reference"
    described = [
        f"{name}.{key}"
        for name, m in defs.items()
        for key, field in m.get("properties", {}).items()
        if not field.get("description")
    ]
    assert described == [], "keys without a description in the models"


def test_sections_come_in_the_conventional_order() -> None:
    cfg = Config(**{**BASE_CONFIG, "reusable": True})
    expected = {
        "cfn": ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters"],
        "sam": ["AWSTemplateFormatVersion", "Transform", "Description", "Metadata", "Parameters"],
    }
    for flavour in ("cfn", "sam"):
        text = render(build_template(cfg, flavour), "json")
        assert list(json.loads(text)) == [*expected[flavour], "Resources", "Outputs"]
        yaml_text = render(build_template(cfg, flavour), "yaml")
        top = [line.split(":")[0] for line in yaml_text.splitlines() if line[:1].isalpha()]
        assert top == [*expected[flavour], "Resources", "Outputs"]
    assert SECTION_ORDER.index("Conditions") < SECTION_ORDER.index("Resources")


def test_the_private_dns_note_is_one_short_line() -> None:
    (note,) = url_notes(Config(**BASE_CONFIG))
    assert "\n" not in note
    assert len(note) <= 120
    assert "docs/guides/calling.md" in note


def test_the_cli_reference_shows_the_real_build_help() -> None:
    page = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    shown = page.split("## privgw build\n\n```\n", 1)[1].split("\n```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-m", "privgw.cli", "build", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert shown == done.stdout.rstrip().replace("__main__.py", "privgw")


def test_the_troubleshooting_section_says_unsigned_calls_get_missing_token() -> None:
    troubleshooting = section("Troubleshooting")
    assert "not an auth problem" not in troubleshooting
    assert "unsigned call" in troubleshooting


def test_the_readme_layout_names_every_module() -> None:
    layout = docs_text().split("Layout (`src/privgw/`):", 1)[1].split("\n\n", 1)[0]
    package = ROOT / "src" / "privgw"
    missing = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "__init__.py" and f"`{path.stem}" not in layout
    ]
    assert missing == [], "modules the contributing guide's layout does not name"
    for folder in ("config/", "resources/", "rules/"):
        assert f"`{folder}`" in layout


def test_the_template_table_names_the_module_that_builds_each_resource() -> None:
    rows = [
        row for row in section("What the template contains").splitlines() if row.startswith("| `")
    ]
    modules = {p.name for p in (ROOT / "src" / "privgw" / "resources").glob("*.py")}
    for row in rows:
        built_by = row.split("|")[2]
        named = [m for m in modules if f"`{m}`" in built_by]
        assert named, f"no builder named in: {row[:60]}"


def test_the_readme_shows_simulates_real_output() -> None:
    out = io.StringIO()
    argv = [
        "simulate",
        "examples/many-callers.yaml",
        "POST",
        "/payments",
        "--vpce",
        "vpce-0aaaaaaaaaaaaaaaa",
        "--principal",
        "arn:aws:iam::111122223333:role/checkout-service",
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        assert main(argv, out, io.StringIO()) == 1
    assert out.getvalue().strip() in docs_text()


def test_the_readme_shows_the_platform_diagram_as_privgw_draws_it() -> None:
    from privgw.config import load_config  # noqa: PLC0415
    from privgw.diagram import mermaid  # noqa: PLC0415

    assert mermaid(load_config(ROOT / "examples" / "platform.yaml")) in docs_text()


def test_the_cross_account_section_shows_real_output_and_every_consumer_key() -> None:
    from privgw.config import load_any  # noqa: PLC0415
    from privgw.diagram import mermaid  # noqa: PLC0415

    shown = section("Callers in other accounts")
    folder = ROOT / "examples" / "cross-account"
    assert mermaid(load_any(folder / "consumer.yaml")) in shown
    argv = [
        "simulate",
        "examples/cross-account/provider.yaml",
        "GET",
        "/orders/42",
        "--consumer",
        "examples/cross-account/consumer.yaml",
    ]
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        assert main(argv, out, io.StringIO()) == 0
    assert f"$ privgw {' '.join(argv)}\n{out.getvalue()}" in shown
    assert "../reference/config.md#consumerstack" in shown  # every key, in the reference

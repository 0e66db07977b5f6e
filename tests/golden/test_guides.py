"""The README a newcomer reads in ten minutes, and the guides behind it: short, every section
it gave up kept in a guide, every link and anchor resolving, every guide opening with what the
reader will be able to do, and every config and command a page shows building or running as
shown (``mkdocs build --strict`` in ``make docs`` checks the site the same way)."""

from __future__ import annotations

import io
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from privgw import build_template, validate_config
from privgw.cli import main
from privgw.config import ConsumerStack, EndpointStack
from tests.support.configs import ROOT
from tests.support.docs import DOCS, pages

README = ROOT / "README.md"

#: The README's sections before the guides took them (issue #29): each is a heading in docs/.
FORMER_SECTIONS = (
    "A config",
    "Library use",
    "Config reference",
    "Access logs and the account-wide CloudWatch role",
    "What the template contains",
    "Calling the API (from inside the VPC)",
    "Bring your OpenAPI document",
    "Adopt an API you already run: `privgw import`",
    "Keep the API and its URL: `--adopt`",
    "TLS security policies",
    "Backends: several functions, internal load balancers, mocks",
    "AWS services, functions that already run, services outside the VPC",
    "Who may call which route: authorizers, API keys, gateway responses, CORS",
    "Why 403? `privgw simulate` answers before you deploy",
    "A picture of the request path: `privgw diagram`",
    "Diagnose a deployed stack: `privgw doctor`",
    "privgw in CI and pre-commit",
    "Topologies",
    "Callers in other accounts",
    "SAM flavour",
    "Deploying, and deploy tests without an AWS account",
    "Security model",
    "Troubleshooting: the two 403s",
    "Benchmarks",
    "Development",
    "Why these libraries",
)


def _headings(text: str) -> list[str]:
    """Markdown headings outside code blocks."""
    found, fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("#"):
            found.append(line.lstrip("#").strip())
    return found


def test_the_readme_is_read_in_ten_minutes_and_keeps_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.split()) <= 2500
    assert (
        "make templates   # creates .venv, installs privgw, builds examples/*.yaml into "
        "templates/, lints them\nmake test        # the whole test suite\n"
    ) in text
    assert "privgw init" in text.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def test_every_section_the_readme_gave_up_is_in_a_guide() -> None:
    headings = {h for page in sorted(DOCS.rglob("*.md")) for h in _headings(page.read_text())}
    assert [s for s in FORMER_SECTIONS if s not in headings] == []


def _slug(heading: str) -> str:
    """The anchor MkDocs (Python-Markdown's toc) gives a heading."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(text: str) -> set[str]:
    """A page's anchors: its headings' and its explicit ``<a id>`` ones."""
    return {_slug(h) for h in _headings(text)} | set(re.findall(r'<a id="([^"]+)"></a>', text))


def test_every_link_and_anchor_resolves() -> None:
    broken = []
    for page in pages():
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and anchor not in _anchors(file.read_text(encoding="utf-8")):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def test_every_page_is_in_the_site_and_each_guide_says_what_it_teaches() -> None:
    site = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, str):
                listed.append(item)
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value if isinstance(value, list) else [value])

    walk(site["nav"])
    on_disk = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(listed) == on_disk
    for page in sorted(DOCS.glob("*/*.md")):
        first = page.read_text(encoding="utf-8").split("\n\n", 2)
        assert first[0].startswith("# "), page
        assert first[1].startswith("After this page you can "), page


def _blocks(language: str) -> list[tuple[Path, str, str]]:
    """Each fenced block of ``language``: its page, the comment line above it, its text."""
    found = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(
            rf"(?:<!-- (.*?) -->\n+)?```{language}\n(.*?)```", text, re.DOTALL
        ):
            found.append((page, match.group(1) or "", match.group(2)))
    return found


def test_every_config_a_page_shows_builds() -> None:
    shown = [
        (p, yaml.safe_load(b)) for p, _, b in _blocks("yaml") if re.search(r"^name: ", b, re.M)
    ]
    assert len(shown) >= 3
    for page, data in shown:
        kind = data.get("kind")
        if kind in ("consumer", "endpoint"):
            (ConsumerStack if kind == "consumer" else EndpointStack)(**data)
            continue
        template = build_template(validate_config(data)).to_dict()
        assert template["Resources"]["RestApi"], page.name


#: Commands that need an AWS account (or the local endpoint): shown, never run here.
NEEDS_AWS = ("deploy", "doctor", "import")
NOT_RUN = "snippet: not run"


def test_every_command_a_page_shows_runs_as_shown(tmp_path: Path) -> None:
    """Each ``sh`` block's privgw lines run in order in a folder holding the repository's
    examples and templates (a block's commands share it, as a reader's shell would), and
    exit 0, up to the first that needs AWS; a block marked ``<!-- snippet: not run (why)
    -->`` is not run, and must say why."""
    ran = 0
    for number, (page, note, block) in enumerate(_blocks("sh")):
        lines = [line.split("  #")[0].strip() for line in block.replace("\\\n", " ").splitlines()]
        commands = [shlex.split(line) for line in lines if line.startswith("privgw ")]
        if note.startswith(NOT_RUN):
            assert re.match(rf"{NOT_RUN} \(.+\)", note), f"{page.name}: say why it is not run"
            continue
        folder = tmp_path / f"block{number}"
        shutil.copytree(ROOT / "examples", folder / "examples")
        shutil.copytree(ROOT / "templates", folder / "templates")
        shutil.copytree(ROOT / "schema", folder / "schema")
        for argv in commands:
            if argv[1] in NEEDS_AWS:
                break  # what follows may need what it made
            out, err = io.StringIO(), io.StringIO()
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(folder)
                code = main(argv[1:], out, err)
            assert code == 0, f"{page.name}: {' '.join(argv)}: {err.getvalue()}"
            ran += 1
    assert ran >= 2  # the quick start: init, then build


def test_the_reference_pages_are_what_the_code_prints_now() -> None:
    """docs/reference/ is generated (``make reference``): the config from the models, the
    command line from the parsers, the rules from their classes (each example pair linted
    while printing), the errors from the corpus. An edited page, or code that changed
    without it, fails here."""
    from docsgen import stale  # noqa: PLC0415

    assert stale() == [], "run `make reference` and commit docs/reference/"


def test_every_rule_has_a_failing_and_a_passing_example_unless_it_is_a_size() -> None:
    from docsgen.rule_examples import EXAMPLES  # noqa: PLC0415
    from privgw.rules import RULES  # noqa: PLC0415

    sizes = {"E9001", "I9002", "E9003"}  # over 1 MB, 51,200 bytes, 8,192 characters
    assert {r.id for r in RULES} - set(EXAMPLES) == sizes

"""privgw diagram: every part of the request path is drawn, and the committed pages are fresh."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from privgw import load_config
from privgw.cli import main
from privgw.config import Config, load_any
from privgw.diagram import markdown_page, mermaid
from tests.support.configs import BASE_CONFIG, ROOT, with_changes

TOPOLOGIES = sorted((ROOT / "examples" / "topologies").glob("*.yaml"))
CROSS_ACCOUNT = sorted((ROOT / "examples" / "cross-account").glob("*.yaml"))


def test_every_route_endpoint_and_target_is_drawn(example: Path) -> None:
    cfg = load_config(example)
    text = mermaid(cfg)
    assert text.startswith("flowchart LR\n")
    for route in cfg.routes:
        assert f"{route.method} {route.path}" in text, route
    for vpce in cfg.endpoint.existing_ids:
        assert f"endpoint {vpce}" in text
    for vpc in cfg.access.vpc_ids:
        assert f"endpoint in {vpc}" in text
    if cfg.endpoint.create:
        assert "execute-api endpoint (created)" in text
        for cidr in cfg.network_required.allowed_cidrs:
            assert cidr in text
    for name in cfg.all_functions:
        if any(cfg.target_of(r).name == name for r in cfg.routes):
            assert f"Lambda {name}" in text
    for name in cfg.existing_functions:
        assert f"existing Lambda {name}" in text
    for name, backend in cfg.backends.items():
        if backend.internet:
            assert f"{name} over the internet (leaves the VPC)" in text
        else:
            assert f"VPC link v{2 if backend.vpc_link else 1} of {name}" in text
        assert backend.base_url in text
    edge = re.search(r'-->\|"(policy: [^"]*)"\| (?:api)', text)
    assert edge is not None, "the allow-list is on the edge into the API"
    for cidr in cfg.access.source_cidrs:
        assert cidr in edge.group(1)
    for principal in cfg.access.iam_principals:
        assert principal in edge.group(1)
    if cfg.custom_domain is not None:
        assert f"https://{cfg.custom_domain.name}/" in text


def test_quotes_in_labels_cannot_break_the_diagram() -> None:
    data = with_changes(
        BASE_CONFIG,
        routes=[{"method": "GET", "path": "/hello", "mock": {"body": '{"a": "b"}'}}],
        function=None,
    )
    data.pop("function")
    text = mermaid(Config(**data))
    for line in text.splitlines()[1:]:
        assert line.count('"') % 2 == 0, line


def test_topology_and_cross_account_pages_are_fresh() -> None:
    from privgw.resources.template import build_any  # noqa: PLC0415

    for path in [*TOPOLOGIES, *CROSS_ACCOUNT]:
        cfg = load_any(path)
        committed = ROOT / "templates" / path.parent.name / f"{path.stem}.md"
        page = markdown_page(cfg, build_any(cfg).to_dict())
        assert committed.read_text(encoding="utf-8") == page, path


def test_consumer_diagram_shows_both_accounts() -> None:
    cfg = load_any(ROOT / "examples" / "cross-account" / "consumer.yaml")
    text = mermaid(cfg)
    assert 'subgraph consumer["consumer: account 444455556666"]' in text
    assert 'subgraph provider["provider: account 111122223333"]' in text
    assert "callers in vpc-0c0c0c0c0c0c0c0c1" in text
    assert "TCP 443 from 10.80.0.0/16" in text
    assert "https://orders.shared.example.com/v1" in text
    assert "association -->|names the domain ARN| domain" in text


def test_cli_prints_mermaid_and_writes_pages(tmp_path: Path) -> None:
    platform = ROOT / "examples" / "platform.yaml"
    out = io.StringIO()
    assert main(["diagram", str(platform)], out, io.StringIO()) == 0
    assert out.getvalue() == mermaid(load_config(platform))
    out = io.StringIO()
    hello = ROOT / "examples" / "hello.yaml"
    assert (
        main(["diagram", str(platform), str(hello), "-o", str(tmp_path)], out, io.StringIO()) == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.md", "platform.md"]
    page = (tmp_path / "hello.md").read_text(encoding="utf-8")
    assert "```mermaid" in page
    assert "curl -sS" in page
    err = io.StringIO()
    assert main(["diagram", str(platform), str(hello)], io.StringIO(), err) == 2
    assert "--output-dir" in err.getvalue()


PAGES = sorted((ROOT / "templates").rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_call_on_a_page_runs_as_pasted_into_a_shell(page: Path) -> None:
    """The curl lines once kept CloudFormation's ${RestApi} and ${AWS::Region}, which a shell
    reads as empty or as a bad substitution. Now each runs under bash -u after the page's own
    block that sets the stack's values (aws and curl stubbed: nothing is sent)."""
    text = page.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    if "## Calls" not in text:
        assert not blocks
        pytest.skip("no API of its own (an endpoint stack)")
    stubs = "aws() { echo stub-value; }\ncurl() { printf '%s\\n' \"$@\"; }\n"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", stubs + "\n".join(blocks)],
        capture_output=True,
        text=True,
        check=False,
        env={  # the caller's own credentials, which the page leaves to them
            "PATH": "/usr/bin:/bin",
            **dict.fromkeys(("TOKEN", "API_KEY", "AWS_ACCESS_KEY_ID"), "caller-secret"),
            **dict.fromkeys(("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"), "caller-secret"),
        },
    )
    assert done.returncode == 0, done.stderr
    urls = [w for w in done.stdout.split() if w.startswith("https://")]
    assert urls, done.stdout
    for url in urls:
        assert "${" not in url
        assert "::" not in url
        assert re.fullmatch(r"https://[a-z0-9.-]+(/\S*)?", url), url

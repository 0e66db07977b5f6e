"""The reference pages of the documentation site, printed from the code: the config (from the
models), the command line (from the argparse parsers), privgw's cfn-lint rules (from their
classes) and the errors (from the error corpus). ``python -m docsgen`` writes them into
docs/reference/; ``python -m docsgen --check`` (and a test) fails when one is stale."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"


def pages() -> dict[str, str]:
    """Each generated page's text, by its file name under docs/reference/."""
    from docsgen.changes import changes_by_key  # noqa: PLC0415
    from docsgen.cli_ref import cli_page  # noqa: PLC0415
    from docsgen.config_ref import config_page, examples_by_model  # noqa: PLC0415
    from docsgen.errors_ref import errors_page  # noqa: PLC0415
    from docsgen.examples import example_configs  # noqa: PLC0415
    from docsgen.rules_ref import rules_page  # noqa: PLC0415
    from privgw.config import config_schema  # noqa: PLC0415

    schema = config_schema()
    examples = example_configs(ROOT / "examples")
    return {
        "config.md": config_page(
            schema, examples_by_model(examples, schema), changes_by_key(examples)
        ),
        "cli.md": cli_page(),
        "rules.md": rules_page(),
        "errors.md": errors_page(ROOT / "tests" / "golden" / "corpus" / "invalid"),
    }


def stale() -> list[str]:
    """The generated pages whose file differs from what the code prints now."""
    return [
        name
        for name, text in pages().items()
        if not (REFERENCE / name).exists() or (REFERENCE / name).read_text(encoding="utf-8") != text
    ]

"""The command-line reference: each command's ``--help``, printed by its own argparse parser
(80 columns), so the page says exactly what the terminal does."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _columns(width: int) -> Iterator[None]:
    """argparse wraps help to $COLUMNS: the page is printed at one width, wherever it runs."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_page() -> str:
    from privgw.cli import COMMANDS, _parser  # noqa: PLC0415

    with _columns(80):
        parser = _parser()
        commands = _commands(parser)
        lines = [
            "# Command line",
            "",
            "After this page you can look up every command and option, with its default, the "
            "exit codes and examples.",
            "",
            "Generated from privgw's argparse parsers (`python -m docsgen`): each section is "
            "what `privgw COMMAND --help` prints.",
            "",
            "## privgw",
            "",
            "```",
            parser.format_help().rstrip(),
            "```",
            "",
        ]
        for name in COMMANDS:
            lines += [
                f"## privgw {name}",
                "",
                "```",
                commands[name].format_help().rstrip(),
                "```",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"

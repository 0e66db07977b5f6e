"""Command line: a thin layer over the library, one module per command (its parser and its
handler side by side); this module only assembles the parser and dispatches. Exit 0 ok, 1
findings (or a refused call, a failed deploy or check), 2 bad input, 130 interrupted.

Only ``PrivgwError`` is caught: anything else is a bug and should be reported as one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from privgw.cli import (
    build,
    deploy,
    diagram,
    doctor,
    importing,
    init,
    lint,
    openapi,
    schema,
    simulate,
)
from privgw.cli.build import output_name
from privgw.cli.common import EXIT_CODES, EXIT_INPUT, EXIT_INTERRUPTED
from privgw.errors import PrivgwError
from privgw.version import __version__

#: Each command's module, in the order ``privgw --help`` lists them.
COMMANDS = {
    "init": init,
    "build": build,
    "lint": lint,
    "simulate": simulate,
    "diagram": diagram,
    "doctor": doctor,
    "deploy": deploy,
    "openapi": openapi,
    "import": importing,
    "schema": schema,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privgw",
        description="Build lint-clean CloudFormation templates for private API Gateway APIs.",
        epilog=EXIT_CODES.format(one="lint findings (build, lint) or a failed deploy")
        + "\n\nrun 'privgw COMMAND --help' for a command's arguments and examples",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"privgw {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    stdout, stderr = out or sys.stdout, err or sys.stderr
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        deploy.template_from_lists(args, parser)
        return int(COMMANDS[args.command].run(args, stdout, stderr))
    except PrivgwError as exc:
        print(f"privgw: error: {exc}", file=stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("privgw: interrupted", file=stderr)
        return EXIT_INTERRUPTED


__all__ = ["COMMANDS", "main", "output_name"]

"""``privgw schema``: the config's JSON Schema, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_OK, add_force, command
from privgw.rendering import check_overwrite, write_atomic

HELP = """Print the config's JSON Schema, for editors

Point your editor's YAML/JSON language server at it for completion and
checks, e.g. `# yaml-language-server: $schema=schema/privgw.schema.json`.

examples:
  privgw schema > privgw.schema.json
  privgw schema -o schema/privgw.schema.json
"""


def add_parser(sub: Any) -> None:
    schema = command(sub, "schema", HELP, one="(not used)")
    schema.add_argument(
        "-o", "--output", type=Path, help="write to this file (default: standard output)"
    )
    add_force(schema)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import config_schema  # noqa: PLC0415 - see the note above

    text = json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"
    if args.output:
        check_overwrite(args.output, args.force)
        write_atomic(args.output, text)
    else:
        out.write(text)
    return EXIT_OK

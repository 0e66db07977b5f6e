"""``privgw diagram``: the request path as Mermaid, or NAME.md pages with URLs and calls."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_OK, command
from privgw.errors import OutputError
from privgw.flavours import CONFIG_FORMATS, STDIN
from privgw.rendering import write_atomic

HELP = """Draw the request path of an API as a Mermaid flowchart

Callers, the endpoint(s) and security group, the custom domain, the API
and stage with the policy's allow-list, the routes grouped by function, load
balancer or mock. With --output-dir, NAME.md per config: the diagram, the invoke
URLs and a curl per form (GitHub renders the diagram).

examples:
  privgw diagram examples/platform.yaml
  privgw diagram examples/*.yaml --output-dir templates
"""


def add_parser(sub: Any) -> None:
    diagram = command(sub, "diagram", HELP, one="(not used)")
    diagram.add_argument("configs", nargs="+", metavar="CONFIG", type=Path, help="config file(s)")
    diagram.add_argument(
        "-o", "--output-dir", type=Path, default=None, help="write NAME.md per config here"
    )
    diagram.add_argument(
        "--format",
        choices=["mermaid"],
        default="mermaid",
        help="the diagram's language (default and only: mermaid, which GitHub renders)",
    )
    diagram.add_argument(
        "--config-format", choices=CONFIG_FORMATS, default=None, help="format of the config(s)"
    )
    diagram.add_argument("-q", "--quiet", action="store_true", help="no 'wrote' lines")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import load_any  # noqa: PLC0415 - see the note above
    from privgw.diagram import markdown_page, mermaid  # noqa: PLC0415
    from privgw.resources.template import build_any  # noqa: PLC0415

    configs = [(path, load_any(path, args.config_format)) for path in args.configs]
    if args.output_dir is None:
        if len(configs) != 1:
            raise OutputError("several configs need --output-dir (one NAME.md each)")
        out.write(mermaid(configs[0][1]))
        return EXIT_OK
    for path, cfg in configs:
        name = cfg.name if str(path) == STDIN else path.stem
        target = args.output_dir / f"{name}.md"
        write_atomic(target, markdown_page(cfg, build_any(cfg).to_dict()))
        if not args.quiet:
            print(f"wrote {target}", file=out)
    return EXIT_OK

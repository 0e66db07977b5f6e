"""``privgw openapi``: the config's API as an OpenAPI 3.0 document (``openapi_export.py``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_OK, add_force, command, wrong_kind
from privgw.errors import OutputError
from privgw.flavours import CONFIG_FORMATS
from privgw.rendering import check_overwrite, write_atomic

HELP = """Write the API as an OpenAPI 3.0 document, for its consumers

Paths, parameters, request schemas, security schemes and the invoke URLs
(servers) of the config's API, validated before it is written. With
--aws-extensions it keeps API Gateway's extensions (integrations,
authorizers, validators, gateway responses): a document API Gateway imports
once the values only a deployment knows (function ARNs, the region) are
filled in with --set; the ones left are listed. Every operation records its
route (x-privgw-route), so a config whose openapi.path is this document
builds the same template.

examples:
  privgw openapi examples/platform.yaml -o platform.openapi.yaml
  privgw openapi examples/hello.yaml --aws-extensions --set AWS::Region=eu-west-1 \\
      --set Function.Arn=arn:aws:lambda:eu-west-1:111122223333:function:hello
"""


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, e.g. AWS::Region=eu-west-1: {text}")
    return name, value


def add_parser(sub: Any) -> None:
    parser = command(sub, "openapi", HELP, one="(not used)")
    parser.add_argument("config", metavar="CONFIG", type=Path, help="an API config file")
    parser.add_argument(
        "-o", "--output", type=Path, help="write to this file (default: standard output)"
    )
    parser.add_argument(
        "--format",
        choices=["yaml", "json"],
        default=None,
        help="the document's format (default: from the output's suffix, else yaml)",
    )
    parser.add_argument(
        "--aws-extensions",
        action="store_true",
        help="keep API Gateway's x-amazon-apigateway-* extensions (a document it imports)",
    )
    parser.add_argument(
        "--set",
        dest="values",
        action="append",
        type=_assignment,
        default=[],
        metavar="NAME=VALUE",
        help="fill a reference only a deployment knows, e.g. OrdersFunction.Arn=arn:aws:... "
        "(repeatable)",
    )
    parser.add_argument(
        "--config-format", choices=CONFIG_FORMATS, default=None, help="format of the config"
    )
    add_force(parser)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import yaml  # noqa: PLC0415 - off the CLI's start-up path, as every command's imports

    from privgw.config import Config, load_any  # noqa: PLC0415
    from privgw.openapi_export import export_openapi  # noqa: PLC0415

    cfg = load_any(args.config, args.config_format)
    if not isinstance(cfg, Config):
        raise wrong_kind(cfg, args.config, "openapi", "an API config (kind: api)")
    document, unresolved = export_openapi(cfg, args.aws_extensions, dict(args.values))
    fmt = args.format or (
        "json" if args.output is not None and args.output.suffix.lower() == ".json" else "yaml"
    )
    if fmt == "json":
        text = json.dumps(document, indent=2) + "\n"
    else:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    if args.output is not None:
        if args.output.is_dir():
            raise OutputError(f"{args.output} is a folder: name the document's file")
        check_overwrite(args.output, args.force)
        write_atomic(args.output, text)
        print(f"wrote {args.output}", file=err)
    else:
        out.write(text)
    if args.aws_extensions and unresolved:
        print(
            "note: before API Gateway imports it, fill with --set: " + ", ".join(unresolved),
            file=err,
        )
    return EXIT_OK

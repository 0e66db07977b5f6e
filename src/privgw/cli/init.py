"""``privgw init``: a starter config, commented, that builds lint-clean as written
(``privgw.starter``)."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_OK, command
from privgw.errors import OutputError, PrivgwError
from privgw.rendering import write_atomic

HELP = """Write a starter config that builds as written

Writes NAME.yaml (or -o FILE): a commented config of the kind asked for (an
API with one function and GET /hello, a shared endpoint stack, or a consumer
of another account's API), with the editor schema line on top and the schema
itself beside it (privgw.schema.json, unless one is there). With --vpc and
AWS credentials, the VPC's CIDRs and one subnet per Availability Zone are read
(read-only EC2 calls); --subnets and --cidrs say them instead. Whatever is not
known is a placeholder that validates, marked REPLACE: the config builds at
once, and deploying needs your own values. Never overwrites a file.

examples:
  privgw init orders
  privgw init orders --vpc vpc-0a1b2c3d4e5f67890 --region eu-west-1
  privgw init orders --vpc vpc-0a1b2c3d4e5f67890 --subnets subnet-0a1,subnet-0b2 \\
      --cidrs 10.0.0.0/16
  privgw init shared-endpoint --kind endpoint -o platform/endpoint.yaml
"""

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,62}$")


def add_parser(sub: Any) -> None:
    from privgw.starter import KINDS  # noqa: PLC0415

    parser = command(sub, "init", HELP, one="(not used)")
    parser.add_argument("name", metavar="NAME", help="the API's (or stack's) name")
    parser.add_argument("--kind", choices=KINDS, default="api", help="(default: api)")
    parser.add_argument("--vpc", metavar="ID", help="the VPC the endpoint goes in")
    parser.add_argument("--subnets", metavar="A,B", help="its subnets (default: read, or REPLACE)")
    parser.add_argument("--cidrs", metavar="X,Y", help="who may call (default: the VPC's CIDRs)")
    parser.add_argument("-o", "--output", type=Path, help="the file (default: NAME.yaml)")
    parser.add_argument("--region", help="AWS region, to read the VPC")
    parser.add_argument("--profile", help="AWS profile, to read the VPC")
    parser.add_argument("--endpoint-url", help="another EC2 endpoint (e.g. a local one)")


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.starter import Network, read_network, starter  # noqa: PLC0415

    if not _NAME.match(args.name):
        raise OutputError(
            f"NAME {args.name!r}: a letter, then letters, digits and hyphens (at most 63)"
        )
    path: Path = args.output or Path(f"{args.name}.yaml")
    if path.exists():
        raise OutputError(f"{path} exists: privgw init never overwrites a file")
    net = Network()
    subnets, cidrs = _words(args.subnets), _words(args.cidrs)
    if args.vpc:
        if subnets and cidrs:
            net = Network(args.vpc, subnets, cidrs, set(), "as given")
        else:
            from privgw.aws import aws_client  # noqa: PLC0415 - boto3 only here

            net = read_network(
                args.vpc,
                lambda service: aws_client(service, args.region, args.endpoint_url, args.profile),
                lambda line: print(f"init: {line}", file=err, flush=True),
            )
    net.subnet_ids, net.cidrs = subnets or net.subnet_ids, cidrs or net.cidrs
    net.placeholders -= {"subnets"} if subnets else set()
    net.placeholders -= {"cidrs"} if cidrs else set()
    schema_path = path.parent / "privgw.schema.json"
    text = starter(args.name, args.kind, net, schema_path.name, str(path))
    _check(text, path)
    if not schema_path.exists():
        from privgw.config import config_schema  # noqa: PLC0415

        write_atomic(schema_path, json.dumps(config_schema(), indent=2, sort_keys=True) + "\n")
    write_atomic(path, text)
    left = " (values marked REPLACE are placeholders)" if net.placeholders else ""
    print(f"wrote {path}{left}; next: privgw build {path}", file=out)
    return EXIT_OK


def _check(text: str, path: Path) -> None:
    """The starter is validated as the file it becomes: a value given on the command line
    that the config refuses (a malformed subnet id, say) is reported before anything is
    written."""
    import tempfile  # noqa: PLC0415

    from privgw.config import load_any  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / path.name
        trial.write_text(text, encoding="utf-8")
        try:
            load_any(trial)
        except PrivgwError as exc:
            raise OutputError(str(exc).replace(str(trial), str(path))) from None

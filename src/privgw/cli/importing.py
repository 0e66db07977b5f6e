"""``privgw import``: a private REST API that already runs, as the config that describes it
(``privgw.importing``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_OK, add_force, command
from privgw.errors import OutputError
from privgw.rendering import write_atomic

HELP = """Write the config of a private REST API that already runs

Reads the API from AWS (boto3, your usual credentials; read-only calls):
its endpoint configuration and resource policy, resources and methods with
their integrations, authorizers and validation, the stage, usage plans (key
names, never values), its VPC endpoints and their security groups, and the
Lambda functions it invokes. Writes one config that privgw build accepts,
with a report on top of what the config does not carry or changes, each line
naming the AWS field and why; holes first (a policy that admits any VPC, a
security group open to the internet). The API's endpoints and functions stay
where they are: the config names them (endpoint.existing_ids,
existing_functions); with --code, each function's package is downloaded and
the function becomes one of the config's own. Progress goes to standard error.

examples:
  privgw import a1b2c3d4e5 -o orders.yaml
  privgw import a1b2c3d4e5 --stage prod --region eu-west-1 --profile ops -o orders.yaml
  privgw import a1b2c3d4e5 -o orders/config.yaml --code orders/functions
"""


def add_parser(sub: Any) -> None:
    parser = command(sub, "import", HELP, one="(not used)")
    parser.add_argument("api_id", metavar="REST_API_ID", help="the private REST API's id")
    parser.add_argument("--stage", help="the stage to read (default: the API's only stage)")
    parser.add_argument("--region", help="AWS region (default: your AWS configuration's)")
    parser.add_argument("--profile", help="AWS profile (default: your AWS configuration's)")
    parser.add_argument("--endpoint-url", help="another AWS endpoint (e.g. a local one)")
    parser.add_argument(
        "-o", "--output", type=Path, help="write the config here (default: standard output)"
    )
    parser.add_argument(
        "--code",
        type=Path,
        metavar="DIR",
        help="download each function's package into DIR/NAME (inside the config's folder) and "
        "make it one of the config's functions (default: keep the functions as they run)",
    )
    add_force(parser)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.importing.run import config_text, import_api  # noqa: PLC0415 - boto3 here

    if args.output is not None:
        if args.output.is_dir():
            raise OutputError(f"{args.output} is a folder: name the config's file")
        if args.output.exists() and not args.force:
            raise OutputError(f"{args.output} exists: pass --force to replace it")
    code = None
    if args.code is not None:
        folder = (args.output.parent if args.output is not None else Path.cwd()).resolve()
        if not args.code.resolve().is_relative_to(folder):
            raise OutputError(
                f"{args.code} is outside the config's folder {folder}: a function's code.path "
                "must be inside it"
            )
        code = (args.code.resolve(), folder)
    imported = import_api(
        args.api_id,
        stage=args.stage,
        region=args.region,
        endpoint_url=args.endpoint_url,
        profile=args.profile,
        progress=lambda line: print(f"import: {line}", file=err, flush=True),
        code=code,
    )
    text = config_text(imported)
    if args.output is not None:
        write_atomic(args.output, text)
        print(f"wrote {args.output} ({len(imported.config.get('routes', []))} routes)", file=err)
    else:
        out.write(text)
    for line in imported.report:
        print(f"report: {line}", file=err)
    return EXIT_OK

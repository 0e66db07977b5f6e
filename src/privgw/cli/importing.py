"""``privgw import``: a private REST API that already runs, as the config that describes it
(``privgw.importing``)."""

from __future__ import annotations

import argparse
import json
import shlex
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

With --adopt (and -o), it also writes what a CloudFormation import needs to bring
the running API under a stack without replacing it: CONFIG.adopt.json (the API's
resources as they run, each kept on delete) and CONFIG.resources-to-import.json,
and prints the commands: the IMPORT change set, then the update with the
template privgw builds. The report says what that update changes and creates.

examples:
  privgw import a1b2c3d4e5 -o orders.yaml
  privgw import a1b2c3d4e5 --stage prod --region eu-west-1 --profile ops -o orders.yaml
  privgw import a1b2c3d4e5 -o orders/config.yaml --code orders/functions
  privgw import a1b2c3d4e5 -o orders.yaml --adopt --stack-name orders
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
    parser.add_argument(
        "--adopt",
        action="store_true",
        help="also write the IMPORT change set's files beside the config and print the "
        "commands that bring the running API under a stack (needs -o)",
    )
    parser.add_argument(
        "--stack-name", help="with --adopt: the stack to import into (default: the config's name)"
    )
    add_force(parser)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.importing.run import config_text, import_api  # noqa: PLC0415 - boto3 here

    if args.adopt and args.output is None:
        raise OutputError("--adopt writes files beside the config: name the config with -o")
    if args.stack_name is not None and not args.adopt:
        raise OutputError("--stack-name is for --adopt")
    if args.output is not None:
        if args.output.is_dir():
            raise OutputError(f"{args.output} is a folder: name the config's file")
        for path in [args.output, *(_adopt_paths(args.output) if args.adopt else ())]:
            if path.exists() and not args.force:
                raise OutputError(f"{path} exists: pass --force to replace it")
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
    if args.adopt:
        assert args.output is not None
        _adopt(args, imported, out, err)
    else:
        _write(args, imported, config_text(imported), out, err)
    return EXIT_OK


def _adopt_paths(config: Path) -> tuple[Path, Path]:
    stem = config.name.rsplit(".", 1)[0]
    return config.with_name(f"{stem}.adopt.json"), config.with_name(
        f"{stem}.resources-to-import.json"
    )


def _write(args: argparse.Namespace, imported: Any, text: str, out: TextIO, err: TextIO) -> None:
    if args.output is not None:
        write_atomic(args.output, text)
        print(f"wrote {args.output} ({len(imported.config.get('routes', []))} routes)", file=err)
    else:
        out.write(text)
    for line in imported.report:
        print(f"report: {line}", file=err)


def _adopt(args: argparse.Namespace, imported: Any, out: TextIO, err: TextIO) -> None:
    """The config with the adoption's lines in its report, the two files, the commands."""
    from privgw.importing.run import adopt_files, config_text  # noqa: PLC0415

    template, resources, report = adopt_files(imported)
    imported.report += report
    template_path, resources_path = _adopt_paths(args.output)
    stack = args.stack_name or str(imported.config["name"])
    region = str(imported.snapshot.get("region"))
    steps = commands(
        stack,
        str(template_path),
        str(resources_path),
        config=str(args.output),
        region=region,
        size=len(template.encode()),
    )
    write_atomic(template_path, template)
    write_atomic(resources_path, resources)
    _write(args, imported, config_text(imported), out, err)
    count = len(json.loads(resources))
    print(f"wrote {template_path} and {resources_path} ({count} resources to import)", file=err)
    print("# adopt the running API, then make the stack privgw's:", file=out)
    for step in steps:
        print(step, file=out)


def _quote(text: str) -> str:
    return shlex.quote(text)


def commands(
    stack: str, template: str, resources: str, *, config: str, region: str, size: int
) -> list[str]:
    """The commands that adopt the API: the IMPORT change set (reviewed: every change an
    Import), then the update with the template privgw builds from ``config``."""
    from privgw.importing.adopt import TEMPLATE_BODY_LIMIT  # noqa: PLC0415

    where = f" --region {_quote(region)}"
    change = f"--stack-name {_quote(stack)} --change-set-name privgw-adopt{where}"
    upload: list[str] = []
    body = f"--template-body file://{_quote(template)}"
    if size > TEMPLATE_BODY_LIMIT:  # too big to send: CloudFormation reads it from S3
        key = template.rpartition("/")[2]
        upload = [
            f"aws s3 cp {_quote(template)} s3://$BUCKET/{_quote(key)}{where}"
            "   # BUCKET: an S3 bucket of yours in that region",
        ]
        body = f"--template-url https://$BUCKET.s3.{region}.amazonaws.com/{_quote(key)}"
    folder, _, name = config.rpartition("/")
    out = f"{folder}/templates" if folder else "templates"
    built = f"{out}/{name.rsplit('.', 1)[0]}.yaml"
    return [
        *upload,
        f"aws cloudformation create-change-set {change} --change-set-type IMPORT "
        f"{body} --resources-to-import file://{_quote(resources)}",
        f"aws cloudformation wait change-set-create-complete {change}",
        f"aws cloudformation describe-change-set {change} --query 'Changes[].ResourceChange."
        "[Action,LogicalResourceId]' --output text",
        f"aws cloudformation execute-change-set {change}",
        f"aws cloudformation wait stack-import-complete --stack-name {_quote(stack)}{where}",
        f"privgw build {_quote(config)} -o {_quote(out)}",
        f"privgw deploy {_quote(built)} --stack-name {_quote(stack)}{where}",
    ]

"""``privgw deploy``: what ``aws cloudformation deploy`` does, with progress, the failure
explained and the outputs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_FINDINGS, EXIT_OK, command

HELP = """Create or update a stack from a template, showing progress and outputs

What `aws cloudformation deploy` does (change set, execute, wait), plus
the stack events as they happen, the first failure explained, and the outputs at
the end. Region and credentials come from your AWS configuration (AWS_REGION /
AWS_DEFAULT_REGION or ~/.aws/config; AWS_PROFILE, environment keys, SSO ...).

examples:
  privgw deploy templates/hello.yaml --stack-name hello
  privgw deploy templates/reusable.yaml --stack-name catalog-prod \\
      --parameter-overrides StageName=prod AllowedCidr1=10.92.0.0/16
"""


def add_parser(sub: Any) -> None:
    deploy = command(
        sub, "deploy", HELP, one="the stack failed (rolled back); the reason is printed"
    )
    deploy.add_argument("template", type=Path, metavar="TEMPLATE", nargs="?", help="template file")
    deploy.add_argument("--stack-name", required=True, help="the stack to create or update")
    deploy.add_argument(
        "--parameter-overrides",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="template parameter values (default: the template's defaults)",
    )
    deploy.add_argument(
        "--capabilities",
        nargs="*",
        default=["CAPABILITY_IAM"],
        metavar="CAPABILITY",
        help="acknowledged capabilities (default: CAPABILITY_IAM; CAPABILITY_AUTO_EXPAND is "
        "added for SAM templates)",
    )
    deploy.add_argument(
        "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or your profile)"
    )
    deploy.add_argument(
        "--endpoint-url",
        help="CloudFormation endpoint, e.g. a local one (default: AWS's, or AWS_ENDPOINT_URL)",
    )
    deploy.add_argument(
        "--s3-bucket",
        help="upload the template here first (needed over 51,200 bytes; default: inline)",
    )


def template_from_lists(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """``--parameter-overrides X=1 TEMPLATE``: the list options take every word after them,
    the template too; a word that is not KEY=VALUE (or not a CAPABILITY_...) is the template."""
    if args.command != "deploy" or args.template is not None:
        return
    for option, looks_right in (
        ("parameter_overrides", lambda word: "=" in word),
        ("capabilities", lambda word: word.startswith("CAPABILITY_")),
    ):
        words: list[str] = getattr(args, option)
        strays = [w for w in words if not looks_right(w)]
        if strays:
            setattr(args, option, [w for w in words if looks_right(w)])
            args.template = Path(strays[-1])
            if len(strays) > 1:
                parser.error(f"unexpected arguments: {' '.join(strays[:-1])}")
            return
    parser.error("the following arguments are required: TEMPLATE")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.deploy import deploy, parse_overrides  # noqa: PLC0415 - boto3 only here

    result = deploy(
        args.template,
        args.stack_name,
        parameters=parse_overrides(args.parameter_overrides),
        capabilities=args.capabilities,
        region=args.region,
        endpoint_url=args.endpoint_url,
        s3_bucket=args.s3_bucket,
        out=out,
    )
    if not result.ok:
        print(f"privgw: deploy failed: {result.failure}", file=err)
        return EXIT_FINDINGS
    return EXIT_OK

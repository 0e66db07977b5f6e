"""``privgw doctor``: a deployed stack read back from AWS and checked, with the fix."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_FINDINGS, EXIT_OK, command, wrong_kind

HELP = """Diagnose a deployed private API stack

Reads the stack, its API, stage, endpoints and security group back from
AWS (boto3, your usual credentials) and checks each against the stack's template
and, with --config, the config: PRIVATE and listing the stack's endpoints, the
deployed policy, the stage on the stack's current deployment, the endpoints'
state and private DNS, the caller CIDRs, the custom domain's access associations.

examples:
  privgw doctor hello --config examples/hello.yaml
  privgw doctor hello --endpoint-url http://127.0.0.1:5055 --region us-east-1
"""


def add_parser(sub: Any) -> None:
    doctor = command(sub, "doctor", HELP, one="a check failed")
    doctor.add_argument("stack", metavar="STACK", help="the stack's name")
    doctor.add_argument("--config", type=Path, help="the config the stack was built from")
    doctor.add_argument("--region", help="AWS region (default: your AWS configuration's)")
    doctor.add_argument("--endpoint-url", help="another AWS endpoint (e.g. a local one)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import EndpointStack, load_any  # noqa: PLC0415
    from privgw.doctor import doctor  # noqa: PLC0415 - boto3 only here

    cfg = load_any(args.config) if args.config else None
    if isinstance(cfg, EndpointStack):
        raise wrong_kind(cfg, args.config, "doctor", "an API or consumer config")
    checks = doctor(args.stack, cfg=cfg, region=args.region, endpoint_url=args.endpoint_url)
    for check in checks:
        print(check.line(), file=out)
    failed = [c for c in checks if not c.passed]
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed", file=out)
    return EXIT_FINDINGS if failed else EXIT_OK

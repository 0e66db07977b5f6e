"""``privgw simulate``: one call walked through every layer, with the arguments that make a
call checked as such (exit 2 for a nonsense --ip or --principal, not a verdict)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import EXIT_FINDINGS, EXIT_OK, command, wrong_kind
from privgw.errors import ConfigError, Problem
from privgw.flavours import CONFIG_FORMATS


def _header(text: str) -> tuple[str, str]:
    """``Name: value`` (as curl and privgw's own fix lines write it) or ``Name=value``."""
    cut = min((i for i in (text.find(":"), text.find("=")) if i > 0), default=-1)
    name, value = (text[:cut].strip(), text[cut + 1 :].strip()) if cut > 0 else ("", "")
    if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
        raise argparse.ArgumentTypeError(f"{text!r} is not 'Name: value' or Name=value")
    return name, value


def _shaped(pattern: str, what: str, example: str) -> Any:
    """An argparse type that refuses a value not matching ``pattern`` (exit 2, not a call)."""

    def check(text: str) -> str:
        if not re.fullmatch(pattern, text):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} (e.g. {example})")
        return text

    return check


def _ip(text: str) -> str:
    import ipaddress  # noqa: PLC0415

    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IP address (e.g. 10.0.1.25)"
        ) from None
    return text


_PRINCIPAL = (
    r"anonymous|arn:aws[a-z-]*:(iam::\d{12}:(root|(role|user)/[\w+=,.@/-]+)"
    r"|sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+)"
)


HELP = """Say whether a call would get through, and which layer stops it

Walks one call through DNS, the endpoint's security group, the VPC
endpoint policy, the resource policy, the route and stage, authorization, request
validation and the backend, in AWS's order, and stops at the first layer that
refuses it. Without --vpce/--vpc the call comes through the config's own endpoint
(an endpoint imported or given as a parameter gets a stand-in id, said in a note);
with --consumer, from that consumer stack's VPC and endpoint to the custom domain
(adding the domain's access association and its own policy).

examples:
  privgw simulate examples/hello.yaml GET /hello
  privgw simulate examples/many-callers.yaml POST /payments --vpce vpce-0123 --json
  privgw simulate examples/secured.yaml GET /orders -H 'Authorization: Bearer t'
  privgw simulate examples/cross-account/provider.yaml GET /orders \\
      --consumer examples/cross-account/consumer.yaml
"""


def add_parser(sub: Any) -> None:
    simulate = command(sub, "simulate", HELP, one="the call would be refused")
    simulate.add_argument("config", metavar="CONFIG", type=Path, help="the API's config")
    simulate.add_argument(
        "method",
        metavar="METHOD",
        type=_shaped(
            "(?i)(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)", "an HTTP method", "GET or POST"
        ),
        help="GET, POST, ...",
    )
    simulate.add_argument(
        "path", metavar="PATH", help="the path after the stage, e.g. /orders/7 or /orders?id=7"
    )
    simulate.add_argument(
        "--consumer",
        metavar="CONSUMER",
        type=Path,
        help="a kind: consumer config: the call comes from its account, VPC and endpoint",
    )
    simulate.add_argument(
        "--vpce",
        type=_shaped(
            r"vpce-[0-9a-f]{8,17}|[A-Za-z][A-Za-z0-9-]{0,127}",
            "a VPC endpoint id, an imported endpoint stack's name or VpcEndpointId",
            "vpce-0123456789abcdef0",
        ),
        help="the VPC endpoint the call comes through: an id, or for an endpoint unknown "
        "before deploy the endpoint stack it is imported from, or VpcEndpointId (the "
        "parameter)",
    )
    simulate.add_argument(
        "--vpc",
        type=_shaped(r"vpc-[0-9a-f]{8,17}", "a VPC id", "vpc-0123456789abcdef0"),
        help="the VPC the call comes from",
    )
    simulate.add_argument("--ip", type=_ip, help="the caller's private IP address")
    simulate.add_argument(
        "--principal",
        default="anonymous",
        type=_shaped(_PRINCIPAL, "an IAM role, user or assumed-role ARN", "arn:aws:iam::"
                     "111122223333:role/caller"),
        help="the IAM role/user ARN that signs the call (default: anonymous, unsigned)",
    )  # fmt: skip
    simulate.add_argument(
        "--stage",
        type=_shaped(r"[A-Za-z0-9_-]{1,128}", "a stage name", "v1"),
        help="the stage called (default: the config's)",
    )
    simulate.add_argument(
        "--host",
        help="the host name called, or private-dns, alias, endpoint or domain (default: the "
        "first name that resolves for this config: private DNS, else the alias)",
    )
    simulate.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        type=_header,
        metavar="'NAME: VALUE'",
        help="a request header, 'Name: value' or Name=value (repeatable)",
    )
    simulate.add_argument(
        "-d", "--data", default=None, metavar="BODY", help="the request body (JSON)"
    )
    simulate.add_argument("--json", action="store_true", help="the verdict as JSON")
    simulate.add_argument(
        "--config-format", choices=CONFIG_FORMATS, default=None, help="format of the config"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import Config, load_any  # noqa: PLC0415
    from privgw.resources.template import build_template  # noqa: PLC0415 - see the note above
    from privgw.simulate import Call, simulate  # noqa: PLC0415

    cfg = load_any(args.config, args.config_format)
    if not isinstance(cfg, Config):
        hint = "; give this one as --consumer" if cfg.kind == "consumer" else ""
        raise wrong_kind(cfg, args.config, "simulate", "an API config (kind: api)" + hint)
    call = Call(
        method=args.method.upper(),
        path=args.path if args.path.startswith("/") else "/" + args.path,
        vpce=args.vpce,
        vpc=args.vpc,
        ip=args.ip,
        principal=args.principal,
        stage=args.stage,
        host=args.host,
        headers=dict(args.header),
        body=args.data,
    )
    consumer = None
    if args.consumer is not None:
        from privgw.config import ConsumerStack, load_any  # noqa: PLC0415
        from privgw.resources.consumer import build_consumer_stack  # noqa: PLC0415

        other = load_any(args.consumer, args.config_format)
        if not isinstance(other, ConsumerStack):
            raise ConfigError(
                [Problem("kind", "is not a consumer config", other.kind, "kind: consumer")],
                str(args.consumer),
            )
        consumer = (other, build_consumer_stack(other).to_dict())
    verdict = simulate(cfg, build_template(cfg).to_dict(), call, consumer)
    out.write(verdict.as_json() + "\n" if args.json else verdict.as_text())
    return EXIT_OK if verdict.allowed else EXIT_FINDINGS

"""Command line: a thin layer over the library. Exit 0 ok, 1 lint findings, 2 bad input.

Only ``PrivgwError`` is caught: anything else is a bug and should be reported as one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from privgw import __version__
from privgw.errors import (
    ConfigError,
    OutputError,
    PrivgwError,
    Problem,
    RegionError,
    TemplateReadError,
)
from privgw.findings import Finding
from privgw.flavours import CONFIG_FORMATS, FLAVOURS, STDIN, Flavour
from privgw.gcpause import gc_paused
from privgw.lint import DEFAULT_REGIONS, LintServer, lint_many, region_error, unknown_regions
from privgw.rendering import (
    FORMATS,
    Format,
    check_overwrite,
    is_generated,
    parse_template,
    prepare_folder,
    render,
    write_atomic,
)

if TYPE_CHECKING:
    from privgw.config import AnyConfig

# Building needs troposphere and pydantic (a quarter of a second to import): cmd_build imports
# them (and privgw's checks) only after it has forked cfn-lint's warm-up into a child process,
# so both load at once. Keep this module's own imports light for the same reason.

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class ConfigFilesError(PrivgwError):
    """Problems in one or more of the config files given, all reported before anything is built."""


EXIT_CODES = """exit codes:
  0    success
  1    {one}
  2    bad input: config, template, arguments, files or AWS settings (nothing written)
  130  interrupted (Ctrl-C)"""


def _command(
    sub: Any, name: str, *, summary: str, description: str, examples: str, one: str
) -> argparse.ArgumentParser:
    """A subcommand whose --help has a description, the exit codes and examples."""
    return sub.add_parser(  # type: ignore[no-any-return]
        name,
        help=summary,
        description=f"{summary}.\n\n{description}",
        epilog=EXIT_CODES.format(one=one) + "\n\nexamples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


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


def _add_simulate(sub: Any) -> None:
    simulate = _command(
        sub,
        "simulate",
        summary="Say whether a call would get through, and which layer stops it",
        description="Walks one call through DNS, the endpoint's security group, the VPC\n"
        "endpoint policy, the resource policy, the route and stage, authorization, request\n"
        "validation and the backend, in AWS's order, and stops at the first layer that\n"
        "refuses it. Without --vpce/--vpc the call comes through the config's own endpoint\n"
        "(an endpoint imported or given as a parameter gets a stand-in id, said in a note);\n"
        "with --consumer, from that consumer stack's VPC and endpoint to the custom domain\n"
        "(adding the domain's access association and its own policy).",
        examples="  privgw simulate examples/hello.yaml GET /hello\n"
        "  privgw simulate examples/many-callers.yaml POST /payments --vpce vpce-0123 --json\n"
        "  privgw simulate examples/secured.yaml GET /orders -H 'Authorization: Bearer t'\n"
        "  privgw simulate examples/cross-account/provider.yaml GET /orders \\\n"
        "      --consumer examples/cross-account/consumer.yaml",
        one="the call would be refused",
    )
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


def _add_diagram(sub: Any) -> None:
    diagram = _command(
        sub,
        "diagram",
        summary="Draw the request path of an API as a Mermaid flowchart",
        description="Callers, the endpoint(s) and security group, the custom domain, the API\n"
        "and stage with the policy's allow-list, the routes grouped by function, load\n"
        "balancer or mock. With --output-dir, NAME.md per config: the diagram, the invoke\n"
        "URLs and a curl per form (GitHub renders the diagram).",
        examples="  privgw diagram examples/platform.yaml\n"
        "  privgw diagram examples/*.yaml --output-dir templates",
        one="(not used)",
    )
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


def _add_doctor(sub: Any) -> None:
    doctor = _command(
        sub,
        "doctor",
        summary="Diagnose a deployed private API stack",
        description="Reads the stack, its API, stage, endpoints and security group back from\n"
        "AWS (boto3, your usual credentials) and checks each against the stack's template\n"
        "and, with --config, the config: PRIVATE and listing the stack's endpoints, the\n"
        "deployed policy, the stage on the stack's current deployment, the endpoints'\n"
        "state and private DNS, the caller CIDRs, the custom domain's access associations.",
        examples="  privgw doctor hello --config examples/hello.yaml\n"
        "  privgw doctor hello --endpoint-url http://127.0.0.1:5055 --region us-east-1",
        one="a check failed",
    )
    doctor.add_argument("stack", metavar="STACK", help="the stack's name")
    doctor.add_argument("--config", type=Path, help="the config the stack was built from")
    doctor.add_argument("--region", help="AWS region (default: your AWS configuration's)")
    doctor.add_argument("--endpoint-url", help="another AWS endpoint (e.g. a local one)")


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

    build = _command(
        sub,
        "build",
        summary="Build templates from config files and lint them",
        description="Each CONFIG (YAML, JSON or TOML; - reads standard input) becomes\n"
        "NAME.yaml (plain CloudFormation) and/or NAME.sam.yaml (AWS SAM) in the output\n"
        "folder, written atomically, then checked with cfn-lint and privgw's own rules.\n"
        "Nothing is written when any config is invalid.",
        examples="  privgw build examples/hello.yaml\n"
        "  privgw build configs/*.yaml -o out --flavour all --format json",
        one="lint findings (errors or warnings) in a written template",
    )
    build.add_argument(
        "configs",
        nargs="+",
        metavar="CONFIG",
        type=Path,
        help="config file(s); - for standard input (the template is named after `name`)",
    )
    build.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        default=Path("templates"),
        help="folder for the templates (default: templates/, created if missing)",
    )
    build.add_argument(
        "--format", choices=FORMATS, default="yaml", help="template format (default: yaml)"
    )
    build.add_argument(
        "--config-format",
        choices=CONFIG_FORMATS,
        default=None,
        help="format of the config(s) (default: from the file extension; detected on stdin)",
    )
    build.add_argument(
        "--compact",
        action="store_true",
        help="with --format json: no whitespace, the smallest template (default: indented)",
    )
    build.add_argument(
        "--flavour",
        choices=[*FLAVOURS, "all"],
        default="cfn",
        help="plain CloudFormation (NAME.yaml), AWS SAM (NAME.sam.yaml), or both (default: cfn)",
    )
    build.add_argument(
        "--no-lint", action="store_true", help="skip cfn-lint (privgw's own checks still run)"
    )
    build.add_argument(
        "--relative-to",
        type=Path,
        default=None,
        metavar="ROOT",
        help="write each config's files in the output folder at the config's folder relative "
        "to ROOT (configs/team/a.yaml -> OUTPUT/team/a.yaml with ROOT configs)",
    )
    build.add_argument(
        "--diagrams",
        action="store_true",
        help="also write NAME.md per config: the request-path diagram, invoke URLs and "
        "curls (what privgw diagram --output-dir writes)",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing: exit 1 if a file in the output folder is stale, missing or "
        "orphaned (generated by privgw, built by no config given), 0 if all are up to date",
    )
    build.add_argument(
        "--no-orphans",
        action="store_true",
        help="with --check: do not report orphaned files (when only some configs are given, "
        "as a pre-commit hook does)",
    )
    build.add_argument(
        "--only-configs",
        action="store_true",
        help="skip files that are not privgw configs (as pre-commit passes every changed YAML, "
        "JSON and TOML file); a file that cannot be parsed is skipped with a note",
    )
    build.add_argument(
        "-q", "--quiet", action="store_true", help="no notes about invoke URLs and next steps"
    )

    lint = _command(
        sub,
        "lint",
        summary="Lint existing templates with cfn-lint and privgw's rules",
        description="Works on any CloudFormation or SAM template in JSON or YAML, also one\n"
        "privgw did not write or that you extended by hand.",
        examples="  privgw lint templates/hello.yaml\n"
        "  privgw lint templates/*.yaml --region eu-west-1 --region us-east-1",
        one="lint findings (errors or warnings)",
    )
    lint.add_argument(
        "templates", nargs="*", metavar="TEMPLATE", type=Path, help="template file(s)"
    )
    lint.add_argument(
        "--list-rules",
        action="store_true",
        help="list privgw's own rules (also usable as `cfn-lint --append-rules privgw.rules`)",
    )
    for command in (build, lint):
        command.add_argument(
            "--region",
            action="append",
            dest="regions",
            metavar="REGION",
            help="region to lint for; repeatable (default: us-east-1)",
        )
        command.add_argument(
            "-j",
            "--jobs",
            type=_positive,
            default=None,
            metavar="N",
            help="lint N templates at once (default: one per CPU core)",
        )
        command.add_argument(
            "--no-cache",
            action="store_true",
            help="lint every template afresh (default: reuse the results for identical "
            "templates, regions and linters from $XDG_CACHE_HOME/privgw)",
        )

    _add_simulate(sub)
    _add_diagram(sub)
    _add_doctor(sub)
    deploy = _command(
        sub,
        "deploy",
        summary="Create or update a stack from a template, showing progress and outputs",
        description="What `aws cloudformation deploy` does (change set, execute, wait), plus\n"
        "the stack events as they happen, the first failure explained, and the outputs at\n"
        "the end. Region and credentials come from your AWS configuration (AWS_REGION /\n"
        "AWS_DEFAULT_REGION or ~/.aws/config; AWS_PROFILE, environment keys, SSO ...).",
        examples="  privgw deploy templates/hello.yaml --stack-name hello\n"
        "  privgw deploy templates/reusable.yaml --stack-name catalog-prod \\\n"
        "      --parameter-overrides StageName=prod AllowedCidr1=10.92.0.0/16",
        one="the stack failed (rolled back); the reason is printed",
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

    schema = _command(
        sub,
        "schema",
        summary="Print the config's JSON Schema, for editors",
        description="Point your editor's YAML/JSON language server at it for completion and\n"
        "checks, e.g. `# yaml-language-server: $schema=schema/privgw.schema.json`.",
        examples="  privgw schema > privgw.schema.json\n"
        "  privgw schema -o schema/privgw.schema.json",
        one="(not used)",
    )
    schema.add_argument(
        "-o", "--output", type=Path, help="write to this file (default: standard output)"
    )
    for command in (build, schema):
        command.add_argument(
            "--force",
            action="store_true",
            help="overwrite output files even if privgw did not generate them (default: refuse)",
        )
    return parser


def _template_from_lists(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
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


def _report(findings: Sequence[Finding], name: str, err: TextIO) -> bool:
    """Print findings; True when any of them fails the run."""
    failed = False
    for finding in findings:
        print(finding.format(name), file=err)
        failed = failed or finding.fails
    return failed


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


_REGION_SHAPE = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d{1,2}")


def _regions(values: list[str] | None) -> tuple[str, ...]:
    """The regions to lint for; a value that cannot be a region is refused at once (the lint
    refuses the ones cfn-lint does not know, before anything is written)."""
    bad = [v for v in values or [] if not _REGION_SHAPE.fullmatch(v)]
    if bad:
        raise RegionError(
            f"{', '.join(bad)} is not a region name (expected a name like us-east-1 or eu-west-2)"
        )
    return tuple(values) if values else DEFAULT_REGIONS


def output_name(stem: str, flavour: Flavour, fmt: Format) -> str:
    """``hello.yaml`` for plain CloudFormation, ``hello.sam.yaml`` for SAM."""
    return f"{stem}.{fmt}" if flavour == "cfn" else f"{stem}.sam.{fmt}"


def cmd_build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    args.notes = out
    fmt: Format = args.format
    if args.compact and fmt != "json":
        raise OutputError("--compact applies to --format json only")
    flavours: tuple[Flavour, ...] = FLAVOURS if args.flavour == "all" else (args.flavour,)
    if sum(str(c) == STDIN for c in args.configs) > 1:
        raise OutputError("standard input (-) can be read only once")
    regions = _regions(args.regions)
    args.pages = []  # with --diagrams, (NAME.md, text) per config
    if args.check:
        args.quiet = True  # the notes are for a build that writes
        texts, _ = _build_texts(args, flavours, fmt)
        return _check_fresh(
            [*texts, *args.pages], fmt, out, orphans=not args.no_orphans, rebuild=_rebuild(args)
        )
    linter = None if args.no_lint else LintServer(regions, args.jobs)
    try:
        texts, templates = _build_texts(args, flavours, fmt)
        from privgw.lintcache import LintCache  # noqa: PLC0415 - see the note above

        # cached: privgw's checks and cfn-lint's, per text (the checks probe the policy: not free)
        cache = LintCache(regions, "build", enabled=linter is not None and not args.no_cache)
        cached = [cache.get(text) for _, text in texts]
        misses = [i for i, found in enumerate(cached) if found is None]
        if linter is not None and not misses:  # every result known: no cfn-lint at all
            linter.close()
            linter = None
        if linter is not None and linter.unknown_regions():
            raise region_error(linter.unknown_regions())
        for folder in sorted({target.parent for target, _ in texts} | {Path(args.output_dir)}):
            prepare_folder(folder)
        _never_over_inputs([t for t, _ in [*texts, *args.pages]], args.configs)
        for target, text in texts:
            check_overwrite(target, args.force, text)
        for target, text in [*texts, *args.pages]:
            write_atomic(target, text)
            print(f"wrote {target} ({len(text.encode()):,} bytes)", file=out)
        if linter is not None:
            linter.submit([texts[i][1] for i in misses])
        from privgw.checks import preflight, text_size_findings  # noqa: PLC0415 - see above

        # privgw's rules run once: inside cfn-lint (real line numbers) when it runs, else here;
        # the byte size is the caller's to say (cfn-lint sees no file)
        own = {
            i: text_size_findings(texts[i][1])
            if linter is not None
            else preflight(texts[i][1], templates[texts[i][0]])
            for i in misses
        }
        if linter is not None:  # cfn-lint ran in the child meanwhile
            for index, found in zip(misses, linter.results(), strict=True):
                cached[index] = sorted([*own[index], *found])
                cache.put(texts[index][1], cached[index] or [])
        else:
            for index in misses:
                cached[index] = own[index]
        results = [found or [] for found in cached]
    finally:
        if linter is not None:
            linter.close()
    failed = False
    for (target, _), findings in zip(texts, results, strict=True):
        failed = _report(findings, str(target), err) or failed
    return EXIT_FINDINGS if failed else EXIT_OK


def _never_over_inputs(targets: list[Path], inputs: list[Path]) -> None:
    """An input file is never written over, --force or not: a config named like its template
    in the output folder (config.yaml built into its own folder) would be lost."""
    given = {p.resolve(): p for p in inputs if str(p) != STDIN and p.exists()}
    for target in targets:
        config = given.get(target.resolve())
        if config is not None:
            raise OutputError(
                f"{target} is the config {config} itself; privgw never writes over an input "
                "file, --force or not: choose another --output-dir"
            )


def _rebuild(args: argparse.Namespace) -> str:
    """The build command that brings the files ``--check`` judged up to date."""
    import shlex  # noqa: PLC0415

    words = ["privgw", "build", *map(str, args.configs), "--output-dir", str(args.output_dir)]
    for option, value, default in (
        ("--format", args.format, "yaml"),
        ("--flavour", args.flavour, "cfn"),
        ("--config-format", args.config_format, None),
        ("--relative-to", args.relative_to, None),
    ):
        if value != default:
            words += [option, str(value)]
    words += [
        flag for flag, on in (("--compact", args.compact), ("--diagrams", args.diagrams)) if on
    ]
    return shlex.join(words)


def _check_fresh(
    texts: list[tuple[Path, str]], fmt: Format, out: TextIO, *, orphans: bool, rebuild: str
) -> int:
    """``build --check``: every file byte-identical to what the configs build, and no file
    privgw generated that no config builds any more; nothing is written."""
    import difflib  # noqa: PLC0415

    problems: list[str] = []
    for target, text in texts:
        try:
            actual = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(f"{target}: missing")
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise OutputError(f"cannot read {target}: {exc}") from None
        if actual != text:
            diff = difflib.unified_diff(
                actual.splitlines(), text.splitlines(), f"{target} (committed)",
                f"{target} (built)", n=1, lineterm="",
            )  # fmt: skip
            shown = list(diff)[:12]
            problems.append(f"{target}: stale\n" + "\n".join("    " + line for line in shown))
    built = {target.resolve() for target, _ in texts}
    suffix = ".json" if fmt == "json" else ".yaml"
    folders = sorted({target.parent for target, _ in texts})
    present = [p for f in folders if f.is_dir() and orphans for p in sorted(f.glob(f"*{suffix}"))]
    for path in present:
        if path.resolve() in built:
            continue
        try:
            generated = is_generated(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            generated = False
        if generated:
            problems.append(
                f"{path}: generated by privgw, but no config given builds it (orphaned): "
                f"delete it (rm {path}), or give the config that builds it"
            )
    for problem in problems:
        print(problem, file=out)
    if problems:
        remedy = f": run {rebuild}" if any("(orphaned)" not in p for p in problems) else ""
        print(f"{len(problems)} file(s) out of date{remedy}", file=out)
        return EXIT_FINDINGS
    print(f"{len(texts)} file(s) up to date", file=out)
    return EXIT_OK


def _output_folder(args: argparse.Namespace, config_path: Path) -> Path:
    """The output folder, or with --relative-to ROOT the config's own folder under ROOT
    mirrored below it (examples/topologies/a.yaml -> templates/topologies/a.yaml)."""
    if args.relative_to is None or str(config_path) == STDIN:
        return Path(args.output_dir)
    parent = config_path.resolve().parent
    root = args.relative_to.resolve()
    if not parent.is_relative_to(root):
        raise OutputError(f"{config_path} is not inside --relative-to {args.relative_to}")
    return Path(args.output_dir) / parent.relative_to(root)


def _configs_only(args: argparse.Namespace) -> list[Path]:
    """The configs to build: every one given, or with --only-configs those that are privgw
    configs (a workflow, compose file or template among them is left alone)."""
    if not args.only_configs:
        return list(args.configs)
    from privgw.config.loading import is_config_file  # noqa: PLC0415

    kept = []
    for path in args.configs:
        verdict = is_config_file(path, args.config_format)
        if verdict is None:
            print(f"note: {path}: skipped: not parsable, so not told apart from other files",
                  file=args.notes)  # fmt: skip
        elif verdict:
            kept.append(path)
    return kept


def _build_texts(
    args: argparse.Namespace, flavours: tuple[Flavour, ...], fmt: Format
) -> tuple[list[tuple[Path, str]], dict[Path, dict[str, Any]]]:
    """Every template's text (and data, for the checks), or one error listing every bad config
    (nothing is written)."""
    with gc_paused():
        from privgw.config import Config, load_any  # noqa: PLC0415
        from privgw.resources.template import (  # noqa: PLC0415 - see the note above
            build_any,
            build_notes,
        )

    texts: list[tuple[Path, str]] = []
    templates: dict[Path, dict[str, Any]] = {}
    errors: list[str] = []
    notes: list[str] = []
    for config_path in _configs_only(args):
        try:
            cfg = load_any(config_path, args.config_format)
            # a config on standard input is named after its `name`
            stem = cfg.name if str(config_path) == STDIN else config_path.stem
            folder = _output_folder(args, config_path)
            # endpoint and consumer stacks have no SAM resources: one template serves both
            kinds = flavours if isinstance(cfg, Config) else ("cfn",)
            built = [
                (
                    folder / output_name(stem, flavour, fmt),
                    build_any(cfg, flavour, folder).to_dict(),
                )
                for flavour in kinds
            ]
            notes.extend(f"note: {config_path}: {note}" for note in build_notes(cfg))
            if args.diagrams:
                from privgw.diagram import markdown_page  # noqa: PLC0415

                page = folder / f"{stem}.md"
                args.pages.append((page, markdown_page(cfg, built[0][1])))
            for target, data in built:
                if target in templates:
                    raise OutputError(f"{config_path} and another config would both write {target}")
                texts.append((target, render(data, fmt, compact=args.compact)))
                templates[target] = data
        except ConfigError as exc:
            errors.append(
                str(ConfigError(exc.problems, exc.source or str(config_path), exc.incomplete))
            )
    if errors:
        raise ConfigFilesError("\n".join(errors))
    for note in [] if args.quiet else notes:
        print(note, file=args.notes)
    return texts, templates


def cmd_lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.list_rules:
        from privgw.lint import rule_list  # noqa: PLC0415

        print("\n".join(rule_list()), file=out)
        return EXIT_OK
    if not args.templates:
        raise TemplateReadError("no TEMPLATE given (or --list-rules)")
    from privgw.config.loading import looks_like_config  # noqa: PLC0415 - see the note above

    texts = []
    for path in args.templates:
        try:
            text = path.read_text(encoding="utf-8")
            if looks_like_config(parse_template(text)):
                raise TemplateReadError(
                    "a privgw config, not a template: build it (and lint what it "
                    f"builds) with privgw build {path}"
                )
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateReadError(f"{path}: cannot read: {exc}") from None
        except TemplateReadError as exc:
            raise TemplateReadError(f"{path}: {exc}") from None
        texts.append(text)
    failed = False
    regions = _regions(args.regions)
    from privgw.lintcache import LintCache  # noqa: PLC0415 - see the note above

    cache = LintCache(regions, "lint", enabled=not args.no_cache)
    results = [cache.get(text) for text in texts]
    misses = [i for i, found in enumerate(results) if found is None]
    if misses:  # (a cached result was linted for these very regions)
        unknown = unknown_regions(regions)
        if unknown:
            raise region_error(unknown)
        for index, found in zip(
            misses, lint_many([texts[i] for i in misses], regions, args.jobs), strict=True
        ):
            results[index] = found
            cache.put(texts[index], found)
    for path, findings in zip(args.templates, results, strict=True):
        assert findings is not None
        failed = _report(findings, str(path), err) or failed
        if not findings:
            print(f"{path}: no findings", file=out)
    return EXIT_FINDINGS if failed else EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import config_schema  # noqa: PLC0415 - see the note above

    text = json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"
    if args.output:
        check_overwrite(args.output, args.force)
        write_atomic(args.output, text)
    else:
        out.write(text)
    return EXIT_OK


def cmd_deploy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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


def cmd_diagram(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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


def cmd_doctor(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import EndpointStack, load_any  # noqa: PLC0415
    from privgw.doctor import doctor  # noqa: PLC0415 - boto3 only here

    cfg = load_any(args.config) if args.config else None
    if isinstance(cfg, EndpointStack):
        raise _wrong_kind(cfg, args.config, "doctor", "an API or consumer config")
    checks = doctor(args.stack, cfg=cfg, region=args.region, endpoint_url=args.endpoint_url)
    for check in checks:
        print(check.line(), file=out)
    failed = [c for c in checks if not c.passed]
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed", file=out)
    return EXIT_FINDINGS if failed else EXIT_OK


def _wrong_kind(cfg: AnyConfig, path: Path, command: str, expected: str) -> ConfigError:
    """A config of another kind than ``command`` reads, named as such (not as unknown keys)."""
    article = "an" if cfg.kind[0] in "aeiou" else "a"
    return ConfigError(
        [
            Problem(
                "kind",
                f"is {article} {cfg.kind} config; privgw {command} reads an API config",
                cfg.kind,
                expected,
            )
        ],
        str(path),
    )


def cmd_simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from privgw.config import Config, load_any  # noqa: PLC0415
    from privgw.resources.template import build_template  # noqa: PLC0415 - see the note above
    from privgw.simulate import Call, simulate  # noqa: PLC0415

    cfg = load_any(args.config, args.config_format)
    if not isinstance(cfg, Config):
        hint = "; give this one as --consumer" if cfg.kind == "consumer" else ""
        raise _wrong_kind(cfg, args.config, "simulate", "an API config (kind: api)" + hint)
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


COMMANDS = {
    "build": cmd_build,
    "lint": cmd_lint,
    "deploy": cmd_deploy,
    "schema": cmd_schema,
    "simulate": cmd_simulate,
    "diagram": cmd_diagram,
    "doctor": cmd_doctor,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    stdout, stderr = out or sys.stdout, err or sys.stderr
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        _template_from_lists(args, parser)
        return COMMANDS[args.command](args, stdout, stderr)
    except PrivgwError as exc:
        print(f"privgw: error: {exc}", file=stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("privgw: interrupted", file=stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

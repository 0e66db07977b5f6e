"""Command line: a thin layer over the library. Exit 0 ok, 1 lint findings, 2 bad input.

Only ``PrivgwError`` is caught: anything else is a bug and should be reported as one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from privgw import __version__
from privgw.errors import ConfigError, OutputError, PrivgwError, TemplateReadError
from privgw.findings import Finding
from privgw.gcpause import gc_paused
from privgw.lint import DEFAULT_REGIONS, LintServer, lint_many
from privgw.rendering import (
    FLAVOURS,
    FORMATS,
    Flavour,
    Format,
    check_overwrite,
    parse_template,
    render,
    write_atomic,
)

# Building needs troposphere and pydantic (a quarter of a second to import): cmd_build imports
# them (and privgw's checks) only after it has forked cfn-lint's warm-up into a child process,
# so both load at once. Keep this module's own imports light for the same reason.

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class ConfigFilesError(PrivgwError):
    """Problems in one or more of the config files given, all reported before anything is built."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privgw",
        description="Build lint-clean CloudFormation templates for private API Gateway APIs.",
    )
    parser.add_argument("--version", action="version", version=f"privgw {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="build templates from config files (and lint them)")
    build.add_argument("configs", nargs="+", metavar="CONFIG", type=Path)
    build.add_argument("-o", "--output-dir", type=Path, default=Path("templates"))
    build.add_argument("--format", choices=FORMATS, default="yaml")
    build.add_argument(
        "--compact", action="store_true", help="JSON without whitespace (smallest template)"
    )
    build.add_argument(
        "--flavour",
        choices=[*FLAVOURS, "all"],
        default="cfn",
        help="plain CloudFormation (NAME.yaml), AWS SAM (NAME.sam.yaml), or both",
    )
    build.add_argument(
        "--no-lint", action="store_true", help="skip cfn-lint (privgw's own checks still run)"
    )
    build.add_argument("-q", "--quiet", action="store_true", help="no notes about invoke URLs")
    build.add_argument(
        "--region",
        action="append",
        dest="regions",
        metavar="REGION",
        help="region(s) to lint for (default us-east-1); repeatable",
    )

    lint = sub.add_parser("lint", help="lint existing templates with cfn-lint and privgw checks")
    lint.add_argument("templates", nargs="+", metavar="TEMPLATE", type=Path)
    lint.add_argument("--region", action="append", dest="regions", metavar="REGION")
    for command in (build, lint):
        command.add_argument(
            "-j",
            "--jobs",
            type=_positive,
            default=None,
            metavar="N",
            help="lint N templates at once (default: one per CPU core)",
        )

    deploy = sub.add_parser(
        "deploy", help="create or update a stack from a template, showing progress and outputs"
    )
    deploy.add_argument("template", type=Path, metavar="TEMPLATE")
    deploy.add_argument("--stack-name", required=True)
    deploy.add_argument("--parameter-overrides", nargs="*", default=[], metavar="KEY=VALUE")
    deploy.add_argument(
        "--capabilities", nargs="*", default=["CAPABILITY_IAM"], metavar="CAPABILITY"
    )
    deploy.add_argument("--region", help="AWS region (default: from your AWS configuration)")
    deploy.add_argument("--endpoint-url", help="CloudFormation endpoint, e.g. a local one")
    deploy.add_argument("--s3-bucket", help="upload the template here first (needed > 51,200 B)")

    schema = sub.add_parser("schema", help="print the config's JSON Schema (for editors)")
    schema.add_argument("-o", "--output", type=Path, help="write to a file instead of stdout")
    for command in (build, schema):
        command.add_argument(
            "--force",
            action="store_true",
            help="overwrite output files even if privgw did not generate them",
        )
    return parser


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


def _regions(values: list[str] | None) -> tuple[str, ...]:
    return tuple(values) if values else DEFAULT_REGIONS


def output_name(config_path: Path, flavour: Flavour, fmt: Format) -> str:
    """``hello.yaml`` for plain CloudFormation, ``hello.sam.yaml`` for SAM."""
    return f"{config_path.stem}.{fmt}" if flavour == "cfn" else f"{config_path.stem}.sam.{fmt}"


def cmd_build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    args.notes = out
    fmt: Format = args.format
    if args.compact and fmt != "json":
        raise OutputError("--compact applies to --format json only")
    flavours: tuple[Flavour, ...] = FLAVOURS if args.flavour == "all" else (args.flavour,)
    targets: dict[tuple[Path, Flavour], Path] = {}
    for config_path in args.configs:
        for flavour in flavours:
            target = args.output_dir / output_name(config_path, flavour, fmt)
            if target in targets.values():
                raise OutputError(f"{config_path} and another config would both write {target}")
            targets[config_path, flavour] = target

    linter = None if args.no_lint else LintServer(_regions(args.regions), args.jobs)
    try:
        texts, templates = _build_texts(args, flavours, targets, fmt)
        for target, _ in texts:
            check_overwrite(target, args.force)
        for target, text in texts:
            write_atomic(target, text)
            print(f"wrote {target} ({len(text.encode()):,} bytes)", file=out)
        if linter is not None:
            linter.submit([text for _, text in texts])
        from privgw.checks import preflight  # noqa: PLC0415 - see the note above

        results = [preflight(text, templates[target]) for target, text in texts]
        if linter is not None:  # cfn-lint ran in the child meanwhile
            results = [
                sorted([*own, *cfn]) for own, cfn in zip(results, linter.results(), strict=True)
            ]
    finally:
        if linter is not None:
            linter.close()
    failed = False
    for (target, _), findings in zip(texts, results, strict=True):
        failed = _report(findings, str(target), err) or failed
    return EXIT_FINDINGS if failed else EXIT_OK


def _build_texts(
    args: argparse.Namespace,
    flavours: tuple[Flavour, ...],
    targets: dict[tuple[Path, Flavour], Path],
    fmt: Format,
) -> tuple[list[tuple[Path, str]], dict[Path, dict[str, Any]]]:
    """Every template's text (and data, for the checks), or one error listing every bad config
    (nothing is written)."""
    with gc_paused():
        from privgw.build.outputs import url_notes  # noqa: PLC0415
        from privgw.build.template import (  # noqa: PLC0415 - see the note above
            build_endpoint_stack,
            build_template,
        )
        from privgw.config import EndpointStack, load_any  # noqa: PLC0415

    texts: list[tuple[Path, str]] = []
    templates: dict[Path, dict[str, Any]] = {}
    errors: list[str] = []
    notes: list[str] = []
    for config_path in args.configs:
        try:
            cfg = load_any(config_path)
            if isinstance(cfg, EndpointStack):  # no SAM resources: one template serves both
                built = [
                    (
                        args.output_dir / output_name(config_path, "cfn", fmt),
                        build_endpoint_stack(cfg).to_dict(),
                    )
                ]
            else:
                built = [
                    (
                        targets[config_path, flavour],
                        build_template(cfg, flavour, args.output_dir).to_dict(),
                    )
                    for flavour in flavours
                ]
                notes.extend(f"note: {config_path}: {note}" for note in url_notes(cfg))
            for target, data in built:
                texts.append((target, render(data, fmt, compact=args.compact)))
                templates[target] = data
        except ConfigError as exc:
            errors.append(str(ConfigError(exc.problems, exc.source or str(config_path))))
    if errors:
        raise ConfigFilesError("\n".join(errors))
    for note in [] if args.quiet else notes:
        print(note, file=args.notes)
    return texts, templates


def cmd_lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    texts = []
    for path in args.templates:
        try:
            text = path.read_text(encoding="utf-8")
            parse_template(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateReadError(f"{path}: cannot read: {exc}") from None
        except TemplateReadError as exc:
            raise TemplateReadError(f"{path}: {exc}") from None
        texts.append(text)
    failed = False
    results = lint_many(texts, _regions(args.regions), args.jobs)
    for path, findings in zip(args.templates, results, strict=True):
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


COMMANDS = {"build": cmd_build, "lint": cmd_lint, "deploy": cmd_deploy, "schema": cmd_schema}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    stdout, stderr = out or sys.stdout, err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, stdout, stderr)
    except PrivgwError as exc:
        print(f"privgw: error: {exc}", file=stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("privgw: interrupted", file=stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

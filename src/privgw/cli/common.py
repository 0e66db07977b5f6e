"""What every command shares: exit codes, a subcommand's --help shape, the lint options,
findings on stderr, and the errors the CLI names itself."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from privgw.errors import ConfigError, PrivgwError, Problem, RegionError
from privgw.findings import Finding
from privgw.lint import DEFAULT_REGIONS
from privgw.patterns import REGION

if TYPE_CHECKING:
    from privgw.config import AnyConfig

# Building needs troposphere and pydantic (a quarter of a second to import): build imports
# them (and privgw's checks) only after it has forked cfn-lint's warm-up into a child process,
# so both load at once. Keep the CLI's own imports light for the same reason.

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class ConfigFilesError(PrivgwError):
    """Problems in one or more of the config files given, all reported before anything is built."""


EXIT_CODES = """exit codes:
  0    success
  1    {one}
  2    bad input: config, template, arguments, files or AWS settings (nothing written)
  130  interrupted (Ctrl-C)"""


def command(sub: Any, name: str, text: str, *, one: str) -> argparse.ArgumentParser:
    """A subcommand whose --help has a description, the exit codes and examples.

    ``text`` reads as the help does: the summary line, a blank line, the description,
    and ``examples:`` with the example lines; ``one`` says what exit code 1 means."""
    summary, rest = text.split("\n\n", 1)
    description, examples = rest.rstrip("\n").split("\n\nexamples:\n")
    return sub.add_parser(  # type: ignore[no-any-return]
        name,
        help=summary,
        description=f"{summary}.\n\n{description}",
        epilog=EXIT_CODES.format(one=one) + "\n\nexamples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def report(findings: Sequence[Finding], name: str, err: TextIO) -> bool:
    """Print findings; True when any of them fails the run."""
    failed = False
    for finding in findings:
        print(finding.format(name), file=err)
        failed = failed or finding.fails
    return failed


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


_REGION_SHAPE = re.compile(REGION)


def lint_regions(values: list[str] | None) -> tuple[str, ...]:
    """The regions to lint for; a value that cannot be a region is refused at once (the lint
    refuses the ones cfn-lint does not know, before anything is written)."""
    bad = [v for v in values or [] if not _REGION_SHAPE.fullmatch(v)]
    if bad:
        raise RegionError(
            f"{', '.join(bad)} is not a region name (expected a name like us-east-1 or eu-west-2)"
        )
    return tuple(values) if values else DEFAULT_REGIONS


def wrong_kind(cfg: AnyConfig, path: Path, command: str, expected: str) -> ConfigError:
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


def add_lint_options(parser: argparse.ArgumentParser) -> None:
    """--region, --jobs and --no-cache, as build and lint take them."""
    parser.add_argument(
        "--region",
        action="append",
        dest="regions",
        metavar="REGION",
        help="region to lint for; repeatable (default: us-east-1)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=positive,
        default=None,
        metavar="N",
        help="lint N templates at once (default: one per CPU core)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="lint every template and validate every OpenAPI document afresh (default: "
        "reuse the results for identical templates, regions and linters, and documents the "
        "validator accepted, from $XDG_CACHE_HOME/privgw)",
    )


def add_force(parser: argparse.ArgumentParser) -> None:
    """--force, as the commands that write files take it."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite output files even if privgw did not generate them (default: refuse)",
    )

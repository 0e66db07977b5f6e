"""``privgw lint``: cfn-lint and privgw's rules on templates (any template, also one privgw
did not write)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from privgw.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_lint_options,
    command,
    lint_regions,
    report,
)
from privgw.errors import TemplateReadError
from privgw.lint import lint_many, region_error, unknown_regions
from privgw.rendering import parse_template

HELP = """Lint existing templates with cfn-lint and privgw's rules

Works on any CloudFormation or SAM template in JSON or YAML, also one
privgw did not write or that you extended by hand.

examples:
  privgw lint templates/hello.yaml
  privgw lint templates/*.yaml --region eu-west-1 --region us-east-1
"""


def add_parser(sub: Any) -> None:
    lint = command(sub, "lint", HELP, one="lint findings (errors or warnings)")
    lint.add_argument(
        "templates", nargs="*", metavar="TEMPLATE", type=Path, help="template file(s)"
    )
    lint.add_argument(
        "--list-rules",
        action="store_true",
        help="list privgw's own rules (also usable as `cfn-lint --append-rules privgw.rules`)",
    )
    add_lint_options(lint)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
    regions = lint_regions(args.regions)
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
        failed = report(findings, str(path), err) or failed
        if not findings:
            print(f"{path}: no findings", file=out)
    return EXIT_FINDINGS if failed else EXIT_OK

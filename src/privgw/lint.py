"""Template lint: cfn-lint in-process, plus privgw's own preflight checks (``checks``).

This is the only module that imports cfnlint, and only inside ``run_cfn_lint``: importing it
costs most of a second, which a build with ``--no-lint`` must not pay.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from typing import Any

from privgw.checks import preflight
from privgw.findings import Finding, Level
from privgw.rendering import parse_template

__all__ = ["DEFAULT_REGIONS", "Finding", "lint_many", "lint_text", "run_cfn_lint"]

DEFAULT_REGIONS = ("us-east-1",)


def _cfn_level(severity: str) -> Level:
    return {"error": "error", "warning": "warning"}.get(severity.lower(), "info")  # type: ignore[return-value]


@functools.cache
def _cfn_lint_runner(regions: tuple[str, ...]) -> Any:
    """A cfn-lint Runner with privgw's pinned settings, made once per process.

    Creating one loads every rule module (about 0.4 s); ``cfnlint.api.lint`` would do that on
    each call, so privgw keeps its own runner instead.
    """
    from cfnlint.config import ConfigMixIn, ManualArgs  # noqa: PLC0415 - lazy, see module doc
    from cfnlint.runner import Runner  # noqa: PLC0415

    rcfile = resources.files("privgw").joinpath("cfnlintrc.yaml")
    with resources.as_file(rcfile) as rc_path:
        config = ConfigMixIn(**ManualArgs(regions=list(regions), config_file=str(rc_path)))
    return Runner(config)


def run_cfn_lint(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """cfn-lint's findings for template text, with privgw's pinned cfn-lint settings."""
    from cfnlint.decode.decode import decode_str  # noqa: PLC0415 - lazy, see module doc

    template, matches = decode_str(text)
    if not matches and template is not None:
        matches = list(_cfn_lint_runner(tuple(regions)).validate_template(template))
    return sorted(
        Finding(
            source="cfn-lint",
            line=int(m.linenumber or 0),
            rule=str(m.rule.id),
            level=_cfn_level(str(m.rule.severity)),
            message=str(m.message),
        )
        for m in matches or []
    )


def lint_text(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """Every finding for one template's text: cfn-lint's and privgw's own."""
    template = parse_template(text)
    return sorted([*run_cfn_lint(text, regions), *preflight(text, template)])


def _lint_one(job: tuple[str, tuple[str, ...]]) -> list[Finding]:
    return lint_text(*job)


def lint_many(
    texts: Sequence[str], regions: tuple[str, ...] = DEFAULT_REGIONS, jobs: int | None = None
) -> list[list[Finding]]:
    """Lint several templates, in parallel across cores when there is more than one.

    cfn-lint is imported and warmed up once here, then worker processes are forked from this
    one, so no worker pays the import again (fork is the default start method on Linux; where it
    is unavailable the lint runs serially rather than paying one import per worker).
    """
    workers = min(len(texts), jobs or os.cpu_count() or 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [lint_text(text, regions) for text in texts]
    run_cfn_lint(_WARM_UP, regions)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_lint_one, [(text, regions) for text in texts]))


#: The smallest template cfn-lint accepts: linting it loads the rules and schemas before forking.
_WARM_UP = '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}'


class LintServer:
    """cfn-lint warming up in a forked child while the parent is still building.

    Importing cfn-lint and loading its rules takes most of a second, and building the
    templates a fraction of one: started first, the child pays the import on the second core
    while the parent builds, then lints what it is sent (forking its own workers for several
    templates, so the import is still paid once). Without fork it falls back to linting
    in-process.
    """

    def __init__(self, regions: tuple[str, ...], jobs: int | None) -> None:
        self.regions, self.jobs = regions, jobs
        self._process: Any = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._conn, child_conn = context.Pipe()
            self._process = context.Process(
                target=_serve, args=(child_conn, self._conn, regions, jobs)
            )
            self._process.start()
            child_conn.close()  # the child's end lives on in the child only

    def lint(self, texts: Sequence[str]) -> list[list[Finding]]:
        if self._process is None:
            return lint_many(texts, self.regions, self.jobs)
        try:
            self._conn.send(list(texts))
            results: list[list[Finding]] = self._conn.recv()
        except (EOFError, OSError):  # the child died: lint here instead, and say nothing
            self.close()
            return lint_many(texts, self.regions, self.jobs)
        self.close()
        return results

    def close(self) -> None:
        """Stop the child if it is still waiting (the build failed before anything was sent)."""
        if self._process is not None:
            if self._process.is_alive():
                self._conn.send(None)
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
            self._process = None


def _serve(conn: Any, parent_end: Any, regions: tuple[str, ...], jobs: int | None) -> None:
    # Close the parent's end this fork inherited: then, if the parent dies (even by SIGKILL),
    # recv() sees end-of-file and this child exits instead of waiting forever.
    parent_end.close()
    _cfn_lint_runner(tuple(regions))
    try:
        texts = conn.recv()
        if texts is not None:
            conn.send(lint_many(texts, regions, jobs))
    except (EOFError, OSError):
        return

"""Template lint: cfn-lint in-process, with privgw's own checks loaded into it as cfn-lint rules
(``privgw.rules``), so every finding has a line number; the template's byte size, which needs
the text, is checked beside it.

This is the only module that imports cfnlint (and privgw.rules, which needs it), and only
inside functions: importing it costs most of a second, which ``--no-lint`` must not pay.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any, NoReturn

from privgw.errors import RegionError
from privgw.findings import Finding, Level
from privgw.gcpause import gc_paused

__all__ = [
    "DEFAULT_REGIONS",
    "Finding",
    "LintServer",
    "cfn_lint_many",
    "lint_many",
    "lint_text",
    "region_error",
    "run_cfn_lint",
    "unknown_regions",
]

DEFAULT_REGIONS = ("us-east-1",)
#: privgw's checks as cfn-lint rules, by module (what `cfn-lint --append-rules` takes too).
PRIVGW_RULES = "privgw.rules"


def _cfn_level(severity: str) -> Level:
    return {"error": "error", "warning": "warning"}.get(severity.lower(), "info")  # type: ignore[return-value]


@functools.cache
def _cfn_lint_runner(regions: tuple[str, ...]) -> Any:
    """A cfn-lint Runner with privgw's pinned settings, made once per process.

    Creating one loads every rule module (about 0.4 s); ``cfnlint.api.lint`` would do that on
    each call, so privgw keeps its own runner instead.
    """
    with gc_paused():
        from cfnlint.config import ConfigMixIn, ManualArgs  # noqa: PLC0415 - see module doc
        from cfnlint.runner import Runner  # noqa: PLC0415

        rcfile = resources.files("privgw").joinpath("cfnlintrc.yaml")
        with resources.as_file(rcfile) as rc_path:
            config = ConfigMixIn(
                **ManualArgs(
                    regions=list(regions),
                    config_file=str(rc_path),
                    append_rules=[PRIVGW_RULES],
                )
            )
        return Runner(config)


def unknown_regions(regions: Sequence[str]) -> list[str]:
    """The regions cfn-lint does not know (it would stop with InvalidRegionException)."""
    from cfnlint.helpers import REGIONS  # noqa: PLC0415 - lazy, see module doc

    return sorted(set(regions) - set(REGIONS))


def region_error(unknown: Sequence[str]) -> RegionError:
    """One line naming the unknown regions, each with the closest one it may mean."""
    from cfnlint.helpers import REGIONS  # noqa: PLC0415 - lazy, see module doc

    return RegionError(unknown_region_message(unknown, REGIONS))


def unknown_region_message(unknown: Sequence[str], known: Sequence[str]) -> str:
    """``unknown region eu-wset-1 (did you mean eu-west-1?)``, never the whole list."""
    import difflib  # noqa: PLC0415

    parts = []
    for region in unknown:
        close = difflib.get_close_matches(region, sorted(known), n=1, cutoff=0.6)
        parts.append(f"{region} (did you mean {close[0]}?)" if close else region)
    noun = "regions" if len(unknown) > 1 else "region"
    return f"unknown {noun} {', '.join(parts)}: expected an AWS region name such as us-east-1"


def run_cfn_lint(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """cfn-lint's findings for template text (privgw's rules among them), with privgw's pinned
    cfn-lint settings."""
    from cfnlint.decode.decode import decode_str  # noqa: PLC0415 - lazy, see module doc

    from privgw.rules._base import PrivgwCheck  # noqa: PLC0415 - imports cfnlint

    template, matches = decode_str(text)
    if not matches and template is not None:
        matches = list(_cfn_lint_runner(tuple(regions)).validate_template(template))
    return sorted(
        Finding(
            source="privgw" if isinstance(m.rule, PrivgwCheck) else "cfn-lint",
            line=int(m.linenumber or 0),
            rule=str(m.rule.id),
            level=_cfn_level(str(m.rule.severity)),
            message=str(m.message),
        )
        for m in matches or []
    )


def lint_text(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """Every finding for one template's text: cfn-lint's, privgw's rules, and the size."""
    from privgw.checks import text_size_findings  # noqa: PLC0415 - off the CLI's start-up path

    return sorted([*run_cfn_lint(text, regions), *text_size_findings(text)])


def rule_list() -> list[str]:
    """One line per privgw rule: id, level, what it catches, where AWS documents it."""
    from privgw.rules import RULES  # noqa: PLC0415 - imports cfnlint

    return [
        f"{rule.id}  {_cfn_level(rule().severity):<7}  {rule.shortdesc}  ({rule.source_url})"
        for rule in RULES
    ]


def _lint_one(job: tuple[str, tuple[str, ...]]) -> list[Finding]:
    return lint_text(*job)


def _cfn_lint_one(job: tuple[str, tuple[str, ...]]) -> list[Finding]:
    return run_cfn_lint(*job)


def lint_many(
    texts: Sequence[str], regions: tuple[str, ...] = DEFAULT_REGIONS, jobs: int | None = None
) -> list[list[Finding]]:
    """Every finding for several templates, in parallel across cores when there are several."""
    return _in_parallel(_lint_one, texts, regions, jobs)


def cfn_lint_many(
    texts: Sequence[str], regions: tuple[str, ...] = DEFAULT_REGIONS, jobs: int | None = None
) -> list[list[Finding]]:
    """cfn-lint's findings only, for callers that ran privgw's own checks on the data already."""
    return _in_parallel(_cfn_lint_one, texts, regions, jobs)


def _in_parallel(
    lint: Callable[[tuple[str, tuple[str, ...]]], list[Finding]],
    texts: Sequence[str],
    regions: tuple[str, ...],
    jobs: int | None,
) -> list[list[Finding]]:
    """Run ``lint`` on each text, in forked workers when there are several texts and cores.

    cfn-lint is imported and warmed up once here, then the workers are forked from this
    process, so no worker pays the import again (where fork is unavailable the lint runs
    serially rather than paying one import per worker).
    """
    workers = min(len(texts), jobs or os.cpu_count() or 1)
    if workers <= 1 or not hasattr(os, "fork"):
        return [lint((text, regions)) for text in texts]
    import multiprocessing  # noqa: PLC0415 - only a multi-template lint needs a pool
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    run_cfn_lint(_WARM_UP, regions)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(lint, [(text, regions) for text in texts]))


#: The smallest template cfn-lint accepts: linting it loads the rules and schemas before forking.
_WARM_UP = '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}'


class LintServer:
    """cfn-lint warming up in a forked child while the parent is still building.

    Importing cfn-lint and loading its rules takes most of a second, and building the
    templates a fraction of one: forked first (before the parent imports troposphere and
    pydantic), the child pays the import on the second core while the parent builds, then runs
    cfn-lint on what it is sent (forking its own workers for several templates, so the import
    is still paid once), privgw's own rules among its rules, so each finding is reported once,
    at its line. The parent meanwhile writes the templates.
    Plain ``os.fork`` and pipes, so starting it costs the parent no multiprocessing import;
    without fork, cfn-lint runs in-process when the results are asked for.
    """

    def __init__(self, regions: tuple[str, ...], jobs: int | None) -> None:
        self.regions, self.jobs = regions, jobs
        self._texts: list[str] = []
        self._pid: int | None = None
        self._send_fd = self._recv_fd = -1
        self._recv: Any = None
        self._unknown: list[str] | None = None
        if hasattr(os, "fork"):
            child_recv, parent_send = os.pipe()
            parent_recv, child_send = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage cannot see it, tests do
                os.close(parent_send)  # else the child never sees end-of-file if the parent dies
                os.close(parent_recv)
                _serve_and_exit(child_recv, child_send, regions, jobs)
            os.close(child_recv)
            os.close(child_send)
            self._pid, self._send_fd, self._recv_fd = pid, parent_send, parent_recv

    def unknown_regions(self) -> list[str]:
        """The regions cfn-lint does not know, as the child found once it had loaded cfn-lint
        (so the caller can refuse them before it writes anything); in-process without a child."""
        if self._unknown is None:
            try:
                self._unknown = list(pickle.load(self._receiver()))
            except (EOFError, OSError, pickle.UnpicklingError, ValueError):  # the child died
                self._unknown = unknown_regions(self.regions)
        return self._unknown

    def _receiver(self) -> Any:
        if self._recv is None:
            if self._recv_fd < 0:
                raise OSError("no lint child")
            recv_fd, self._recv_fd = self._recv_fd, -1
            self._recv = os.fdopen(recv_fd, "rb")
        return self._recv

    def submit(self, texts: Sequence[str]) -> None:
        """Hand the texts over; the child lints them while the caller does other work."""
        self._texts = list(texts)
        if self._send_fd >= 0:
            send_fd, self._send_fd = self._send_fd, -1
            try:
                with os.fdopen(send_fd, "wb") as send:
                    pickle.dump(self._texts, send, protocol=pickle.HIGHEST_PROTOCOL)
            except OSError:  # the child is gone: results() lints in-process instead
                pass

    def results(self) -> list[list[Finding]]:
        """cfn-lint's findings for each submitted text, in order."""
        found: list[list[Finding]] | None = None
        if self._pid is not None:
            try:
                self.unknown_regions()  # the first message; the findings come second
                found = pickle.load(self._receiver())
            except (EOFError, OSError, pickle.UnpicklingError, ValueError):  # the child died
                found = None
        self._reap(kill=False)
        if found is None or len(found) != len(self._texts):
            found = [run_cfn_lint(text, self.regions) for text in self._texts]
        return found

    def close(self) -> None:
        """Stop the child if the results were never collected (say, the build failed)."""
        self._reap(kill=True)

    def _reap(self, kill: bool) -> None:
        for fd in (self._send_fd, self._recv_fd):
            if fd >= 0:
                os.close(fd)
        self._send_fd = self._recv_fd = -1
        if self._recv is not None:
            self._recv.close()
            self._recv = None
        if self._pid is not None:
            if kill:  # it holds nothing worth finishing: don't wait for its import to end
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None


def _serve_and_exit(
    recv_fd: int, send_fd: int, regions: tuple[str, ...], jobs: int | None
) -> NoReturn:  # pragma: no cover - runs in the forked child
    """Load cfn-lint, lint what the parent sends, send the findings back, and exit.

    ``os._exit`` always: the child must never return into the parent's code (a test runner's,
    say) or flush buffers it inherited. End-of-file without data means the parent has no work
    (or has died, even by SIGKILL), so the child exits instead of waiting forever.
    """
    code = 0
    try:
        _cfn_lint_runner(tuple(regions))
        # What start-up loaded lives until exit: frozen, no collection ever walks it again.
        gc.freeze()
        with os.fdopen(send_fd, "wb") as send:
            unknown = unknown_regions(regions)
            pickle.dump(unknown, send, protocol=pickle.HIGHEST_PROTOCOL)
            send.flush()
            if unknown:
                os._exit(0)
            with os.fdopen(recv_fd, "rb") as recv:
                data = recv.read()
            if data:
                found = cfn_lint_many(pickle.loads(data), regions, jobs)
                pickle.dump(found, send, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # the parent lints in-process when nothing arrives
        code = 1
    finally:
        os._exit(code)

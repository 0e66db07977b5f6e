"""The CLI's early-forked cfn-lint child: same findings as in-process, never left behind.

These test behaviour only; how much time the early start saves is measured by ``make bench``.
"""

from __future__ import annotations

import gc
import os
import signal

import pytest

from privgw import Config, build_template, render
from privgw.gcpause import gc_paused
from privgw.lint import LintServer, run_cfn_lint
from tests.support.configs import BASE_CONFIG

REGIONS = ("us-east-1",)
CLEAN = render(build_template(Config(**BASE_CONFIG)), "json")
# Findings cfn-lint must report: a deprecated runtime (warning) and memory below 128 (error).
BROKEN = CLEAN.replace('"python3.13"', '"python3.8"').replace(
    '"MemorySize": 256', '"MemorySize": 1'
)


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_child_reports_what_in_process_lint_reports() -> None:
    server = LintServer(REGIONS, None)
    server.submit([CLEAN, BROKEN, CLEAN])
    results = server.results()
    assert results == [run_cfn_lint(CLEAN), run_cfn_lint(BROKEN), run_cfn_lint(CLEAN)]
    assert results[0] == []
    assert {"W2531", "E3034"} <= {f.rule for f in results[1]}


def test_child_lints_several_templates_with_its_own_workers() -> None:
    server = LintServer(REGIONS, 2)
    server.submit([BROKEN] * 3)
    assert server.results() == [run_cfn_lint(BROKEN)] * 3


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child needs fork")
def test_close_without_work_stops_and_reaps_the_child() -> None:
    server = LintServer(REGIONS, None)
    pid = server._pid
    assert pid is not None
    server.close()
    assert _reaped(pid)
    server.close()  # a second close is harmless


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child needs fork")
def test_a_dead_child_means_lint_in_process_not_missing_findings() -> None:
    server = LintServer(REGIONS, None)
    assert server._pid is not None
    os.kill(server._pid, signal.SIGKILL)
    server.submit([BROKEN])
    assert server.results() == [run_cfn_lint(BROKEN)]


def test_without_fork_lint_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    server = LintServer(REGIONS, None)
    assert server._pid is None
    server.submit([BROKEN])
    assert server.results() == [run_cfn_lint(BROKEN)]


def test_gc_paused_pauses_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_gc_paused_restores_the_collector_after_an_error() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()

"""privgw's runtime table agrees with cfn-lint's lifecycle data, so W2531 can never fire."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources

from privgw.runtimes import RUNTIME_DEPRECATION, runtime_problem, supported_runtimes


def _cfn_lint_lifecycle() -> dict[str, dict[str, str]]:
    text = (
        resources.files("cfnlint")
        .joinpath("data/AdditionalSpecs/LmbdRuntimeLifecycle.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def test_no_runtime_outlives_cfn_lints_deprecation_date() -> None:
    lifecycle = _cfn_lint_lifecycle()
    for runtime, (deprecated, _) in RUNTIME_DEPRECATION.items():
        known = lifecycle.get(runtime)
        if known is None:
            continue
        theirs = datetime.strptime(known["deprecated"], "%Y-%m-%d").date()
        assert deprecated <= theirs, f"{runtime}: privgw allows it past cfn-lint's {theirs}"


def test_every_supported_runtime_is_known_to_cfn_lint() -> None:
    lifecycle = _cfn_lint_lifecycle()
    assert set(supported_runtimes()) <= set(lifecycle)


def test_deprecation_is_date_driven() -> None:
    assert "python3.11" in supported_runtimes(date(2027, 6, 29))
    assert "python3.11" not in supported_runtimes(date(2027, 6, 30))
    problem = runtime_problem("python3.11", date(2027, 7, 1))
    assert problem == "was deprecated by AWS on 2027-06-30; move to python3.14"
    assert runtime_problem("python3.14", date(2027, 7, 1)) is None

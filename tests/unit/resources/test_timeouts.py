"""How long API Gateway waits for a route's target: up to 300,000 ms for a private REST API
once the account's quota is raised (API Gateway, June 2024: "integration timeout limit increase
beyond 29 seconds" for Regional and private REST APIs), and apart from the function's own
timeout when the config says so."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.kinds import kind_of
from tests.support.configs import BASE_CONFIG, one_of, with_changes

BACKEND = {"vpc_link_v1": {"id": "abc123"}, "uri": "http://orders.internal.example.com"}


def _integration_ms(cfg: Config) -> int:
    method = one_of(build_template(cfg).to_dict(), "AWS::ApiGateway::Method")
    return int(method["Properties"]["Integration"]["TimeoutInMillis"])


def _quota_notes(cfg: Config) -> list[str]:
    return [n for n in kind_of(cfg).build_notes(cfg) if "Service Quotas" in n]


def test_the_wait_follows_the_function_up_to_300_seconds() -> None:
    cfg = Config(**with_changes(BASE_CONFIG, **{"function.timeout": 120}))
    assert _integration_ms(cfg) == 120_000
    (note,) = _quota_notes(cfg)
    assert "120,000 ms" in note
    assert "Maximum integration timeout in milliseconds" in note
    for flavour in ("cfn", "sam"):
        assert lint_text(render(build_template(cfg, flavour), "yaml")) == [], flavour
    sam = build_template(cfg, "sam").to_dict()
    (function,) = (r for r in sam["Resources"].values() if r["Type"] == "AWS::Serverless::Function")
    (event,) = function["Properties"]["Events"].values()
    assert event["Properties"]["TimeoutInMillis"] == 120_000


def test_a_function_may_outlive_the_wait() -> None:
    cfg = Config(
        **with_changes(
            BASE_CONFIG, **{"function.timeout": 600, "function.integration_timeout_ms": 60_000}
        )
    )
    assert _integration_ms(cfg) == 60_000
    template = build_template(cfg).to_dict()
    assert one_of(template, "AWS::Lambda::Function")["Properties"]["Timeout"] == 600
    notes = kind_of(cfg).build_notes(cfg)
    assert any("runs up to 600 s but API Gateway waits 60,000 ms" in n for n in notes)
    assert lint_text(render(build_template(cfg), "yaml")) == []


def test_the_default_wait_says_nothing() -> None:
    cfg = Config(**BASE_CONFIG)
    assert _integration_ms(cfg) == 10_000
    assert _quota_notes(cfg) == []
    assert not [n for n in kind_of(cfg).build_notes(cfg) if "504" in n]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"function.timeout": 301}, "function.timeout"),
        (
            {"function.timeout": 900, "function.integration_timeout_ms": 300_001},
            "function.integration_timeout_ms",
        ),
        ({"function.integration_timeout_ms": 49}, "function.integration_timeout_ms"),
        ({"function.integration_timeout_ms": 900_001}, "function.integration_timeout_ms"),
    ],
)
def test_waits_api_gateway_cannot_keep_are_refused(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(BASE_CONFIG, **changes))
    assert [p.path for p in caught.value.problems] == [path]


def test_a_streamed_response_may_take_15_minutes_without_the_quota_note() -> None:
    data = with_changes(
        BASE_CONFIG,
        **{
            "function.runtime": "nodejs22.x",
            "function.code": {"inline": "exports.handler = async () => {};\n"},
            "function.timeout": 900,
            "function.response_streaming": True,
        },
    )
    cfg = Config(**data)
    assert _integration_ms(cfg) == 900_000
    assert _quota_notes(cfg) == []


def test_a_backend_waits_up_to_300_seconds() -> None:
    data = with_changes(
        BASE_CONFIG,
        backends={"orders": {**BACKEND, "timeout": 180}},
        routes=[{"path": "/orders", "method": "GET", "target": "orders"}, "GET /hello"],
    )
    cfg = Config(**data)
    methods = build_template(cfg).to_dict()["Resources"].values()
    waits = sorted(
        m["Properties"]["Integration"]["TimeoutInMillis"]
        for m in methods
        if m["Type"] == "AWS::ApiGateway::Method"
    )
    assert waits == [10_000, 180_000]
    (note,) = _quota_notes(cfg)
    assert note.startswith("backend orders: API Gateway waits 180,000 ms")
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(data, **{"backends.orders.timeout": 301}))
    assert [p.path for p in caught.value.problems] == ["backends.orders.timeout"]


def test_simulate_says_how_long_api_gateway_waits() -> None:
    from privgw.simulate import Call, simulate  # noqa: PLC0415 - only this test walks a call

    cfg = Config(
        **with_changes(
            BASE_CONFIG,
            **{"function.timeout": 600, "function.integration_timeout_ms": 60_000},
            routes=[{"path": "/hello", "method": "GET", "content_handling": "CONVERT_TO_TEXT"}],
        )
    )
    verdict = simulate(cfg, build_template(cfg).to_dict(), Call(method="GET", path="/hello"))
    (backend,) = [layer for layer in verdict.layers if layer.name == "backend"]
    assert "waits 60,000 ms, then answers 504" in backend.reason
    assert "CONVERT_TO_TEXT" in backend.reason

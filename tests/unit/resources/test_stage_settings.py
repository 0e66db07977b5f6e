"""Stage settings teams tune (#26 items 9 and 10): the access log format (JSON map or CLF
string, $context variables checked), CloudWatch metrics and execution logging (data trace only
when explicitly allowed), per-route throttling and caching on the stage's cache cluster; the
same in both flavours, lint-clean."""

from __future__ import annotations

import json
from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from privgw.resources.stage import ACCESS_LOG_FORMAT
from tests.support.configs import BASE_CONFIG, one_of, with_changes
from tests.support.integrations import integrations

TUNED = with_changes(
    BASE_CONFIG,
    stage={
        "access_log_format": {
            "id": "$context.requestId",
            "ip": "$context.identity.sourceIp",
            "vpce": "$context.identity.vpceId",
            "status": "$context.status",
            "user": "$context.authorizer.claims.sub",
        },
        "metrics": True,
        "logging_level": "ERROR",
        "throttling_rate_limit": 100,
        "throttling_burst_limit": 50,
        "cache": {"size": "1.6"},
    },
    routes=[
        "GET /hello",
        {
            "method": "GET",
            "path": "/orders/{id}",
            "throttling": {"rate_limit": 10, "burst_limit": 5},
            "cache": {"ttl_seconds": 60, "key_parameters": ["method.request.path.id"]},
        },
        {
            "method": "GET",
            "path": "/catalog",
            "request_validation": "params",
            "required_parameters": ["querystring.page"],
            "cache": {"key_parameters": ["method.request.querystring.page"]},
        },
    ],
)


def _stage(template: dict[str, Any]) -> dict[str, Any]:
    found = template["Resources"].get("Stage") or one_of(template, "AWS::Serverless::Api")
    props: dict[str, Any] = found["Properties"]
    return props


def test_method_settings_say_metrics_logging_throttling_and_caching() -> None:
    cfg = Config(**TUNED)
    for flavour in ("cfn", "sam"):
        template = build_template(cfg, flavour).to_dict()
        stage = _stage(template)
        assert stage["CacheClusterEnabled"] is True
        assert stage["CacheClusterSize"] == "1.6"
        settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in stage["MethodSettings"]}
        assert settings[("/*", "*")] == {
            "HttpMethod": "*",
            "ResourcePath": "/*",
            "MetricsEnabled": True,
            "LoggingLevel": "ERROR",
            "ThrottlingRateLimit": 100,
            "ThrottlingBurstLimit": 50,
        }
        order = settings[("/~1orders~1{id}", "GET")]
        assert order["ThrottlingRateLimit"] == 10
        assert order["ThrottlingBurstLimit"] == 5
        assert order["CachingEnabled"] is True
        assert order["CacheTtlInSeconds"] == 60
        assert order["CacheDataEncrypted"] is True
        assert order["MetricsEnabled"] is True  # a route's own setting keeps the stage's logging
        assert order["LoggingLevel"] == "ERROR"
        catalog = settings[("/~1catalog", "GET")]
        assert catalog["CacheTtlInSeconds"] == 300
        assert "ThrottlingRateLimit" not in catalog
        assert ("/~1hello", "GET") not in settings
        found = integrations(template)
        assert found["GET /orders/{id}"]["CacheKeyParameters"] == ["method.request.path.id"]
        assert found["GET /catalog"]["CacheKeyParameters"] == ["method.request.querystring.page"]
        assert "CacheKeyParameters" not in found["GET /hello"]
        assert lint_text(render(template, "yaml")) == [], flavour


def test_the_access_log_takes_the_configs_format() -> None:
    template = build_template(Config(**TUNED)).to_dict()
    log = template["Resources"]["Stage"]["Properties"]["AccessLogSetting"]
    assert json.loads(log["Format"]) == TUNED["stage"]["access_log_format"]
    assert " " not in log["Format"]  # one compact line
    clf = (
        '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod '
        '$context.resourcePath $context.protocol" $context.status $context.responseLength '
        "$context.requestId"
    )
    cfg = Config(**with_changes(BASE_CONFIG, **{"stage.access_log_format": clf}))
    stage = build_template(cfg).to_dict()["Resources"]["Stage"]["Properties"]
    assert stage["AccessLogSetting"]["Format"] == clf
    default = build_template(Config(**BASE_CONFIG)).to_dict()["Resources"]["Stage"]
    assert default["Properties"]["AccessLogSetting"]["Format"] == ACCESS_LOG_FORMAT


def test_no_cache_cluster_and_no_method_settings_unless_asked() -> None:
    stage = build_template(Config(**BASE_CONFIG)).to_dict()["Resources"]["Stage"]
    assert "CacheClusterEnabled" not in stage["Properties"]
    assert "MethodSettings" not in stage["Properties"]
    assert "CKV_AWS_120" in json.dumps(stage["Metadata"])  # no cache: said why
    cached = build_template(Config(**TUNED)).to_dict()["Resources"]["Stage"]
    assert "CKV_AWS_120" not in json.dumps(cached.get("Metadata", {}))


def test_data_trace_needs_an_explicit_allowance() -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(TUNED, **{"stage.data_trace": True}))
    (problem,) = caught.value.problems
    assert problem.path == "stage.data_trace"
    assert "request and response body" in str(problem)
    assert "allow_body_logging: true" in str(problem)
    allowed = Config(
        **with_changes(TUNED, **{"stage.data_trace": True, "stage.allow_body_logging": True})
    )
    stage = build_template(allowed).to_dict()["Resources"]["Stage"]["Properties"]
    assert all(s["DataTraceEnabled"] is True for s in stage["MethodSettings"])


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        (
            {"stage.access_log_format": {"id": "$context.requestId", "ip": "$context.sourceIp"}},
            "stage.access_log_format",
            "did you mean $context.identity.sourceIp",
        ),
        (
            {"stage.access_log_format": "$context.status $context.identity.sourceIp"},
            "stage.access_log_format",
            "no $context.requestId",
        ),
        (
            {"stage.access_logging": False},
            "stage.access_log_format",
            "access_logging: false",
        ),
        (
            {
                "stage.data_trace": True,
                "stage.allow_body_logging": True,
                "stage.logging_level": "OFF",
            },
            "stage.logging_level",
            "is OFF",
        ),
        ({"stage.logging_level": "DEBUG"}, "stage.logging_level", "ERROR"),
        ({"stage.cache.size": "2"}, "stage.cache.size", "0.5"),
        ({"stage.cache": None}, "routes[1].cache", "needs a cache cluster"),
        (
            {
                "routes": [
                    "GET /hello",
                    {
                        "method": "GET",
                        "path": "/x",
                        "cache": {"key_parameters": ["method.request.querystring.q"]},
                    },
                ]
            },
            "routes[1].cache.key_parameters",
            "does not have",
        ),
        (
            {
                "routes": [
                    "GET /hello",
                    {"method": "GET", "path": "/x", "cache": {"ttl_seconds": 3601}},
                ]
            },
            "routes[1].cache.ttl_seconds",
            "3600",
        ),
        (
            {
                "routes": [
                    "GET /hello",
                    {
                        "method": "GET",
                        "path": "/x",
                        "throttling": {"rate_limit": 0, "burst_limit": 1},
                    },
                ]
            },
            "routes[1].throttling.rate_limit",
            "0",
        ),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    data = with_changes(TUNED, **{k: v for k, v in changes.items() if v is not None})
    for dotted, value in changes.items():
        if value is None:
            section, key = dotted.split(".")
            del data[section][key]
    with pytest.raises(ConfigError) as caught:
        Config(**data)
    assert any(p.path == field and fragment in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]

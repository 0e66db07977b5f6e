"""The JSON Schema editors use accepts exactly what the loader accepts: every example, every
config the tests build and the README's config snippets pass it; invalid configs fail it
wherever the rule can be said in JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from privgw import Config, ConfigError, validate_config
from privgw.config import ConsumerStack, EndpointStack, config_schema, load_any
from tests.support.configs import (
    ACCESS_VARIANTS,
    BASE_CONFIG,
    EVERY_ID,
    REUSABLE,
    ROOT,
    with_changes,
)
from tests.support.corpus import invalid_configs, valid_data
from tests.support.docs import docs_text

VALIDATOR = jsonschema.Draft202012Validator(config_schema())
CONFIG_FILES = sorted(
    p
    for p in [*ROOT.glob("examples/*.yaml"), *ROOT.glob("examples/*/*.yaml")]
    if not p.name.endswith(".openapi.yaml")  # an OpenAPI document a config reads
)


def schema_errors(data: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(config_schema())


@pytest.mark.parametrize("path", CONFIG_FILES, ids=[p.stem for p in CONFIG_FILES])
def test_every_example_passes_the_schema(path: Path) -> None:
    assert isinstance(load_any(path), Config | EndpointStack | ConsumerStack)
    assert schema_errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def _test_configs() -> dict[str, dict[str, Any]]:
    configs = {"base": BASE_CONFIG, "reusable": REUSABLE, "every-id": EVERY_ID}
    configs |= {f"variant-{k}": v for k, v in valid_data().items()}
    configs |= {f"access-{k}": with_changes(BASE_CONFIG, **v) for k, v in ACCESS_VARIANTS.items()}
    return configs


@pytest.mark.parametrize("name", sorted(_test_configs()))
def test_every_config_the_tests_build_passes_the_schema(name: str) -> None:
    data = _test_configs()[name]
    validate_config(data)
    assert schema_errors(json.loads(json.dumps(data))) == []


def test_the_readmes_config_snippets_pass_the_schema() -> None:
    readme = docs_text()
    snippets = [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
        if re.search(r"^name: ", block, re.MULTILINE)
    ]
    assert snippets
    assert any(snippet.get("kind") == "consumer" for snippet in snippets)
    for snippet in snippets:
        if snippet.get("kind") == "consumer":
            ConsumerStack(**snippet)
        else:
            validate_config(snippet)
        assert schema_errors(snippet) == []


#: Invalid configs whose rule JSON Schema can say; each must fail the schema and the loader.
INVALID: dict[str, dict[str, Any]] = {
    "unknown key": {"extra": 1},
    "nested unknown key": {"network.vpcid": "vpc-01234567"},
    "bad vpc id": {"network.vpc_id": "vpc-nothex00"},
    "bad subnet id": {"network.subnet_ids": ["subnet-1"]},
    "bad endpoint id": {"endpoint.existing_ids": ["vpce-zz"]},
    "bad method": {"routes": ["BREW /pot"]},
    "route without a path": {"routes": ["GET"]},
    "route path without slash": {"routes": [{"method": "GET", "path": "hello"}]},
    "timeout too long": {"function.timeout": 301},
    "integration wait too long": {"function.integration_timeout_ms": 300_001},
    "memory as text": {"function.memory": "256"},
    "flag as text": {"endpoint.create": "yes"},
    "wrong kind": {"kind": "database"},
    "bad stage name": {"stage.name": "v.1"},
    "bad name": {"name": "-x"},
    "bad architecture": {"function.architecture": "sparc"},
    "streaming timeout too long": {"function.timeout": 901, "function.response_streaming": True},
    "backend with an unknown key": {
        "backends": {"svc": {"uri": "http://svc", "vpc_link_v1": {"id": "abc12"}, "nope": 1}},
        "routes": ["GET /hello", "GET /svc -> svc"],
    },
    "gateway load balancer": {
        "backends": {
            "svc": {
                "uri": "http://svc",
                "vpc_link": {"id": "abc12"},
                "load_balancer_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                "loadbalancer/gwy/g/0123456789abcdef",
            }
        },
        "routes": ["GET /hello", "GET /svc -> svc"],
    },
    "mock body not a string": {
        "routes": ["GET /hello", {"method": "GET", "path": "/h", "mock": {"body": 5}}],
    },
    "bad certificate": {
        "custom_domain": {"name": "a.example.com", "certificate_arn": "nope"},
    },
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_configs_fail_the_schema_as_they_fail_the_loader(name: str) -> None:
    changes = INVALID[name]
    data = with_changes(BASE_CONFIG, **changes)
    if changes.get("function", 0) is None:
        del data["function"]
    with pytest.raises(ConfigError):
        validate_config(data)
    assert schema_errors(data), "the schema accepted what the loader refuses"


def test_an_endpoint_stack_needs_its_own_shape() -> None:
    stack = yaml.safe_load((ROOT / "examples/topologies/platform-endpoint.yaml").read_text())
    assert schema_errors(stack) == []
    assert schema_errors({**stack, "function": BASE_CONFIG["function"]})
    assert schema_errors({k: v for k, v in stack.items() if k != "network"})


def test_a_consumer_stack_needs_its_own_shape() -> None:
    stack = yaml.safe_load((ROOT / "examples/cross-account/consumer.yaml").read_text())
    assert schema_errors(stack) == []
    assert schema_errors({**stack, "function": BASE_CONFIG["function"]})
    assert schema_errors({k: v for k, v in stack.items() if k != "provider"})
    bad_arn = {**stack["provider"], "domain_name_arn": "arn:aws:apigateway:eu-west-1:1:/x"}
    assert schema_errors({**stack, "provider": bad_arn})


def test_the_schema_speaks_to_users_not_to_privgws_developers() -> None:
    text = json.dumps(config_schema())
    for internal in ("src/", "AWS-FACTS", "\\u00a7", "privgw/config.py", "ConfigError"):
        assert internal not in text


def _schema_accepts_list() -> dict[str, str]:
    lines = (ROOT / "tests/golden/corpus/invalid/SCHEMA_ACCEPTS.txt").read_text(encoding="utf-8")
    entries = [line.split(None, 1) for line in lines.splitlines() if line and line[0] != "#"]
    return {entry[0]: entry[1] for entry in entries}


@pytest.mark.parametrize("path", invalid_configs(), ids=[p.stem for p in invalid_configs()])
def test_every_invalid_corpus_config_fails_the_schema_where_json_schema_can_say_it(
    path: Path,
) -> None:
    accepted = _schema_accepts_list()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:  # not YAML: no data for a schema to judge
        assert path.stem in accepted, "list it in SCHEMA_ACCEPTS: a syntax error"
        return
    if path.stem in accepted:
        assert schema_errors(data) == [], f"refused now: drop {path.stem} from SCHEMA_ACCEPTS"
    else:
        assert schema_errors(data), "the schema accepts what the loader refuses"


def test_the_accept_list_names_only_corpus_configs() -> None:
    names = {p.stem for p in invalid_configs()}
    assert set(_schema_accepts_list()) <= names

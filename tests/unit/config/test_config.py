"""Every validation rule, through the same entry points users hit (files and Config(...))."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from privgw import Config, ConfigError, load_config, validate_config
from privgw.config import DEFAULT_ROUTES
from tests.support.configs import BASE_CONFIG, DELETE, with_changes


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        validate_config(data)
    return [str(p) for p in info.value.problems]


def test_valid_config_gets_documented_defaults() -> None:
    cfg = validate_config(BASE_CONFIG)
    assert cfg.endpoint.create is True
    assert cfg.endpoint.private_dns is True
    assert cfg.stage.name == "v1"
    assert cfg.stage.access_logging is True
    assert cfg.stage.tracing is True
    assert cfg.api_gateway_account_role is False
    assert cfg.function is not None
    assert cfg.function.timeout == 10


def test_default_routes_are_root_and_greedy_proxy() -> None:
    cfg = validate_config(with_changes(BASE_CONFIG, routes=DELETE))
    assert [(r.method, r.path) for r in cfg.routes] == [("ANY", "/"), ("ANY", "/{proxy+}")]
    assert list(cfg.routes) == list(DEFAULT_ROUTES)


def test_route_accepts_compact_and_mapping_forms() -> None:
    cfg = validate_config(
        with_changes(BASE_CONFIG, routes=["get /a", {"method": "POST", "path": "/a/{id}"}])
    )
    assert [(r.method, r.path) for r in cfg.routes] == [("GET", "/a"), ("POST", "/a/{id}")]


# Each rule's message, field path and expectation: tests/golden/corpus/invalid/ (test_corpus.py).


def test_all_problems_reported_in_one_error() -> None:
    data = with_changes(
        BASE_CONFIG,
        **{
            "name": "-",
            "network.vpc_id": "vpc-1",
            "network.allowed_cidrs": ["0.0.0.0/0"],
            "function.timeout": 301,
            "routes": ["GET /ok", "BREW /pot"],
            "extra": 1,
        },
    )
    found = problems(data)
    paths = [p.split(":")[0] for p in found]
    assert paths == [
        "name",
        "network.vpc_id",
        "network.allowed_cidrs[0]",
        "function.timeout",
        "routes[1].method",
        "extra",
    ]


def test_problem_message_has_got_and_expected() -> None:
    (message,) = problems(with_changes(BASE_CONFIG, **{"network.vpc_id": "vpc-nothex00"}))
    assert message == (
        "network.vpc_id: is not a valid vpc id (got 'vpc-nothex00'; "
        "expected 'vpc-' then 8 or 17 lower-case hex digits)"
    )


def test_constructing_config_in_python_raises_config_error() -> None:
    with pytest.raises(
        ConfigError,
        match=r"function.timeout: is over API Gateway's longest integration timeout .*at most 300",
    ):
        Config(**with_changes(BASE_CONFIG, **{"function.timeout": 301}))


def test_ipv6_cidr_is_normalised() -> None:
    cfg = validate_config(with_changes(BASE_CONFIG, **{"network.allowed_cidrs": ["FD00:0::/56"]}))
    assert cfg.network_required.allowed_cidrs == ["fd00::/56"]


def test_config_is_frozen() -> None:
    cfg = validate_config(BASE_CONFIG)
    with pytest.raises(Exception, match="frozen"):
        cfg.name = "other"  # type: ignore[misc]


def test_too_many_api_resources() -> None:
    routes = [f"GET /r{i}" for i in range(301)]
    (message,) = problems(with_changes(BASE_CONFIG, routes=routes))
    assert message.startswith("routes: needs 301 API resources")


def test_paths_that_camel_case_alike_still_get_distinct_ids() -> None:
    cfg = validate_config(with_changes(BASE_CONFIG, routes=["GET /a-b", "GET /aB", "GET /a/b"]))
    assert len(cfg.routes) == 3


# --- files ---------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_yaml_json_and_toml_alike(tmp_path: Path) -> None:
    as_json = _write(tmp_path, "c.json", json.dumps(BASE_CONFIG))
    as_yaml = _write(tmp_path, "c.yaml", yaml.safe_dump(BASE_CONFIG))
    toml_text = """
name = "svc"
routes = ["GET /hello"]
[network]
vpc_id = "vpc-0123456789abcdef0"
subnet_ids = ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]
allowed_cidrs = ["10.0.0.0/16"]
[function]
runtime = "python3.13"
handler = "index.handler"
[function.code]
inline = "def handler(event, context):\\n    return {'statusCode': 200}\\n"
"""
    as_toml = _write(tmp_path, "c.toml", toml_text)
    loaded = [load_config(p) for p in (as_json, as_yaml, as_toml)]
    dumps = [c.model_dump() for c in (*loaded, validate_config(BASE_CONFIG))]
    assert dumps[0] == dumps[1] == dumps[2] == dumps[3]
    assert {c.source_dir for c in loaded} == {tmp_path}


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("c.yaml", "name: [unclosed", "is not valid YAML"),
        ("c.json", "{", "is not valid JSON"),
        ("c.toml", "name = ", "is not valid TOML"),
        ("c.yaml", "- just\n- a list\n", "is not a mapping"),
        ("c.yaml", "", "is not a mapping"),
        ("c.yaml", "a: &x [1]\nb: *x\n", "aliases"),
        ("c.txt", "name: x", "unknown extension"),
    ],
)
def test_unreadable_files_give_config_error(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(ConfigError, match=fragment) as info:
        load_config(path)
    assert info.value.source == str(path)


def test_missing_file_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "absent.yaml")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(binary)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "a" * 1_100_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="too large"):
        load_config(big)


def test_stage_names_may_have_hyphens() -> None:
    """API Gateway allows letters, digits, - and _ in stage names, up to 128 characters."""
    for name in ("prod-eu-1", "a" * 128, "dev_2"):
        assert validate_config(with_changes(BASE_CONFIG, **{"stage.name": name})).stage.name == name
    assert problems(with_changes(BASE_CONFIG, **{"stage.name": "a" * 129}))


def test_description_limit_counts_bytes_not_characters() -> None:
    assert validate_config(with_changes(BASE_CONFIG, description="x" * 1024))
    assert validate_config(with_changes(BASE_CONFIG, description="\u00e9" * 512))
    assert problems(with_changes(BASE_CONFIG, description="\u00e9" * 513))


def test_tags_with_every_allowed_character_class_pass() -> None:
    tags = {"Team Name": "Équipe plateforme 2", "a.b:c/d=e+f-g@h_i": "", "数": "値"}
    assert validate_config(with_changes(BASE_CONFIG, tags=tags)).tags == tags


def test_cidr_lists_that_leave_a_gap_pass() -> None:
    cidrs = ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"]  # 224.0.0.0/3 is left out
    cfg = validate_config(with_changes(BASE_CONFIG, **{"network.allowed_cidrs": cidrs}))
    assert cfg.network_required.allowed_cidrs == cidrs


def _code_config(folder: Path, path: str) -> Path:
    data = with_changes(BASE_CONFIG, **{"function.code": {"path": path}, "function.handler": "a.h"})
    config = folder / "svc.json"
    config.write_text(json.dumps(data), encoding="utf-8")
    return config


def test_code_path_outside_the_config_folder_is_refused(tmp_path: Path) -> None:
    """The code folder is zipped and uploaded: it must not reach outside the config's folder."""
    (tmp_path / "cfg").mkdir()
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "id_rsa").write_text("key")
    with pytest.raises(ConfigError, match="reaches outside the config file's folder"):
        load_config(_code_config(tmp_path / "cfg", "../secrets"))


def test_code_path_through_a_symlink_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "src").mkdir(parents=True)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "cfg" / "linked").symlink_to(tmp_path / "secrets")
    with pytest.raises(ConfigError, match="reaches outside"):
        load_config(_code_config(tmp_path / "cfg", "linked"))
    # a symlink *inside* the code folder that leads out is caught too
    (tmp_path / "cfg" / "src" / "app.py").write_text("def h(e, c):\n    return {}\n")
    (tmp_path / "cfg" / "src" / "loot").symlink_to(tmp_path / "secrets")
    with pytest.raises(ConfigError) as caught:
        load_config(_code_config(tmp_path / "cfg", "src"))
    (problem,) = caught.value.problems
    assert problem.path == "function.code.path"
    assert "loot" in problem.message


def test_code_path_with_symlinks_inside_the_folder_passes(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "src").mkdir(parents=True)
    (tmp_path / "cfg" / "shared").mkdir()
    (tmp_path / "cfg" / "src" / "shared").symlink_to(tmp_path / "cfg" / "shared")
    (tmp_path / "cfg" / "src" / "self").symlink_to(tmp_path / "cfg" / "src")  # a cycle
    cfg = load_config(_code_config(tmp_path / "cfg", "src"))
    assert cfg.function is not None
    assert cfg.function.code.path == "src"


def test_every_problem_that_can_be_known_comes_in_one_run() -> None:
    """Twelve mistakes, one run: field errors, and the cross-field rules (callers, inline
    handler, repeated routes) on the fields that are valid although others are not."""
    data = with_changes(
        BASE_CONFIG,
        tags={"k#": "v"},
        **{
            "network.vpc_id": "vpc-bad",
            "network.allowed_cidrs": [],
            "endpoint.existing_ids": ["vpce-01234567", "vpce-01234567"],
            "function.handler": "app.handler",
            "function.timeout": 399,
            "function.environment": {"Ref": "x"},
            "routes": ["GET /a", "GET /a", "BREW /b"],
            "stage.name": "v.1",
            "access": {"source_cidrs": ["0.0.0.0/1", "128.0.0.0/1"]},
        },
    )
    with pytest.raises(ConfigError) as caught:
        validate_config(data)
    paths = sorted(p.path for p in caught.value.problems)
    assert paths == sorted(
        [
            "tags",
            "network.vpc_id",
            "network.allowed_cidrs",
            "endpoint.existing_ids",
            "function.handler",
            "function.timeout",
            "function.environment",
            "routes[1]",
            "routes[2].method",
            "stage.name",
            "access.source_cidrs",
        ]
    )
    assert caught.value.incomplete, "Config-level rules read fields that are invalid"
    assert str(caught.value).endswith(
        "fix the above first: the rules that combine these fields "
        "with others run once they are valid"
    )


def test_a_rule_reading_an_invalid_field_is_not_guessed() -> None:
    """endpoint.create is invalid: whether network is required is unknown, so nothing is said
    about network; only the field itself, and that more rules wait."""
    data = with_changes(BASE_CONFIG, network=DELETE, **{"endpoint.create": "yes"})
    with pytest.raises(ConfigError) as caught:
        validate_config(data)
    assert [p.path for p in caught.value.problems] == ["endpoint.create"]
    assert caught.value.incomplete


def test_a_single_field_error_inside_a_section_stays_a_single_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        validate_config(with_changes(BASE_CONFIG, **{"function.memory": 64}))
    assert [p.path for p in caught.value.problems] == ["function.memory"]


def test_a_config_without_any_function_says_function_is_required() -> None:
    """What a user who forgot the function section reads (found by test_fuzz.py)."""
    data = with_changes(BASE_CONFIG, function=DELETE)
    with pytest.raises(ConfigError, match=r"- function: is required") as caught:
        Config(**data)
    assert "routes[0]" not in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("EndpointStack", {"kind": "endpoint", "name": "shared"}),
        ("ConsumerStack", {"kind": "consumer", "name": "client"}),
        ("Config", {"name": "svc"}),
    ],
)
def test_every_kind_raises_config_error_when_constructed_in_python(
    kind: str, data: dict[str, Any]
) -> None:
    """Not pydantic's ValidationError: the library's one error type, with field paths."""
    from privgw import config  # noqa: PLC0415

    with pytest.raises(ConfigError) as raised:
        getattr(config, kind)(**data)
    assert raised.value.problems

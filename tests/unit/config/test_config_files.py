"""Config files: a key given twice is refused in every format (never merged silently, which
would drop an access block or re-open a route), and problems say file:line:col."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from privgw import ConfigError, load_config
from privgw.cli import main
from tests.support.configs import BASE_CONFIG

ADMIN_ROUTE = '{"method": "GET", "path": "/admin", "auth": "iam", "auth": "none"}'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def base_yaml() -> str:
    data = {k: v for k, v in BASE_CONFIG.items() if k != "routes"}
    return yaml.safe_dump(data, sort_keys=False)


def test_a_second_access_block_is_refused_not_merged(tmp_path: Path) -> None:
    text = base_yaml() + (
        "access:\n  iam_principals: ['111122223333']\nroutes: [GET /hello]\n"
        "access:\n  source_cidrs: [10.0.0.0/16]\n"
    )
    path = write(tmp_path, "svc.yaml", text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    (problem,) = raised.value.problems
    first = text.splitlines().index("access:") + 1
    assert problem.path == "access"
    assert f"lines {first} and {first + 3}" in problem.message
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(path), "-o", str(tmp_path / "out")], out, err) == 2
    assert not (tmp_path / "out").exists(), "nothing written"
    assert f"{path}:{first + 3}:1: access: is given twice" in err.getvalue()


def test_a_route_with_auth_twice_is_refused_at_any_depth(tmp_path: Path) -> None:
    text = base_yaml() + "routes:\n- method: GET\n  path: /admin\n  auth: iam\n  auth: none\n"
    with pytest.raises(ConfigError, match=r"routes\[0\]\.auth: is given twice"):
        load_config(write(tmp_path, "svc.yaml", text))


def test_json_refuses_a_key_given_twice_with_both_lines(tmp_path: Path) -> None:
    data = json.dumps({k: v for k, v in BASE_CONFIG.items() if k != "routes"}, indent=1)
    text = data[:-2] + ',\n "routes": [\n  ' + ADMIN_ROUTE + "\n ]\n}\n"
    json.loads(text)  # valid JSON: the standard parser keeps the last "auth"
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, "svc.json", text))
    (problem,) = raised.value.problems
    assert problem.path == "routes[0].auth"
    assert problem.line == text.splitlines().index("  " + ADMIN_ROUTE) + 1


def test_toml_refuses_a_key_given_twice(tmp_path: Path) -> None:
    text = 'name = "svc"\nname = "other"\n'
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "svc.toml", text))


def test_equal_keys_in_different_mappings_are_fine(tmp_path: Path) -> None:
    text = (
        base_yaml()
        + "routes:\n- {method: GET, path: /a, auth: none}\n- {method: GET, path: /b, auth: none}\n"
    )
    assert len(load_config(write(tmp_path, "svc.yaml", text)).routes) == 2


def test_every_problem_names_its_line_and_column(tmp_path: Path) -> None:
    text = base_yaml().replace("runtime: python3.13", "runtime: python3.13\n  memory: 1GB")
    text += "routes: [GET /hello]\nstage: prod\n"
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, "svc.yaml", text))
    lines = text.splitlines()
    located = {p.path: (p.line, p.column) for p in raised.value.problems}
    assert located["function.memory"] == (lines.index("  memory: 1GB") + 1, 3)
    assert located["stage"] == (lines.index("stage: prod") + 1, 1)
    assert "whole number from 128 to 10240 MB" in str(raised.value)
    assert "e.g. stage: {name: prod}" in str(raised.value)


def test_a_yaml_syntax_error_says_file_line_column(tmp_path: Path) -> None:
    path = write(tmp_path, "svc.yaml", base_yaml() + "routes: [GET /hello\nstage: {}\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(path), "-o", str(tmp_path / "out")], out, err) == 2
    line = len(base_yaml().splitlines()) + 2
    assert f"{path}:{line}:6: is not valid YAML" in err.getvalue()
    assert "begun at line" in err.getvalue()

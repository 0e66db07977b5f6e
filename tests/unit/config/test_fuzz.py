"""Fuzzed input: every config either fails with ConfigError naming a field, or builds a
template that lints clean, passes preflight and the policy proof. No other outcome, ever.

Derandomized and bounded, so CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privgw import ConfigError, build_template, lint_text, render, validate_config
from privgw.checks import preflight
from tests.support.configs import BASE_CONFIG, EXAMPLES
from tests.support.proof import proof_failures

FUZZ = settings(
    derandomize=True,
    deadline=None,
    max_examples=int(os.environ.get("PRIVGW_FUZZ_EXAMPLES", "150")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Where the examples' relative paths (an OpenAPI document) are read from.
EXAMPLES_FOLDER = EXAMPLES[0].parent
SEEDS = [BASE_CONFIG] + [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0.0.0.0/0",
            "::/0",
            "10.0.0.0/8",
            "vpc-12345678",
            "vpce-0123456789abcdef0",
            "sg-01234567",
            "subnet-01234567",
            "/",
            "/{proxy+}",
            "GET /x",
            "ANY /{a}",
            "python3.13",
            "index.handler",
            "v1",
            "x" * 5000,
            "python3.9",
            "arm64",
            "{id}",
            "a/b",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_configs(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """A real config with a few leaves replaced, removed or added; returns the touched paths."""
    data: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    touched = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            key = draw(st.text(min_size=1, max_size=8))
            parent[key] = draw(values)
            path = (*path[:-1], key)
        else:
            parent.append(draw(values))
            path = (*path[:-1], len(parent) - 1)
        touched.append(path)
    return data, touched


#: Sections whose problems may show at another one of the group: endpoint.create decides
#: whether network is required; a removed or renamed target is reported where it is named
#: (a route's target, the authorizer of auth).
COUPLED = (
    {"network", "endpoint"},
    {
        "function",
        "functions",
        "existing_functions",
        "backends",
        "services",
        "auth",
        "routes",
        "openapi",
    },
)


def _check_outcome(data: Any, lint: bool) -> None:
    try:
        cfg = validate_config(data, folder=EXAMPLES_FOLDER)
        template = build_template(cfg)
    except ConfigError as exc:
        problems = exc.problems
    else:
        problems = []
    if problems:
        assert all(p.message and "Traceback" not in str(p) for p in problems)
        return
    text = render(template, "json")
    template_dict = template.to_dict()
    assert [f for f in preflight(text, template_dict) if f.fails] == []
    assert proof_failures(cfg, template_dict) == []
    if lint:
        assert [f for f in lint_text(text) if f.fails] == []


@FUZZ
@given(mutated_configs())
def test_mutated_configs_fail_cleanly_or_build_private_templates(
    case: tuple[dict[str, Any], list[tuple[Any, ...]]],
) -> None:
    data, touched = case
    problems = []
    try:
        validate_config(data, folder=EXAMPLES_FOLDER)
    except ConfigError as exc:
        problems = exc.problems
    if problems:
        top_levels = {str(path[0]) for path in touched}
        for group in COUPLED:
            if top_levels & group:
                top_levels |= group
        named = {p.path.split(".")[0].split("[")[0] for p in problems}
        assert named & top_levels or "" in named, (named, touched)
    _check_outcome(data, lint=False)


@settings(FUZZ, max_examples=25)
@given(mutated_configs())
def test_mutated_configs_that_build_also_lint_clean(
    case: tuple[dict[str, Any], list[tuple[Any, ...]]],
) -> None:
    _check_outcome(case[0], lint=True)


segments = st.one_of(
    st.from_regex(r"[a-z][a-z0-9._-]{0,6}", fullmatch=True),
    st.from_regex(r"\{[a-z][a-z0-9_]{0,5}\}", fullmatch=True),
)
route_paths = st.lists(segments, max_size=4).map(lambda s: "/" + "/".join(s))
routes = st.lists(
    st.tuples(st.sampled_from(["ANY", "GET", "POST", "PUT", "DELETE", "PATCH"]), route_paths).map(
        lambda r: f"{r[0]} {r[1]}"
    ),
    min_size=1,
    max_size=12,
)


@FUZZ
@given(
    routes=routes,
    cidrs=st.lists(st.ip_addresses(v=4).map(lambda a: f"{a}/32"), min_size=1, max_size=5),
    existing=st.lists(st.from_regex(r"vpce-[0-9a-f]{17}", fullmatch=True), max_size=3),
    private_dns=st.booleans(),
    stage=st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True),
)
def test_generated_configs_fail_cleanly_or_build_private_templates(
    routes: list[str], cidrs: list[str], existing: list[str], private_dns: bool, stage: str
) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["routes"] = routes
    data["network"]["allowed_cidrs"] = cidrs
    data["endpoint"] = {"private_dns": private_dns, "existing_ids": existing}
    data["stage"] = {"name": stage}
    _check_outcome(data, lint=False)


# --- the CLI on hostile files ---------------------------------------------------------------

HOSTILE: dict[str, bytes] = {
    "empty.yaml": b"",
    "binary.yaml": bytes(range(256)) * 64,
    "nul.json": b"\x00" * 1000,
    "huge.yaml": b"name: " + b"a" * 3_000_000,
    "list.yaml": b"- 1\n- 2\n",
    "scalar.json": b"42",
    "types.yaml": b"name: 5\nfunction: []\nroutes: {a: b}\nnetwork: yes\n",
    "bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
    ).encode(),
    "deep.yaml": b"name: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "deep.json": b'{"name": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "deep.toml": b"name = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "deep-mapping.yaml": b"name: " + b"{k: " * 20_000 + b"1" + b"}" * 20_000 + b"\n",
    "tags.yaml": b"name: !!python/object/apply:os.system ['true']\n",
    "bad-utf8.toml": b'name = "\xff\xfe"\n',
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_cli_on_hostile_files_exits_2_quickly(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    result = subprocess.run(
        [sys.executable, "-m", "privgw.cli", "build", str(path), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_limit_memory,
    )
    assert result.returncode == 2, result.stderr[-1000:]
    assert result.stderr.startswith("privgw: error:")
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 20_000, "the message must stay readable"
    assert not (tmp_path / "out").exists()

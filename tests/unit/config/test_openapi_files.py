"""An OpenAPI document split over files inside the config's folder, with YAML anchors, reads
as the same document written in one file; references that leave the folder, fetch, or go round
in circles, and aliases that multiply a document, are refused with the reference's pointer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from privgw import build_template, load_config, render
from tests.unit.config.test_openapi_routes import ORDERS_SPEC, problems_of, write

#: ORDERS_SPEC's schemas and its path parameter, moved to files in folders of their own.
SPLIT_SPEC = """\
openapi: 3.0.1
info: {title: orders, version: "1"}
x-ok: &ok {"200": {description: ok}}
paths:
  /orders:
    get:
      operationId: listOrders
      parameters: [{name: page, in: query, required: true, schema: {type: string}}]
      responses: *ok
    post:
      operationId: createOrder
      security: [{key: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "schemas/order.yaml#/Order"}
      responses: *ok
  /orders/{id}:
    get:
      operationId: getOrder
      security: [{sigv4: []}]
      parameters: [{$ref: "./parameters.json#/id"}]
      responses: *ok
"""
ORDER_FILE = """\
Order:
  type: object
  required: [sku]
  properties:
    sku: {type: string, example: A-1}
    note: {type: string, nullable: true}
    line: {$ref: "#/Line"}
Line: {$ref: "../orders.openapi.yaml#/components/schemas/Line"}
"""


def _split(tmp_path: Path) -> Path:
    """The orders config over a spec split into three files, its paths' tail kept whole."""
    config = write(tmp_path, ORDERS_SPEC)
    whole = ORDERS_SPEC
    tail = {k: v for k, v in whole["paths"].items() if k not in ("/orders", "/orders/{id}")}
    head = yaml.safe_load(SPLIT_SPEC)  # (only to check the text below says what it should)
    assert set(head["paths"]) == {"/orders", "/orders/{id}"}
    text = SPLIT_SPEC + "\n".join(
        "  " + line for line in yaml.safe_dump(tail, sort_keys=False).splitlines()
    )
    text += "\ncomponents: " + json.dumps(whole["components"]) + "\n"
    (tmp_path / "orders.openapi.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "order.yaml").write_text(ORDER_FILE, encoding="utf-8")
    parameter = whole["paths"]["/orders/{id}"]["get"]["parameters"][0]
    (tmp_path / "parameters.json").write_text(json.dumps({"id": parameter}), encoding="utf-8")
    return config


def test_a_spec_split_over_files_with_anchors_builds_what_one_file_builds(
    tmp_path: Path,
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "split").mkdir()
    one = load_config(write(tmp_path / "one", ORDERS_SPEC))
    split = load_config(_split(tmp_path / "split"))
    assert [r.model_dump() for r in split.routes] == [r.model_dump() for r in one.routes]
    for flavour in ("cfn", "sam"):
        for definition in ("resources", "body"):
            expected = one.model_copy(update={"api_definition": definition})
            got = split.model_copy(update={"api_definition": definition})
            assert render(build_template(got, flavour), "json") == render(
                build_template(expected, flavour), "json"
            ), (flavour, definition)


def _with_parameter_ref(tmp_path: Path, ref: str) -> Path:
    spec = json.loads(json.dumps(ORDERS_SPEC))
    spec["paths"]["/orders"]["get"]["parameters"] = [{"$ref": ref}]
    return write(tmp_path, spec)


POINTER = "#/paths/~1orders/get/parameters/0/$ref"


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("../outside.yaml#/page", "outside the config's folder"),
        ("/etc/passwd#/page", "outside the config's folder"),
        ("https://example.com/common.yaml#/page", "a remote document"),
        ("//example.com/common.yaml", "a remote document"),
        ("file:///etc/passwd", "a remote document"),
        ("missing.yaml#/page", "which is no file"),
        ("common.yaml#/nothing", "which does not exist"),
        ("common.yaml#/loop", "common.yaml#/loop -> #/loop, which leads back to common.yaml#/loop"),
        ("orders.openapi.yaml", "the whole document"),
    ],
)
def test_references_that_leave_the_folder_fetch_or_loop_are_refused(
    tmp_path: Path, ref: str, fragment: str
) -> None:
    (tmp_path / "outside.yaml").write_text("page: {name: p, in: query}\n", encoding="utf-8")
    inner = tmp_path / "api"
    inner.mkdir()
    (inner / "common.yaml").write_text(
        "page: {name: page, in: query, schema: {type: string}}\nloop: {$ref: '#/loop'}\n",
        encoding="utf-8",
    )
    found = problems_of(_with_parameter_ref(inner, ref))
    assert len(found) == 1, found
    assert found[0].startswith(f"openapi: the spec at {POINTER} refers to {ref}"), found
    assert fragment in found[0], found


def test_a_reference_may_escape_its_pointer(tmp_path: Path) -> None:
    """JSON pointer escapes (~1 for /) and percent-encoding (RFC 6901, section 6) are read."""
    (tmp_path / "common.yaml").write_text(
        "by/name:\n  page: {name: page, in: query, required: true, schema: {type: string}}\n",
        encoding="utf-8",
    )
    cfg = load_config(_with_parameter_ref(tmp_path, "common.yaml#/by~1name/p%61ge"))
    assert cfg.routes[0].required_parameters == ["querystring.page"]


def test_aliases_that_multiply_a_document_are_refused_before_it_is_walked(
    tmp_path: Path,
) -> None:
    laughs = ["  a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    laughs += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    config = write(tmp_path, ORDERS_SPEC)
    spec = tmp_path / "orders.openapi.yaml"
    text = yaml.safe_dump(ORDERS_SPEC, sort_keys=False) + "x-laughs:\n" + "\n".join(laughs)
    spec.write_text(text + "\n", encoding="utf-8")
    found = problems_of(config)
    assert found == [
        "openapi.path: (orders.openapi.yaml) expands through its aliases to more than "
        "5,000,000 nodes (expected a document whose anchors and aliases share parts, not "
        "multiply them)"
    ]


def test_a_key_given_twice_in_a_referenced_file_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "common.yaml").write_text(
        "page: {name: page, in: query}\npage: {name: other, in: query}\n", encoding="utf-8"
    )
    found = problems_of(_with_parameter_ref(tmp_path, "common.yaml#/page"))
    assert "(common.yaml line 2) page is given twice, at lines 1 and 2" in found[0], found


def test_a_config_without_a_spec_does_not_load_the_spec_validator() -> None:
    """openapi-spec-validator costs a sixth of a second to import (make bench showed every
    build paying it): only a config with openapi: loads it."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from tests.support.configs import ROOT  # noqa: PLC0415

    code = (
        "import sys; from privgw import build_template, load_config; "
        f"build_template(load_config({str(ROOT / 'examples' / 'hello.yaml')!r})); "
        "print('openapi_spec_validator' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_spec_read_again_in_one_process_sees_a_changed_referenced_file(
    tmp_path: Path,
) -> None:
    """Specs are read once per process while none of their files change (validation is most
    of a build's cost), and read again when one of them does, a referenced file included."""
    config = _split(tmp_path)
    first = load_config(config)
    assert load_config(config).routes == first.routes  # read from what was read before
    order = tmp_path / "schemas" / "order.yaml"
    order.write_text(ORDER_FILE.replace("sku: {type: string", "sku: {type: integer"), "utf-8")
    again = {f"{r.method} {r.path}": r for r in load_config(config).routes}
    schema = again["POST /orders"].request_schema
    assert schema is not None
    assert schema["properties"]["sku"] == {"type": "integer"}


def test_an_accepted_spec_is_not_validated_again_and_a_refused_one_always_is(
    tmp_path: Path,
) -> None:
    """The validator's acceptance is remembered (by the document's digest and the validator's
    version) so an unchanged spec's build does not import it; a refusal never is."""
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    config = write(tmp_path, ORDERS_SPEC)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = (
        "import sys; from privgw import load_config; "
        f"load_config({str(config)!r}); print('openapi_spec_validator' in sys.modules)"
    )

    def validator_loaded() -> str:
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
        )
        return run.stdout.strip() or run.stderr

    assert validator_loaded() == "True"
    assert len(list((tmp_path / "cache" / "privgw" / "specs").iterdir())) == 1
    assert validator_loaded() == "False"
    broken = json.loads(json.dumps(ORDERS_SPEC))
    broken["paths"]["/orders"]["get"]["parameters"] = [{"name": "q", "in": "query"}]
    write(tmp_path, broken)
    for _ in range(2):
        assert "fails validation" in validator_loaded()
    assert len(list((tmp_path / "cache" / "privgw" / "specs").iterdir())) == 1


def test_no_cache_validates_the_spec_afresh_and_remembers_nothing(tmp_path: Path) -> None:
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    config = write(tmp_path, ORDERS_SPEC)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    build = [sys.executable, "-m", "privgw.cli", "build", str(config), "-o", str(tmp_path / "o")]
    done = subprocess.run(
        [*build, "--no-cache", "--no-lint"], env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "cache" / "privgw" / "specs").exists()

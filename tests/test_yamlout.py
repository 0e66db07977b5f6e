"""privgw's YAML writer reads back, through cfn-flip's and cfn-lint's loaders, as what it wrote."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from privgw import build_template, load_config, render
from privgw.rendering import FLAVOURS, parse_template
from privgw.yamlout import dump, scalar
from tests.conftest import EXAMPLES


def cfn_lint_load(text: str) -> Any:
    from cfnlint.decode.cfn_yaml import loads  # noqa: PLC0415 - cfn-lint's own loader

    return loads(text)


def test_examples_round_trip() -> None:
    for path in EXAMPLES:
        for flavour in FLAVOURS:
            template = build_template(load_config(path), flavour).to_dict()
            text = render(template, "yaml")
            assert parse_template(text) == template
            assert cfn_lint_load(text) == template


def test_short_forms() -> None:
    text = dump({"A": {"Ref": "X"}, "B": {"Fn::GetAtt": ["Fn", "Arn"]}, "C": {"Fn::Sub": "a${X}"}})
    assert text == "A: !Ref X\nB: !GetAtt Fn.Arn\nC: !Sub a${X}\n"


def test_ambiguous_scalars_are_quoted() -> None:
    for text in [
        "yes",
        "No",
        "null",
        "2010-09-09",
        "1.5",
        "0x1F",
        "-",
        "a: b",
        "a #b",
        "x:",
        " lead",
        "trail ",
        "",
        "@x",
        "*x",
        "!x",
        "&x",
        "|",
        ">",
        "%x",
        "'x",
        '"x',
    ]:
        assert scalar(text).startswith('"'), text
    assert scalar("plain words, with (punctuation)!") == "plain words, with (punctuation)!"


def test_literal_blocks_for_code() -> None:
    code = "def handler(event, context):\n    return {}\n"
    assert (
        dump({"ZipFile": code}) == "ZipFile: |\n  def handler(event, context):\n      return {}\n"
    )
    assert yaml.safe_load(dump({"k": "a\nb"})) == {"k": "a\nb"}
    assert yaml.safe_load(dump({"k": "a\n\n"})) == {"k": "a\n\n"}


#: Plain keys: intrinsic-function keys are covered by their own test below (loaders give
#: some of them, e.g. Fn::GetAtt, special treatment that only makes sense for real templates).
keys = st.text().filter(lambda k: not k.startswith("Fn::") and k not in ("Ref", "Condition"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.dictionaries(keys, json_values, max_size=5))
def test_arbitrary_data_round_trips(data: dict[str, Any]) -> None:
    text = dump(data)
    if data:
        assert parse_template(text) == data
        assert cfn_lint_load(text) == data


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["Ref", "Fn::Sub", "Fn::ImportValue"]))
def test_intrinsics_with_arbitrary_strings_round_trip(text: str, fn: str) -> None:
    data = {"Resources": {"R": {"Properties": {"P": {fn: text}, "L": [{fn: text}, text]}}}}
    assert parse_template(dump(data)) == data

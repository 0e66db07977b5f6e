"""privgw's template YAML reads back as exactly the JSON it came from, through every loader that
reads privgw's templates: libyaml (cfn-lint's loader), cfn-flip (privgw's own reader) and the aws
CLI's (``aws cloudformation deploy`` / ``package``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privgw import build_template, load_config, render
from privgw.flavours import FLAVOURS
from privgw.rendering import parse_template
from privgw.yamlout import SHORT_FORMS, dump
from tests.support.configs import EXAMPLES


def cfn_lint_load(text: str) -> Any:
    from cfnlint.decode.cfn_yaml import loads  # noqa: PLC0415 - cfn-lint's own loader (libyaml)

    return loads(text)


def aws_cli_load(text: str) -> Any:
    from awscli.customizations.cloudformation.yamlhelper import yaml_parse  # noqa: PLC0415

    return yaml_parse(text)


LOADERS = {"cfn-lint": cfn_lint_load, "cfn-flip": parse_template, "aws-cli": aws_cli_load}


def plain(value: Any) -> Any:
    """A loader's result as plain JSON data (ordered dicts, str subclasses and all)."""
    return json.loads(json.dumps(value))


def assert_reads_back(data: dict[str, Any]) -> None:
    text = dump(data)
    for name, load in LOADERS.items():
        assert plain(load(text)) == data, f"{name} read back something else from:\n{text}"


def test_examples_round_trip() -> None:
    for path in EXAMPLES:
        for flavour in FLAVOURS:
            template = build_template(load_config(path), flavour).to_dict()
            assert_reads_back(json.loads(render(template, "json")))


def test_short_forms() -> None:
    text = dump({"A": {"Ref": "X"}, "B": {"Fn::GetAtt": ["Fn", "Arn"]}, "C": {"Fn::Sub": "a${X}"}})
    assert text == "A: !Ref X\nB: !GetAtt Fn.Arn\nC: !Sub a${X}\n"


def test_literal_blocks_for_code() -> None:
    code = "def handler(event, context):\n    return {}\n"
    assert dump({"ZipFile": code}) == (
        "ZipFile: |\n  def handler(event, context):\n      return {}\n"
    )


@pytest.mark.parametrize(
    "data",
    [
        # the review's three: a tab-led first line, a key over 1,024 characters, and !GetAtt
        # with a non-string argument (cfn-flip read [R, !Ref P] as [R, P])
        {"ZipFile": "\tindented with a tab\nsecond line\n"},
        {"Variables": {"V": "\tvalue\n"}},
        {"k" * 1100: "v", "short": {"k" * 2000: ["x"]}},
        {"A": {"Fn::GetAtt": ["R", {"Ref": "P"}]}},
        {"A": {"Fn::GetAtt": "R.Arn"}},
        {"A": {"Fn::GetAtt": ["R.x", "Arn"]}},
        {"A": {"Fn::GetAtt": ["", "Arn"]}},
        {"A": {"Ref": 5}, "B": {"Fn::Sub": None}, "C": {"Condition": True}},
        {"A": "\u2028", "B": "\x85", "C": "\ufeffx", "D": "a\x00b", "E": "\r\n"},
        {"A": "x\n\ty\n", "B": " lead\nx", "C": "trail \nx", "D": "\n", "E": "\n\n"},
    ],
)
def test_known_hostile_documents(data: dict[str, Any]) -> None:
    assert_reads_back(data)


#: Strings YAML finds hostile: indicators, YAML 1.1 booleans/nulls/numbers/dates, breaks that
#: are not \n, control characters, byte-order marks, tabs and blanks at the edges of lines.
HOSTILE = st.sampled_from(
    [
        "", " ", "\t", "\n", "\n\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\ufeff", "\x00",
        "\x1b", "\x7f", "yes", "No", "ON", "~", "null", "Null", "true", "0x1F", "0o17", "017",
        "1e3", "1_000", ".5", ".inf", "-.nan", "2010-09-09", "12:30:45", "=", "<<", "- x",
        "? x", ": x", "a: b", "a #b", "#c", "!Ref x", "&a", "*a", "|", ">", "%YAML", "@x",
        "`x", "'x'", '"x"', "{a: b}", "[a]", "x:", "---", "...", "\tx\ny", "x\n\ty", " x\n",
        "x \ny", "k" * 1030,
    ]
)  # fmt: skip
STRINGS = st.one_of(
    HOSTILE,
    st.text(),
    st.lists(st.one_of(HOSTILE, st.text(max_size=5)), max_size=5).map("".join),
)
#: Ordinary keys; intrinsic-function keys come only from INTRINSICS, where a one-key map with
#: such a key is exactly what CloudFormation (and the loaders) read as a function.
KEYS = STRINGS.filter(lambda k: k not in SHORT_FORMS and not k.startswith("Fn::"))
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | STRINGS
)


def _with_intrinsics(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Every intrinsic with every argument shape: scalar, list, mapping, nested intrinsic."""
    argument = st.one_of(
        SCALARS, st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)
    )
    return st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(KEYS, inner, max_size=4),
        st.builds(lambda k, a: {k: a}, st.sampled_from(sorted(SHORT_FORMS)), argument),
        st.builds(lambda r, a: {"Fn::GetAtt": [r, a]}, STRINGS, st.one_of(STRINGS, inner)),
    )


VALUES = st.recursive(SCALARS, _with_intrinsics, max_leaves=25)


@settings(derandomize=True, max_examples=2000, deadline=None)
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5))
def test_generated_documents_read_back_through_every_loader(data: dict[str, Any]) -> None:
    assert_reads_back(data)

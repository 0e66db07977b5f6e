"""A small, fast YAML writer for CloudFormation templates, with short-form intrinsics.

PyYAML's pure-Python emitter (what cfn-flip uses) spent 0.9 s on a 200-route template; this
writer covers exactly what a template holds (mappings with string keys, lists, strings,
numbers, booleans, null, and the intrinsic functions) in a few milliseconds. Its output is
checked by round-trip tests against cfn-flip's and cfn-lint's YAML loaders, including
property tests with arbitrary strings.

Rules: keys sorted (like the JSON output); strings are plain only when no YAML 1.1 resolver
could read them as anything else, multi-line printable strings become literal blocks (``|``),
everything else is double-quoted with YAML escapes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

#: Intrinsics written in short form (``!Ref x``); the rest stay in long form.
SHORT_FORMS = {
    "Ref": "!Ref",
    "Condition": "!Condition",
    "Fn::Base64": "!Base64",
    "Fn::Cidr": "!Cidr",
    "Fn::And": "!And",
    "Fn::Equals": "!Equals",
    "Fn::FindInMap": "!FindInMap",
    "Fn::GetAtt": "!GetAtt",
    "Fn::GetAZs": "!GetAZs",
    "Fn::If": "!If",
    "Fn::ImportValue": "!ImportValue",
    "Fn::Join": "!Join",
    "Fn::Not": "!Not",
    "Fn::Or": "!Or",
    "Fn::Select": "!Select",
    "Fn::Split": "!Split",
    "Fn::Sub": "!Sub",
}

_RESERVED = frozenset(
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
        "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
    }
)  # fmt: skip
_INDENT = "  "
_PLAIN_START = re.compile(r"[A-Za-z_]")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


def _printable(ch: str) -> bool:
    """YAML 1.1 c-printable, minus every character a loader treats as a line break (NEL,
    LS, PS) and the byte-order mark: those are always written escaped."""
    code = ord(ch)
    return (
        ch == "\t"
        or 0x20 <= code <= 0x7E
        or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _plain_ok(text: str) -> bool:
    """Can ``text`` stand unquoted in block context and still read back as this string?

    It must start with an ASCII letter or ``_`` (no indicator, number, date or special
    float can), hold no ``: `` or `` #``, not end in a space or ``:``, be printable on one line,
    and not be one of YAML 1.1's boolean/null words.
    """
    if not _PLAIN_START.match(text) or text[-1] in " :" or text in _RESERVED:
        return False
    if ": " in text or " #" in text:
        return False
    return (text.isascii() and _PRINTABLE_ASCII.fullmatch(text) is not None) or all(
        ch != "\t" and _printable(ch) for ch in text
    )


def quoted(text: str) -> str:
    """A double-quoted YAML scalar; anything unprintable is escaped by code point."""
    if text.isascii() and _PRINTABLE_ASCII.fullmatch(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code <= 0xFF
                else f"\\u{code:04x}"
                if code <= 0xFFFF
                else f"\\U{code:08x}"
            )
    out.append('"')
    return "".join(out)


def scalar(value: Any) -> str:
    """One scalar on one line."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
        text = json.dumps(value)
        if "." not in text:  # YAML 1.1 floats need a dot: 1e+20 -> 1.0e+20
            mantissa, _, exponent = text.partition("e")
            text = f"{mantissa}.0" + (f"e{exponent}" if exponent else "")
        return text
    if isinstance(value, str):
        return value if _plain_ok(value) else quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _literal(text: str, indent: str) -> str | None:
    """A literal block for multi-line text, or None when one cannot carry it exactly."""
    if "\n" not in text or not all(_printable(ch) or ch == "\n" for ch in text):
        return None
    if any(line.endswith((" ", "\t")) for line in text.split("\n")[:-1]):
        return None  # trailing blanks survive, but keep such text visibly quoted
    if text.endswith("\n\n") or text == "\n":
        chomp = "+"
    elif text.endswith("\n"):
        chomp = ""
    else:
        chomp = "-"
    if text[:1] in (" ", "\n"):
        return None  # would need an indentation indicator; quoting is simpler and exact
    body = text[:-1] if text.endswith("\n") else text
    lines = [indent + line if line else "" for line in body.split("\n")]
    return f"|{chomp}\n" + "\n".join(lines)


def _intrinsic(value: Mapping[str, Any]) -> tuple[str, Any] | None:
    if len(value) != 1:
        return None
    ((key, arg),) = value.items()
    tag = SHORT_FORMS.get(key)
    if tag is None or not isinstance(arg, str | list | Mapping):
        return None  # a tagged scalar always reads back as a string
    if (
        key == "Fn::GetAtt"
        and isinstance(arg, list)
        and len(arg) == 2
        and all(isinstance(a, str) for a in arg)
        and "." not in arg[0]
    ):
        return tag, f"{arg[0]}.{arg[1]}"
    return tag, arg


def _is_collection(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple) and bool(value)


def _node(value: Any, indent: str) -> tuple[str, bool]:
    """(text, is_block): inline text after ``key: `` / ``- ``, or a block on following lines."""
    if isinstance(value, Mapping):
        intrinsic = _intrinsic(value)
        if intrinsic is not None:
            tag, arg = intrinsic
            if _is_collection(arg):  # "!Tag" on this line, its collection below
                return tag + "\n" + _block(arg, indent), False
            inner, _ = _node(arg, indent)
            return f"{tag} {inner}", False
        if not value:
            return "{}", False
        return _block(value, indent), True
    if isinstance(value, list | tuple):
        if not value:
            return "[]", False
        return _block(value, indent), True
    if isinstance(value, str):
        literal = _literal(value, indent)
        if literal is not None:
            return literal, False
    return scalar(value), False


def _block(value: Mapping[str, Any] | Sequence[Any], indent: str) -> str:
    """A block mapping or sequence whose lines start at ``indent``."""
    lines = []
    deeper = indent + _INDENT
    if isinstance(value, Mapping):
        for key in sorted(value):
            text, is_block = _node(value[key], deeper)
            head = f"{indent}{scalar(str(key))}:"
            lines.append(f"{head}\n{text}" if is_block else f"{head} {text}")
    else:
        for item in value:
            if isinstance(item, Mapping) and item and _intrinsic(item) is None:
                # "- key: value" with the mapping's other keys aligned under the first
                text = _block(item, deeper)
                lines.append(f"{indent}- {text[len(deeper) :]}")
                continue
            text, is_block = _node(item, deeper)
            lines.append(f"{indent}-\n{text}" if is_block else f"{indent}- {text}")
    return "\n".join(lines)


def dump(data: Mapping[str, Any]) -> str:
    """The whole document; ends with a newline."""
    return (_block(data, "") if data else "{}") + "\n"

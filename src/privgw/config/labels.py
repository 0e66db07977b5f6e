"""What labels a stack: its tags (privgw's own ``privgw:api`` reserved) and its template
description, checked as CloudFormation counts them."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

from privgw.config.checking import JsonSchemaExtra, fail
from privgw.limits import MAX_DESCRIPTION_BYTES

#: The characters every taggable resource type privgw emits accepts in tag keys and values
#: (the pattern ``^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`` of their CloudFormation schemas; AWS General
#: Reference, "Tagging your AWS resources"): letters, separators (spaces), numbers, _ . : / = + - @
TAG_SYMBOLS = frozenset("_.:/=+-@")
TAG_EXPECTED = (
    "keys of 1-128 and values of up to 256 letters, digits, spaces or _ . : / = + - @; "
    "keys not starting with 'aws:'"
)


def _tag_text_ok(text: str) -> bool:
    return all(ch in TAG_SYMBOLS or unicodedata.category(ch)[0] in "LZN" for ch in text)


def _intrinsic_key(key: str) -> bool:
    """Keys CloudFormation reads as an intrinsic function or condition in a one-key map."""
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def _check_map_keys(mapping: dict[str, str]) -> dict[str, str]:
    bad = sorted(k for k in mapping if _intrinsic_key(k))
    if bad:
        raise fail(
            "uses keys CloudFormation reads as intrinsic functions: " + ", ".join(bad),
            "other names than Ref, Condition or Fn::...",
        )
    return mapping


#: The tag privgw puts on every resource it creates (a console or cost report finds one API's
#: resources by it); a user tag of that key would silently replace it.
OWN_TAG = "privgw:api"


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    own = [key for key in tags if key.lower() == OWN_TAG]
    if own:
        raise fail(
            f"sets {own[0]!r}, privgw's own tag (the stack's name on every resource, by which "
            "one API's resources are found): it would be replaced",
            "any other key",
        )
    problems = []
    for key, value in tags.items():
        if (
            not 1 <= len(key) <= 128
            or key.lower().startswith("aws:")
            or not _tag_text_ok(key)
            or _intrinsic_key(key)
        ):
            problems.append(f"key {key!r}")
        elif len(value) > 256 or not _tag_text_ok(value):
            problems.append(f"value {value!r} of {key!r}")
    if problems:
        raise fail("has invalid tags: " + ", ".join(problems), TAG_EXPECTED)
    return tags


def _check_description(text: str) -> str:
    """CloudFormation counts a template Description in bytes, not characters."""
    size = len(text.encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        raise fail(
            f"is {size:,} bytes of UTF-8, over CloudFormation's template description limit",
            f"at most {MAX_DESCRIPTION_BYTES:,} bytes (a non-ASCII character takes 2-4)",
        )
    return text


#: Tag keys as JSON Schema can say them: 1-128 characters, not aws:, not an intrinsic key.
TAG_KEY_PATTERN = r"^(?![aA][wW][sS]:)(?!Ref$)(?!Condition$)(?!Fn::).{1,128}$"
Tags = Annotated[
    dict[str, str],
    AfterValidator(_check_tags),
    JsonSchemaExtra(propertyNames={"pattern": TAG_KEY_PATTERN}),
]
Description = Annotated[str, AfterValidator(_check_description)]

"""Deterministic template text and atomic writes.

The same config must give the same bytes (reviewable diffs, a meaningful staleness check), and
a failed or interrupted build must never leave a half-written template behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from cfn_flip import load, to_yaml  # troposphere's own dependency; keeps !Ref/!Sub short
from troposphere import Template

from privgw.errors import OutputError, TemplateReadError

Format = Literal["json", "yaml"]
FORMATS: tuple[Format, ...] = ("json", "yaml")


def template_dict(template: Template | dict[str, Any]) -> dict[str, Any]:
    return template if isinstance(template, dict) else template.to_dict()


def render(template: Template | dict[str, Any], fmt: Format = "yaml") -> str:
    """Template text: JSON with indent 2 and sorted keys, or YAML with short-form intrinsics."""
    text = json.dumps(template_dict(template), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "json":
        return text
    if fmt == "yaml":
        result: str = to_yaml(text)
        return result
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def parse_template(text: str) -> dict[str, Any]:
    """Template text (JSON, or YAML with short-form tags) back into a dict."""
    try:
        data, _ = load(text)
    except Exception as exc:  # cfn_flip raises whatever its JSON/YAML parser raised
        raise TemplateReadError(
            f"not a CloudFormation template: {' '.join(str(exc).split())}"
        ) from None
    if not isinstance(data, dict):
        raise TemplateReadError("not a CloudFormation template: the top level is not a mapping")
    return dict(data)

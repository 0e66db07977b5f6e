"""privgw: one typed config in, a lint-clean private API Gateway CloudFormation template out.

    from privgw import load_config, build_template, render
    template = build_template(load_config("examples/hello.yaml"))  # a troposphere.Template
    text = render(template, "yaml")

The public names are imported on first use (PEP 562), so ``privgw --version`` and the CLI's
early start of cfn-lint do not wait for troposphere and pydantic to load.
"""

from __future__ import annotations

import importlib

from privgw.version import __version__

#: typing's own constant, without importing typing (8 ms): the console script's SIGINT
#: handling (privgw.entry) waits for this module, so it stays this light. mypy reads any
#: ``TYPE_CHECKING`` name as true.
TYPE_CHECKING = False

_EXPORTS = {
    "Config": "privgw.config",
    "ConfigError": "privgw.errors",
    "Finding": "privgw.findings",
    "PrivgwError": "privgw.errors",
    "Problem": "privgw.errors",
    "build_template": "privgw.resources.template",
    "lint_text": "privgw.lint",
    "load_config": "privgw.config",
    "render": "privgw.rendering",
    "validate_config": "privgw.config",
    "write_atomic": "privgw.rendering",
}

__all__ = [
    "Config",
    "ConfigError",
    "Finding",
    "PrivgwError",
    "Problem",
    "__version__",
    "build_template",
    "lint_text",
    "load_config",
    "render",
    "validate_config",
    "write_atomic",
]

if TYPE_CHECKING:
    from typing import Any

    from privgw.config import Config as Config
    from privgw.config import load_config as load_config
    from privgw.config import validate_config as validate_config
    from privgw.errors import ConfigError as ConfigError
    from privgw.errors import PrivgwError as PrivgwError
    from privgw.errors import Problem as Problem
    from privgw.findings import Finding as Finding
    from privgw.lint import lint_text as lint_text
    from privgw.rendering import render as render
    from privgw.rendering import write_atomic as write_atomic
    from privgw.resources.template import build_template as build_template


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'privgw' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

"""privgw: one typed config in, a lint-clean private API Gateway CloudFormation template out.

from privgw import load_config, build_template, render
template = build_template(load_config("examples/hello.yaml"))  # a troposphere.Template
text = render(template, "yaml")
"""

from __future__ import annotations

__version__ = "0.1.0"

from privgw.build import build_template
from privgw.config import Config, load_config, validate_config
from privgw.errors import ConfigError, PrivgwError, Problem
from privgw.lint import Finding, lint_text
from privgw.render import render, write_atomic

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

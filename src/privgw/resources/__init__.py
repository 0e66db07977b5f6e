"""Builders: config in, troposphere objects out. Each module owns one part of the template."""

from __future__ import annotations

from privgw.resources.template import build_template

__all__ = ["build_template"]

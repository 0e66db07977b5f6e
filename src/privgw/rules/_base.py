"""What every privgw rule shares: run privgw's checks once per template, keep this rule's.

A mixin, not a CloudFormationLintRule subclass: cfn-lint instantiates every such subclass it
finds in a rules module or folder, and this one has no id of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from cfnlint.rules import RuleMatch

from privgw.checks import template_findings, text_size_findings
from privgw.findings import Finding


class PrivgwCheck:
    """``match`` for a privgw rule: the findings of privgw's checks that carry its id."""

    id: str
    #: The checks' findings for the template seen last (cfn-lint runs every rule on one
    #: template before the next), so the probing of a policy is done once, not once per rule.
    _last: ClassVar[tuple[Any, list[Finding]] | None] = None

    def match(self, cfn: Any) -> list[RuleMatch]:
        return [RuleMatch(list(f.path), f.message) for f in _findings(cfn) if f.rule == self.id]


def _findings(cfn: Any) -> list[Finding]:
    last = PrivgwCheck._last
    if last is not None and last[0] is cfn.template:
        return last[1]
    found = template_findings(cfn.template)
    # The byte size needs the file's text: cfn-lint run on files has it; privgw's own lint
    # (templates in memory) reports the size itself.
    if cfn.filename and Path(cfn.filename).is_file():
        found += text_size_findings(Path(cfn.filename).read_text(encoding="utf-8"))
    PrivgwCheck._last = (cfn.template, found)
    return found

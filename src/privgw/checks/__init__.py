"""privgw's own checks: what no linter or scanner checks for a private API, one module per
rule family.

They read the built template (not the config), so they also guard a template the caller
extended by hand or wrote elsewhere. Each finding says what is wrong and how to fix it, and
where (its ``path``). ``privgw.rules`` wraps them as cfn-lint rules, so cfn-lint reports them
with line numbers (``cfn-lint --append-rules privgw.rules``); ids follow cfn-lint's convention
for user rules (E9xxx/W9xxx/I9xxx); before they were P1001..P2007 (in brackets below).

| rule  | level | what | module |
| E9001 (P1001) | error | template over 1,000,000 bytes | size |
| I9002 (P1002) | info  | template over 51,200 bytes (deploy with --s3-bucket) | size |
| E9003 (P1003) | error | resource policy over 8,192 characters | size |
| E9101 (P2001) | error | PRIVATE API without a resource policy | private_api |
| E9102 (P2002) | error | policy admits calls that do not come through an allowed endpoint/VPC, or
|       |       | (IAM auth) principals of the API's account that it does not list | probes |
| E9103 (P2003) | error | aws:SourceIp in a private API's policy | private_api |
| E9104 (P2004) | error | IpAddressType ipv4 on a PRIVATE API | private_api |
| E9105 (P2005) | error | two execute-api endpoints with private DNS in one VPC | private_api |
| W9106 (P2006) | warning | policy that privgw cannot evaluate | probes |
| E9107 (P2007) | error | policy admits no call through an endpoint the API lists | probes |
| W9108 | warning | a route without IAM auth on an API whose policy admits only listed principals |
|       |         | private_api |
| E9109 | error | an API Gateway invoke permission of a function that names no API | permissions |
| E9110 | error | a private domain name whose policy is missing or admits outsiders | domain |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from privgw.checks.domain import domain_findings
from privgw.checks.permissions import permission_findings
from privgw.checks.private_api import private_api_findings
from privgw.checks.size import policy_length_findings, size_findings, text_size_findings
from privgw.findings import Finding


def template_findings(template: Mapping[str, Any]) -> list[Finding]:
    """Every privgw check that reads only the template (what ``privgw.rules`` runs in cfn-lint)."""
    return [
        *policy_length_findings(template),
        *private_api_findings(template),
        *permission_findings(template),
        *domain_findings(template),
    ]


def preflight(text: str, template: Mapping[str, Any]) -> list[Finding]:
    """Every privgw check on one template (its text is needed for the byte size)."""
    return sorted([*text_size_findings(text), *template_findings(template)])


__all__ = [
    "policy_length_findings",
    "preflight",
    "private_api_findings",
    "size_findings",
    "template_findings",
    "text_size_findings",
]

"""The sizes CloudFormation and API Gateway limit (E9001, I9002, E9003): the template's bytes,
inline and through S3, and a resource policy's length."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from privgw.checks.common import API_TYPES, api_policy, finding, policy_path, resources_of
from privgw.findings import Finding
from privgw.limits import INLINE_TEMPLATE_LIMIT, POLICY_LIMIT, S3_TEMPLATE_LIMIT


def size_findings(text: str, template: Mapping[str, Any]) -> list[Finding]:
    """Limits cfn-lint leaves out: the inline deploy size and the resource policy's length."""
    return [*text_size_findings(text), *policy_length_findings(template)]


def text_size_findings(text: str) -> list[Finding]:
    """The template's byte size against what CloudFormation takes inline and through S3."""
    findings = []
    size = len(text.encode("utf-8"))
    if size > S3_TEMPLATE_LIMIT:
        findings.append(
            finding(
                "E9001",
                "error",
                f"template is {size:,} bytes, over CloudFormation's {S3_TEMPLATE_LIMIT:,}-byte "
                "limit even through S3; split the API into several stacks or fewer routes",
            )
        )
    elif size > INLINE_TEMPLATE_LIMIT:
        findings.append(
            finding(
                "I9002",
                "info",
                f"template is {size:,} bytes, over the {INLINE_TEMPLATE_LIMIT:,} bytes "
                "`aws cloudformation deploy` accepts inline; deploy with `--s3-bucket BUCKET`, "
                "or build with `--format json --compact` (the smallest form)",
            )
        )
    return findings


def policy_length_findings(template: Mapping[str, Any]) -> list[Finding]:
    """Each private API's resource policy against API Gateway's length quota."""
    findings = []
    for name, props in resources_of(template, *API_TYPES):
        resources = template.get("Resources") or {}
        policy, _ = api_policy(str(resources[name]["Type"]), props)
        if isinstance(policy, Mapping):
            length = len(json.dumps(policy, separators=(",", ":")))
            if length > POLICY_LIMIT:
                findings.append(
                    finding(
                        "E9003",
                        "error",
                        f"resource policy of {name} is about {length:,} characters, over API "
                        f"Gateway's {POLICY_LIMIT:,}; allow fewer endpoints, list VPCs "
                        "(aws:SourceVpc) instead of endpoints, or request a quota increase",
                        policy_path(template, name),
                    )
                )
    return findings

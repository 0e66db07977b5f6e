"""Lambda permissions that let API Gateway call a function (E9109): without a ``SourceArn``
naming an API, any API of any account may invoke the function, around the private API and
its resource policy (the Lambda developer guide, "Granting function access to AWS services":
scope a service principal with SourceArn; checkov CKV_AWS_364 asks the same)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from privgw.checks.common import finding, resources_of
from privgw.findings import Finding

#: Principals that mean API Gateway (the service, or its regional form).
_APIGATEWAY = re.compile(r"apigateway\.amazonaws\.com(\.cn)?")


def _names_an_api(source_arn: Any) -> bool:
    """Whether a SourceArn pins the API id (execute-api:REGION:ACCOUNT:API_ID/...): a literal
    id or a reference, not a wildcard."""
    if source_arn is None:
        return False
    text = json.dumps(source_arn)
    if "execute-api" not in text:
        return False
    match = re.search(r"execute-api:[^:]*:[^:]*:([^/\"]+)", text)
    return match is None or "*" not in match.group(1)


def permission_findings(template: Mapping[str, Any]) -> list[Finding]:
    """Every API Gateway invoke permission that does not name an API."""
    findings = []
    for name, props in resources_of(template, "AWS::Lambda::Permission"):
        principal = props.get("Principal")
        if not (isinstance(principal, str) and _APIGATEWAY.fullmatch(principal)):
            continue
        if _names_an_api(props.get("SourceArn")):
            continue
        what = "has no SourceArn" if "SourceArn" not in props else "does not name one API"
        findings.append(
            finding(
                "E9109",
                "error",
                f"{name} lets API Gateway invoke its function and {what}: any API of any "
                "account may then call the function, around the private API and its resource "
                "policy; set SourceArn to this API's execute-api ARN "
                "(arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                "${RestApi}/*)",
                ("Resources", name, "Properties"),
            )
        )
    return findings

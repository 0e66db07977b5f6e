"""A private custom domain name's own policy (E9110): like the API's, it must refuse every call
that does not come through an allowed endpoint ("Custom domain names for private APIs": the
domain name has a policy of its own, and a call is admitted only when both allow it); one
edited open leaves the domain reachable from any endpoint of any account that is associated
with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from privgw.checks.common import decoded, finding, resources_of, statements, unevaluable
from privgw.checks.probes import outsider_admitted
from privgw.evaluate import UnsupportedPolicy
from privgw.findings import Finding

DOMAIN = "AWS::ApiGateway::DomainNameV2"


def domain_findings(template: Mapping[str, Any]) -> list[Finding]:
    """Each private domain name whose policy is missing or admits a call from outside."""
    findings = []
    for name, props in resources_of(template, DOMAIN):
        config = props.get("EndpointConfiguration")
        types = config.get("Types", []) if isinstance(config, Mapping) else []
        if "PRIVATE" not in (types if isinstance(types, list) else [types]):
            continue
        path = ("Resources", name, "Properties", "Policy")
        policy = decoded(props.get("Policy"))
        if not isinstance(policy, Mapping) or not statements(policy):
            findings.append(
                finding(
                    "E9110",
                    "error",
                    f"{name} is a private domain name without a policy: API Gateway refuses "
                    "every call to it; allow execute-api:Invoke only through your endpoints",
                    ("Resources", name, "Properties"),
                )
            )
            continue
        try:
            admitted = outsider_admitted(template, policy)
        except (UnsupportedPolicy, KeyError, TypeError, ValueError, AttributeError) as exc:
            findings.append(unevaluable(name, str(exc), path))
            continue
        if admitted:
            findings.append(
                finding(
                    "E9110",
                    "error",
                    f"the policy of domain name {name} admits {admitted}; add an explicit Deny "
                    "on execute-api:/* with StringNotEquals on aws:SourceVpce (or aws:SourceVpc) "
                    "listing the allowed endpoints, as privgw's own domain policy does",
                    path,
                )
            )
    return findings

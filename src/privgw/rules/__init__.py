"""privgw's checks as cfn-lint rules, for privgw's own lint and for plain cfn-lint:

    cfn-lint --append-rules privgw.rules template.yaml          # privgw installed
    cfn-lint --append-rules src/privgw/rules template.yaml      # a checkout

One class per rule, as cfn-lint's own are written: cfn-lint's loader
(``cfnlint.helpers.create_rules``) instantiates every ``CloudFormationLintRule`` subclass it
finds in a module, so each rule is a class even though the classes differ only in id, text and
link (the one pattern ``duplicates`` still lists). The checks themselves are in
``privgw.checks`` (they also run without cfn-lint, for ``privgw build --no-lint``).
"""

from __future__ import annotations

from privgw.rules.access import DomainPolicyAdmitsOutsiders, PermissionNamesNoApi
from privgw.rules.private_api import (
    PolicyAdmitsOutsiders,
    PolicyLocksOutAllowedEndpoint,
    PolicyNotEvaluable,
    PolicyUsesSourceIp,
    PrivateApiIpv4Only,
    PrivateApiWithoutPolicy,
    TwoPrivateDnsEndpoints,
    UnsignedRouteBehindPrincipalPolicy,
)
from privgw.rules.size import ResourcePolicyTooLong, TemplateOverInlineLimit, TemplateOverS3Limit

RULES = (
    TemplateOverS3Limit,
    TemplateOverInlineLimit,
    ResourcePolicyTooLong,
    PrivateApiWithoutPolicy,
    PolicyAdmitsOutsiders,
    PolicyUsesSourceIp,
    PrivateApiIpv4Only,
    TwoPrivateDnsEndpoints,
    PolicyNotEvaluable,
    PolicyLocksOutAllowedEndpoint,
    UnsignedRouteBehindPrincipalPolicy,
    PermissionNamesNoApi,
    DomainPolicyAdmitsOutsiders,
)

__all__ = [rule.__name__ for rule in RULES] + ["RULES"]

"""privgw's rules on what else decides who reaches the function: Lambda permissions for API
Gateway (E9109) and a private domain name's own policy (E9110)."""

from __future__ import annotations

from typing import ClassVar

from cfnlint.rules import CloudFormationLintRule

from privgw.rules._base import PrivgwCheck


class PermissionNamesNoApi(PrivgwCheck, CloudFormationLintRule):
    id = "E9109"
    shortdesc = "API Gateway invoke permission that names no API"
    description = (
        "A lambda:InvokeFunction permission for apigateway.amazonaws.com without a SourceArn "
        "naming one API lets any API of any account call the function, around the private "
        "API's resource policy."
    )
    source_url = "https://docs.aws.amazon.com/lambda/latest/dg/permissions-granting-access.html"
    tags: ClassVar[list[str]] = ["privgw", "lambda", "security"]


class DomainPolicyAdmitsOutsiders(PrivgwCheck, CloudFormationLintRule):
    id = "E9110"
    shortdesc = "Private domain name policy missing or admitting outsiders"
    description = (
        "A private custom domain name has a policy of its own; without one every call fails, "
        "and one that admits calls through unlisted endpoints (or none) opens the domain."
    )
    source_url = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
        "apigateway-private-custom-domains.html"
    )
    tags: ClassVar[list[str]] = ["privgw", "apigateway", "security"]

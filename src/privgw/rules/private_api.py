"""privgw's private-API rules: the mistakes that make a PRIVATE REST API fail to deploy, fail
every call, or admit callers it should not (found by evaluating its policy, ``privgw.evaluate``).
"""

from __future__ import annotations

from typing import ClassVar

from cfnlint.rules import CloudFormationLintRule

from privgw.rules._base import PrivgwCheck

GUIDE = "https://docs.aws.amazon.com/apigateway/latest/developerguide/"


class PrivateApiWithoutPolicy(PrivgwCheck, CloudFormationLintRule):
    id = "E9101"
    shortdesc = "PRIVATE API without a resource policy"
    description = (
        "A private REST API without a resource policy cannot be deployed and refuses every "
        "call (was P2001)."
    )
    source_url = GUIDE + "apigateway-private-api-create.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway", "security"]


class PolicyAdmitsOutsiders(PrivgwCheck, CloudFormationLintRule):
    id = "E9102"
    shortdesc = "Resource policy admits callers outside the allowed endpoints"
    description = (
        "Evaluated on every method, stage and path shape: a call through an unlisted "
        "endpoint or through none gets in, or (IAM authorization) a principal of the API's own "
        "account that the policy does not list (was P2002)."
    )
    source_url = GUIDE + "apigateway-authorization-flow.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway", "security"]


class PolicyUsesSourceIp(PrivgwCheck, CloudFormationLintRule):
    id = "E9103"
    shortdesc = "aws:SourceIp in a private API's policy"
    description = (
        "aws:SourceIp never matches a call through a VPC endpoint; use aws:VpcSourceIp (was P2003)."
    )
    source_url = GUIDE + "apigateway-resource-policies-examples.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway", "security"]


class PrivateApiIpv4Only(PrivgwCheck, CloudFormationLintRule):
    id = "E9104"
    shortdesc = "IpAddressType ipv4 on a PRIVATE API"
    description = "Private APIs are dual-stack only (was P2004)."
    source_url = GUIDE + "apigateway-private-apis.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway"]


class TwoPrivateDnsEndpoints(PrivgwCheck, CloudFormationLintRule):
    id = "E9105"
    shortdesc = "Two execute-api endpoints with private DNS in one VPC"
    description = "Only one execute-api endpoint per VPC may have private DNS on (was P2005)."
    source_url = GUIDE + "apigateway-private-apis.html"
    tags: ClassVar[list[str]] = ["privgw", "ec2", "apigateway"]


class PolicyNotEvaluable(PrivgwCheck, CloudFormationLintRule):
    id = "W9106"
    shortdesc = "Resource policy privgw cannot evaluate"
    description = (
        "The policy uses something privgw's evaluator does not model; check by hand that only "
        "the intended endpoints can invoke the API (was P2006)."
    )
    source_url = GUIDE + "apigateway-resource-policies.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway", "security"]


class PolicyLocksOutAllowedEndpoint(PrivgwCheck, CloudFormationLintRule):
    id = "E9107"
    shortdesc = "Resource policy admits no call through an allowed endpoint"
    description = (
        "An endpoint the API's EndpointConfiguration lists gets no call in: every call "
        "through it fails with 403 (was P2007)."
    )
    source_url = GUIDE + "apigateway-resource-policies.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway"]


class UnsignedRouteBehindPrincipalPolicy(PrivgwCheck, CloudFormationLintRule):
    id = "W9108"
    shortdesc = "Unsigned route on an API that admits only listed principals"
    description = (
        "A method without AWS_IAM authorization takes anonymous calls, which a resource "
        "policy naming principals denies: the route always answers 403."
    )
    source_url = GUIDE + "apigateway-authorization-flow.html"
    tags: ClassVar[list[str]] = ["privgw", "apigateway"]

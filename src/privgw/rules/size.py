"""privgw's size rules: what CloudFormation and API Gateway refuse for size (cfn-lint checks
resource counts, not these)."""

from __future__ import annotations

from typing import ClassVar

from cfnlint.rules import CloudFormationLintRule

from privgw.rules._base import PrivgwCheck

DOCS = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"


class TemplateOverS3Limit(PrivgwCheck, CloudFormationLintRule):
    id = "E9001"
    shortdesc = "Template over 1,000,000 bytes"
    description = "CloudFormation refuses a template over 1 MB even through S3 (was P1001)."
    source_url = DOCS
    tags: ClassVar[list[str]] = ["privgw", "size"]


class TemplateOverInlineLimit(PrivgwCheck, CloudFormationLintRule):
    id = "I9002"
    shortdesc = "Template over 51,200 bytes"
    description = (
        "`aws cloudformation deploy` sends at most 51,200 bytes inline; deploy through S3 "
        "(--s3-bucket) or write compact JSON (was P1002)."
    )
    source_url = DOCS
    tags: ClassVar[list[str]] = ["privgw", "size"]


class ResourcePolicyTooLong(PrivgwCheck, CloudFormationLintRule):
    id = "E9003"
    shortdesc = "Resource policy over 8,192 characters"
    description = "API Gateway's resource policy quota is 8,192 characters (was P1003)."
    source_url = "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
    tags: ClassVar[list[str]] = ["privgw", "size", "apigateway"]

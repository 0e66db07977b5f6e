"""Logical ids of every resource and parameter privgw emits (their one owner), and a content
hash for the Deployment.

Logical ids are what CloudFormation diffs on update, so they must depend only on what a
resource *is* (its path, its method), never on list order, or reordering routes would replace
resources.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ENDPOINT = "Endpoint"
ENDPOINT_PARAMETER = "VpcEndpointId"
ENDPOINT_SECURITY_GROUP = "EndpointSecurityGroup"
FUNCTION = "Function"
FUNCTION_ROLE = "FunctionRole"
FUNCTION_LOG_GROUP = "FunctionLogGroup"
API = "RestApi"
API_PERMISSION = "RestApiInvokePermission"
STAGE = "Stage"
ACCESS_LOG_GROUP = "AccessLogGroup"
ACCOUNT = "ApiGatewayAccount"
ACCOUNT_ROLE = "ApiGatewayCloudWatchRole"
DEPLOYMENT_PREFIX = "Deployment"
#: The custom resource that redeploys the stage after a parameter-only update, and its parts.
REDEPLOY = "PrivgwRedeploy"
REDEPLOY_TYPE = "Custom::PrivgwRedeploy"
REDEPLOY_FUNCTION = "PrivgwRedeployFunction"
REDEPLOY_ROLE = "PrivgwRedeployRole"
REDEPLOY_LOG_GROUP = "PrivgwRedeployLogGroup"
DOMAIN = "CustomDomain"
DOMAIN_MAPPING = "CustomDomainMapping"
DOMAIN_ZONE = "CustomDomainZone"
DOMAIN_RECORD = "CustomDomainRecord"
DOMAIN_SHARE = "CustomDomainShare"
PROVIDER_DOMAIN_ACCESS = "ProviderDomainAccess"
DOMAIN_ACCESS_PREFIX = "CustomDomainAccess"

# Parameters of reusable templates (resources/parameters.py); a list's items get 1, 2, ...
STAGE_PARAMETER = "StageName"
VPC_PARAMETER = "VpcId"
SUBNETS_PARAMETER = "SubnetIds"
ALLOWED_CIDR_PARAMETER = "AllowedCidr"
SOURCE_GROUP_PARAMETER = "SourceSecurityGroupId"
ENDPOINT_GROUPS_PARAMETER = "EndpointSecurityGroupIds"
EXISTING_ENDPOINT_PARAMETER = "ExistingEndpointId"
ALLOWED_VPC_PARAMETER = "AllowedVpcId"
ALLOWED_PRINCIPAL_PARAMETER = "AllowedPrincipal"
ENDPOINT_POLICY_PRINCIPAL_PARAMETER = "EndpointPolicyPrincipal"
FUNCTION_SUBNETS_PARAMETER = "FunctionSubnetIds"
FUNCTION_GROUPS_PARAMETER = "FunctionSecurityGroupIds"
DEAD_LETTER_PARAMETER = "DeadLetterArn"
FUNCTION_KEY_PARAMETER = "FunctionKmsKeyArn"
LOG_KEY_PARAMETER = "LogKmsKeyArn"
CERTIFICATE_PARAMETER = "CertificateArn"
HOSTED_ZONE_PARAMETER = "HostedZoneId"
SHARE_PRINCIPAL_PARAMETER = "SharePrincipal"
PROVIDER_DOMAIN_PARAMETER = "ProviderDomainNameArn"
ENDPOINT_DNS_PARAMETER = "VpcEndpointDnsName"
ENDPOINT_ZONE_PARAMETER = "VpcEndpointHostedZoneId"


def _camel(segment: str) -> str:
    """'{item_id}' -> 'ItemId', 'v2.beta' -> 'V2Beta', '{proxy+}' -> 'ProxyPlus'."""
    greedy = segment.endswith("+}")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", segment) if w]
    text = "".join(w[:1].upper() + w[1:] for w in words)
    if segment.startswith("{"):
        text = "Var" + text
    if greedy:
        text += "Plus"
    return text or "X"


def _short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def path_stem(segments: Sequence[str]) -> str:
    """A readable logical-id stem for a resource path.

    Paths of plain lower-case segments camel-case without loss (each capital starts a
    segment), so they stay clean: /orders/recent -> OrdersRecent. Any other path (parameters,
    digits first, punctuation) could camel-case like another one, so a hash of the exact path is
    appended. ``config`` refuses the (adversarial) configs whose stems still collide.
    """
    if not segments:
        return "Root"
    readable = "".join(_camel(s) for s in segments)
    if all(re.fullmatch(r"[a-z][a-z0-9]*", s) for s in segments) and len(readable) <= 200:
        return readable
    return readable[:160] + _short_hash("/" + "/".join(segments))


def resource_id(segments: Sequence[str]) -> str:
    return "Resource" + path_stem(segments)


def method_id(segments: Sequence[str], http_method: str) -> str:
    return "Method" + path_stem(segments) + http_method.capitalize()


def content_hash(*parts: Any) -> str:
    """A hash of template fragments; canonical JSON so key order never changes it."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def deployment_id(digest: str) -> str:
    return DEPLOYMENT_PREFIX + digest


def domain_access_id(index: int) -> str:
    """The access association of the ``index``-th endpoint of this stack's account."""
    return f"{DOMAIN_ACCESS_PREFIX}{index}"


@dataclass(frozen=True)
class FunctionIds:
    """The logical ids of one function's resources, and the prefix of its parameters."""

    function: str
    role: str
    log_group: str
    permission: str
    arn_output: str
    parameter_prefix: str


#: The function ``function:`` names (config.stack.MAIN_FUNCTION) keeps the ids privgw's
#: one-function templates always had, so their stacks update in place.
_MAIN_IDS = FunctionIds(
    FUNCTION, FUNCTION_ROLE, FUNCTION_LOG_GROUP, API_PERMISSION, "FunctionArn", ""
)


def capitalised(name: str) -> str:
    """A function or backend name as a logical-id stem (the config keeps names apart in any
    letter case, so stems never clash)."""
    return name[:1].upper() + name[1:]


def function_ids(name: str) -> FunctionIds:
    if name == "main":
        return _MAIN_IDS
    stem = capitalised(name) + "Function"
    return FunctionIds(
        stem,
        f"{stem}Role",
        f"{stem}LogGroup",
        f"{stem}InvokePermission",
        f"{stem}Arn",
        capitalised(name),
    )


@dataclass(frozen=True)
class ApiKeyIds:
    """The logical ids of one consumer's API key, usage plan and key-in-plan, and the output
    that names the key."""

    key: str
    plan: str
    plan_key: str
    output: str


def api_key_ids(consumer: str) -> ApiKeyIds:
    stem = capitalised(consumer)
    return ApiKeyIds(f"{stem}ApiKey", f"{stem}UsagePlan", f"{stem}UsagePlanKey", f"{stem}ApiKeyId")


def gateway_response_id(response_type: str) -> str:
    """``GatewayResponseAccessDenied`` for ACCESS_DENIED."""
    return "GatewayResponse" + "".join(w.capitalize() for w in response_type.lower().split("_"))


def authorizer_permission_id(name: str) -> str:
    """The SAM flavour's permission for a routed function to be called as an authorizer."""
    return function_ids(name).function + "AuthorizerPermission"


def vpc_link_id(backend: str) -> str:
    """The VPC link (v2, or v1 to an NLB) privgw creates for ``backend``."""
    return capitalised(backend) + "VpcLink"


def backend_parameter_prefix(backend: str) -> str:
    return capitalised(backend) + "Backend"


def endpoint_export(prefix: str) -> str:
    """The export an endpoint stack publishes its endpoint id under (API stacks import it)."""
    return f"{prefix}-VpcEndpointId"

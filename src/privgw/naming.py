"""Logical ids: stable, readable, unique, and a content hash for the Deployment.

Logical ids are what CloudFormation diffs on update, so they must depend only on what a
resource *is* (its path, its method), never on list order, or reordering routes would replace
resources.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
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

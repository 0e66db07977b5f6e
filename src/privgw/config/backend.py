"""HTTP services (``backends``): internal ones behind a load balancer, or, explicitly, one
outside the VPC; beside ``resources/backend.py`` that builds their VPC links and integrations.

A REST API reaches a private load balancer through a VPC link (API Gateway developer guide,
"Private integrations for REST APIs"): a VPC link v2 to an Application or Network Load Balancer
of the same account (the integration names the load balancer), or a legacy VPC link v1, which
already names its Network Load Balancer.
"""

from __future__ import annotations

import re
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from privgw.config.addresses import SecurityGroupId, SubnetId
from privgw.config.checking import JsonSchemaExtra, Matching, fail, reads, refuse, shaped
from privgw.config.types import (
    StreamsResponses,
    StrictModel,
    UniqueList,
    listed,
    optional,
    switch,
)
from privgw.limits import MAX_INTEGRATION_TIMEOUT_S, MAX_STREAMING_TIMEOUT_S

#: An ALB (``app``) or NLB (``net``); a Gateway Load Balancer (``gwy``) takes no HTTP.
LOAD_BALANCER_ARN_PATTERN = (
    r"arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:"
    r"loadbalancer/(app|net)/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}"
)
LoadBalancerArn = Annotated[
    str,
    Matching(
        shaped(
            LOAD_BALANCER_ARN_PATTERN,
            "Application or Network Load Balancer ARN",
            "arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/"
            "<16 hex digits> (or .../net/... for an NLB; not a Gateway Load Balancer)",
        )
    ),
]
#: API Gateway's generated ids (VPC links of either version): lower-case letters and digits.
VPC_LINK_ID_PATTERN = r"[a-z0-9]{5,16}"
VpcLinkId = Annotated[
    str,
    Matching(shaped(VPC_LINK_ID_PATTERN, "VPC link id", "5-16 lower-case letters and digits")),
]

_HOST = re.compile(
    r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
URI_EXPECTED = (
    "http://HOST or https://HOST, with an optional :PORT and nothing after it (the path goes "
    "in path_prefix), e.g. https://orders.internal.example.com"
)


def _check_base_uri(value: str) -> str:
    """The integration's scheme, host and port. API Gateway sends the host as the request's
    Host header and, over https, checks it against the backend's certificate; the connection
    itself goes through the VPC link ("Set up API with private integrations using OpenAPI")."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise fail("is not a URL", URI_EXPECTED) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not _HOST.fullmatch(parts.hostname)
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
        or (port is not None and not 1 <= port <= 65535)
    ):
        raise fail("is not a base URL", URI_EXPECTED)
    return value.rstrip("/")


_check_base_uri.pattern = (  # type: ignore[attr-defined]
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$"
)
BaseUri = Annotated[str, Matching(_check_base_uri)]

_PREFIX_CHAR = r"[A-Za-z0-9._~:@!$&'()*+,;=-]"
#: A segment, but not . or .. alone: clients and proxies resolve dot segments before sending
#: (RFC 3986, section 5.2.4), so the service would never see the path as written.
_PREFIX_SEGMENT = rf"(?!\.{{1,2}}(?!{_PREFIX_CHAR})){_PREFIX_CHAR}+"


def _check_prefix(value: str) -> str:
    if value and any(s in (".", "..") for s in value.split("/")):
        raise fail(
            "has a dot segment (. or ..), which HTTP clients and proxies resolve away before "
            "the request is sent",
            "/-separated names without . or .. segments, e.g. /internal/v2",
        )
    if value and not re.fullmatch(rf"(/{_PREFIX_SEGMENT})+", value):
        raise fail(
            "is not a path prefix",
            "empty, or /-separated segments without a trailing /, e.g. /internal/v2",
        )
    return value


PathPrefix = Annotated[
    str,
    AfterValidator(_check_prefix),
    JsonSchemaExtra(pattern=rf"^(/{_PREFIX_SEGMENT})*$"),
]

_TARGET_SEGMENT = rf"({_PREFIX_SEGMENT}|\{{[A-Za-z_][A-Za-z0-9_]*\}})"
TARGET_PATH_EXPECTED = (
    "/ or /-separated segments (a trailing / allowed), each a name or a {param} of the "
    "route's path, e.g. /Prod/ or /v2/orders/{id}"
)


def _check_target_path(value: str) -> str:
    if any(s in (".", "..") for s in value.split("/")):
        raise fail(
            "has a dot segment (. or ..), which HTTP clients and proxies resolve away",
            TARGET_PATH_EXPECTED,
        )
    if not re.fullmatch(rf"/({_TARGET_SEGMENT}(/{_TARGET_SEGMENT})*/?)?", value):
        raise fail("is not a path", TARGET_PATH_EXPECTED)
    return value


_check_target_path.pattern = (  # type: ignore[attr-defined]
    rf"^/({_TARGET_SEGMENT}(/{_TARGET_SEGMENT})*/?)?$"
)
#: Where a route goes on its backend, instead of its own path (after the backend's
#: path_prefix): ``GET /fargate`` to ``/Prod/``.
TargetPath = Annotated[str, Matching(_check_target_path)]


class VpcLinkV2(StrictModel):
    """A VPC link v2: privgw creates one from subnets and security groups, or uses ``id``."""

    id: VpcLinkId | None = Field(
        default=None,
        description="or use an existing VPC link v2 (5-16 lower-case letters and digits)",
    )
    subnet_ids: UniqueList[SubnetId] = listed(
        16,
        "Subnets for the link's network interfaces (one per Availability Zone "
        "the load balancer serves).",
    )
    security_group_ids: UniqueList[SecurityGroupId] = listed(
        5,
        "Security groups of the link's interfaces; the load balancer's group must "
        "admit them on its listener port.",
    )

    @model_validator(mode="after")
    @reads("id", "subnet_ids", "security_group_ids")
    def _one_shape(self) -> Self:
        if self.id is not None and (self.subnet_ids or self.security_group_ids):
            raise refuse(
                "id",
                "names an existing link and also subnets or security groups for a new one",
                self.id,
                "either id, or subnet_ids with security_group_ids",
            )
        if self.id is None and not (self.subnet_ids and self.security_group_ids):
            missing = "subnet_ids" if not self.subnet_ids else "security_group_ids"
            raise refuse(
                missing,
                "is required to create a VPC link",
                "[]",
                "at least one (or id: an existing VPC link v2)",
            )
        return self

    @property
    def created(self) -> bool:
        return self.id is None


class VpcLinkV1(StrictModel):
    """A legacy VPC link (v1) to a Network Load Balancer: an existing one, which already names
    its NLB ({id}), or one privgw creates to the backend's load_balancer_arn ({create: true})."""

    id: VpcLinkId | None = optional(
        "or an existing legacy VPC link v1, which already names its NLB (no "
        "`load_balancer_arn` then)"
    )
    create: bool = switch(
        False,
        (
            "or `true`: privgw creates a legacy VPC link v1 (`AWS::ApiGateway::VpcLink`) to "
            "the NLB in `load_balancer_arn`, and the route's integration goes through it (a "
            "reusable template takes the NLB's ARN as a parameter). Exactly one of `id` and "
            "`create`."
        ),
    )

    @property
    def created(self) -> bool:
        return self.create

    @model_validator(mode="after")
    @reads("id", "create")
    def _existing_or_created(self) -> Self:
        if (self.id is not None) == self.create:
            raise refuse(
                "id" if self.id is not None else "create",
                "names an existing link and asks for a new one"
                if self.id is not None
                else "is required: an existing link or a new one",
                None,
                "{id: <vpc link id>} or {create: true}",
            )
        return self


class Backend(StreamsResponses):
    """An HTTP service routes reach through an HTTP proxy integration: internal, through a VPC
    link, or over the internet (``internet``; API Gateway developer guide, "HTTP proxy
    integrations")."""

    model_config = StreamsResponses.model_config | ConfigDict(
        json_schema_extra={
            **StreamsResponses.model_config.get("json_schema_extra", {}),  # type: ignore[dict-item]
            # what _one_link checks, as far as JSON Schema can say it
            "anyOf": [
                {"required": ["vpc_link"]},
                {"required": ["vpc_link_v1"]},
                {"required": ["internet"], "properties": {"internet": {"const": True}}},
            ],
            "not": {"required": ["vpc_link", "vpc_link_v1"]},
            # _over_the_internet: only https crosses the internet
            "allOf": [
                {
                    "if": {
                        "properties": {"internet": {"const": True}},
                        "required": ["internet"],
                    },
                    "then": {"properties": {"uri": {"pattern": "^https://"}}},
                }
            ],
            "dependentRequired": {"vpc_link": ["load_balancer_arn"]},
        }
    )

    load_balancer_arn: LoadBalancerArn | None = optional(
        (
            "the internal ALB (`...:loadbalancer/app/...`) or NLB (`.../net/...`) in the API's "
            "account; a Gateway Load Balancer is refused. Becomes the integration's "
            "`IntegrationTarget` (v2), or the target of the VPC link v1 privgw creates (an "
            "NLB only)."
        ),
    )
    vpc_link: VpcLinkV2 | None = optional(
        "{subnet_ids, security_group_ids} to create a VPC link v2, or {id} of one.",
    )
    vpc_link_v1: VpcLinkV1 | None = optional(
        "A legacy VPC link to an NLB: {id} of an existing one, or {create: true} for a new "
        "one to load_balancer_arn.",
    )
    internet: bool = switch(
        False,
        (
            "`true`: the service is outside the VPC (an `https://` URL; plain http is "
            "refused) and API Gateway reaches it over the internet (`ConnectionType: "
            "INTERNET`, no VPC link, no `load_balancer_arn`). The API stays private; the "
            'build says that these calls leave the VPC. A deliberate exception to "internal '
            'services only", so it must be asked for.'
        ),
    )
    uri: BaseUri = Field(
        description=(
            "`http://HOST` or `https://HOST`, optional `:PORT`, no path: API Gateway sends "
            "HOST as the request's `Host` header and, over https, checks the service's "
            "certificate against it; the connection itself goes through the VPC link"
        )
    )
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="the port, when `uri` does not give one (giving both is refused)",
    )
    path_prefix: PathPrefix = Field(
        default="",
        description=(
            "prepended to each route's path: `GET /orders/{id}` with prefix `/api` calls "
            "`/api/orders/{id}`; a greedy `{proxy+}` passes the rest of the path"
        ),
    )
    timeout: int = Field(
        default=MAX_INTEGRATION_TIMEOUT_S,
        ge=1,
        le=MAX_STREAMING_TIMEOUT_S,
        description=(
            "integration timeout in seconds: 1-29 by default; 30-300 for a private REST API "
            'once the account\'s "Maximum integration timeout in milliseconds" quota is raised '
            "(the build says so, since the deployment fails without it); up to 900 with "
            "`response_streaming`"
        ),
    )
    response_streaming: bool = Field(
        default=False, description="Stream the service's response (ResponseTransferMode STREAM)."
    )

    @model_validator(mode="after")
    @reads("internet", "uri", "load_balancer_arn", "vpc_link", "vpc_link_v1")
    def _over_the_internet(self) -> Self:
        if not self.internet:
            return self
        given = [
            name
            for name in ("vpc_link", "vpc_link_v1", "load_balancer_arn")
            if getattr(self, name) is not None
        ]
        if given:
            raise refuse(
                given[0],
                "is given with internet: true (an internet integration has no VPC link)",
                None,
                "either internet: true, or a VPC link to an internal load balancer",
            )
        if not self.uri.startswith("https://"):
            raise refuse(
                "uri",
                "is plain http with internet: true: the call would cross the internet unencrypted",
                self.uri,
                "an https:// URL",
            )
        return self

    @model_validator(mode="after")
    @reads("internet", "load_balancer_arn", "vpc_link", "vpc_link_v1")
    def _one_link(self) -> Self:
        if self.internet:
            return self
        if self.vpc_link is None and self.vpc_link_v1 is None:
            raise refuse(
                "vpc_link",
                "is required: a private API reaches an internal service only through a VPC "
                "link (or, explicitly, over the internet)",
                None,
                "vpc_link: {subnet_ids, security_group_ids} (a new VPC link v2), "
                "vpc_link: {id} (an existing one), vpc_link_v1: {id}, vpc_link_v1: "
                "{create: true} with an NLB's load_balancer_arn, or internet: true for an "
                "https service outside the VPC",
            )
        if self.vpc_link is not None and self.vpc_link_v1 is not None:
            raise refuse(
                "vpc_link_v1", "is given beside vpc_link", None, "one of vpc_link, vpc_link_v1"
            )
        if self.vpc_link is not None and self.load_balancer_arn is None:
            raise refuse(
                "load_balancer_arn",
                "is required with vpc_link (a VPC link v2 integration names its load balancer)",
                None,
                "the ARN of an internal ALB or NLB",
            )
        v1 = self.vpc_link_v1
        if v1 is not None and not v1.created and self.load_balancer_arn is not None:
            raise refuse(
                "load_balancer_arn",
                "is not used with an existing vpc_link_v1 (a VPC link v1 already names its NLB)",
                self.load_balancer_arn,
                "no load_balancer_arn, vpc_link_v1: {create: true}, or vpc_link",
            )
        if (
            v1 is not None
            and v1.created
            and ":loadbalancer/net/" not in (self.load_balancer_arn or "")
        ):
            raise refuse(
                "load_balancer_arn",
                "must be a Network Load Balancer for a created vpc_link_v1 (a VPC link v1 "
                "targets NLBs only)",
                self.load_balancer_arn,
                "the ARN of an internal NLB (...:loadbalancer/net/<name>/<id>)",
            )
        return self

    @model_validator(mode="after")
    @reads("uri", "port")
    def _port_once(self) -> Self:
        if self.port is not None and urlsplit(self.uri).port is not None:
            raise refuse("port", "is also given in uri", str(self.port), "the port in one place")
        return self

    @property
    def base_url(self) -> str:
        """Scheme, host, port and path prefix: the integration URI before the route's path."""
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.uri}{port}{self.path_prefix}"

"""A private custom domain name (``custom_domain``), beside ``resources/domain.py``."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import (
    Field,
    model_validator,
)

from privgw.config.addresses import VpcEndpointId, VpcId
from privgw.config.checking import Matching, fail_many, reads, refuse, shaped
from privgw.config.tls import Tls
from privgw.config.types import StrictModel, UniqueList, listed, optional, switch
from privgw.errors import Problem

DomainName = Annotated[
    str,
    Matching(
        shaped(
            r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
            "domain name",
            "a lower-case DNS name such as orders.internal.example.com",
        )
    ),
]
CertificateArn = Annotated[
    str,
    Matching(
        shaped(
            r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]{1,64}",
            "ACM certificate ARN",
            "arn:<partition>:acm:<region>:<account>:certificate/<id>",
        )
    ),
]
EndpointDnsName = Annotated[
    str,
    Matching(
        shaped(
            r"vpce-[0-9a-f]{8,17}-[a-z0-9]{8}\.execute-api\.[a-z0-9-]+\.vpce\.amazonaws\.com"
            r"(\.cn)?",
            "endpoint DNS name",
            "the endpoint's regional DNS name, vpce-...-xxxxxxxx.execute-api.<region>."
            "vpce.amazonaws.com",
        )
    ),
]
HostedZoneId = Annotated[
    str,
    Matching(shaped(r"Z[A-Z0-9]{1,32}", "hosted zone id", "Z followed by letters/digits")),
]
#: Who a resource share may name: an account, an organization or an organizational unit
#: ("CreateResourceShare", AWS RAM API reference: principals).
SHARE_PRINCIPAL_PATTERN = (
    r"\d{12}|arn:aws[a-z-]*:organizations::\d{12}:(organization/o-[a-z0-9]{10,32}"
    r"|ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})"
)
SharePrincipal = Annotated[
    str,
    Matching(
        shaped(
            SHARE_PRINCIPAL_PATTERN,
            "account id, organization ARN or OU ARN",
            "a 12-digit account id, arn:aws:organizations::<management account>:organization/"
            "o-..., or arn:aws:organizations::<management account>:ou/o-.../ou-...",
        )
    ),
]
BasePath = Annotated[
    str,
    Matching(
        shaped(r"[A-Za-z0-9._-]{0,128}", "base path", "empty, or letters, digits, . _ - (no /)")
    ),
]


def dns_name_problem(endpoint_id: str, dns_name: str) -> list[Problem]:
    """An endpoint's regional DNS name starts with its id: another one is a copy slip."""
    if dns_name.startswith(endpoint_id + "-"):
        return []
    return [
        Problem(
            "dns_name",
            f"is not a DNS name of {endpoint_id}",
            dns_name,
            f"{endpoint_id}-xxxxxxxx.execute-api.<region>.vpce.amazonaws.com",
        )
    ]


class AliasEndpoint(StrictModel):
    """The existing endpoint a custom domain's alias record points at, when privgw creates no
    endpoint: what ``aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ID`` says of it."""

    id: VpcEndpointId = Field(description="One of endpoint.existing_ids.")
    vpc_id: VpcId | None = optional(
        "The endpoint's VPC (VpcId): a zone privgw creates is associated with it.",
    )
    dns_name: EndpointDnsName = Field(
        description="The endpoint's regional DNS name (DnsEntries[0].DnsName)."
    )
    hosted_zone_id: HostedZoneId = Field(
        description="The hosted zone of that DNS name (DnsEntries[0].HostedZoneId)."
    )

    @model_validator(mode="after")
    @reads("id", "dns_name")
    def _name_of_this_endpoint(self) -> Self:
        problems = dns_name_problem(self.id, self.dns_name)
        if problems:
            raise fail_many(problems)
        return self


class PrivateHostedZone(StrictModel):
    """Where the custom name resolves to the endpoint: a new private zone, or an existing one."""

    create: bool = switch(
        False,
        "Create a Route 53 private hosted zone for the name in the endpoint's VPC.",
    )
    id: HostedZoneId | None = Field(default=None, description="An existing private zone.")

    @model_validator(mode="after")
    @reads("create", "id")
    def _one(self) -> Self:
        if self.create == (self.id is not None):
            raise fail_many(
                [Problem("", "needs exactly one of create: true or id", None, "create or id")]
            )
        return self


class ApiHostedZone(PrivateHostedZone):
    """An API's zone: the alias record points at the created endpoint, or at an existing one
    (``endpoint``) when privgw creates none."""

    endpoint: AliasEndpoint | None = optional(
        "The existing endpoint the name points at, when privgw creates none.",
    )

    @model_validator(mode="after")
    @reads("create", "endpoint")
    def _zone_has_a_vpc(self) -> Self:
        if self.create and self.endpoint is not None and self.endpoint.vpc_id is None:
            raise refuse(
                "endpoint.vpc_id",
                "is required to create the zone: it is associated with the endpoint's VPC",
                None,
                "the endpoint's VpcId, or id: an existing zone",
            )
        return self


class CustomDomain(StrictModel):
    """A private custom domain name (DomainNameV2) in front of the API."""

    name: DomainName = Field(
        description="The private custom domain name callers use (https://<name>/<base_path>)."
    )
    certificate_arn: CertificateArn = Field(description="ACM certificate for the name.")
    base_path: BasePath = Field(default="", description="Path under the domain; empty: root.")
    hosted_zone: ApiHostedZone | None = optional(
        "Also point the name at the endpoint in Route 53: the created one, or "
        "hosted_zone.endpoint.",
    )
    share_with: UniqueList[SharePrincipal] = listed(
        20,
        "Share the domain name through AWS RAM with these accounts, organizations or OUs; "
        "their own endpoints (in endpoint.existing_ids or VPCs in access.vpc_ids) may then "
        "associate with it. Each consumer deploys a `kind: consumer` stack.",
    )
    tls: Tls | None = optional(
        "The domain's own {security_policy, endpoint_access_mode}; default: the API's tls.",
    )
    allow_external_principals: bool = switch(
        False,
        "Let the share name accounts outside this account's AWS organization "
        "(off: RAM refuses principals outside it).",
    )

    @model_validator(mode="after")
    @reads("share_with", "allow_external_principals")
    def _external_needs_a_share(self) -> Self:
        if self.allow_external_principals and not self.share_with:
            raise refuse(
                "allow_external_principals",
                "applies only to a share",
                "true",
                "share_with: [<account id>, ...], or no allow_external_principals",
            )
        return self


def domain_endpoint_problems(
    domain: CustomDomain | None, creates: bool, existing_ids: list[str]
) -> list[Problem]:
    """The alias record points at the created endpoint, or at one existing endpoint the API
    admits (``hosted_zone.endpoint``) when privgw creates none."""
    zone = domain.hosted_zone if domain else None
    if zone is None:
        return []
    if creates and zone.endpoint is not None:
        return [
            Problem(
                "custom_domain.hosted_zone.endpoint",
                "applies only when privgw creates no endpoint: the record points at the "
                "created one",
                None,
                "no hosted_zone.endpoint, or endpoint.create: false",
            )
        ]
    if not creates and zone.endpoint is None:
        return [
            Problem(
                "custom_domain.hosted_zone.endpoint",
                "is required when privgw creates no endpoint: the existing endpoint the name "
                "resolves to",
                None,
                "{id, vpc_id, dns_name, hosted_zone_id} of one of endpoint.existing_ids (aws ec2 "
                "describe-vpc-endpoints), or no hosted_zone",
            )
        ]
    if zone.endpoint is not None and zone.endpoint.id not in existing_ids:
        return [
            Problem(
                "custom_domain.hosted_zone.endpoint.id",
                "is not one of endpoint.existing_ids: the name would resolve to an endpoint the "
                "API's policy refuses",
                zone.endpoint.id,
                "one of: " + (", ".join(existing_ids) or "none listed"),
            )
        ]
    return []


def share_problems(domain: CustomDomain | None, admits_others: bool) -> list[Problem]:
    """A share lets other accounts associate their endpoints, but only the policies let those
    endpoints call; endpoints of other accounts can only be listed by id or VPC."""
    if domain is None or not domain.share_with or admits_others:
        return []
    return [
        Problem(
            "custom_domain.share_with",
            "shares the domain, but no consumer's endpoint is allowed to call it",
            None,
            "the consumers' endpoint ids in endpoint.existing_ids, or their VPC ids in "
            "access.vpc_ids (the API's and the domain's policy admit exactly those)",
        )
    ]

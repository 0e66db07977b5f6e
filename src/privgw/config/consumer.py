"""A consumer stack (``kind: consumer``), beside ``resources/consumer.py``: what another
account needs to call a provider's private custom domain name ("API consumer: Associate your
VPC endpoint with a private custom domain name shared with you", API Gateway developer guide).

The provider's config shares the domain (``custom_domain.share_with``) and admits this
account's endpoint; this config creates (or reuses) the endpoint, associates it with the
provider's domain name, and makes the name resolve to it in this VPC.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from privgw.config.addresses import SecurityGroupId, VpcEndpointId, VpcId
from privgw.config.base import EndpointSectionStack, StackConfig, cross_field_rule
from privgw.config.checking import Matching, fail_many, reads, shaped
from privgw.config.domain import (
    BasePath,
    DomainName,
    EndpointDnsName,
    HostedZoneId,
    PrivateHostedZone,
    dns_name_problem,
)
from privgw.config.network import (
    ConsumerEndpointPolicy,
    Network,
    existing_groups,
    network_problems,
)
from privgw.config.regions import one_region_problems
from privgw.config.types import StageName, StrictModel, UniqueList, optional, switch
from privgw.errors import Problem
from privgw.patterns import REGION

REGION_PATTERN = REGION

#: arn:<partition>:apigateway:<region>:<account>:/domainnames/<name>+<id> ("Custom domain
#: names for private APIs": the ARN, not the name, identifies a private domain name).
DOMAIN_NAME_ARN_PATTERN = (
    rf"arn:aws[a-z-]*:apigateway:{REGION_PATTERN}:\d{{12}}:/domainnames/"
    r"[a-z0-9.-]{4,253}\+[A-Za-z0-9]{1,64}"
)
_DOMAIN_NAME_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):apigateway:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"/domainnames/(?P<name>[^+]+)\+(?P<id>.+)"
)

DomainNameArn = Annotated[
    str,
    Matching(
        shaped(
            DOMAIN_NAME_ARN_PATTERN,
            "private custom domain name ARN",
            "arn:aws:apigateway:<region>:<provider account>:/domainnames/<name>+<id> "
            "(the provider stack's CustomDomainArn output)",
        )
    ),
]
Region = Annotated[
    str, Matching(shaped(REGION_PATTERN, "region name", "a region name such as us-east-1"))
]
AccountId = Annotated[str, Matching(shaped(r"\d{12}", "account id", "a 12-digit AWS account id"))]
RestApiId = Annotated[
    str,
    Matching(shaped(r"[a-z0-9]{10}", "REST API id", "10 lower-case letters and digits")),
]


def partition_of(region: str) -> str:
    """The partition a region belongs to (ARNs of the other partitions never name it)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class Provider(StrictModel):
    """The provider's private custom domain name, as its stack's outputs give it."""

    domain_name_arn: DomainNameArn = Field(
        description="The provider stack's CustomDomainArn output (names the region and "
        "the provider's account)."
    )
    domain_name: DomainName = Field(description="The domain name callers use.")
    base_path: BasePath = Field(
        default="", description="The provider's custom_domain.base_path; empty: root."
    )
    api_id: RestApiId | None = optional(
        "The provider's RestApiId output: adds the header and private-DNS "
        "forms of the call to the outputs.",
    )
    region: Region | None = optional(
        "The provider's region; must be the region of domain_name_arn (a domain "
        "name is shared per region, and the endpoint must be in it).",
    )
    stage: StageName = Field(default="v1", description="The provider's stage (with api_id).")

    @property
    def arn_parts(self) -> dict[str, str]:
        match = _DOMAIN_NAME_ARN.fullmatch(self.domain_name_arn)
        assert match is not None, "validated by DOMAIN_NAME_ARN_PATTERN"
        return match.groupdict()

    @property
    def arn_region(self) -> str:
        return self.arn_parts["region"]

    @property
    def account(self) -> str:
        return self.arn_parts["account"]

    @model_validator(mode="after")
    @reads("domain_name_arn", "domain_name", "region", "api_id", "stage")
    def _arn_agrees(self) -> Self:
        parts = self.arn_parts
        problems = []
        if parts["name"] != self.domain_name:
            problems.append(
                Problem(
                    "domain_name_arn",
                    f"names the domain {parts['name']}, not domain_name {self.domain_name}",
                    self.domain_name_arn,
                    f"the ARN of {self.domain_name} (provider output CustomDomainArn)",
                )
            )
        if partition_of(parts["region"]) != parts["partition"]:
            problems.append(
                Problem(
                    "domain_name_arn",
                    f"names region {parts['region']} in partition {parts['partition']}, "
                    "where it does not exist",
                    self.domain_name_arn,
                    f"arn:{partition_of(parts['region'])}:apigateway:{parts['region']}:...",
                )
            )
        if self.region is not None and self.region != parts["region"]:
            problems.append(
                Problem(
                    "region",
                    f"differs from the region of domain_name_arn ({parts['region']}); a "
                    "domain name is shared per region and only endpoints of its region can "
                    "associate with it",
                    self.region,
                    parts["region"],
                )
            )
        if self.api_id is None and "stage" in self.model_fields_set:
            problems.append(
                Problem(
                    "stage",
                    "is used only with api_id (for the execute-api forms of the URL)",
                    self.stage,
                    "api_id as well, or no stage",
                )
            )
        if problems:
            raise fail_many(problems)
        return self


class ConsumerEndpoint(StrictModel):
    """The execute-api endpoint of this account that calls the provider: created here, or an
    existing one (with what the alias record and outputs need to know of it)."""

    create: bool = Field(default=True, description="Create an endpoint in `network`.")
    private_dns: bool = switch(
        False,
        "Private DNS on the created endpoint. Off by default: the custom domain "
        "does not need it, and on it makes every public API's default name resolve to this "
        "endpoint in the VPC (one endpoint per VPC may have it).",
    )
    policy: ConsumerEndpointPolicy | None = Field(
        default=None, description="A VPC endpoint policy on the created endpoint."
    )
    security_group_ids: UniqueList[SecurityGroupId] = existing_groups()
    existing_id: VpcEndpointId | None = Field(
        default=None, description="Reuse this endpoint (create: false)."
    )
    vpc_id: VpcId | None = Field(default=None, description="The existing endpoint's VPC.")
    dns_name: EndpointDnsName | None = optional(
        "The existing endpoint's regional DNS name (DnsEntries[0].DnsName).",
    )
    hosted_zone_id: HostedZoneId | None = optional(
        "The hosted zone of that DNS name (DnsEntries[0].HostedZoneId), for the alias record.",
    )

    @model_validator(mode="after")
    @reads(
        *("create", "private_dns", "policy", "security_group_ids"),
        *("existing_id", "vpc_id", "dns_name", "hosted_zone_id"),
    )
    def _create_or_reuse(self) -> Self:
        reuse = ("existing_id", "vpc_id", "dns_name", "hosted_zone_id")
        problems = []
        if self.create:
            problems += [
                Problem(
                    name,
                    "describes an existing endpoint, and create is true",
                    str(getattr(self, name)),
                    "create: false to reuse an endpoint, or no " + name,
                )
                for name in reuse
                if getattr(self, name) is not None
            ]
        else:
            problems += [
                Problem(
                    name,
                    "is required to reuse an endpoint",
                    None,
                    "see `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <id>`: VpcId, "
                    "DnsEntries[0].DnsName, DnsEntries[0].HostedZoneId",
                )
                for name in reuse
                if getattr(self, name) is None
            ]
            problems += [
                Problem(name, "applies only to an endpoint privgw creates", None, f"no {name}")
                for name in ("policy", "private_dns", "security_group_ids")
                if name in self.model_fields_set
            ]
            if self.existing_id and self.dns_name:
                problems += dns_name_problem(self.existing_id, self.dns_name)
        if problems:
            raise fail_many(problems)
        return self


class ConsumerStack(EndpointSectionStack):
    """A consumer account's stack for a provider's shared private custom domain name."""

    model_config = StackConfig.model_config | ConfigDict(title="ConsumerStack")

    kind: Literal["consumer"] = Field(description="A consumer stack.")
    account_id: AccountId | None = optional(
        "This consumer's account: the template then refuses to deploy into any "
        "other (a CloudFormation rule), and `privgw simulate --consumer` checks that the "
        "provider shares with it.",
    )
    network: Network | None = Field(
        default=None, description="Where the created endpoint lives and who may reach it."
    )
    endpoint: ConsumerEndpoint = Field(
        default_factory=ConsumerEndpoint,
        description=(
            "This account's execute-api endpoint: created in `network`, or an existing one."
        ),
    )
    provider: Provider = Field(
        description="The provider's shared private domain name and API, as its build prints them."
    )
    hosted_zone: PrivateHostedZone | None = Field(
        default_factory=lambda: PrivateHostedZone(create=True),
        description="Where the domain name resolves to the endpoint: a private zone created "
        "for it in this VPC (the default), an existing zone (id), or null to manage DNS "
        "yourself.",
    )
    reusable: bool = switch(
        False,
        "Make VPC, subnets, caller CIDRs, the reused endpoint, the zone and the "
        "provider's domain name ARN template Parameters (defaults from this config).",
    )

    _network_matches_endpoint = cross_field_rule(
        lambda cfg: network_problems(
            cfg.endpoint.create, cfg.network, "endpoint.create: false with endpoint.existing_id"
        ),
        *("endpoint", "network"),
    )
    #: A shared domain name is associated with endpoints of its own region only.
    _endpoint_in_the_domains_region = cross_field_rule(
        lambda cfg: one_region_problems(
            [
                ("provider.domain_name_arn", cfg.provider.domain_name_arn),
                ("endpoint.dns_name", cfg.endpoint.dns_name),
            ]
        ),
        *("provider", "endpoint"),
    )

    @property
    def vpc_id(self) -> str:
        """The VPC the calls come from (of the created or the reused endpoint)."""
        if self.network is not None:
            return self.network.vpc_id
        assert self.endpoint.vpc_id is not None, "validated: reuse names its VPC"
        return self.endpoint.vpc_id

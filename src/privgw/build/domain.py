"""Private custom domain names: DomainNameV2 (PRIVATE, its own policy), its mapping to the
stage, one access association per endpoint, and optionally the Route 53 private zone and
alias record that make the name resolve to the created endpoint."""

from __future__ import annotations

from typing import Any

from troposphere import AWSObject, GetAtt, Ref, Select, Split
from troposphere.apigateway import (
    BasePathMappingV2,
    DomainNameAccessAssociation,
    DomainNameV2,
    EndpointConfiguration,
)
from troposphere.route53 import HostedZone, HostedZoneVPCs, RecordSetType
from troposphere.validators.route53 import AliasTarget

from privgw import naming
from privgw.build.common import tags_for
from privgw.build.network import created_endpoint_dns_name, endpoint_ids
from privgw.config import Config

DOMAIN = "CustomDomain"
MAPPING = "CustomDomainMapping"
ZONE = "CustomDomainZone"
RECORD = "CustomDomainRecord"


def domain_resources(cfg: Config, stage: Any, policy: dict[str, Any]) -> list[AWSObject]:
    """Everything the custom domain needs; ``stage`` is how this flavour names its stage."""
    domain = cfg.custom_domain
    if domain is None:
        return []
    arn = GetAtt(DOMAIN, "DomainNameArn")
    mapping: dict[str, Any] = {"BasePath": domain.base_path} if domain.base_path else {}
    parts: list[AWSObject] = [
        DomainNameV2(
            DOMAIN,
            DomainName=domain.name,
            CertificateArn=domain.certificate_arn,
            EndpointConfiguration=EndpointConfiguration(Types=["PRIVATE"]),
            SecurityPolicy="TLS_1_2",
            Policy=policy,
            Tags=tags_for(cfg),
        ),
        BasePathMappingV2(
            MAPPING,
            DomainNameArn=arn,
            RestApiId=Ref(naming.API),
            Stage=stage,
            **mapping,
        ),
    ]
    for index, vpce in enumerate(endpoint_ids(cfg), start=1):
        parts.append(
            DomainNameAccessAssociation(
                f"CustomDomainAccess{index}",
                DomainNameArn=arn,
                AccessAssociationSource=vpce,
                AccessAssociationSourceType="VPCE",
                Tags=tags_for(cfg),
            )
        )
    zone = domain.hosted_zone
    if zone is not None:
        if zone.create:
            parts.append(
                HostedZone(
                    ZONE,
                    Name=domain.name,
                    VPCs=[
                        HostedZoneVPCs(
                            VPCId=cfg.network_required.vpc_id, VPCRegion=Ref("AWS::Region")
                        )
                    ],
                )
            )
        parts.append(
            RecordSetType(
                RECORD,
                HostedZoneId=Ref(ZONE) if zone.create else zone.id,
                Name=domain.name,
                Type="A",
                AliasTarget=AliasTarget(  # type: ignore[no-untyped-call]
                    DNSName=created_endpoint_dns_name(),
                    HostedZoneId=Select(
                        0, Split(":", Select(0, GetAtt(naming.ENDPOINT, "DnsEntries")))
                    ),
                ),
            )
        )
    return parts


def domain_url(cfg: Config) -> str | None:
    domain = cfg.custom_domain
    if domain is None:
        return None
    return f"https://{domain.name}/{domain.base_path}"

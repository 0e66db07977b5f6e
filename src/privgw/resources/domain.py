"""Private custom domain names: DomainNameV2 (PRIVATE, its own policy), its mapping to the
stage, an access association per endpoint of this account, and optionally the Route 53 private
zone and alias record that make the name resolve to the created endpoint.

Only the owner of a VPC endpoint can associate it with a domain name ("Custom domain names for
private APIs in API Gateway": the API consumer creates the association in their own account;
the provider cannot do it for them). So the template associates only endpoints of its own
account; for every other allowed endpoint, and for endpoints in ``access.vpc_ids``, it outputs
the command their owner runs (and the build prints it).
"""

from __future__ import annotations

from typing import Any

from troposphere import AWSObject, GetAtt, Output, Ref, Select, Split, Sub
from troposphere.apigateway import (
    BasePathMappingV2,
    DomainNameAccessAssociation,
    DomainNameV2,
    EndpointConfiguration,
)
from troposphere.ram import ResourceShare
from troposphere.route53 import HostedZone, HostedZoneVPCs, RecordSetType
from troposphere.validators.route53 import AliasTarget

from privgw import naming
from privgw.config import Config, PrivateHostedZone
from privgw.resources import parameters
from privgw.resources.common import tags_for
from privgw.resources.network import (
    created_endpoint_dns_name,
    existing_endpoint_ids,
    own_account_endpoint_ids,
)
from privgw.resources.tls import domain_tls, tls_properties


def domain_resources(cfg: Config, stage: Any, policy: dict[str, Any]) -> list[AWSObject]:
    """Everything the custom domain needs; ``stage`` is how this flavour names its stage."""
    domain = cfg.custom_domain
    if domain is None:
        return []
    arn = GetAtt(naming.DOMAIN, "DomainNameArn")
    mapping: dict[str, Any] = {"BasePath": domain.base_path} if domain.base_path else {}
    parts: list[AWSObject] = [
        DomainNameV2(
            naming.DOMAIN,
            DomainName=domain.name,
            CertificateArn=parameters.value(cfg, parameters.CERTIFICATE, domain.certificate_arn),
            EndpointConfiguration=EndpointConfiguration(Types=["PRIVATE"]),
            **(tls_properties(domain_tls(cfg)) or {"SecurityPolicy": "TLS_1_2"}),
            Policy=policy,
            Tags=tags_for(cfg),
        ),
        BasePathMappingV2(
            naming.DOMAIN_MAPPING,
            DomainNameArn=arn,
            RestApiId=Ref(naming.API),
            Stage=stage,
            **mapping,
        ),
    ]
    for index, vpce in enumerate(own_account_endpoint_ids(cfg), start=1):
        parts.append(
            DomainNameAccessAssociation(
                naming.domain_access_id(index),
                DomainNameArn=arn,
                AccessAssociationSource=vpce,
                AccessAssociationSourceType="VPCE",
                Tags=tags_for(cfg),
            )
        )
    if domain.share_with:
        parts.append(domain_share(cfg, arn))
    zone = domain.hosted_zone
    if zone is not None:
        zone_id = parameters.value(cfg, parameters.HOSTED_ZONE, zone.id)
        alias = zone.endpoint
        if alias is None:  # the created endpoint
            vpc, dns_name, dns_zone = (
                parameters.vpc_id(cfg),
                created_endpoint_dns_name(),
                endpoint_dns_zone(),
            )
        else:  # an existing endpoint, as the config describes it
            vpc = parameters.value(cfg, parameters.VPC, alias.vpc_id)
            dns_name = parameters.value(cfg, parameters.EXISTING_ENDPOINT_DNS, alias.dns_name)
            dns_zone = parameters.value(
                cfg, parameters.EXISTING_ENDPOINT_ZONE, alias.hosted_zone_id
            )
        parts += name_resolution(
            domain.name, zone, vpc=vpc, dns_name=dns_name, dns_zone=dns_zone, zone_id=zone_id
        )
    return parts


def endpoint_dns_zone() -> Select:
    """The hosted zone of the created endpoint's regional DNS name (for an alias to it)."""
    return Select(0, Split(":", Select(0, GetAtt(naming.ENDPOINT, "DnsEntries"))))


def name_resolution(
    name: str,
    zone: PrivateHostedZone,
    *,
    vpc: Any,
    dns_name: Any,
    dns_zone: Any,
    zone_id: Any = None,
) -> list[AWSObject]:
    """The private hosted zone (when created, in ``vpc``) and the alias A record that make a
    custom domain name resolve to an endpoint's regional DNS name."""
    parts: list[AWSObject] = []
    if zone.create:
        parts.append(
            HostedZone(
                naming.DOMAIN_ZONE,
                Name=name,
                VPCs=[HostedZoneVPCs(VPCId=vpc, VPCRegion=Ref("AWS::Region"))],
            )
        )
    parts.append(
        RecordSetType(
            naming.DOMAIN_RECORD,
            HostedZoneId=Ref(naming.DOMAIN_ZONE) if zone.create else zone_id,
            Name=name,
            Type="A",
            AliasTarget=AliasTarget(  # type: ignore[no-untyped-call]
                DNSName=dns_name, HostedZoneId=dns_zone
            ),
        )
    )
    return parts


def domain_share(cfg: Config, arn: GetAtt) -> ResourceShare:
    """The RAM share of the domain name ("API provider: Share your private custom domain name
    using AWS RAM"): RAM then lets the named accounts associate their endpoints (it keeps the
    domain's managementPolicy); the domain's own policy still decides who may call."""
    domain = cfg.custom_domain
    assert domain is not None
    return ResourceShare(
        naming.DOMAIN_SHARE,
        Name=f"{cfg.name}-custom-domain",
        ResourceArns=[arn],
        Principals=parameters.values(cfg, parameters.SHARE_PRINCIPAL, domain.share_with),
        AllowExternalPrincipals=domain.allow_external_principals,
        Tags=tags_for(cfg),
    )


ASSOCIATE = (
    "aws apigateway create-domain-name-access-association --domain-name-arn {arn} "
    "--access-association-source {vpce} --access-association-source-type VPCE --region {region}"
)


def association_outputs(cfg: Config) -> list[Output]:
    """The command each other endpoint owner runs, in their account, to use the domain."""
    if cfg.custom_domain is None:
        return []
    arn = "${" + naming.DOMAIN + ".DomainNameArn}"
    outputs = [
        Output(
            "CustomDomainArn",
            Description="ARN of the private custom domain name (for access associations)",
            Value=GetAtt(naming.DOMAIN, "DomainNameArn"),
        )
    ]
    if cfg.custom_domain.share_with:
        outputs.append(
            Output(
                "CustomDomainShareArn",
                Description="AWS RAM share of the custom domain (consumers accept it, unless "
                "they are in this organization)",
                Value=Ref(naming.DOMAIN_SHARE),
            )
        )
    for index, vpce in enumerate(existing_endpoint_ids(cfg), start=1):
        command = ASSOCIATE.format(arn=arn, vpce="${Vpce}", region="${AWS::Region}")
        outputs.append(
            Output(
                f"CustomDomainAccessCommand{index}",
                Description="The owner of this allowed endpoint runs this in its account "
                "(the domain shared with it through AWS RAM if that is another account)",
                Value=Sub(command, Vpce=vpce),
            )
        )
    for index, _ in enumerate(cfg.access.vpc_ids, start=1):
        command = ASSOCIATE.format(arn=arn, vpce="<vpce-id>", region="${AWS::Region}")
        outputs.append(
            Output(
                f"CustomDomainVpcAccessCommand{index}",
                Description=f"The owner of an execute-api endpoint in allowed VPC {index} "
                "runs this in its account, with that endpoint's id",
                Value=Sub(command),
            )
        )
    return outputs


def association_notes(cfg: Config) -> list[str]:
    """What the build tells the user to hand to the other endpoints' owners."""
    domain = cfg.custom_domain
    if domain is None:
        return []
    arn = "<CustomDomainArn output>"
    notes = [
        f"custom domain: endpoint {vpce} is not this stack's to associate; its owner runs, in "
        f"its account: {ASSOCIATE.format(arn=arn, vpce=vpce, region='<region>')} "
        f"(output CustomDomainAccessCommand{index})"
        for index, vpce in enumerate(cfg.endpoint.existing_ids, start=1)
    ]
    notes.extend(
        f"custom domain: shared with {principal} through AWS RAM (output CustomDomainShareArn); "
        "its consumer stack (kind: consumer) takes provider.domain_name_arn = output "
        f"CustomDomainArn, provider.domain_name = {domain.name}, provider.api_id = output "
        "RestApiId"
        for principal in domain.share_with
    )
    notes.extend(
        f"custom domain: callers in {vpc} reach it only after the owner of their execute-api "
        f"endpoint runs: {ASSOCIATE.format(arn=arn, vpce='<their vpce-id>', region='<region>')} "
        f"(output CustomDomainVpcAccessCommand{index}), or deploys a kind: consumer stack"
        for index, vpc in enumerate(cfg.access.vpc_ids, start=1)
    )
    return notes


def domain_url(cfg: Config) -> str | None:
    domain = cfg.custom_domain
    if domain is None:
        return None
    return f"https://{domain.name}/{domain.base_path}"

"""A consumer stack (``kind: consumer``): this account's execute-api endpoint (created, or an
existing one), its access association with the provider's shared private custom domain name,
and the private DNS record that makes the name resolve to the endpoint in this VPC.

Only the endpoint's owner can associate it with a domain name ("API consumer: Associate your
VPC endpoint with a private custom domain name shared with you"), which is why this half is a
stack of its own, deployed in the consumer's account after the provider's share is accepted.
"""

from __future__ import annotations

from typing import Any

from troposphere import AWSObject, Equals, GetAtt, Output, Ref, Sub, Template
from troposphere.apigateway import DomainNameAccessAssociation

from privgw import naming
from privgw.config import ConsumerStack
from privgw.flavours import GENERATOR
from privgw.resources import network, parameters
from privgw.resources.common import tags_for
from privgw.resources.domain import endpoint_dns_zone, name_resolution
from privgw.version import __version__

CONSUMER_ENDPOINT_DNS = "${EndpointDns}"


def build_consumer_stack(cfg: ConsumerStack) -> Template:
    """The consumer's template (one for both flavours: it has no SAM resources)."""
    template = Template(
        Description=cfg.description
        or f"privgw: calls {cfg.provider.domain_name} (a private API of another account) "
        "through this account's execute-api endpoint"
    )
    template.set_version("2010-09-09")
    template.set_metadata({GENERATOR: {"generator": GENERATOR, "version": __version__}})
    for parameter in parameters.template_parameters(cfg):
        template.add_parameter(parameter)
    for name, rule in deploy_rules(cfg).items():
        template.add_rule(name, rule)
    for part in sorted(consumer_resources(cfg), key=lambda p: str(p.title)):
        template.add_resource(part)
    for output in consumer_outputs(cfg):
        template.add_output(output)
    return template


def endpoint_id(cfg: ConsumerStack) -> Any:
    if cfg.endpoint.create:
        return Ref(naming.ENDPOINT)
    return parameters.value(cfg, parameters.CONSUMER_ENDPOINT, cfg.endpoint.existing_id)


def endpoint_dns_name(cfg: ConsumerStack) -> Any:
    if cfg.endpoint.create:
        return network.created_endpoint_dns_name()
    return parameters.value(cfg, parameters.EXISTING_ENDPOINT_DNS, cfg.endpoint.dns_name)


def consumer_resources(cfg: ConsumerStack) -> list[AWSObject]:
    parts: list[AWSObject] = []
    if cfg.endpoint.create:
        parts += network.endpoint_resources(cfg)
    parts.append(
        DomainNameAccessAssociation(
            naming.PROVIDER_DOMAIN_ACCESS,
            DomainNameArn=network.provider_domain_arn(cfg),
            AccessAssociationSource=endpoint_id(cfg),
            AccessAssociationSourceType="VPCE",
            Tags=tags_for(cfg),
        )
    )
    if cfg.hosted_zone is not None:
        endpoint_zone = (
            endpoint_dns_zone()
            if cfg.endpoint.create
            else parameters.value(
                cfg, parameters.EXISTING_ENDPOINT_ZONE, cfg.endpoint.hosted_zone_id
            )
        )
        parts += name_resolution(
            cfg.provider.domain_name,
            cfg.hosted_zone,
            vpc=parameters.value(cfg, parameters.VPC, cfg.vpc_id),
            dns_name=endpoint_dns_name(cfg),
            dns_zone=endpoint_zone,
            zone_id=parameters.value(cfg, parameters.HOSTED_ZONE, cfg.hosted_zone.id),
        )
    return parts


def deploy_rules(cfg: ConsumerStack) -> dict[str, Any]:
    """CloudFormation rules that refuse a deploy before anything is created: into another
    region than the domain name's (only endpoints of its region can associate), and into
    another account than the config's. A reusable template retargets both, so has neither."""
    if cfg.reusable:
        return {}
    rules: dict[str, Any] = {
        "ProviderRegion": {
            "Assertions": [
                {
                    "Assert": Equals(Ref("AWS::Region"), cfg.provider.arn_region),
                    "AssertDescription": f"Deploy in {cfg.provider.arn_region}, the region "
                    f"of the provider's domain name {cfg.provider.domain_name}",
                }
            ]
        }
    }
    if cfg.account_id is not None:
        rules["ConsumerAccount"] = {
            "Assertions": [
                {
                    "Assert": Equals(Ref("AWS::AccountId"), cfg.account_id),
                    "AssertDescription": f"Deploy in account {cfg.account_id}, the one "
                    "the provider shares its domain name with",
                }
            ]
        }
    return rules


def consumer_outputs(cfg: ConsumerStack) -> list[Output]:
    provider = cfg.provider
    url = f"https://{provider.domain_name}/{provider.base_path}"
    outputs = [
        Output(
            "VpcEndpointId",
            Description="This account's endpoint (the provider's policies must admit it, by id "
            "or by its VPC)",
            Value=endpoint_id(cfg),
        ),
        Output(
            "DomainAccessAssociationArn",
            Description="Access association of the endpoint with the provider's domain name",
            Value=GetAtt(naming.PROVIDER_DOMAIN_ACCESS, "DomainNameAccessAssociationArn"),
        ),
        Output(
            "CustomDomainUrl",
            Description="Invoke URL (the provider's private custom domain name)",
            Value=url,
        ),
        Output(
            "CurlCustomDomain",
            Description="Call it from this VPC",
            Value=f"curl -sS {url}",
        ),
    ]
    if provider.api_id is None:
        return outputs
    api, stage = provider.api_id, provider.stage
    outputs.append(
        Output(
            "CurlWithHeader",
            Description="Call the provider's API through the endpoint's own DNS name (no "
            "custom domain, no private DNS needed)",
            Value=Sub(
                f"curl -sS -H 'x-apigw-api-id: {api}' https://{CONSUMER_ENDPOINT_DNS}/{stage}/",
                EndpointDns=endpoint_dns_name(cfg),
            ),
        )
    )
    outputs.append(
        Output(
            "AliasUrl",
            Description="Route 53 alias of the API for this endpoint: resolves once the "
            "provider lists this endpoint's id in its endpoint.existing_ids",
            Value=Sub(
                f"https://{api}-${{Vpce}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/"
                f"{stage}/",
                Vpce=endpoint_id(cfg),
            ),
        )
    )
    if cfg.endpoint.create and cfg.endpoint.private_dns:
        outputs.append(
            Output(
                "PrivateDnsUrl",
                Description="The API's default name (private DNS is on for the endpoint)",
                Value=Sub(
                    f"https://{api}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{stage}/"
                ),
            )
        )
    return outputs


def consumer_notes(cfg: ConsumerStack) -> list[str]:
    """What the build tells the consumer's team: the order of things."""
    provider = cfg.provider
    notes = [
        f"consumer: deploy in {provider.arn_region}, after the provider ({provider.account}) "
        "has shared its domain name: accept the share first unless both accounts are in one "
        "organization (aws ram get-resource-share-invitations, then "
        "accept-resource-share-invitation)",
        "consumer: the provider's API and domain policies must admit this endpoint: its id "
        f"(output VpcEndpointId) in endpoint.existing_ids, or VPC {cfg.vpc_id} in "
        "access.vpc_ids of the provider's config",
    ]
    return notes + _principals_note(cfg)


def _principals_note(cfg: ConsumerStack) -> list[str]:
    """An endpoint policy naming principals refuses every call that is not SigV4-signed
    (API Gateway developer guide, "Use VPC endpoint policies for private APIs")."""
    policy = cfg.endpoint.policy if cfg.endpoint.create else None
    if policy is None or not policy.principals:
        return []
    return [
        "consumer: endpoint.policy.principals lets only SigV4-signed calls through this "
        "endpoint: a bearer token, an API key or no credentials is anonymous to it and refused "
        "(403), so the provider's token, key and unsigned routes are out of reach from here"
    ]

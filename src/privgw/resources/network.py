"""The execute-api interface endpoint and the security group in front of it."""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, ImportValue, Join, Parameter, Ref, Select, Split, Sub
from troposphere.ec2 import SecurityGroup, SecurityGroupRule, VPCEndpoint

from privgw import naming
from privgw.config import AnyConfig, Config, ConsumerStack, EndpointPolicy
from privgw.resources import parameters, policy
from privgw.resources.common import tags_for

HTTPS = 443

#: CDK's idiom for "no egress": a rule no packet can match, which stops CloudFormation from
#: adding its default allow-all egress rule. An interface endpoint never opens connections.
NO_EGRESS = SecurityGroupRule(
    IpProtocol="icmp",
    FromPort=252,
    ToPort=86,
    CidrIp="255.255.255.255/32",
    Description="Disallow all outbound traffic (the endpoint only answers)",
)


def endpoint_security_group(cfg: AnyConfig) -> SecurityGroup:
    """One described HTTPS rule per allowed CIDR and source group; no egress."""
    network = cfg.network_required
    rules = []
    reusable = parameters.is_reusable(cfg)
    cidrs = parameters.values(cfg, parameters.ALLOWED_CIDR, network.allowed_cidrs)
    for index, (cidr, source) in enumerate(zip(network.allowed_cidrs, cidrs, strict=True), 1):
        key = "CidrIpv6" if ":" in cidr else "CidrIp"
        rules.append(
            SecurityGroupRule(
                IpProtocol="tcp",
                FromPort=HTTPS,
                ToPort=HTTPS,
                Description=f"HTTPS to the {cfg.name} API endpoint from "
                + (f"caller CIDR {index}" if reusable else cidr),
                **{key: source},
            )
        )
    groups = network.source_security_group_ids
    sources = parameters.values(cfg, parameters.SOURCE_GROUP, groups)
    for index, (group, source) in enumerate(zip(groups, sources, strict=True), 1):
        rules.append(
            SecurityGroupRule(
                IpProtocol="tcp",
                FromPort=HTTPS,
                ToPort=HTTPS,
                SourceSecurityGroupId=source,
                Description=f"HTTPS to the {cfg.name} API endpoint from members of "
                + (f"source security group {index}" if reusable else group),
            )
        )
    return SecurityGroup(
        naming.ENDPOINT_SECURITY_GROUP,
        GroupDescription=f"HTTPS from callers to the execute-api endpoint of {cfg.name}",
        VpcId=parameters.vpc_id(cfg),
        SecurityGroupIngress=rules,
        SecurityGroupEgress=[NO_EGRESS],
        Tags=tags_for(cfg, Name=f"{cfg.name}-execute-api-endpoint"),
    )


def endpoint_resources(cfg: AnyConfig) -> list[SecurityGroup | VPCEndpoint]:
    """The created endpoint, and privgw's security group in front of it when it has rules to
    hold (otherwise the existing groups in ``security_group_ids`` alone decide)."""
    own = [endpoint_security_group(cfg)] if cfg.endpoint_has_own_group else []
    return [*own, vpc_endpoint(cfg)]


def endpoint_group_notes(cfg: AnyConfig) -> list[str]:
    """Said when existing groups alone guard the created endpoint: privgw cannot see whom
    they admit."""
    if cfg.network is None or cfg.endpoint_has_own_group:
        return []
    groups = ", ".join(cfg.endpoint_security_group_ids)
    return [
        f"endpoint: no privgw security group (network names no caller CIDR or source group): "
        f"{groups} alone decide who reaches the created endpoint on TCP 443; privgw cannot "
        "read their rules, so make sure they admit your callers"
    ]


def endpoint_group_ids(cfg: AnyConfig) -> Any:
    """privgw's own group (when it makes one), then the existing groups the config names (a
    list parameter in a reusable template)."""
    own: list[Any] = [Ref(naming.ENDPOINT_SECURITY_GROUP)] if cfg.endpoint_has_own_group else []
    existing = cfg.endpoint_security_group_ids
    if not existing:
        return own
    if not parameters.is_reusable(cfg):
        return [*own, *existing]
    given = Ref(parameters.ENDPOINT_GROUPS.name)  # List<AWS::EC2::SecurityGroup::Id>
    return Split(",", Join(",", [*own, Join(",", given)])) if own else given


def vpc_endpoint(cfg: AnyConfig) -> VPCEndpoint:
    """The interface endpoint for execute-api in this stack's region."""
    return VPCEndpoint(
        naming.ENDPOINT,
        VpcEndpointType="Interface",
        ServiceName=Sub("com.amazonaws.${AWS::Region}.execute-api"),
        VpcId=parameters.vpc_id(cfg),
        SubnetIds=parameters.subnet_ids(cfg),
        SecurityGroupIds=endpoint_group_ids(cfg),
        PrivateDnsEnabled=cfg.endpoint_private_dns,
        Tags=tags_for(cfg, Name=f"{cfg.name}-execute-api"),
        **endpoint_policy_property(cfg),
    )


def endpoint_ids(cfg: Config) -> list[Any]:
    """Every endpoint allowed to call the API: the created one first, then existing ids."""
    ids: list[Any] = [Ref(naming.ENDPOINT)] if cfg.endpoint.create else []
    ids.extend(existing_endpoint_ids(cfg))
    ids.extend(ImportValue(naming.endpoint_export(prefix)) for prefix in cfg.endpoint.imports)
    if cfg.endpoint.parameter:
        ids.append(Ref(naming.ENDPOINT_PARAMETER))
    return ids


def existing_endpoint_ids(cfg: Config) -> list[Any]:
    """``endpoint.existing_ids`` as the template says them (parameters when reusable)."""
    return parameters.values(cfg, parameters.EXISTING_ENDPOINT, cfg.endpoint.existing_ids)


def own_account_endpoint_ids(cfg: Config) -> list[Any]:
    """The allowed endpoints known to be of this stack's account: the one it creates, the
    endpoint stacks' exports it imports (exports never cross accounts) and the VpcEndpointId
    parameter (documented as this account's). ``existing_ids`` may be anyone's."""
    ids: list[Any] = [Ref(naming.ENDPOINT)] if cfg.endpoint.create else []
    ids.extend(ImportValue(naming.endpoint_export(prefix)) for prefix in cfg.endpoint.imports)
    if cfg.endpoint.parameter:
        ids.append(Ref(naming.ENDPOINT_PARAMETER))
    return ids


def endpoint_parameter() -> Parameter:
    """The VpcEndpointId template parameter (``endpoint.parameter``)."""
    return Parameter(
        naming.ENDPOINT_PARAMETER,
        Type="String",
        AllowedPattern="^vpce-([0-9a-f]{8}|[0-9a-f]{17})$",
        ConstraintDescription="an execute-api interface endpoint id, vpce-...",
        Description="An execute-api interface endpoint of this account that may call the API",
    )


def created_endpoint_dns_name() -> Select:
    """The regional DNS name of the created endpoint (first DnsEntries item, after the zone id)."""
    return Select(1, Split(":", Select(0, GetAtt(naming.ENDPOINT, "DnsEntries"))))


def endpoint_list(key: str, ids: list[Any]) -> dict[str, Any]:
    """The ``VpcEndpointIds`` keyword, left out when only VPCs (not endpoints) are allowed."""
    return {key: ids} if ids else {}


def endpoint_policy_property(cfg: AnyConfig) -> dict[str, Any]:
    """``PolicyDocument=`` for the endpoint when the config asks for an endpoint policy."""
    chosen = cfg.endpoint_policy
    if chosen is None:
        return {}
    principals = parameters.values(cfg, parameters.ENDPOINT_POLICY_PRINCIPAL, chosen.principals)
    document = policy.endpoint_policy(_invocable(cfg), principals)
    return {"PolicyDocument": policy.as_dict(document)}


def _invocable(cfg: AnyConfig) -> Any:
    """What may be invoked through the endpoint: a consumer's, the provider account's APIs and
    domain names only; otherwise this account's APIs (account_apis_only) or anything."""
    if isinstance(cfg, ConsumerStack):
        return Sub(
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${Provider}:*",
            Provider=provider_account(cfg),
        )
    assert isinstance(cfg.endpoint_policy, EndpointPolicy)
    if cfg.endpoint_policy.account_apis_only:
        return Sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*")
    return "*"


def provider_domain_arn(cfg: ConsumerStack) -> Any:
    return parameters.value(cfg, parameters.PROVIDER_DOMAIN, cfg.provider.domain_name_arn)


def provider_account(cfg: ConsumerStack) -> Any:
    """The provider's account, read from its domain name ARN (a parameter when reusable)."""
    if parameters.is_reusable(cfg):
        return Select(4, Split(":", provider_domain_arn(cfg)))
    return cfg.provider.account

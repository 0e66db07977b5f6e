"""Reusable templates (``reusable: true``): environment-specific values become Parameters.

The config's values become the defaults, so deploying without overrides reproduces the config,
and `--parameter-overrides` retargets the same file to another VPC, subnets, caller CIDRs or
stage (dev, prod, another account). Parameter types are AWS-specific where CloudFormation has
one, so a wrong id is refused before anything is created.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from troposphere import Parameter, Ref

from privgw.config import AnyConfig, Config

VPC_ID = "VpcId"
SUBNET_IDS = "SubnetIds"
STAGE_NAME = "StageName"
IPV4_CIDR = r"^(\d{1,3}\.){3}\d{1,3}/([1-9]|[12]\d|3[0-2])$"
IPV6_CIDR = r"^[0-9a-fA-F:]+/([1-9]|[1-9]\d|1[01]\d|12[0-8])$"


def is_reusable(cfg: AnyConfig) -> bool:
    return isinstance(cfg, Config) and cfg.reusable


def cidr_parameter_name(index: int) -> str:
    return f"AllowedCidr{index}"


def template_parameters(cfg: Config) -> list[Parameter]:
    """The parameters of a reusable template, defaults taken from the config."""
    if not cfg.reusable:
        return []
    result = [
        Parameter(
            STAGE_NAME,
            Type="String",
            Default=cfg.stage.name,
            AllowedPattern="^[A-Za-z0-9_]{1,128}$",
            Description="Stage callers use (e.g. dev, prod)",
        )
    ]
    if cfg.endpoint.create:
        network = cfg.network_required
        result.append(
            Parameter(
                VPC_ID,
                Type="AWS::EC2::VPC::Id",
                Default=network.vpc_id,
                Description="VPC of the execute-api interface endpoint",
            )
        )
        result.append(
            Parameter(
                SUBNET_IDS,
                Type="List<AWS::EC2::Subnet::Id>",
                Default=",".join(network.subnet_ids),
                Description="Subnets of the endpoint's network interfaces",
            )
        )
        for index, cidr in enumerate(network.allowed_cidrs, start=1):
            v6 = ipaddress.ip_network(cidr).version == 6
            result.append(
                Parameter(
                    cidr_parameter_name(index),
                    Type="String",
                    Default=cidr,
                    AllowedPattern=IPV6_CIDR if v6 else IPV4_CIDR,
                    ConstraintDescription=f"an IPv{6 if v6 else 4} CIDR other than /0",
                    Description=f"Caller CIDR {index} allowed to reach the endpoint on 443",
                )
            )
    return result


def vpc_id(cfg: AnyConfig) -> Any:
    return Ref(VPC_ID) if is_reusable(cfg) else cfg.network_required.vpc_id


def subnet_ids(cfg: AnyConfig) -> Any:
    return Ref(SUBNET_IDS) if is_reusable(cfg) else list(cfg.network_required.subnet_ids)


def allowed_cidr(cfg: AnyConfig, index: int, cidr: str) -> Any:
    return Ref(cidr_parameter_name(index)) if is_reusable(cfg) else cidr


def stage_name(cfg: Config) -> Any:
    return Ref(STAGE_NAME) if cfg.reusable else cfg.stage.name


def stage_in_sub(cfg: Config) -> str:
    """The stage as it appears inside an Fn::Sub string."""
    return "${" + STAGE_NAME + "}" if cfg.reusable else cfg.stage.name

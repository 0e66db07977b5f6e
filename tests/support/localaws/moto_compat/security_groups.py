"""Replaces: moto 5.2.5 moto/ec2/models/security_groups.py
SecurityGroup.create_from_cloudformation_json (inline rules keep only CidrIp).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "security-group-inline-rules",
    "Inline SecurityGroupIngress rules lose CidrIpv6 and Description in moto's CloudFormation "
    "layer (it passes only CidrIp); the patch passes each rule's IPv4/IPv6 range with its "
    "description to moto's own authorize_security_group_ingress.",
)
def _security_group_rules() -> None:
    groups: Any = importlib.import_module("moto.ec2.models.security_groups")
    ec2: Any = importlib.import_module("moto.ec2.models")
    original = groups.SecurityGroup.create_from_cloudformation_json.__func__

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = dict(cloudformation_json["Properties"])
        rules = props.pop("SecurityGroupIngress", [])
        group = original(
            cls,
            resource_name,
            {**cloudformation_json, "Properties": props},
            account_id,
            region_name,
            **kwargs,
        )
        backend = ec2.ec2_backends[account_id][region_name]
        for rule in rules:
            ranges = [
                {key: rule[key], "Description": rule.get("Description", "")}
                for key in ("CidrIp", "CidrIpv6")
                if rule.get(key)
            ]
            source = rule.get("SourceSecurityGroupId")
            backend.authorize_security_group_ingress(
                group_name_or_id=group.id,
                ip_protocol=rule["IpProtocol"],
                from_port=rule["FromPort"],
                to_port=rule["ToPort"],
                ip_ranges=ranges,
                source_groups=[{"GroupId": source}] if source else [],
                vpc_id=props.get("VpcId"),
            )
        return group

    groups.SecurityGroup.create_from_cloudformation_json = classmethod(create)

"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py: no model for AWS::RAM::ResourceShare;
moto/ram/models.py: API Gateway domain names are not shareable.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import Deploying, NamedModel, patch


@patch(
    "ram-domain-shares",
    "moto's CloudFormation layer skips AWS::RAM::ResourceShare, and moto's RAM refuses an API "
    "Gateway domain name ARN as not shareable (AWS shares private custom domain names through "
    "RAM). The patch creates the share through moto's own create_resource_share (which checks "
    "every principal: an account id, or an organization or OU that exists) and adds the domain "
    "name ARN only if that domain name exists.",
)
def _ram_domain_shares() -> None:
    common: Any = importlib.import_module("moto.core.common_models")
    ram: Any = importlib.import_module("moto.ram.models")

    class DomainShare(NamedModel, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::RAM::ResourceShare"
        physical_id_attribute = "arn"

        def __init__(self, arn: str) -> None:
            self.arn = arn

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            arns = props.get("ResourceArns", [])
            for arn in arns:
                if ":/domainnames/" not in arn:
                    raise ValueError(f"privgw's patch shares domain names only, not {arn}")
                name = arn.split(":/domainnames/", 1)[1].split("+", 1)[0]
                where.backend("apigateway").get_domain_name(name)
            backend = ram.ram_backends[where.account_id][where.region_name]
            created = backend.create_resource_share(
                name=props["Name"],
                principals=props.get("Principals", []),
                allowExternalPrincipals=props.get("AllowExternalPrincipals", True),
            )["resourceShare"]
            (share,) = [s for s in backend.resource_shares if s.arn == created["resourceShareArn"]]
            share.resource_arns.extend(arns)
            return cls(share.arn)

    globals().update(DomainShare=DomainShare)

"""Replaces: moto 5.2.5 moto/cloudformation/parsing.py: no models for DomainNameV2,
BasePathMappingV2, DomainNameAccessAssociation.

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from typing import Any

from tests.support.localaws.moto_compat.registry import Deploying, NamedModel, patch


@patch(
    "private-custom-domains",
    "moto's CloudFormation layer skips AWS::ApiGateway::DomainNameV2, BasePathMappingV2 and "
    "DomainNameAccessAssociation (the stack completes without them). The patch creates the "
    "domain (PRIVATE, with its policy, which get-domain-name returns as AWS's does) through "
    "moto's own create_domain_name, the mapping through its create_base_path_mapping (which "
    "checks the API and stage exist), and refuses an access association whose domain or VPC "
    "endpoint does not exist (moto has no call to store one).",
)
def _custom_domains() -> None:
    common: Any = importlib.import_module("moto.core.common_models")
    exceptions: Any = importlib.import_module("moto.cloudformation.exceptions")

    def domain_of(arn: str) -> str:
        return arn.split("/domainnames/", 1)[1].split("+", 1)[0]

    class DomainV2(NamedModel, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::DomainNameV2"
        physical_id_attribute = "arn"

        def __init__(self, name: str, arn: str) -> None:
            self.name, self.arn = name, arn

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in ("DomainNameArn", "DomainNameId")

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            if attribute_name == "DomainNameArn":
                return self.arn
            if attribute_name == "DomainNameId":
                return self.arn.rsplit("+", 1)[1]
            raise exceptions.UnformattedGetAttTemplateException()

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            config = props.get("EndpointConfiguration") or {}
            domain = where.backend("apigateway").create_domain_name(
                domain_name=props["DomainName"],
                certificate_name="",
                tags={t["Key"]: t["Value"] for t in props.get("Tags", [])},
                certificate_arn=props.get("CertificateArn"),
                certificate_body="",
                certificate_private_key="",
                certificate_chain="",
                regional_certificate_name="",
                regional_certificate_arn="",
                endpoint_configuration={"types": config.get("Types", [])},
                security_policy=props.get("SecurityPolicy"),
            )
            domain.policy = json.dumps(props.get("Policy"))
            arn = (
                f"arn:aws:apigateway:{where.region_name}:{where.account_id}:/domainnames/"
                f"{props['DomainName']}+{hashlib.sha256(where.resource_name.encode()).hexdigest()[:10]}"
            )
            return cls(props["DomainName"], arn)

    class MappingV2(NamedModel, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::BasePathMappingV2"

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            return where.backend("apigateway").create_base_path_mapping(
                domain_of(props["DomainNameArn"]),
                props["RestApiId"],
                props.get("BasePath", ""),
                props.get("Stage"),
            )

    class AccessAssociation(NamedModel, common.CloudFormationModel):  # type: ignore[misc]
        resource_type = "AWS::ApiGateway::DomainNameAccessAssociation"
        physical_id_attribute = "arn"

        def __init__(self, arn: str) -> None:
            self.arn = arn

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "DomainNameAccessAssociationArn"

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            if attribute_name == "DomainNameAccessAssociationArn":
                return self.arn
            raise exceptions.UnformattedGetAttTemplateException()

        @classmethod
        def create(cls, props: dict[str, Any], where: Deploying) -> Any:
            where.backend("apigateway").get_domain_name(domain_of(props["DomainNameArn"]))
            if props["AccessAssociationSourceType"] != "VPCE":
                raise ValueError("AccessAssociationSourceType must be VPCE")
            where.backend("ec2").describe_vpc_endpoints(
                vpc_end_point_ids=[props["AccessAssociationSource"]]
            )
            domain = props["DomainNameArn"].split(":/domainnames/", 1)
            return cls(
                f"{domain[0]}:/domainnameaccessassociations/domainname/{domain[1]}"
                f"/vpcesource/{props['AccessAssociationSource']}"
            )

    models: Any = importlib.import_module("moto.apigateway.models")
    plain_json = models.DomainName.to_json

    def to_json(self: Any) -> dict[str, Any]:
        found: dict[str, Any] = plain_json(self)
        if getattr(self, "policy", None) is not None:
            found["policy"] = self.policy
        return found

    models.DomainName.to_json = to_json
    globals().update(DomainV2=DomainV2, MappingV2=MappingV2, AccessAssociation=AccessAssociation)

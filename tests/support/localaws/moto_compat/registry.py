"""The patch registry: each patch module registers its installer with ``@patch(name, reason)``;
``apply`` (in ``__init__``) installs them in registration order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

MOTO_VERSION = "5.2.5"

#: (name, reason) of every patch, in the order ``apply`` installs them.
PATCHES: list[tuple[str, str]] = []
INSTALLERS: list[Callable[[], None]] = []


def patch(name: str, reason: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        PATCHES.append((name, reason))
        fn.__name__ = name
        INSTALLERS.append(fn)
        return fn

    return register


@dataclass(frozen=True)
class Deploying:
    """Where moto is creating, updating or deleting a resource: its hook's arguments."""

    resource_name: str
    account_id: str
    region_name: str

    def backend(self, service: str) -> Any:
        """moto's backend of ``service`` (apigateway, ec2, ...) for this account and region."""
        module = importlib.import_module(f"moto.{service}.models")
        return getattr(module, f"{service}_backends")[self.account_id][self.region_name]


class NamedModel:
    """What privgw's CloudFormation models for moto share: the resource type and the physical
    id, from class attributes, and moto's three hooks with their long positional signatures,
    reduced to ``create``/``update``/``delete`` of the resource's properties. A mixin, put first
    beside moto's CloudFormationModel: moto finds models through
    CloudFormationModel.__subclasses__(), which lists direct subclasses only, so a shared base
    *subclassing* it would hide them."""

    resource_type: ClassVar[str]
    #: The attribute holding the physical id (what Ref gives).
    physical_id_attribute: ClassVar[str] = "name"

    @property
    def physical_resource_id(self) -> str:
        return str(getattr(self, self.physical_id_attribute))

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.resource_type

    @classmethod
    def create(cls, props: dict[str, Any], where: Deploying) -> Any:
        raise NotImplementedError

    @classmethod
    def update(cls, props: dict[str, Any], where: Deploying) -> Any:
        """moto's own default: nothing to update."""
        return None

    @classmethod
    def delete(cls, props: dict[str, Any], where: Deploying) -> None:
        """moto's own default: nothing to delete."""

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        where = Deploying(resource_name, account_id, region_name)
        return cls.create(cloudformation_json["Properties"], where)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        where = Deploying(new_resource_name, account_id, region_name)
        return cls.update(cloudformation_json["Properties"], where)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        cls.delete(
            cloudformation_json["Properties"], Deploying(resource_name, account_id, region_name)
        )

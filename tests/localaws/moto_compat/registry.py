"""The patch registry: each patch module registers its installer with ``@patch(name, reason)``;
``apply`` (in ``__init__``) installs them in registration order."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

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


class NamedModel:
    """What privgw's CloudFormation models for moto share: the resource type and the physical
    id, from class attributes. A mixin, put first beside moto's CloudFormationModel: moto finds
    models through CloudFormationModel.__subclasses__(), which lists direct subclasses only, so
    a shared base *subclassing* it would hide them."""

    resource_type: ClassVar[str]
    #: The attribute holding the physical id (what Ref gives).
    physical_id_attribute: ClassVar[str] = "name"

    @property
    def physical_resource_id(self) -> str:
        return str(getattr(self, self.physical_id_attribute))

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.resource_type

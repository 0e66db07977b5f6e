"""What every kind of stack config has (a kind, a name, a description, tags, and for the
endpoint builders that serve every kind, the endpoint the stack creates), and the one way
each kind reports bad input: ``ConfigError``, never pydantic's own error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from pydantic import BaseModel, Field, ValidationError, model_validator

from privgw.config.checking import fail_many, reads
from privgw.config.labels import Description, Tags
from privgw.config.network import (
    ConsumerEndpointPolicy,
    EndpointPolicy,
    Network,
    endpoint_group_problems,
    refuse_wide_reusable_cidrs,
)
from privgw.config.problems import config_error
from privgw.config.types import Name, StrictModel
from privgw.errors import Problem
from privgw.limits import MAX_TAGS

_Kind = TypeVar("_Kind", bound=BaseModel)


def checked(problems: list[Problem]) -> None:
    """Raise every problem a cross-field rule found, one per field (an API-wide setting
    inherited by several routes is named once)."""
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.path, problem)
    if unique:
        raise fail_many(list(unique.values()))


def cross_field_rule(check: Callable[[Any], list[Problem]], *fields: str) -> Any:
    """A kind's cross-field rule as an after-validator: ``check`` returns the problems of the
    config, reading only ``fields`` (``reads``: run also when other fields are invalid)."""

    def validate(self: _Kind) -> _Kind:
        checked(check(self))
        return self

    return model_validator(mode="after")(reads(*fields)(validate))


class StackConfig(StrictModel):
    """The shared base of the API, endpoint and consumer kinds.

    Constructing any kind in Python raises ``ConfigError`` (not pydantic's error), like
    ``load_config``.
    """

    kind: str
    name: Name = Field(description="Names the stack's resources and tags every one of them.")
    description: Description = Field(default="", description="Template description.")
    tags: Tags = Field(
        default_factory=dict,
        max_length=MAX_TAGS - 1,
        description=(
            "Tags on every taggable resource: keys of 1-128 and values of up to 256 letters, "
            "digits, spaces or `_ . : / = + - @`; keys must not start with `aws:` and must "
            "not be `Ref`, `Condition` or `Fn::...` (a one-key tag map would read as an "
            "intrinsic function)."
        ),
    )

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise config_error(exc, type(self), data) from None

    @property
    def network_required(self) -> Network:
        """The network of the endpoint this stack creates."""
        raise NotImplementedError

    @property
    def endpoint_private_dns(self) -> bool:
        """Private DNS on the endpoint this stack creates."""
        raise NotImplementedError

    @property
    def endpoint_policy(self) -> EndpointPolicy | ConsumerEndpointPolicy | None:
        """The VPC endpoint policy of the endpoint this stack creates, if any."""
        raise NotImplementedError

    @property
    def endpoint_security_group_ids(self) -> list[str]:
        """Existing security groups attached to the endpoint this stack creates."""
        raise NotImplementedError

    @property
    def endpoint_has_own_group(self) -> bool:
        """Whether privgw creates the endpoint's security group: it has rules to hold (a
        caller CIDR or source group); otherwise the existing groups alone decide."""
        network = self.network_required
        return bool(network.allowed_cidrs or network.source_security_group_ids)


class EndpointSectionStack(StackConfig):
    """A kind whose created endpoint is described by a ``network`` section (absent when the
    stack only reuses an endpoint) and an ``endpoint`` section (the API and consumer kinds)."""

    if TYPE_CHECKING:  # the fields themselves are declared by each kind, in its own order
        network: Network | None
        endpoint: _EndpointSection
        reusable: bool

    @model_validator(mode="after")
    @reads("reusable", "network")
    def _reusable_cidrs_stay_closed(self) -> Self:
        refuse_wide_reusable_cidrs(self.reusable, self.network)
        return self

    @property
    def network_required(self) -> Network:
        """The network of a created endpoint (validated to exist whenever create is true)."""
        assert self.network is not None, "validated: create implies network"
        return self.network

    @property
    def endpoint_private_dns(self) -> bool:
        return self.endpoint.private_dns

    @property
    def endpoint_policy(self) -> EndpointPolicy | ConsumerEndpointPolicy | None:
        return self.endpoint.policy

    @property
    def endpoint_security_group_ids(self) -> list[str]:
        return list(self.endpoint.security_group_ids)

    _groups_fit = cross_field_rule(
        lambda cfg: endpoint_group_problems(cfg.network, cfg.endpoint.security_group_ids),
        *("network.allowed_cidrs", "network.source_security_group_ids"),
        "endpoint.security_group_ids",
    )


class _EndpointSection(Protocol):
    @property
    def private_dns(self) -> bool: ...

    @property
    def security_group_ids(self) -> list[str]: ...

    @property
    def policy(self) -> EndpointPolicy | ConsumerEndpointPolicy | None: ...

"""What every kind of stack config has (a kind, a name, a description, tags, and for the
endpoint builders that serve every kind, the endpoint the stack creates), and the one way
each kind reports bad input: ``ConfigError``, never pydantic's own error."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from privgw.config.labels import Description, Tags
from privgw.config.network import ConsumerEndpointPolicy, EndpointPolicy, Network
from privgw.config.problems import config_error
from privgw.config.types import Name, StrictModel, _fail_many
from privgw.errors import Problem
from privgw.limits import MAX_TAGS


class StackConfig(StrictModel):
    """The shared base of the API, endpoint and consumer kinds.

    Constructing any kind in Python raises ``ConfigError`` (not pydantic's error), like
    ``load_config``.
    """

    kind: str
    name: Name = Field(description="Names the stack's resources and tags every one of them.")
    description: Description = Field(default="", description="Template description.")
    tags: Tags = Field(default_factory=dict, max_length=MAX_TAGS - 1)

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


def checked(problems: list[Problem]) -> None:
    """Raise every problem a cross-field rule found, one per field (an API-wide setting
    inherited by several routes is named once)."""
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.path, problem)
    if unique:
        raise _fail_many(list(unique.values()))

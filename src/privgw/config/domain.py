"""A private custom domain name (``custom_domain``), beside ``resources/domain.py``."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import (
    Field,
    model_validator,
)

from privgw.config.types import StrictModel, _fail_many, _Matching, _text, reads
from privgw.errors import Problem

DomainName = Annotated[
    str,
    _Matching(
        _text(
            r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
            "domain name",
            "a lower-case DNS name such as orders.internal.example.com",
        )
    ),
]
CertificateArn = Annotated[
    str,
    _Matching(
        _text(
            r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]{1,64}",
            "ACM certificate ARN",
            "arn:<partition>:acm:<region>:<account>:certificate/<id>",
        )
    ),
]
HostedZoneId = Annotated[
    str,
    _Matching(_text(r"Z[A-Z0-9]{1,32}", "hosted zone id", "Z followed by letters/digits")),
]
BasePath = Annotated[
    str,
    _Matching(
        _text(r"[A-Za-z0-9._-]{0,128}", "base path", "empty, or letters, digits, . _ - (no /)")
    ),
]


class PrivateHostedZone(StrictModel):
    """Where the custom name resolves to the endpoint: a new private zone, or an existing one."""

    create: bool = Field(
        default=False,
        description="Create a Route 53 private hosted zone for the name in network.vpc_id.",
    )
    id: HostedZoneId | None = Field(default=None, description="An existing private zone.")

    @model_validator(mode="after")
    @reads("create", "id")
    def _one(self) -> Self:
        if self.create == (self.id is not None):
            raise _fail_many(
                [Problem("", "needs exactly one of create: true or id", None, "create or id")]
            )
        return self


class CustomDomain(StrictModel):
    """A private custom domain name (DomainNameV2) in front of the API."""

    name: DomainName
    certificate_arn: CertificateArn = Field(description="ACM certificate for the name.")
    base_path: BasePath = Field(default="", description="Path under the domain; empty: root.")
    hosted_zone: PrivateHostedZone | None = Field(
        default=None, description="Also point the name at the created endpoint in Route 53."
    )

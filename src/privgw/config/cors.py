"""Browser callers (``cors``), beside ``resources/cors.py`` that builds the OPTIONS preflight
methods and the CORS headers of the gateway responses."""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import ConfigDict, Field, model_validator

from privgw.config.checking import Matching, fail, reads, refuse
from privgw.config.types import HeaderName, StrictModel, UniqueList

_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")


def _check_origin(value: str) -> str:
    if value != "*" and not _ORIGIN.fullmatch(value):
        raise fail(
            "is not an origin", "scheme://host[:port] without a path, e.g. https://app.example.com"
        )
    return value


_check_origin.pattern = r"^(\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)$"  # type: ignore[attr-defined]
Origin = Annotated[str, Matching(_check_origin)]
DEFAULT_CORS_HEADERS = (
    "Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key",
)  # fmt: skip


class Cors(StrictModel):
    """Browser callers (on a private custom domain or the API's own names): the preflight
    OPTIONS answers and the CORS headers on gateway responses."""

    # what _no_wildcard_with_credentials checks, in JSON Schema
    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"allow_credentials": {"const": True}},
                "required": ["allow_credentials"],
            },
            "then": {"properties": {"allow_origins": {"not": {"contains": {"const": "*"}}}}},
        }
    )

    allow_origins: UniqueList[Origin] = Field(
        min_length=1,
        max_length=20,
        description=(
            "browser callers: an `OPTIONS` MOCK method (no auth: preflights carry no "
            "credentials) on every path without its own `OPTIONS` or `ANY` route, answering "
            "204 with `Access-Control-Allow-*`; with one origin the gateway responses carry "
            "`Access-Control-Allow-Origin` too (several origins: the preflight echoes a "
            "listed `Origin`, the gateway responses carry none). `*` with `allow_credentials` "
            "is refused. A Lambda proxy response must add its own CORS headers (API Gateway "
            "passes it through as it is)."
        ),
    )
    allow_headers: UniqueList[HeaderName] = Field(
        default_factory=lambda: list(DEFAULT_CORS_HEADERS),
        max_length=50,
        description="Request headers a browser may send (`Access-Control-Allow-Headers`).",
    )
    allow_credentials: bool = Field(
        default=False,
        description=(
            "Let browsers send cookies and auth headers (`Access-Control-Allow-Credentials: "
            "true`; needs exactly one origin, never `*`)."
        ),
    )
    max_age: int = Field(default=600, ge=0, le=86400, description="Seconds a preflight is cached.")

    @model_validator(mode="after")
    @reads("allow_origins", "allow_credentials")
    def _no_wildcard_with_credentials(self) -> Self:
        if self.allow_credentials and "*" in self.allow_origins:
            raise refuse(
                "allow_origins",
                "allows every origin with credentials (browsers refuse it, and it would let any "
                "site call the API as the user)",
                "*",
                "the origins that may call, or allow_credentials: false",
            )
        if "*" in self.allow_origins and len(self.allow_origins) > 1:
            raise refuse("allow_origins", "lists * beside origins", None, "* alone, or origins")
        return self

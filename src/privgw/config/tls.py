"""The TLS a caller must speak (``tls``, ``custom_domain.tls``), beside ``resources/tls.py``
that writes it on the RestApi and the private custom domain.

API Gateway developer guide, "Security policies for REST APIs": ``TLS_1_2`` is the legacy
policy (and a private API's default); a policy starting ``SecurityPolicy_`` is an enhanced one
(TLS 1.3, FIPS, post-quantum key exchange) and needs an endpoint access mode. ``STRICT`` adds
two checks: the request comes from the resource's own endpoint type, and, for private and
regional endpoints, the TLS SNI names the host the request is for. ``BASIC`` is the mode to
migrate with: enhanced ciphers, no extra checks.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import ConfigDict, Field, model_validator

from privgw.config.checking import reads, refuse
from privgw.config.types import StrictModel, optional

#: The enhanced policies a private API or private custom domain takes ("Supported security
#: policies": regional and private APIs and custom domain names).
ENHANCED_POLICIES = (
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_2021_06",
)
SecurityPolicy = Literal[
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_2021_06",
]


class Tls(StrictModel):
    """A security policy and, for an enhanced one, the endpoint access mode."""

    # what _mode_goes_with_enhanced_policies checks, in JSON Schema
    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"security_policy": {"pattern": "^SecurityPolicy_"}},
                "required": ["security_policy"],
            },
            "then": {"required": ["endpoint_access_mode"]},
            "else": {"not": {"required": ["endpoint_access_mode"]}},
        }
    )

    security_policy: SecurityPolicy = Field(
        default="TLS_1_2",
        description=(
            "`TLS_1_2` (legacy) or an enhanced policy a private API takes: "
            "`SecurityPolicy_TLS13_1_3_2025_09`, `SecurityPolicy_TLS13_1_3_FIPS_2025_09`, "
            "`SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09`, "
            "`SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09`, "
            "`SecurityPolicy_TLS13_1_2_PQ_2025_09`, "
            "`SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09`, `SecurityPolicy_TLS13_1_2_2021_06` "
            "(edge-only and `TLS_1_0` policies are refused)"
        ),
    )
    endpoint_access_mode: Literal["BASIC", "STRICT"] | None = optional(
        "Required with an enhanced policy: BASIC (migrate first), or STRICT, which also "
        "refuses a request whose TLS SNI does not name its host, so calls through the "
        "endpoint's own DNS name with a Host or x-apigw-api-id header stop working.",
    )

    @property
    def strict(self) -> bool:
        return self.endpoint_access_mode == "STRICT"

    @model_validator(mode="after")
    @reads("security_policy", "endpoint_access_mode")
    def _mode_goes_with_enhanced_policies(self) -> Self:
        enhanced = self.security_policy.startswith("SecurityPolicy_")
        if enhanced and self.endpoint_access_mode is None:
            raise refuse(
                "endpoint_access_mode",
                f"is required with the enhanced policy {self.security_policy}",
                None,
                "BASIC (to migrate) or STRICT",
            )
        if not enhanced and self.endpoint_access_mode is not None:
            raise refuse(
                "endpoint_access_mode",
                "applies to enhanced policies (SecurityPolicy_*) only",
                self.endpoint_access_mode,
                "no endpoint_access_mode with TLS_1_2, or an enhanced security_policy",
            )
        return self

"""The security policy and endpoint access mode on the RestApi (both flavours) and the private
custom domain, and what the build says about STRICT (see ``config/tls.py``)."""

from __future__ import annotations

from typing import Any

from privgw.config import Config
from privgw.config.tls import Tls


def tls_properties(tls: Tls | None) -> dict[str, Any]:
    """SecurityPolicy and EndpointAccessMode, when the config sets them (else the service's
    default, TLS_1_2 for a private API, and no property: older templates stay unchanged)."""
    if tls is None:
        return {}
    found: dict[str, Any] = {"SecurityPolicy": tls.security_policy}
    if tls.endpoint_access_mode is not None:
        found["EndpointAccessMode"] = tls.endpoint_access_mode
    return found


def domain_tls(cfg: Config) -> Tls | None:
    """The custom domain's own TLS, else the API's."""
    domain = cfg.custom_domain
    if domain is not None and domain.tls is not None:
        return domain.tls
    return cfg.tls


def tls_notes(cfg: Config) -> list[str]:
    """STRICT refuses one of the three private invoke forms: say which, once."""
    if cfg.tls is None or not cfg.tls.strict:
        return []
    return [
        "endpoint access mode STRICT: API Gateway checks that the TLS SNI names the host a "
        "call is for, so the endpoint's own DNS name with a Host or x-apigw-api-id header is "
        "refused (there is no CurlWithHeader output); call PrivateDnsUrl or AliasUrl "
        '(docs/guides/calling.md, "TLS security policies")'
    ]

"""One stack, one region: the ARNs a config names for resources the stack uses directly (a KMS
key, a dead-letter target, a load balancer, a certificate, an existing endpoint's DNS name)
must all be of the region the stack deploys to. Lambda takes a key and a dead-letter target of
its own region only, a VPC link a load balancer of its region, a private custom domain a
certificate of its region; a template naming two regions can deploy nowhere."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from privgw.errors import Problem

if TYPE_CHECKING:
    from privgw.config.stack import Config

_ARN_REGION = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):")
_DNS_REGION = re.compile(r"\.execute-api\.([a-z0-9-]+)\.vpce\.amazonaws\.com")


def region_of(value: str) -> str | None:
    """The region an ARN or an endpoint DNS name names (None: regionless, such as IAM)."""
    found = _ARN_REGION.match(value) or _DNS_REGION.search(value)
    return found.group(1) if found and found.group(1) else None


def one_region_problems(named: Iterable[tuple[str, str | None]]) -> list[Problem]:
    """A problem at each field whose region differs from the first field's (``named``: field
    path and value, in config order)."""
    regions = [(path, value, region_of(value)) for path, value in named if value]
    regions = [(p, v, r) for p, v, r in regions if r]
    if not regions:
        return []
    first_path, _, first = regions[0]
    return [
        Problem(
            path,
            f"is in region {region}, and {first_path} in {first}: one stack deploys to one "
            "region, and each of these must be in it",
            value,
            f"one of region {first} (or {first_path} of region {region})",
        )
        for path, value, region in regions[1:]
        if region != first
    ]


def api_region_problems(cfg: Config) -> list[Problem]:
    """Every regional ARN an API config names for the stack's own use, in one region."""
    named: list[tuple[str, str | None]] = []
    for path, fn in cfg.function_fields().items():
        named += [(f"{path}.kms_key_arn", fn.kms_key_arn)]
        named += [(f"{path}.dead_letter_arn", fn.dead_letter_arn)]
    named += [
        (f"backends.{n}.load_balancer_arn", b.load_balancer_arn) for n, b in cfg.backends.items()
    ]
    # the stack adds each one's invoke permission, which Lambda takes in its own region only
    named += [(f"existing_functions.{n}.arn", f.arn) for n, f in cfg.existing_functions.items()]
    # an AWS integration's URI names the service in the API's region
    for name, service in cfg.services.items():
        named += [(f"services.{name}.arn", service.arn)]
        named += [(f"services.{name}.kms_key_arn", service.kms_key_arn)]
    named.append(("log_kms_key_arn", cfg.log_kms_key_arn))
    domain = cfg.custom_domain
    if domain is not None:
        named.append(("custom_domain.certificate_arn", domain.certificate_arn))
        alias = domain.hosted_zone.endpoint if domain.hosted_zone else None
        if alias is not None:
            named.append(("custom_domain.hosted_zone.endpoint.dns_name", alias.dns_name))
    return one_region_problems(named)

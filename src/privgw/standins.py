"""Stand-ins for what only a deployment knows (the API's id, the created endpoint's id, the
account and region, endpoints imported from another stack or given as a parameter), and the
references of a template resolved to them, so a policy can be evaluated before deploy."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from privgw import naming

if TYPE_CHECKING:  # the probes read templates only: no config (nor builders) loaded for them
    from privgw.config import Config

API_ID = "a1b2c3d4e5"
ACCOUNT = "111122223333"
REGION = "us-east-1"
PARTITION = "aws"
CREATED_ENDPOINT = "vpce-0c0c0c0c0c0c0c0c0"
#: The endpoint id a template's VpcEndpointId parameter (``endpoint.parameter``) stands for.
PARAMETER_ENDPOINT = "vpce-0a0a0a0a0a0a0a0a0"
#: Some endpoint the config does not name (in a VPC it names, or anywhere), and its VPC.
UNLISTED_ENDPOINT = "vpce-0ffffffffffffffff"
UNLISTED_VPC = "vpc-0ffffffffffffffff"
#: A signed caller of another account, and an administrator of the API's own.
STRANGER = "arn:aws:iam::999988887777:role/stranger"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/Admin"
#: A consumer stack's created endpoint, and its account when the config does not say it.
CONSUMER_ENDPOINT = "vpce-0d0d0d0d0d0d0d0d0"
CONSUMER_ACCOUNT = "444455556666"


class Placeholders(dict[str, Any]):
    """References resolved to stand-ins, and any other reference to a stable placeholder of
    its own name, so a template's policy can be evaluated with nothing deployed."""

    def __missing__(self, key: str) -> str:
        return f"resolved-{key}"


def pseudo_parameters(account: str = ACCOUNT, region: str = REGION) -> dict[str, str]:
    """AWS::AccountId, AWS::Region, AWS::Partition and AWS::URLSuffix as stand-ins."""
    return {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::Partition": PARTITION,
        "AWS::URLSuffix": "amazonaws.com",
    }


def imported_endpoint(prefix: str) -> str:
    """A stable stand-in id for the endpoint an endpoint stack exports under ``prefix``."""
    return "vpce-1" + hashlib.sha256(prefix.encode()).hexdigest()[:16]


def parameter_defaults(template: Mapping[str, Any]) -> dict[str, Any]:
    """What each parameter with a default resolves to (a list for list-typed parameters)."""
    found: dict[str, Any] = {}
    declared = template.get("Parameters")
    for name, spec in declared.items() if isinstance(declared, Mapping) else []:
        if isinstance(spec, Mapping) and "Default" in spec:
            default = spec["Default"]
            kind = str(spec.get("Type", ""))
            listed = kind.startswith("List<") or kind == "CommaDelimitedList"
            found[str(name)] = str(default).split(",") if listed else default
    return found


def stand_in_endpoints(cfg: Config) -> list[tuple[str, str]]:
    """Each endpoint the API lists, as (id, what it stands for): the created one, the existing
    ids, each import and the parameter (ids unknown before deploy get a stand-in)."""
    found = [(CREATED_ENDPOINT, "the created endpoint")] if cfg.endpoint.create else []
    found += [(e, f"existing endpoint {e}") for e in cfg.endpoint.existing_ids]
    found += [
        (imported_endpoint(p), f"the endpoint stack {p}'s export {naming.endpoint_export(p)}")
        for p in cfg.endpoint.imports
    ]
    if cfg.endpoint.parameter:
        found.append((PARAMETER_ENDPOINT, f"the {naming.ENDPOINT_PARAMETER} parameter"))
    return found


def template_refs(
    template: Mapping[str, Any],
    cfg: Config | None = None,
    *,
    account: str = ACCOUNT,
    region: str = REGION,
    api_id: str = API_ID,
) -> dict[str, Any]:
    """What a template's Ref, GetAtt and ImportValue resolve to before deploy: parameters at
    their defaults, pseudo parameters, and with ``cfg`` the API's endpoints as stand-ins."""
    refs = parameter_defaults(template) | pseudo_parameters(account, region)
    refs |= {naming.API: api_id, naming.ENDPOINT: CREATED_ENDPOINT}
    if cfg is not None:
        refs |= {
            f"Import:{naming.endpoint_export(p)}": imported_endpoint(p)
            for p in cfg.endpoint.imports
        }
        if cfg.endpoint.parameter:
            refs[naming.ENDPOINT_PARAMETER] = PARAMETER_ENDPOINT
    return refs

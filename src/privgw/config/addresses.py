"""The address types of a config: AWS resource ids (VPC, subnet, security group, endpoint)
and caller CIDRs, each valid, none repeated, and never every address together."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import AfterValidator

from privgw.config.checking import JsonSchemaExtra, Matching, fail
from privgw.config.types import UniqueList, _aws_id

VpcId = Annotated[str, Matching(_aws_id("vpc"))]
SubnetId = Annotated[str, Matching(_aws_id("subnet"))]
SecurityGroupId = Annotated[str, Matching(_aws_id("sg"))]
VpcEndpointId = Annotated[str, Matching(_aws_id("vpce"))]


def _check_cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise fail(
            f"is not a valid CIDR block ({exc})",
            "a network address with prefix, host bits zero, e.g. 10.0.0.0/16 or fd00::/56",
        ) from None
    if network.prefixlen == 0:
        raise fail(
            "would open the endpoint to every address",
            "the caller VPCs' CIDRs; 0.0.0.0/0 and ::/0 are never allowed",
        )
    return network.compressed


#: What JSON Schema can say of a caller CIDR: an IPv4 or IPv6 network with a prefix other than
#: /0 (host bits and the union of a list are checked by the loader only).
CIDR_PATTERN = (
    r"^((\d{1,3}\.){3}\d{1,3}/([1-9]|[12]\d|3[0-2])"
    r"|[0-9a-fA-F:]+/([1-9]|[1-9]\d|1[01]\d|12[0-8]))$"
)
Cidr = Annotated[str, AfterValidator(_check_cidr), JsonSchemaExtra(pattern=CIDR_PATTERN)]


def _check_not_everything(cidrs: list[str]) -> list[str]:
    """Several CIDRs can open to every address as surely as 0.0.0.0/0 (0.0.0.0/1 +
    128.0.0.0/1): refuse a list whose union covers a whole address family."""
    for version, everything in ((4, "0.0.0.0/0"), (6, "::/0")):
        networks = [n for n in (ipaddress.ip_network(c) for c in cidrs) if n.version == version]
        merged = list(ipaddress.collapse_addresses(networks))  # type: ignore[type-var]
        if [str(n) for n in merged] == [everything]:
            raise fail(
                f"covers every IPv{version} address together ({', '.join(map(str, networks))})",
                "the caller VPCs' CIDRs; their union may never be 0.0.0.0/0 or ::/0",
            )
    return cidrs


def min_cidr_prefix(count: int) -> int:
    """The shortest prefix that keeps ``count`` CIDRs of one family from covering all of it
    (``count`` networks of /p cover at most count * 2**-p of the space: count < 2**p)."""
    return count.bit_length()


#: Caller CIDRs: each valid, none repeated, and never every address together.
CidrList = Annotated[UniqueList[Cidr], AfterValidator(_check_not_everything)]

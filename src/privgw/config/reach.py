"""Who can reach an API at all: the rules that combine the network, the endpoint policy, the
resource policy's allow-list and each route's auth, refused when they leave nobody who could
call (an API that builds and deploys but answers every call with 403 or a timeout). Each names
every field involved."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from privgw.config.auth import AuthSetting, auth_label
from privgw.errors import Problem

if TYPE_CHECKING:
    from privgw.config.api import Access, Route
    from privgw.config.network import Endpoint, Network
    from privgw.config.stack import Config


def reach_problems(cfg: Config) -> list[Problem]:
    """The endpoint policy, the allow-list, the caller CIDRs and each route's auth together
    leave somebody who can call."""
    other, cors = cfg.other_ways_in, cfg.cors is not None
    return [
        *endpoint_policy_problems(cfg.endpoint, cfg.routes, cfg.auth_of, cors, other),
        *principal_problems(cfg.access, cfg.routes, cfg.auth_of, cors),
        *cidr_problems(cfg.network, cfg.access, other),
        *principal_overlap_problems(cfg.endpoint, cfg.access, other),
    ]


def _unsigned_routes(
    routes: Sequence[Route],
    auth_of: Callable[[Route], AuthSetting],
    *,
    why: str,
    expected: str,
    cors: tuple[str, str] | None,
) -> list[Problem]:
    """A problem per route that takes unsigned calls (and for cors: preflights never are)."""
    problems: dict[str, Problem] = {}
    for i, route in enumerate(routes):
        if auth_of(route) == "iam":
            continue
        path = f"routes[{i}].auth" if route.auth is not None else "auth"
        problems.setdefault(
            path,
            Problem(
                path,
                f"takes unsigned calls ({auth_label(auth_of(route))}) on {route.method} "
                f"{route.path}, but {why}",
                None,
                expected,
            ),
        )
    if cors is not None:
        problems["cors"] = Problem("cors", cors[0], None, cors[1])
    return list(problems.values())


def endpoint_policy_problems(
    endpoint: Endpoint,
    routes: Sequence[Route],
    auth_of: Callable[[Route], AuthSetting],
    cors: bool,
    other_ways_in: bool,
) -> list[Problem]:
    """A VPC endpoint policy that names principals judges the caller by the Authorization
    header: empty or not SigV4 (a bearer token, a key in another header, a browser's
    preflight) is anonymous, and refused with 403 before the API sees the call (API Gateway
    developer guide, "Use VPC endpoint policies for private APIs", considerations). With no
    other endpoint or VPC allowed, such a route could never be called."""
    policy = endpoint.policy
    if policy is None or not policy.principals or other_ways_in:
        return []
    return _unsigned_routes(
        routes,
        auth_of,
        why="endpoint.policy.principals lets only signed principals through the endpoint (a "
        "token, a key or no credentials at all is anonymous to it), and no other endpoint may "
        "call the API: no call could reach the route",
        expected="auth: iam on it, or an endpoint policy without principals (it still keeps "
        "the endpoint to this account's APIs), or another endpoint in endpoint.existing_ids",
        cors=(
            "answers browser preflights, which are never signed: endpoint.policy.principals "
            "refuses every one at the endpoint",
            "no cors, or an endpoint policy without principals",
        )
        if cors
        else None,
    )


def principal_problems(
    access: Access, routes: Sequence[Route], auth_of: Callable[[Route], AuthSetting], cors: bool
) -> list[Problem]:
    """access.iam_principals makes the resource policy admit only those principals, signed:
    an unsigned call (a token, an API key, none, a browser's CORS preflight) is anonymous and
    refused with 403 on every call, so such a route could never be called."""
    if not access.iam_principals:
        return []
    return _unsigned_routes(
        routes,
        auth_of,
        why="access.iam_principals admits only those principals, signed: every call to it "
        "would be refused (403)",
        expected="auth: iam on it, or access.iam_principals left out (the authorizer decides "
        "who may call)",
        cors=(
            "answers browser preflights, which are never signed, but access.iam_principals "
            "admits only signed callers: every preflight would be refused (403)",
            "no cors with access.iam_principals",
        )
        if cors
        else None,
    )


def _networks(cidrs: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(c, strict=False) for c in cidrs]


def cidr_problems(network: Network | None, access: Access, other_ways_in: bool) -> list[Problem]:
    """access.source_cidrs keeps out every caller outside them, and the created endpoint's
    security group every caller outside network.allowed_cidrs: with no address in both and no
    other way in, no call gets through."""
    if network is None or not access.source_cidrs or other_ways_in:
        return []
    admitted = _networks(network.allowed_cidrs)
    if network.source_security_group_ids or any(
        a.version == s.version and a.overlaps(s)
        for a in admitted
        for s in _networks(access.source_cidrs)
    ):
        return []
    return [
        Problem(
            "access.source_cidrs",
            "shares no address with network.allowed_cidrs: the endpoint's security group drops "
            "every caller the resource policy would admit, and the policy denies every caller "
            "the group lets in",
            ", ".join(access.source_cidrs),
            f"CIDRs inside network.allowed_cidrs ({', '.join(network.allowed_cidrs)})",
        )
    ]


def _account(principal: str) -> str | None:
    if principal.isdigit():
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 5 else None


def _whole_account(principal: str) -> bool:
    return principal.isdigit() or principal.endswith(":root")


def _in_common(a: str, b: str) -> bool:
    """Whether some caller is both principal ``a`` and principal ``b`` (a whole account holds
    every role and user of it)."""
    if a == b:
        return True
    same_account = _account(a) is not None and _account(a) == _account(b)
    return same_account and (_whole_account(a) or _whole_account(b))


def principal_overlap_problems(
    endpoint: Endpoint, access: Access, other_ways_in: bool
) -> list[Problem]:
    """Through the created endpoint a signed caller must be one of endpoint.policy.principals
    and, for the resource policy, one of access.iam_principals: with nobody in both and no
    other way in, every call is refused."""
    policy = endpoint.policy
    if policy is None or not policy.principals or not access.iam_principals or other_ways_in:
        return []
    if any(_in_common(a, b) for a in policy.principals for b in access.iam_principals):
        return []
    return [
        Problem(
            "endpoint.policy.principals",
            "has nobody in common with access.iam_principals: the endpoint admits only the "
            "first, the resource policy only the second, so every call is refused",
            ", ".join(policy.principals),
            "principals that are also in access.iam_principals "
            f"({', '.join(access.iam_principals)})",
        )
    ]

"""Who may call, across sections: every authorizer names a function, API keys and consumers
go together, gateway responses keep what ``cors`` says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from privgw.config.auth import LambdaAuth
from privgw.errors import Problem

if TYPE_CHECKING:
    from privgw.config.stack import Config

#: The CORS headers privgw itself puts on gateway responses (with one allowed origin).
CORS_RESPONSE_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials")


def authorizers_exist(cfg: Config) -> list[Problem]:
    """Every Lambda authorizer names a function of the stack's or one that already runs."""
    functions = [*cfg.all_functions, *sorted(cfg.existing_functions)]
    known = ", ".join(functions) or "none: add functions or existing_functions"
    settings = [("auth", cfg.auth)] + [
        (f"routes[{i}].auth", r.auth) for i, r in enumerate(cfg.routes)
    ]
    return [
        Problem(f"{path}.lambda", "names no function", auth.function, f"one of: {known}")
        for path, auth in settings
        if isinstance(auth, LambdaAuth) and auth.function not in functions
    ]


def keys_have_a_use(cfg: Config) -> list[Problem]:
    keyed = [i for i, r in enumerate(cfg.routes) if r.api_key_required]
    if keyed and not cfg.consumers:
        return [
            Problem(
                f"routes[{keyed[0]}].api_key_required",
                "needs an API key, but no consumer has one",
                "true",
                "a consumers section (each consumer gets a key)",
            )
        ]
    if cfg.consumers and not keyed:
        return [
            Problem(
                "consumers",
                "get API keys, but no route requires one (their quotas would apply to nothing)",
                None,
                "api_key_required: true on the routes they call",
            )
        ]
    return []


def cors_header_problems(cfg: Config) -> list[Problem]:
    """Gateway-response headers that undo ``cors``: a wildcard origin where credentials are
    sent (browsers refuse it, and it would let any site call as the user), or one of privgw's
    CORS headers again in another letter case (the response would carry it twice)."""
    cors = cfg.cors
    if cors is None:
        return []
    problems = []
    ours = {h.lower(): h for h in CORS_RESPONSE_HEADERS}
    for kind, response in cfg.gateway_responses.items():
        for name, value in response.headers.items():
            path = f"gateway_responses.{kind}.headers.{name}"
            mine = ours.get(name.lower())
            if mine == "Access-Control-Allow-Origin" and value == "*" and cors.allow_credentials:
                problems.append(
                    Problem(
                        path,
                        "allows every origin while cors.allow_credentials sends credentials: "
                        "browsers refuse the answer, and it would let any site call as the user",
                        value,
                        "the origins of cors.allow_origins, or no header (privgw adds it)",
                    )
                )
            elif mine is not None and mine != name:
                problems.append(
                    Problem(
                        path,
                        f"repeats privgw's CORS header {mine} in another letter case: the "
                        "response would carry it twice",
                        name,
                        f"{mine} (to replace privgw's value), or no header",
                    )
                )
    return problems

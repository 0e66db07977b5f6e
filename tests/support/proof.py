"""The policy proof: for every route and method, who gets in and who does not.

Decisions are API Gateway's (``privgw.evaluate.authorize``), not the resource policy's alone: with
IAM authorization an IAM policy allowing execute-api:Invoke is enough for a caller of the API's
own account, so the proof gives every signed caller such a policy and requires the resource
policy to keep out those who are not listed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from privgw.config import HTTP_METHODS, Config
from privgw.evaluate import ApiArn, Request, authorize, evaluate, resolve
from privgw.standins import (
    ACCOUNT,
    ADMIN,  # a principal of the API's own account with AdministratorAccess
    CREATED_ENDPOINT,
    PARAMETER_ENDPOINT,
    STRANGER,
    template_refs,
)
from privgw.standins import imported_endpoint as imported

API_ACCOUNT = ACCOUNT
OTHER_ENDPOINT = "vpce-0d0d0d0d0d0d0d0d0"
OTHER_ACCOUNT_ENDPOINT = "vpce-0e0e0e0e0e0e0e0e0"
OTHER_VPC = "vpc-0d0d0d0d0d0d0d0d0"


def allowed_endpoints(cfg: Config) -> list[str]:
    return (
        ([CREATED_ENDPOINT] if cfg.endpoint.create else [])
        + list(cfg.endpoint.existing_ids)
        + [imported(p) for p in cfg.endpoint.imports]
        + ([PARAMETER_ENDPOINT] if cfg.endpoint.parameter else [])
    )


def _inside_ip(cfg: Config) -> str:
    if not cfg.access.source_cidrs:
        return "10.255.1.1"
    return str(next(ipaddress.ip_network(cfg.access.source_cidrs[0]).hosts(), "10.0.0.1"))


def _caller(cfg: Config) -> str:
    if not cfg.access.iam_principals:
        return "anonymous"
    first = cfg.access.iam_principals[0]
    return f"arn:aws:iam::{first}:role/caller" if first.isdigit() else first


def _listed(cfg: Config, principal: str) -> bool:
    """Whether the config admits ``principal`` (listed, its account listed, or its role's)."""
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    allow = {**statement, "Principal": {"AWS": list(cfg.access.iam_principals)}}
    request = Request("execute-api:Invoke", "x", principal)
    return evaluate({"Statement": [allow]}, request, ApiArn("x")) == "allow"


def _sessions_of_listed_roles(cfg: Config) -> list[str]:
    return [
        f"arn:aws:sts::{p.split(':')[4]}:assumed-role/{p.rsplit('/', 1)[1]}/privgw-proof"
        for p in cfg.access.iam_principals
        if ":role/" in p
    ]


def proof_failures(cfg: Config, template: dict[str, Any]) -> list[str]:
    """Every (route, method, caller) whose decision is wrong; empty when the API is private."""
    api = ApiArn("a1b2c3d4e5", account=API_ACCOUNT)
    iam = bool(cfg.access.iam_principals)
    (props,) = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::RestApi"
    ]
    refs = template_refs(template, cfg, account=API_ACCOUNT)
    policy = resolve(props["Policy"], refs)
    ip = _inside_ip(cfg)
    me = _caller(cfg)
    insiders: list[tuple[str, str, dict[str, str]]] = [
        (
            f"endpoint {e}",
            me,
            {"aws:SourceVpce": e, "aws:SourceVpc": OTHER_VPC, "aws:VpcSourceIp": ip},
        )
        for e in allowed_endpoints(cfg)
    ] + [
        (
            f"VPC {v}",
            me,
            {"aws:SourceVpce": OTHER_ENDPOINT, "aws:SourceVpc": v, "aws:VpcSourceIp": ip},
        )
        for v in cfg.access.vpc_ids
    ]
    outsiders: list[tuple[str, str, dict[str, str], str]] = [
        (
            "another endpoint",
            me,
            {"aws:SourceVpce": OTHER_ENDPOINT, "aws:SourceVpc": OTHER_VPC, "aws:VpcSourceIp": ip},
            "explicit-deny",
        ),
        (
            "another account's endpoint",
            me,
            {
                "aws:SourceVpce": OTHER_ACCOUNT_ENDPOINT,
                "aws:SourceVpc": OTHER_VPC,
                "aws:VpcSourceIp": ip,
                "aws:SourceAccount": "999988887777",
            },
            "explicit-deny",
        ),
        ("no endpoint", me, {}, "explicit-deny"),
    ]
    if insiders and cfg.access.source_cidrs:
        _, who, context = insiders[0]
        outsiders.append(
            (
                "an address outside source_cidrs",
                who,
                {**context, "aws:VpcSourceIp": "192.0.2.10"},
                "explicit-deny",
            )
        )
    if insiders and not iam and any(cfg.auth_of(r) == "iam" for r in cfg.routes):
        # no principals listed: IAM routes take this account's signed callers only
        outsiders.append(("a signed caller of another account", STRANGER, insiders[0][2],
                          "explicit-deny"))  # fmt: skip
    if insiders and iam:
        context = insiders[0][2]
        outsiders.append(("a stranger of another account", STRANGER, context, "explicit-deny"))
        if not _listed(cfg, ADMIN):
            outsiders.append(("an admin of the API's account", ADMIN, context, "explicit-deny"))
        insiders.extend(
            (f"session {session}", session, context) for session in _sessions_of_listed_roles(cfg)
        )
    failures = []
    for route in cfg.routes:
        # The route's own auth decides who calls: a signed principal (iam), or an anonymous
        # caller (none, a Lambda or Cognito token: the policy sees no IAM identity), which a
        # policy naming principals denies (W9108 warns of such a route).
        signs = cfg.auth_of(route) == "iam"
        caller = (
            (me if iam else f"arn:aws:iam::{API_ACCOUNT}:role/caller") if signs else "anonymous"
        )
        admitted = "allow" if signs or not iam else "explicit-deny"
        methods = HTTP_METHODS[1:] if route.method == "ANY" else (route.method,)
        for method in methods:
            arn = api.method(cfg.stage.name, method, route.path)
            signed_only = [(w, p, c) for w, p, c in insiders if p == me or signs]
            cases = [(w, caller if p == me else p, c, admitted) for w, p, c in signed_only] + [
                (w, caller if p == me else p, c, want) for w, p, c, want in outsiders
            ]
            for who, principal, context, want in cases:
                request = Request("execute-api:Invoke", arn, principal, context)
                got = authorize(policy, request, api, iam_auth=signs, identity_allows=True)
                if got != want:
                    failures.append(f"{method} {route.path} via {who}: {got}, expected {want}")
    return failures

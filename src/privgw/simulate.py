"""Would this call work, and if not, which layer stops it? (``privgw simulate``)

A call is walked through every layer privgw builds, in the order AWS applies them, and stops at
the first that refuses it: DNS, the endpoint's security group, the VPC endpoint policy, the
API's resource policy, the route and stage, authorization, the backend. The policies are the
ones the built template holds, decided by ``privgw.evaluate``; what privgw cannot know (a Lambda
authorizer's decision, an endpoint of another stack) is said, not guessed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from privgw import naming
from privgw.config import Config, ConsumerStack, Route
from privgw.config.auth import CognitoAuth, LambdaAuth, auth_label
from privgw.evaluate import ApiArn, Request, authorize, evaluate, resolve, statement_sids
from privgw.resources.auth import gateway_response_specs

#: Stand-ins for what only a deployment knows: the API's id, the created endpoint's id, the
#: account and region (messages show them as such).
API_ID = "a1b2c3d4e5"
CREATED_ENDPOINT = "vpce-0c0c0c0c0c0c0c0c0"
ACCOUNT = "111122223333"
REGION = "us-east-1"
#: A consumer stack's created endpoint, and its account when the config does not say it.
CONSUMER_ENDPOINT = "vpce-0d0d0d0d0d0d0d0d0"
CONSUMER_ACCOUNT = "444455556666"
NO_HTTP = 0


@dataclass(frozen=True)
class Call:
    """One request, as ``privgw simulate`` takes it."""

    method: str
    path: str
    vpce: str | None = None
    vpc: str | None = None
    ip: str | None = None
    principal: str = "anonymous"
    stage: str | None = None
    host: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Layer:
    name: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    status: int
    message: str
    layer: str
    reason: str
    fix: str
    layers: list[Layer]

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    def as_text(self) -> str:
        lines = [
            f"{'pass' if layer.passed else 'STOP'}  {layer.name:<16} {layer.reason}"
            for layer in self.layers
        ]
        status = f"HTTP {self.status}" if self.status else "no HTTP response"
        outcome = "admitted" if self.allowed else f"refused at {self.layer}"
        lines.append(f"=> {outcome}: {status} {self.message}".rstrip())
        if self.fix:
            lines.append(f"fix: {self.fix}")
        return "\n".join(lines) + "\n"


class _Stop(Exception):
    def __init__(self, status: int, message: str, reason: str, fix: str = "") -> None:
        super().__init__(reason)
        self.status, self.message, self.reason, self.fix = status, message, reason, fix


@dataclass
class _Walk:
    """The call as it goes: which endpoint it came through, what each layer said."""

    cfg: Config
    template: Mapping[str, Any]
    call: Call
    consumer: ConsumerStack | None = None
    consumer_template: Mapping[str, Any] = field(default_factory=dict)
    layers: list[Layer] = field(default_factory=list)
    vpce: str | None = None
    vpc: str | None = None
    created: bool = False
    via_domain: bool = False

    @property
    def api(self) -> ApiArn:
        """The API's ARN: stand-ins, or what a consumer config knows of its provider."""
        if self.consumer is None:
            return ApiArn(API_ID, region=REGION, account=ACCOUNT)
        provider = self.consumer.provider
        return ApiArn(
            provider.api_id or API_ID, region=provider.arn_region, account=provider.account
        )

    def passed(self, name: str, reason: str) -> None:
        self.layers.append(Layer(name, True, reason))


def simulate(
    cfg: Config,
    template: Mapping[str, Any],
    call: Call,
    consumer: tuple[ConsumerStack, Mapping[str, Any]] | None = None,
) -> Verdict:
    """Walk ``call`` through the layers of the API ``cfg`` builds as ``template`` (the plain
    flavour's). With ``consumer`` (a consumer config and its template) the call comes from
    that account's VPC, through its endpoint, to the provider's custom domain by default."""
    walk = _Walk(cfg, template, call)
    if consumer is not None:
        walk.consumer, walk.consumer_template = consumer
    steps = (
        ("dns", _dns),
        ("security-group", _security_group),
        ("endpoint-policy", _endpoint_policy),
        ("association", _association),
        ("domain-policy", _domain_policy),
        ("resource-policy", _resource_policy),
        ("route", _route),
        ("authorization", _authorization),
        ("backend", _backend),
    )
    status, message = 200, ""
    for name, step in steps:
        try:
            result = step(walk)
        except _Stop as stop:
            walk.layers.append(Layer(name, False, stop.reason))
            return Verdict(
                False, stop.status, stop.message, name, stop.reason, stop.fix, walk.layers
            )
        if result is not None:
            status, message = result
    last = walk.layers[-1]
    return Verdict(True, status, message, last.name, last.reason, "", walk.layers)


# --- layers ------------------------------------------------------------------------------------

_PRIVATE_DNS = re.compile(r"[a-z0-9]{10}\.execute-api\.[a-z0-9-]+\.amazonaws\.com")
_ALIAS = re.compile(r"[a-z0-9]{10}-(vpce-[0-9a-f]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com")
_ENDPOINT_DNS = re.compile(
    r"(vpce-[0-9a-f]+)-[a-z0-9]+\.execute-api\.[a-z0-9-]+\.vpce\.amazonaws\.com"
)


def _choose_endpoint(walk: _Walk, vpce: str | None) -> None:
    """The endpoint and VPC the call comes through; by default the config's own."""
    cfg, call = walk.cfg, walk.call
    walk.vpc = call.vpc
    consumer = walk.consumer
    if consumer is not None:  # the consumer's own endpoint, in its VPC
        walk.vpce = vpce or consumer.endpoint.existing_id or CONSUMER_ENDPOINT
        walk.vpc = call.vpc or consumer.vpc_id
        return
    if vpce is not None:
        walk.vpce = vpce
        walk.created = vpce == CREATED_ENDPOINT
        return
    if call.vpc is not None:
        walk.vpce = "vpce-0ffffffffffffffff"  # some endpoint in that VPC
        return
    if cfg.endpoint.create:
        walk.vpce, walk.created = CREATED_ENDPOINT, True
        walk.vpc = cfg.network_required.vpc_id
    elif cfg.endpoint.existing_ids:
        walk.vpce = cfg.endpoint.existing_ids[0]
    elif cfg.access.vpc_ids:
        walk.vpce, walk.vpc = "vpce-0ffffffffffffffff", cfg.access.vpc_ids[0]


def _dns(walk: _Walk) -> None:
    cfg, call = walk.cfg, walk.call
    host = call.host
    consumer = walk.consumer
    if consumer is not None:
        if host is None or host == consumer.provider.domain_name:
            return _consumer_domain_dns(walk)
        if _PRIVATE_DNS.fullmatch(host):
            _choose_endpoint(walk, call.vpce)
            if not (consumer.endpoint.create and consumer.endpoint.private_dns):
                raise _Stop(
                    NO_HTTP,
                    "could not resolve host",
                    "the private DNS name resolves only through an endpoint with private DNS "
                    "on, and the consumer's endpoint has it off (or is not the consumer's to "
                    "say)",
                    f"call https://{consumer.provider.domain_name}/ (output CustomDomainUrl), "
                    "or the endpoint's DNS name with an x-apigw-api-id header",
                )
            walk.passed("dns", f"the private DNS name resolves to {walk.vpce}")
            return None
    if host is None or _PRIVATE_DNS.fullmatch(host):
        _choose_endpoint(walk, call.vpce)
        if walk.created and not cfg.endpoint.private_dns:
            raise _Stop(
                NO_HTTP,
                "could not resolve host",
                "the private DNS name resolves only through an endpoint with private DNS on, "
                "and the created endpoint has it off",
                "call the alias https://{api}-{vpce}.execute-api.{region}.amazonaws.com "
                "(output AliasUrl), or the endpoint's DNS name with an x-apigw-api-id header",
            )
        note = "" if walk.created else " (if that endpoint has private DNS on)"
        walk.passed("dns", f"the private DNS name resolves to {walk.vpce}{note}")
        return
    alias = _ALIAS.fullmatch(host)
    if alias:
        _choose_endpoint(walk, alias.group(1) if call.vpce is None else call.vpce)
        walk.passed("dns", f"the Route 53 alias names endpoint {walk.vpce}: resolves anywhere")
        return
    endpoint = _ENDPOINT_DNS.fullmatch(host)
    if endpoint:
        _choose_endpoint(walk, endpoint.group(1) if call.vpce is None else call.vpce)
        headers = {k.lower(): v for k, v in call.headers.items()}
        if "x-apigw-api-id" not in headers and "host" not in headers:
            raise _Stop(
                403,
                "Forbidden",
                "the endpoint's own DNS name does not say which API is meant",
                "add -H 'x-apigw-api-id: <api id>' (output CurlWithHeader)",
            )
        walk.passed("dns", f"endpoint DNS name of {walk.vpce}, the API named by header")
        return
    domain = cfg.custom_domain
    if domain is not None and host == domain.name:
        _choose_endpoint(walk, call.vpce)
        walk.via_domain = True
        zone = "its private hosted zone" if domain.hosted_zone else "your DNS (not privgw's)"
        walk.passed("dns", f"the custom domain resolves through {zone} to {walk.vpce}")
        return None
    raise _Stop(
        NO_HTTP,
        "could not resolve host",
        f"{host} is none of this API's names",
        "the private DNS name, the alias, the endpoint DNS name or the custom domain",
    )


def _consumer_domain_dns(walk: _Walk) -> None:
    """A consumer's call by the provider's domain name: its zone must point the very name the
    provider's domain has at the consumer's endpoint."""
    consumer = walk.consumer
    assert consumer is not None
    name = consumer.provider.domain_name
    domain = walk.cfg.custom_domain
    _choose_endpoint(walk, walk.call.vpce)
    if domain is None or domain.name != name:
        raise _Stop(
            NO_HTTP,
            "could not resolve host",
            f"the consumer calls {name}, and the provider's API has "
            + (f"the custom domain {domain.name}" if domain else "no custom domain"),
            "provider.domain_name in the consumer config: the provider's custom_domain.name",
        )
    walk.via_domain = True
    zone = consumer.hosted_zone
    if zone is None:
        walk.passed("dns", f"{name} resolves through your own DNS (hosted_zone: null)")
        return
    where = "private hosted zone" if zone.create else f"zone {zone.id}"
    walk.passed("dns", f"{name} resolves through the consumer's {where} to {walk.vpce}")


def _security_group(walk: _Walk) -> None:
    cfg, call = walk.cfg, walk.call
    consumer = walk.consumer
    if consumer is not None and consumer.endpoint.create:
        net = consumer.network_required
    elif consumer is not None or not walk.created:
        whose = "the consumer's reused endpoint" if consumer else "not this stack's"
        walk.passed("security-group", f"{walk.vpce} is {whose}: its own group decides")
        return
    else:
        net = cfg.network_required
    if call.ip is None:
        walk.passed("security-group", "caller inside an allowed CIDR (no --ip given)")
        return
    try:
        address = ipaddress.ip_address(call.ip)
    except ValueError:
        raise _Stop(NO_HTTP, "", f"{call.ip} is not an IP address", "--ip 10.0.1.25") from None
    inside = [c for c in net.allowed_cidrs if address in ipaddress.ip_network(c)]
    if inside:
        walk.passed("security-group", f"{call.ip} is in {inside[0]}: TCP 443 admitted")
        return
    if net.source_security_group_ids:
        groups = ", ".join(net.source_security_group_ids)
        walk.passed("security-group", f"{call.ip} is admitted only as a member of {groups}")
        return
    raise _Stop(
        NO_HTTP,
        "connection timed out (no HTTP response)",
        f"{call.ip} is in none of {', '.join(net.allowed_cidrs)}: the endpoint's security "
        "group drops the connection",
        f"add the caller's CIDR to {'the consumer config: ' if consumer else ''}"
        f"network.allowed_cidrs (now {', '.join(net.allowed_cidrs)})",
    )


def _refs(walk: _Walk) -> dict[str, Any]:
    refs: dict[str, Any] = {
        name: spec.get("Default")
        for name, spec in (walk.template.get("Parameters") or {}).items()
        if "Default" in spec
    }
    api = walk.api
    refs |= {
        "Endpoint": CREATED_ENDPOINT,
        "AWS::AccountId": api.account,
        "AWS::Region": api.region,
        "AWS::Partition": "aws",
        "RestApi": api.api_id,
    }
    return refs


def _consumer_refs(walk: _Walk) -> dict[str, Any]:
    """What the consumer's template refers to: its endpoint, its account, the region."""
    consumer = walk.consumer
    assert consumer is not None
    refs: dict[str, Any] = {
        name: spec.get("Default")
        for name, spec in (walk.consumer_template.get("Parameters") or {}).items()
        if "Default" in spec
    }
    return refs | {
        "Endpoint": walk.vpce,
        "AWS::AccountId": consumer.account_id or CONSUMER_ACCOUNT,
        "AWS::Region": consumer.provider.arn_region,
        "AWS::Partition": "aws",
    }


def _request(walk: _Walk, stage: str) -> Request:
    context: dict[str, Any] = {}
    if walk.vpce:
        context["aws:SourceVpce"] = walk.vpce
    if walk.vpc:
        context["aws:SourceVpc"] = walk.vpc
    context["aws:VpcSourceIp"] = walk.call.ip or _inside_ip(walk)
    arn = walk.api.method(stage, walk.call.method, walk.call.path)
    return Request("execute-api:Invoke", arn, walk.call.principal, context)


def _inside_ip(walk: _Walk) -> str:
    cfg, consumer = walk.cfg, walk.consumer
    if consumer is not None:
        cidrs = list(consumer.network.allowed_cidrs) if consumer.network else []
    else:
        cidrs = list(cfg.access.source_cidrs) or (
            list(cfg.network_required.allowed_cidrs) if cfg.endpoint.create else []
        )
    if not cidrs:
        return "10.0.1.25"
    return str(next(ipaddress.ip_network(cidrs[0]).hosts(), "10.0.0.1"))


def _endpoint_policy(walk: _Walk) -> None:
    consumer = walk.consumer
    template = walk.consumer_template if consumer else walk.template
    resource = (template.get("Resources") or {}).get(naming.ENDPOINT) or {}
    document = (resource.get("Properties") or {}).get("PolicyDocument")
    ours = consumer.endpoint.create if consumer else walk.created
    if not ours or document is None:
        whose = "the consumer's stack" if consumer else "this stack"
        walk.passed("endpoint-policy", f"no VPC endpoint policy of {whose} on the way")
        return
    policy = resolve(document, _consumer_refs(walk) if consumer else _refs(walk))
    request = _request(walk, walk.call.stage or walk.cfg.stage.name)
    decision = evaluate(policy, request, walk.api)
    if decision != "allow":
        raise _Stop(
            403,
            _not_authorized(request, decision),
            f"the VPC endpoint policy does not let {walk.call.principal} invoke this API "
            f"({decision})",
            "endpoint.policy.principals: list the caller, or leave them out",
        )
    walk.passed("endpoint-policy", "the VPC endpoint policy allows the call")


def _association(walk: _Walk) -> None:
    """A domain name answers only endpoints associated with it; an endpoint of another account
    can be associated only once the domain is shared with that account."""
    if not walk.via_domain:
        return
    consumer, domain = walk.consumer, walk.cfg.custom_domain
    assert domain is not None
    if consumer is None:
        if walk.created:
            walk.passed("association", f"the stack associates {walk.vpce} with the domain")
        else:
            walk.passed(
                "association",
                f"{walk.vpce} must be associated by its owner (outputs CustomDomain*AccessCommand*"
                ", or a kind: consumer stack)",
            )
        return
    account = consumer.account_id
    provider_account = consumer.provider.account
    shared = domain.share_with
    if account is not None and account != provider_account and account not in shared:
        organizations = [p for p in shared if not p.isdigit()]
        if not organizations:
            raise _Stop(
                403,
                "Forbidden",
                f"the provider does not share {domain.name} with account {account} "
                f"(share_with: {', '.join(shared) or 'nobody'}): the consumer's access "
                "association cannot be created",
                f"custom_domain.share_with: add {account} in the provider's config",
            )
        walk.passed(
            "association",
            f"shared with {', '.join(organizations)}: admitted if account {account} is in it",
        )
        return
    who = f"account {account}" if account else "the consumer's account (account_id not given)"
    share = "same account: no share needed" if account == provider_account else "shared with it"
    walk.passed(
        "association",
        f"the consumer stack associates {walk.vpce} with {consumer.provider.domain_name_arn} "
        f"({who}; {share})",
    )


def _domain_policy(walk: _Walk) -> None:
    """The domain name's own policy, evaluated like the API's (one allow-list, two documents)."""
    if not walk.via_domain:
        return
    resource = (walk.template.get("Resources") or {}).get(naming.DOMAIN) or {}
    policy = resolve((resource.get("Properties") or {}).get("Policy") or {}, _refs(walk))
    request = _request(walk, walk.call.stage or walk.cfg.stage.name)
    decision = evaluate(policy, request, walk.api)
    sids = statement_sids(policy, request, walk.api)
    by = f" (statement {', '.join(sids)})" if sids else ""
    if decision != "allow":
        raise _Stop(
            403,
            _access_denied(walk.cfg, _not_authorized(request, decision)),
            f"the domain name's policy refuses the call through {walk.vpce}: {decision}{by}",
            _policy_fix(walk.cfg),
        )
    walk.passed("domain-policy", f"the domain name's policy allows {walk.vpce}{by}")


def _not_authorized(request: Request, decision: str) -> str:
    why = (
        "with an explicit deny"
        if decision == "explicit-deny"
        else ("because no resource-based policy allows the execute-api:Invoke action")
    )
    return (
        f"User: {request.principal} is not authorized to perform: execute-api:Invoke on "
        f"resource: {request.resource} {why}"
    )


def _resource_policy(walk: _Walk) -> None:
    cfg, call = walk.cfg, walk.call
    api = (walk.template.get("Resources") or {}).get(naming.API) or {}
    policy = resolve((api.get("Properties") or {}).get("Policy") or {}, _refs(walk))
    request = _request(walk, call.stage or cfg.stage.name)
    route = _matching_route(cfg, call)
    signs = route is not None and cfg.auth_of(route) == "iam"
    decision = authorize(policy, request, walk.api, iam_auth=signs, identity_allows=True)
    sids = statement_sids(policy, request, walk.api)
    by = f" (statement {', '.join(sids)})" if sids else ""
    if decision != "allow":
        if signs and call.principal == "anonymous":
            return _missing_signature(walk)
        raise _Stop(
            403,
            _access_denied(cfg, _not_authorized(request, decision)),
            f"the resource policy refuses the call through {walk.vpce}: {decision}{by}",
            _policy_fix(cfg),
        )
    walk.passed("resource-policy", f"the resource policy allows the call through {walk.vpce}{by}")
    return None


def _policy_fix(cfg: Config) -> str:
    allowed = [*cfg.endpoint.existing_ids, *cfg.access.vpc_ids]
    if cfg.endpoint.create:
        allowed.insert(0, "the created endpoint")
    fix = "call through an allowed endpoint or VPC (" + ", ".join(allowed) + ")"
    if cfg.access.source_cidrs:
        fix += f" from {', '.join(cfg.access.source_cidrs)}"
    if cfg.access.iam_principals:
        fix += ", signed as one of access.iam_principals"
    return fix + "; or add the caller's endpoint to endpoint.existing_ids / access.vpc_ids"


def _gateway_body(cfg: Config, kind: str, error: str = "") -> str | None:
    for spec in gateway_response_specs(cfg):
        if spec.response_type == kind:
            return spec.body.replace("$context.requestId", "<request id>").replace(
                "$context.error.messageString", json.dumps(error)
            )
    return None


def _access_denied(cfg: Config, error: str) -> str:
    return _gateway_body(cfg, "ACCESS_DENIED", error) or json.dumps({"Message": error})


def _missing_token(cfg: Config) -> str:
    return _gateway_body(cfg, "MISSING_AUTHENTICATION_TOKEN") or json.dumps(
        {"message": "Missing Authentication Token"}
    )


def _missing_signature(walk: _Walk) -> None:
    raise _Stop(
        403,
        _missing_token(walk.cfg),
        "the route takes IAM (SigV4) callers only, and the call is not signed",
        "sign the request (curl --aws-sigv4, awscurl --service execute-api) and pass "
        "--principal with the signing role's ARN",
    )


def _path_matches(route: Route, segments: Sequence[str]) -> bool:
    if route.segments and route.segments[-1].endswith("+}"):
        head = route.segments[:-1]
        return len(segments) > len(head) and all(
            p.startswith("{") or p == s for p, s in zip(head, segments, strict=False)
        )
    return len(route.segments) == len(segments) and all(
        p.startswith("{") or p == s for p, s in zip(route.segments, segments, strict=True)
    )


def _matching_route(cfg: Config, call: Call) -> Route | None:
    """The route API Gateway picks: a static segment before a variable one, the exact method
    before ANY."""
    segments = [s for s in call.path.strip("/").split("/") if s]
    candidates = [r for r in cfg.routes if _path_matches(r, segments)]
    exact = [r for r in candidates if r.method == call.method.upper()]
    pool = exact or [r for r in candidates if r.method == "ANY"]
    if not pool:
        return None
    return min(pool, key=lambda r: [s.startswith("{") for s in r.segments])


def _route(walk: _Walk) -> None:
    cfg, call = walk.cfg, walk.call
    domain, consumer = cfg.custom_domain, walk.consumer
    mapped = domain.base_path if domain is not None else ""
    if walk.via_domain and consumer is not None and consumer.provider.base_path != mapped:
        raise _Stop(
            403,
            '{"message":"Forbidden"}',
            f"the consumer calls https://{consumer.provider.domain_name}/"
            f"{consumer.provider.base_path}, and the provider maps the API at /{mapped}",
            f"provider.base_path: {mapped or '(empty)'} in the consumer config",
        )
    stage = call.stage or cfg.stage.name
    if stage != cfg.stage.name:
        raise _Stop(
            403,
            _missing_token(cfg),
            f"there is no stage {stage} (the stage is {cfg.stage.name})",
            f"call /{cfg.stage.name}{call.path}",
        )
    route = _matching_route(cfg, call)
    if route is None:
        nearby = ", ".join(f"{r.method} {r.path}" for r in cfg.routes[:8])
        raise _Stop(
            403,
            _missing_token(cfg),
            f"no route matches {call.method.upper()} {call.path}",
            f"one of the routes: {nearby}",
        )
    walk.passed(
        "route", f"{call.method.upper()} {call.path} matches route {route.method} {route.path}"
    )


def _authorization(walk: _Walk) -> tuple[int, str] | None:
    cfg, call = walk.cfg, walk.call
    route = _matching_route(cfg, call)
    assert route is not None
    auth = cfg.auth_of(route)
    headers = {k.lower(): v for k, v in call.headers.items()}
    notes = []
    if auth == "iam":
        if call.principal == "anonymous":
            _missing_signature(walk)
        notes.append(f"signed as {call.principal}")
    elif isinstance(auth, LambdaAuth | CognitoAuth):
        sources = [h.lower() for h in auth.headers]
        if sources and not any(h in headers for h in sources):
            raise _Stop(
                401,
                _gateway_body(cfg, "UNAUTHORIZED") or '{"message": "Unauthorized"}',
                f"the route's {auth_label(auth)} authorizer reads {', '.join(auth.headers)}, "
                "and the call has none",
                f"send -H '{auth.headers[0]}: <token>'",
            )
        notes.append(
            f"token sent to the {auth_label(auth)} authorizer; privgw cannot evaluate its "
            "decision (its code or the pool decides at call time)"
        )
    else:
        notes.append("the route takes unsigned calls")
    if route.api_key_required:
        if "x-api-key" not in headers:
            raise _Stop(
                403,
                '{"message": "Forbidden"}',
                "the route requires an API key (x-api-key) and the call has none",
                "send -H 'x-api-key: <a consumer's key>' (output <Consumer>ApiKeyId)",
            )
        notes.append("an API key is sent (its validity and quota are checked at call time)")
    walk.passed("authorization", "; ".join(notes))
    return None


def _backend(walk: _Walk) -> tuple[int, str]:
    cfg, call = walk.cfg, walk.call
    route = _matching_route(cfg, call)
    assert route is not None
    target = cfg.target_of(route)
    if target.kind == "mock":
        assert route.mock is not None
        walk.passed("backend", f"a mock answers {route.mock.status}")
        return route.mock.status, route.mock.body
    if target.kind == "backend":
        assert target.name is not None
        backend = cfg.backends[target.name]
        walk.passed(
            "backend",
            f"backend {target.name} through its VPC link to {backend.base_url}",
        )
        return 200, "(what the service answers)"
    walk.passed("backend", f"Lambda function {target.name}")
    return 200, "(what the function answers)"

"""The layers before the API: which name is called and what it resolves to (DNS), the
endpoint's security group, and the VPC endpoint policy."""

from __future__ import annotations

import ipaddress
import re

from privgw import naming
from privgw.evaluate import evaluate, resolve
from privgw.simulate.walk import NO_HTTP, SimulateError, Stop, Walk, not_authorized
from privgw.standins import (
    CONSUMER_ENDPOINT,
    CREATED_ENDPOINT,
    PARAMETER_ENDPOINT,
    UNLISTED_ENDPOINT,
    imported_endpoint,
)

#: The symbolic names ``--host`` takes: a user cannot know the API's or the endpoint's id
#: before deploying.
HOST_FORMS = ("private-dns", "alias", "endpoint", "domain")

_PRIVATE_DNS = re.compile(r"[a-z0-9]{10}\.execute-api\.[a-z0-9-]+\.amazonaws\.com")
_ALIAS = re.compile(r"[a-z0-9]{10}-(vpce-[0-9a-f]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com")
_ENDPOINT_DNS = re.compile(
    r"(vpce-[0-9a-f]+)-[a-z0-9]+\.execute-api\.[a-z0-9-]+\.vpce\.amazonaws\.com"
)
_SIGV4 = ("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")


def endpoint_named(walk: Walk, vpce: str) -> str:
    """An endpoint id, or the stand-in of an endpoint unknown before deploy named by the
    endpoint stack it is imported from or by the parameter that takes it."""
    endpoint = walk.cfg.endpoint
    if vpce in endpoint.imports:
        return imported_endpoint(vpce)
    if endpoint.parameter and vpce == naming.ENDPOINT_PARAMETER:
        return PARAMETER_ENDPOINT
    return vpce


def choose_endpoint(walk: Walk, vpce: str | None) -> None:
    """The endpoint and VPC the call comes through; by default the config's own."""
    cfg, call = walk.cfg, walk.call
    walk.vpc = call.vpc
    consumer = walk.consumer
    if consumer is not None:  # the consumer's own endpoint, in its VPC
        walk.vpce = vpce or consumer.endpoint.existing_id or CONSUMER_ENDPOINT
        walk.vpc = call.vpc or consumer.vpc_id
        return
    own_vpc = cfg.network.vpc_id if cfg.endpoint.create and cfg.network else None
    if vpce is not None:
        walk.vpce = endpoint_named(walk, vpce)
    elif call.vpc is not None:
        # the config's own VPC: its created endpoint; another VPC: some endpoint there
        walk.vpce = CREATED_ENDPOINT if call.vpc == own_vpc else UNLISTED_ENDPOINT
    elif walk.endpoints:
        walk.vpce = _domain_endpoint(walk) or next(iter(walk.endpoints))
    else:
        walk.vpce, walk.vpc = UNLISTED_ENDPOINT, cfg.access.vpc_ids[0]
    walk.created = walk.vpce == CREATED_ENDPOINT and cfg.endpoint.create
    if walk.created and walk.vpc is None:
        walk.vpc = own_vpc
    told = walk.endpoints.get(walk.vpce, "")
    if walk.vpce != vpce and told and not told.startswith(("the created", "existing")):
        walk.notes.append(
            f"{walk.vpce} stands for {told}, unknown before deploy (--vpce "
            f"{_symbol_of(walk, walk.vpce)} names it, --vpce vpce-... another endpoint)"
        )


def _domain_endpoint(walk: Walk) -> str | None:
    """The existing endpoint the custom domain's alias record points at, for a call by the
    domain's name (the record, not the allow-list's order, decides where the name goes)."""
    domain = walk.cfg.custom_domain
    zone = domain.hosted_zone if domain else None
    if domain is None or zone is None or zone.endpoint is None:
        return None
    return zone.endpoint.id if walk.call.host in ("domain", domain.name) else None


def _symbol_of(walk: Walk, vpce: str) -> str:
    for prefix in walk.cfg.endpoint.imports:
        if imported_endpoint(prefix) == vpce:
            return prefix
    return naming.ENDPOINT_PARAMETER


def _private_dns_resolves(walk: Walk) -> bool:
    if walk.consumer is not None:
        endpoint = walk.consumer.endpoint
        return endpoint.create and endpoint.private_dns
    return not walk.created or walk.cfg.endpoint.private_dns


def _host(walk: Walk) -> str:
    """The name called: the one given, or the symbolic form spelled out with the stand-in
    ids, or by default the first name that resolves for this config (said in a note)."""
    call, cfg, consumer = walk.call, walk.cfg, walk.consumer
    form = call.host
    if form is not None and form not in HOST_FORMS:
        return form
    choose_endpoint(walk, call.vpce)
    region, api_id = walk.api.region, walk.api.api_id
    if form is None:
        if consumer is not None:
            form = "domain"
        elif _private_dns_resolves(walk):
            form = "private-dns"
        elif walk.vpce in walk.endpoints:
            form = "alias"
            walk.notes.append(
                "called the alias (output AliasUrl): the created endpoint has private DNS off"
            )
        else:
            form = "private-dns"
    if form == "private-dns":
        return f"{api_id}.execute-api.{region}.amazonaws.com"
    if form == "alias":
        return f"{api_id}-{walk.vpce}.execute-api.{region}.amazonaws.com"
    if form == "endpoint":
        walk.headers.setdefault("x-apigw-api-id", api_id)
        return f"{walk.vpce}-0example.execute-api.{region}.vpce.amazonaws.com"
    domain = consumer.provider.domain_name if consumer else None
    domain = domain or (cfg.custom_domain.name if cfg.custom_domain else None)
    if domain is None:
        raise SimulateError("--host domain: the API has no custom domain (custom_domain)")
    return domain


def dns(walk: Walk) -> None:
    host = _host(walk)
    cfg, call, consumer = walk.cfg, walk.call, walk.consumer
    given = None if call.host in (None, *HOST_FORMS) else call.vpce
    if consumer is not None and host == consumer.provider.domain_name:
        return _consumer_domain_dns(walk)
    if _PRIVATE_DNS.fullmatch(host):
        if walk.vpce is None:
            choose_endpoint(walk, call.vpce)
        if not _private_dns_resolves(walk):
            whose = "the consumer's endpoint" if consumer else "the created endpoint"
            raise Stop(
                NO_HTTP,
                "could not resolve host",
                f"the private DNS name resolves only through an endpoint with private DNS "
                f"on, and {whose} has it off",
                f"call https://{consumer.provider.domain_name}/ (output CustomDomainUrl)"
                if consumer
                else "call the alias: --host alias (output AliasUrl), or the endpoint's DNS "
                "name with an x-apigw-api-id header: --host endpoint",
            )
        note = "" if walk.created or consumer else " (if that endpoint has private DNS on)"
        walk.passed("dns", f"{host} (private DNS) resolves to {walk.vpce}{note}")
        return None
    alias, endpoint = _ALIAS.fullmatch(host), _ENDPOINT_DNS.fullmatch(host)
    carried = alias or endpoint  # the name carries an endpoint id: the call comes through it
    if walk.vpce is None and carried is not None:
        choose_endpoint(walk, given or carried.group(1))
    if alias:
        named = alias.group(1)
        if named not in walk.endpoints:
            raise Stop(
                NO_HTTP,
                "could not resolve host",
                f"{host}: API Gateway creates the alias only for the endpoints the API lists "
                f"(VpcEndpointIds), and {named} is not one of them",
                "call through a listed endpoint ("
                + ", ".join(walk.endpoints or ["none: access.vpc_ids admits VPCs only"])
                + "), or use its private DNS name",
            )
        walk.passed("dns", f"{host} (the Route 53 alias of {named}) resolves anywhere")
        return None
    if endpoint:
        if "x-apigw-api-id" not in walk.headers and "host" not in walk.headers:
            raise Stop(
                403,
                "Forbidden",
                "the endpoint's own DNS name does not say which API is meant",
                "add -H 'x-apigw-api-id: <api id>' (output CurlWithHeader)",
            )
        tls = cfg.tls
        if tls is not None and tls.strict:
            raise Stop(
                403,
                "Forbidden",
                f"endpoint access mode STRICT: the TLS SNI is {host}, the endpoint's name, "
                "not the API's host (API Gateway matches SNI to the host for private APIs)",
                "call the private DNS name or the alias (--host private-dns or alias), or "
                "set tls.endpoint_access_mode: BASIC",
            )
        walk.passed("dns", f"{host}: endpoint DNS name of {walk.vpce}, the API named by header")
        return None
    domain = cfg.custom_domain
    if domain is not None and host == domain.name:
        if walk.vpce is None:
            choose_endpoint(walk, call.vpce)
        walk.via_domain = True
        zone = "its private hosted zone" if domain.hosted_zone else "your DNS (not privgw's)"
        walk.passed("dns", f"{host} resolves through {zone} to {walk.vpce}")
        return None
    raise Stop(
        NO_HTTP,
        "could not resolve host",
        f"{host} is none of this API's names",
        "--host private-dns, alias, endpoint or domain (or the literal name)",
    )


def _consumer_domain_dns(walk: Walk) -> None:
    """A consumer's call by the provider's domain name: its zone must point the very name the
    provider's domain has at the consumer's endpoint."""
    consumer = walk.consumer
    assert consumer is not None
    name = consumer.provider.domain_name
    domain = walk.cfg.custom_domain
    if walk.vpce is None:
        choose_endpoint(walk, walk.call.vpce)
    if domain is None or domain.name != name:
        raise Stop(
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


def security_group(walk: Walk) -> None:
    cfg, call = walk.cfg, walk.call
    consumer = walk.consumer
    if consumer is not None and consumer.endpoint.create and walk.vpce == CONSUMER_ENDPOINT:
        net = consumer.network_required
    elif consumer is not None or not walk.created:
        whose = "the consumer's reused endpoint" if consumer else "not this stack's"
        walk.passed("security-group", f"{walk.vpce} is {whose}: its own group decides")
        return
    else:
        net = cfg.network_required
    owner = consumer if consumer is not None else cfg
    existing = ", ".join(owner.endpoint_security_group_ids)
    if existing and not owner.endpoint_has_own_group:
        walk.passed(
            "security-group",
            f"the endpoint's existing groups {existing} decide: privgw cannot read their rules "
            "offline (they must admit TCP 443 from the caller)",
        )
        return
    if call.ip is None:
        walk.passed("security-group", "caller inside an allowed CIDR (no --ip given)")
        return
    try:
        address = ipaddress.ip_address(call.ip)
    except ValueError:
        raise SimulateError(f"--ip {call.ip} is not an IP address (e.g. 10.0.1.25)") from None
    inside = [c for c in net.allowed_cidrs if address in ipaddress.ip_network(c)]
    if inside:
        walk.passed("security-group", f"{call.ip} is in {inside[0]}: TCP 443 admitted")
        return
    if net.source_security_group_ids:
        groups = ", ".join(net.source_security_group_ids)
        walk.passed("security-group", f"{call.ip} is admitted only as a member of {groups}")
        return
    if existing:
        walk.passed(
            "security-group",
            f"{call.ip} is in no allowed CIDR: admitted only if the endpoint's existing groups "
            f"{existing} allow TCP 443 from it (privgw cannot read their rules offline)",
        )
        return
    raise Stop(
        NO_HTTP,
        "connection timed out (no HTTP response)",
        f"{call.ip} is in none of {', '.join(net.allowed_cidrs)}: the endpoint's security "
        "group drops the connection",
        f"add the caller's CIDR to {'the consumer config: ' if consumer else ''}"
        f"network.allowed_cidrs (now {', '.join(net.allowed_cidrs)})",
    )


def caller_identity(walk: Walk) -> str:
    """Who the call is to IAM: a bearer token (or any other non-SigV4 value) in the
    Authorization header makes it anonymous, signed or not (API Gateway developer guide, "Use
    VPC endpoint policies for private APIs": a non-SigV4 Authorization value is anonymous)."""
    token = walk.headers.get("authorization")
    if token is not None and not token.startswith(_SIGV4):
        return "anonymous"
    return walk.call.principal


def endpoint_policy(walk: Walk) -> None:
    consumer = walk.consumer
    template = walk.consumer_template if consumer else walk.template
    resource = (template.get("Resources") or {}).get(naming.ENDPOINT) or {}
    document = (resource.get("Properties") or {}).get("PolicyDocument")
    ours = walk.vpce == CONSUMER_ENDPOINT if consumer else walk.created
    if not ours or document is None:
        whose = "the consumer's stack" if consumer else "this stack"
        walk.passed("endpoint-policy", f"no VPC endpoint policy of {whose} on the way")
        return
    policy = resolve(document, walk.consumer_refs() if consumer else walk.refs())
    identity = caller_identity(walk)
    request = walk.request()
    request = type(request)(request.action, request.resource, identity, request.context)
    decision = evaluate(policy, request, walk.api)
    if decision != "allow":
        token = identity != walk.call.principal
        raise Stop(
            403,
            not_authorized(request, decision),
            f"the VPC endpoint policy does not let {identity} invoke this API ({decision})"
            + (
                ": the Authorization header holds a token, not a SigV4 signature, so the "
                "endpoint sees an anonymous caller"
                if token
                else ""
            ),
            "endpoint.policy.principals: scope the endpoint policy by resource, not by "
            "principal, when callers send tokens"
            if token
            else "endpoint.policy.principals: list the caller, or leave them out",
        )
    walk.passed("endpoint-policy", "the VPC endpoint policy allows the call")

"""The API's own layers, read from the resolved model (``privgw.model``), so the walk follows
exactly the methods the template has: the resource policy, the route and stage,
authorization, request validation and the backend."""

from __future__ import annotations

import json
from typing import Any

from privgw import naming
from privgw.config.auth import CognitoAuth, LambdaAuth, auth_label
from privgw.config.mapping import Mapping
from privgw.evaluate import authorize, resolve, statement_sids
from privgw.model import KEY_ONLY
from privgw.resources.backend import backend_path
from privgw.resources.service import service_ids
from privgw.simulate.domain import policy_fix
from privgw.simulate.network import caller_identity
from privgw.simulate.walk import (
    Stop,
    Walk,
    access_denied,
    gateway_body,
    missing_token,
    not_authorized,
)


def resource_policy(walk: Walk) -> None:
    cfg = walk.cfg
    api = (walk.template.get("Resources") or {}).get(naming.API) or {}
    policy = resolve((api.get("Properties") or {}).get("Policy") or {}, walk.refs())
    request = walk.request()
    identity = caller_identity(walk)
    request = type(request)(request.action, request.resource, identity, request.context)
    method = walk.match.method
    signs = method is not None and method.auth == "iam"
    decision = authorize(policy, request, walk.api, iam_auth=signs, identity_allows=True)
    sids = statement_sids(policy, request, walk.api)
    by = f" (statement {', '.join(sids)})" if sids else ""
    if decision != "allow":
        if signs and identity == "anonymous":
            return _missing_signature(walk)
        raise Stop(
            403,
            access_denied(cfg, not_authorized(request, decision)),
            f"the resource policy refuses the call through {walk.vpce}: {decision}{by}",
            policy_fix(walk),
        )
    walk.passed("resource-policy", f"the resource policy allows the call through {walk.vpce}{by}")
    return None


def _missing_signature(walk: Walk) -> None:
    raise Stop(
        403,
        missing_token(walk.cfg),
        "the route takes IAM (SigV4) callers only, and the call is not signed"
        + (
            " (its Authorization header holds a token, not a signature)"
            if "authorization" in walk.headers
            else ""
        ),
        "sign the request (curl --aws-sigv4, awscurl --service execute-api) and pass "
        "--principal with the signing role's ARN",
    )


def route(walk: Walk) -> None:
    cfg, call = walk.cfg, walk.call
    domain, consumer = cfg.custom_domain, walk.consumer
    mapped = domain.base_path if domain is not None else ""
    if walk.via_domain and consumer is not None and consumer.provider.base_path != mapped:
        raise Stop(
            403,
            '{"message":"Forbidden"}',
            f"the consumer calls https://{consumer.provider.domain_name}/"
            f"{consumer.provider.base_path}, and the provider maps the API at /{mapped}",
            f"provider.base_path: {mapped or '(empty)'} in the consumer config",
        )
    if walk.stage != cfg.stage.name:
        raise Stop(
            403,
            missing_token(cfg),
            f"there is no stage {walk.stage} (the stage is {cfg.stage.name})",
            f"call /{cfg.stage.name}{walk.path}",
        )
    match = walk.match
    asked = f"{call.method.upper()} {walk.path}"
    if match.method is None:
        nearby = ", ".join(m.label() for m in walk.model.methods if not m.is_preflight)
        if match.resource is None:
            reason = f"no resource matches {walk.path}"
        else:
            resource = "/" + "/".join(match.resource)
            has = [m.http_method for m in walk.model.on(match.resource)]
            reason = (
                f"{walk.path} selects resource {resource}, which has "
                + (f"no {call.method.upper()} or ANY method (only {', '.join(has)})" if has else
                   "no method (it is only the parent of other routes)")
                + ": API Gateway picks the resource by path before the method, and never "
                "falls back to a method of another resource"
            )  # fmt: skip
        raise Stop(403, missing_token(cfg), reason, f"one of the routes: {nearby}")
    method = match.method
    what = "the CORS preflight privgw generates for" if method.is_preflight else "route"
    walk.passed("route", f"{asked} matches {what} {method.label()}")


def _present(walk: Walk, source: str) -> bool:
    """Whether the call carries an identity source (stage variables: the stage privgw builds
    defines none; context variables: always there)."""
    kind, _, name = source.partition(".")
    if kind == "header":
        return name.lower() in walk.headers
    if kind == "query":
        return name in walk.query
    return kind == "context"


def _unauthorized(walk: Walk, reason: str, fix: str) -> Stop:
    body = gateway_body(walk.cfg, "UNAUTHORIZED") or '{"message": "Unauthorized"}'
    return Stop(401, body, reason, fix)


def _lambda_authorizer(walk: Walk, auth: LambdaAuth) -> str:
    """A TOKEN authorizer is not called without its header; a REQUEST authorizer whose results
    are cached needs every identity source, and with caching off (result_ttl 0) it is called
    with what is there (API Gateway developer guide, "Lambda authorizers": identity sources)."""
    missing = [s for s in auth.identity_source if not _present(walk, s)]
    label = auth_label(auth)
    if missing and (auth.type == "token" or auth.result_ttl > 0):
        why = (
            "a TOKEN authorizer is not called without its header"
            if auth.type == "token"
            else f"with caching on (result_ttl {auth.result_ttl}) every identity source is required"
        )
        raise _unauthorized(
            walk,
            f"the route's {label} authorizer reads {', '.join(auth.identity_source)}, and the "
            f"call lacks {', '.join(missing)}: {why}",
            "send " + " and ".join(_how_to_send(s) for s in missing),
        )
    note = f"sent to the {label} authorizer"
    if missing:
        note += f" without {', '.join(missing)} (caching off: it is called all the same)"
    return note + "; privgw cannot evaluate its decision (its code decides at call time)"


def _how_to_send(source: str) -> str:
    kind, _, name = source.partition(".")
    if kind == "header":
        return f"-H '{name}: <value>'"
    if kind == "query":
        return f"?{name}=<value> in the path"
    return f"{source} (not set by the stage privgw builds)"


def authorization(walk: Walk) -> None:
    method = walk.method
    if method.is_preflight:
        walk.passed("authorization", "a CORS preflight takes no credentials (browsers send none)")
        return
    auth = method.auth
    notes = []
    if auth == "iam":
        identity = caller_identity(walk)
        if identity == "anonymous":
            _missing_signature(walk)
        notes.append(f"signed as {identity}")
    elif isinstance(auth, LambdaAuth):
        notes.append(_lambda_authorizer(walk, auth))
    elif isinstance(auth, CognitoAuth):
        header = auth.cognito.header
        if header.lower() not in walk.headers:
            raise _unauthorized(
                walk,
                f"the route's Cognito authorizer reads {header}, and the call has none",
                f"send -H '{header}: <token>'",
            )
        notes.append(
            "token sent to the Cognito authorizer; privgw cannot evaluate its decision (the "
            "pool decides at call time)"
        )
    else:
        notes.append("the route takes unsigned calls")
    if method.api_key_required:
        if "x-api-key" not in walk.headers:
            raise Stop(
                403,
                '{"message": "Forbidden"}',
                "the route requires an API key (x-api-key) and the call has none",
                "send -H 'x-api-key: <a consumer's key>' (output <Consumer>ApiKeyId)",
            )
        notes.append("an API key is sent (its validity and quota are checked at call time)")
        if method.key_is_the_only_gate:
            walk.notes.append(f"this route's {KEY_ONLY}")
    walk.passed("authorization", "; ".join(notes))


def validation(walk: Walk) -> None:
    """Request validation: required parameters and the JSON body against the route's schema;
    API Gateway answers 400 before any backend runs."""
    route_ = walk.method.route
    if route_ is None or route_.request_validation is None:
        walk.passed("validation", "no request validation on this method")
        return
    missing = [p for p in route_.required_parameters if not _present(walk, _identity_form(p))]
    if missing:
        names = ", ".join(p.partition(".")[2] for p in missing)
        raise Stop(
            400,
            gateway_body(walk.cfg, "BAD_REQUEST_PARAMETERS")
            or json.dumps({"message": f"Missing required request parameters: [{names}]"}),
            f"the route requires {', '.join(missing)}, and the call lacks {names}",
            "send "
            + " and ".join(_how_to_send(p.replace("querystring", "query")) for p in missing),
        )
    checked = "required parameters present" if route_.required_parameters else ""
    schema = route_.request_schema
    if schema is not None:
        checked = ", ".join(filter(None, [checked, _body_check(walk, schema)]))
    walk.passed("validation", checked or "nothing to check")


def _identity_form(parameter: str) -> str:
    """``querystring.NAME`` (a required parameter) as an identity source: ``query.NAME``."""
    return parameter.replace("querystring.", "query.", 1)


def _body_check(walk: Walk, schema: dict[str, Any]) -> str:
    from jsonschema import Draft4Validator  # noqa: PLC0415 - cfn-lint's dependency, loaded late

    body = walk.call.body
    if body is None:
        return "no body given (--data): its check against request_schema is not simulated"
    invalid = gateway_body(walk.cfg, "BAD_REQUEST_BODY") or json.dumps(
        {"message": "Invalid request body"}
    )
    try:
        document = json.loads(body)
    except ValueError:
        raise Stop(400, invalid, "the body is not JSON", "send a JSON body") from None
    error = next(iter(Draft4Validator(schema).iter_errors(document)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the body"
        raise Stop(
            400,
            invalid,
            f"the body does not match request_schema at {where}: {error.message}",
            "send a body that matches the route's request_schema",
        )
    return "the body matches request_schema"


def backend(walk: Walk) -> tuple[int, str]:
    cfg, method = walk.cfg, walk.method
    target = method.target
    if target.kind == "preflight":
        allowed = ",".join(method.allow_methods)
        walk.passed("backend", f"a mock answers 204 with Access-Control-Allow-Methods {allowed}")
        return 204, ""
    route_ = method.route
    assert route_ is not None
    if target.kind == "mock":
        assert route_.mock is not None
        walk.passed("backend", f"a mock answers {route_.mock.status}")
        return route_.mock.status, route_.mock.body
    if target.kind == "backend":
        assert target.name is not None
        backend_ = cfg.backends[target.name]
        way = "over the internet (leaving the VPC)" if backend_.internet else "through its VPC link"
        walk.passed(
            "backend",
            f"backend {target.name} {way} to {backend_.base_url}{backend_path(route_)}"
            + _integration_terms(backend_.wait_ms, route_.content_handling, route_.integration),
        )
        return 200, "(what the service answers)"
    assert target.name is not None
    if target.kind == "service":
        service = cfg.services[target.name]
        walk.passed(
            "backend",
            f"{service.aws} {service.operation} on {service.arn} with the credentials role "
            f"{service_ids(target.name)} (allowed {service.iam_action} there only); a request "
            "template turns the JSON body into the call, other content types get 415"
            + _integration_terms(service.wait_ms, route_.content_handling),
        )
        return 200, f"(what {service.aws} {service.operation} answers)"
    if target.kind == "existing_function":
        existing = cfg.existing_functions[target.name]
        walk.passed(
            "backend",
            f"existing Lambda function {target.name} ({existing.arn})"
            + _integration_terms(existing.wait_ms, route_.content_handling, route_.integration),
        )
        return 200, "(what the function answers)"
    function = cfg.all_functions[target.name]
    walk.passed(
        "backend",
        f"Lambda function {target.name}"
        + _integration_terms(function.wait_ms, route_.content_handling, route_.integration),
    )
    return 200, "(what the function answers)"


def _integration_terms(
    wait_ms: int, content_handling: str | None, mapping: Mapping | None = None
) -> str:
    """How long API Gateway waits (a 504 after it), how it converts the payload, and how a
    non-proxy integration maps the request and selects the answer."""
    terms = f" (API Gateway waits {wait_ms:,} ms, then answers 504"
    if content_handling:
        terms += f"; payload {content_handling}"
    if mapping is not None:
        types = ", ".join(mapping.request_templates) or "none"
        answers = ", ".join(
            f"{r.status} when {r.pattern!r} matches" if r.pattern else f"{r.status} otherwise"
            for r in mapping.responses
        )
        terms += (
            f"; not a proxy: request templates for {types} (other types: "
            f"{mapping.passthrough}), answers {answers}"
        )
    return terms + ")"

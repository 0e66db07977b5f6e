"""Stack outputs: the ids and every way to call the private API, ready to paste (API Gateway
developer guide, "Invoke a private API")."""

from __future__ import annotations

import re
from typing import Any

from troposphere import Export, GetAtt, Join, Output, Ref, Select, Sub

from privgw import naming
from privgw.config import Config, EndpointStack
from privgw.config.auth import CognitoAuth, LambdaAuth, auth_label
from privgw.config.stack import MAIN_FUNCTION
from privgw.model import ApiMethod, resolve_api
from privgw.resources import parameters
from privgw.resources.backend import backend_notes, vpc_link_ref
from privgw.resources.domain import association_notes, association_outputs, domain_url
from privgw.resources.keys import api_key_outputs
from privgw.resources.network import created_endpoint_dns_name, endpoint_group_ids, endpoint_ids
from privgw.resources.tls import tls_notes

API_HOST = "${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"


#: curl (7.75 and later) signs with SigV4 itself, from the usual environment variables; a
#: session token is sent when there is one (an empty header is left out by curl).
SIGV4 = (
    " --aws-sigv4 'aws:amz:${AWS::Region}:execute-api'"
    ' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
    ' -H "x-amz-security-token: $AWS_SESSION_TOKEN"'
)
#: What a caller sends with a method that takes a body.
BODY = " -H 'content-type: application/json' -d '{\"example\": true}'"
BODY_METHODS = ("POST", "PUT", "PATCH")


def example_route(cfg: Config, methods: tuple[str, ...] = ("GET",)) -> ApiMethod | None:
    """A real route taking one of ``methods`` (ANY stands for the first) to show in a curl
    line; the first route for GET when none does; None when no route fits."""
    routes = resolve_api(cfg).routes
    route = next((m for m in routes if m.http_method in methods or m.http_method == "ANY"), None)
    if route is None and methods == ("GET",):
        route = routes[0]
    return route


def example_path(cfg: Config, methods: tuple[str, ...] = ("GET",)) -> tuple[str, str] | None:
    """(method, path) of ``example_route``; path parameters get sample values."""
    route = example_route(cfg, methods)
    if route is None:
        return None
    path = re.sub(r"/\{[^}/]+\+\}$", "/", route.path)
    path = re.sub(r"\{[^}/]+\}", "example", path)
    method = methods[0] if route.http_method == "ANY" else route.http_method
    return method, path.lstrip("/")


def _credentials(route: ApiMethod) -> str:
    """What a call to ``route`` must carry: a SigV4 signature, the authorizer's token, a
    consumer's API key (shell variables the caller fills in)."""
    auth = route.auth
    flags = ""
    if isinstance(auth, LambdaAuth) and auth.headers:
        flags += f' -H "{auth.headers[0]}: Bearer $TOKEN"'
    elif isinstance(auth, CognitoAuth):
        flags += f' -H "{auth.cognito.header}: $TOKEN"'
    if route.api_key_required:
        flags += ' -H "x-api-key: $API_KEY"'
    return flags + (SIGV4 if auth == "iam" else "")


def _curl(url_prefix: str, cfg: Config, header: bool, methods: tuple[str, ...] = ("GET",)) -> str:
    """A curl line for a real route, with the credentials it needs (``_credentials``) and a
    JSON body for a method that takes one."""
    found = example_path(cfg, methods)
    route = example_route(cfg, methods)
    assert found is not None, "callers check example_path first"
    assert route is not None
    method, path = found
    flag = "" if method == "GET" else f"-X {method} "
    head = " -H 'x-apigw-api-id: ${RestApi}'" if header else ""
    body = BODY if method in BODY_METHODS else ""
    auth = _credentials(route)
    return f"curl -sS {flag}{url_prefix}/{parameters.stage_in_sub(cfg)}/{path}{head}{body}{auth}"


def _signed(cfg: Config, methods: tuple[str, ...] = ("GET",)) -> str:
    """What an output's description adds about the credentials its curl line needs."""
    route = example_route(cfg, methods)
    if route is None:
        return ""
    auth = route.auth
    words = []
    if auth == "iam":
        words.append(
            "signed with SigV4 from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / "
            "AWS_SESSION_TOKEN (curl 7.75+; or awscurl --service execute-api)"
        )
    elif isinstance(auth, LambdaAuth | CognitoAuth):
        words.append(f"with the {auth_label(auth)} authorizer's token in $TOKEN")
    if route.api_key_required:
        words.append("a consumer's API key in $API_KEY")
    return (", " + " and ".join(words)) if words else ""


def _curl_with_header(cfg: Config, dns: Any) -> Output:
    """The call through the endpoint's own DNS name, the API named by header."""
    return Output(
        "CurlWithHeader",
        Description="Call the API through the endpoint DNS name with the API id header"
        + _signed(cfg),
        Value=Sub(_curl("https://${EndpointDns}", cfg, header=True), EndpointDns=dns),
    )


def api_outputs(cfg: Config) -> list[Output]:
    stage = parameters.stage_in_sub(cfg)
    ids = endpoint_ids(cfg)
    outputs = [
        Output("RestApiId", Description="Id of the private REST API", Value=Ref(naming.API)),
        Output("StageName", Description="Stage callers use", Value=parameters.stage_name(cfg)),
        *backend_outputs(cfg),
        *api_key_outputs(cfg),
    ]
    if ids:
        outputs.append(
            Output(
                "VpcEndpointIds",
                Description="Endpoints allowed to call the API (comma-separated)",
                Value=Join(",", ids),
            )
        )
    if private_dns_url_may_work(cfg):
        caveat = (
            ""
            if cfg.endpoint.create and cfg.endpoint.private_dns
            else " (needs an endpoint with private DNS in the caller's VPC)"
        )
        outputs.append(
            Output(
                "PrivateDnsUrl",
                Description="Invoke URL from inside the VPC via private DNS" + caveat,
                Value=Sub(f"https://{API_HOST}/{stage}/"),
            )
        )
    url = domain_url(cfg)
    if url is not None:
        outputs.append(
            Output(
                "CustomDomainUrl",
                Description="Invoke URL through the private custom domain name",
                Value=url,
            )
        )
    outputs.extend(association_outputs(cfg))
    alias_outputs = _alias_outputs(cfg)
    outputs.extend(alias_outputs)
    if cfg.endpoint.create:
        dns = created_endpoint_dns_name()
        outputs.append(
            Output(
                "EndpointDnsName",
                Description="The endpoint's own DNS name; call it with an x-apigw-api-id header",
                Value=dns,
            )
        )
        if cfg.tls is None or not cfg.tls.strict:  # STRICT refuses this form (config/tls.py)
            outputs.append(_curl_with_header(cfg, dns))
    alias_host = "${RestApi}-${VpceId}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    if not ids:
        return outputs
    outputs.append(
        Output(
            "CurlWithAlias",
            Description="Call the API through the first endpoint's Route 53 alias (no header)"
            + _signed(cfg),
            Value=Sub(
                _curl(f"https://{alias_host}", cfg, header=False), VpceId=endpoint_ids(cfg)[0]
            ),
        )
    )
    if example_path(cfg, BODY_METHODS) is not None:
        outputs.append(
            Output(
                "CurlWithBody",
                Description="Send a JSON body to a route that takes one, through the first "
                "endpoint's Route 53 alias" + _signed(cfg, BODY_METHODS),
                Value=Sub(
                    _curl(f"https://{alias_host}", cfg, header=False, methods=BODY_METHODS),
                    VpceId=endpoint_ids(cfg)[0],
                ),
            )
        )
    return outputs


def backend_outputs(cfg: Config) -> list[Output]:
    """Per function its ARN (and the one-function name output privgw always had), per backend
    the VPC link its routes go through."""
    outputs = []
    if MAIN_FUNCTION in cfg.all_functions:
        outputs.append(
            Output("FunctionName", Description="The Lambda function", Value=Ref(naming.FUNCTION))
        )
    for name in cfg.all_functions:
        ids = naming.function_ids(name)
        outputs.append(
            Output(
                ids.arn_output,
                Description=f"ARN of the Lambda function {name}",
                Value=GetAtt(ids.function, "Arn"),
            )
        )
    for name, backend in sorted(cfg.backends.items()):
        if backend.internet:
            continue  # no VPC link: the service is reached over the internet
        version = "v2" if backend.vpc_link is not None else "v1"
        outputs.append(
            Output(
                naming.capitalised(name) + "VpcLinkId",
                Description=f"VPC link ({version}) the routes to backend {name} go through",
                Value=vpc_link_ref(cfg, name, backend),
            )
        )
    return outputs


def private_dns_url_may_work(cfg: Config) -> bool:
    """Whether {api}.execute-api.{region} can resolve for some caller: the created endpoint
    has private DNS, or callers use endpoints privgw does not manage (they may have it)."""
    created_with_dns = cfg.endpoint.create and cfg.endpoint.private_dns
    return created_with_dns or bool(cfg.endpoint.existing_ids) or bool(cfg.access.vpc_ids)


def endpoint_label(vpce: Any) -> str:
    """Words for an allowed endpoint in an output's description."""
    if isinstance(vpce, str):
        return vpce
    data = vpce.to_dict()
    if "Fn::ImportValue" in data:
        return f"the endpoint exported as {data['Fn::ImportValue']}"
    if data.get("Ref") == naming.ENDPOINT_PARAMETER:
        return f"the endpoint given as parameter {naming.ENDPOINT_PARAMETER}"
    return "the created endpoint"


def endpoint_stack_outputs(cfg: EndpointStack) -> list[Output]:
    """What an endpoint stack exports for the API stacks that import it."""
    prefix = cfg.exports
    return [
        Output(
            "VpcEndpointId",
            Description="The shared execute-api endpoint (import it in API stacks)",
            Value=Ref(naming.ENDPOINT),
            Export=Export(naming.endpoint_export(prefix)),
        ),
        Output(
            "EndpointDnsName",
            Description="The endpoint's own DNS name; call APIs with an x-apigw-api-id header",
            Value=created_endpoint_dns_name(),
            Export=Export(f"{prefix}-EndpointDnsName"),
        ),
        Output(
            "SecurityGroupId",
            Description="Security group of the endpoint (add caller rules here)",
            Value=Ref(naming.ENDPOINT_SECURITY_GROUP)
            if cfg.endpoint_has_own_group
            else Select(0, endpoint_group_ids(cfg)),
            Export=Export(f"{prefix}-SecurityGroupId"),
        ),
    ]


def _alias_outputs(cfg: Config) -> list[Output]:
    """One `{api}-{vpce}` alias URL per endpoint; the alias needs no header and no private DNS."""
    ids: list[Any] = endpoint_ids(cfg)
    outputs = []
    for index, vpce in enumerate(ids, start=1):
        key = "AliasUrl" if len(ids) == 1 else f"AliasUrl{index}"
        label = endpoint_label(vpce)
        outputs.append(
            Output(
                key,
                Description=f"Invoke URL through {label} (Route 53 alias, works from any "
                "network that can reach the endpoint)",
                Value=Sub(
                    "https://${RestApi}-${VpceId}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
                    + stage_path(cfg),
                    VpceId=vpce,
                ),
            )
        )
    return outputs


def stage_path(cfg: Config) -> str:
    return f"{parameters.stage_in_sub(cfg)}/"


def url_notes(cfg: Config) -> list[str]:
    """What a user must know about the invoke URLs of this config, and what the stack cannot
    do for them (printed by the build)."""
    notes = []
    if cfg.endpoint.create and cfg.endpoint.private_dns:
        notes.append(
            "private DNS is on: public APIs' default names now resolve to this endpoint inside "
            "its VPC (docs/guides/calling.md)"
        )
    dns_url = private_dns_url_may_work(cfg)
    if cfg.endpoint.create and not cfg.endpoint.private_dns:
        notes.append(
            "private DNS is off on the created endpoint: {api}.execute-api.{region}."
            "amazonaws.com does not resolve to it, "
            + (
                "so PrivateDnsUrl works only from VPCs whose own endpoint has private DNS on; "
                if dns_url
                else "so there is no PrivateDnsUrl output; "
            )
            + (
                "through this endpoint call AliasUrl"
                if cfg.tls is not None and cfg.tls.strict
                else "through this endpoint call AliasUrl, or its DNS name with an "
                "x-apigw-api-id header (CurlWithHeader)"
            )
        )
    elif dns_url and not cfg.endpoint.create:
        notes.append(
            "PrivateDnsUrl resolves only in VPCs whose execute-api endpoint has private DNS "
            "on; from anywhere else use an AliasUrl output"
        )
    return notes + association_notes(cfg) + backend_notes(cfg) + tls_notes(cfg)

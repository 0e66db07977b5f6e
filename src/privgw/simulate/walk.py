"""A call on its way through the layers: what ``privgw simulate`` takes (``Call``), what it
answers (``Verdict``), and the state every layer reads and adds to (``Walk``)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

from privgw.config import Config, ConsumerStack
from privgw.errors import PrivgwError
from privgw.evaluate import ApiArn, Request
from privgw.model import ApiMethod, Match, ResolvedApi, resolve_api
from privgw.resources.responses import gateway_response_specs
from privgw.standins import (
    ACCOUNT,
    API_ID,
    CONSUMER_ACCOUNT,
    REGION,
    stand_in_endpoints,
    template_refs,
)

NO_HTTP = 0


class SimulateError(PrivgwError):
    """A call that cannot be simulated as given (a host the API has no name for, ...)."""


@dataclass(frozen=True)
class Call:
    """One request, as ``privgw simulate`` takes it. ``path`` may carry a query string;
    ``host`` is a literal name or one of ``private-dns``, ``alias``, ``endpoint``, ``domain``;
    ``vpce`` an endpoint id, or for an endpoint unknown before deploy the endpoint stack's
    name it is imported from or the parameter's name (``VpcEndpointId``)."""

    method: str
    path: str
    vpce: str | None = None
    vpc: str | None = None
    ip: str | None = None
    principal: str = "anonymous"
    stage: str | None = None
    host: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None


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
    notes: list[str] = field(default_factory=list)

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
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines) + "\n"


class Stop(Exception):
    """A layer refuses the call: the status and body the caller sees, why, and the fix."""

    def __init__(self, status: int, message: str, reason: str, fix: str = "") -> None:
        super().__init__(reason)
        self.status, self.message, self.reason, self.fix = status, message, reason, fix


@dataclass
class Walk:
    """The call as it goes: which endpoint it came through, what each layer said."""

    cfg: Config
    template: Mapping[str, Any]
    call: Call
    consumer: ConsumerStack | None = None
    consumer_template: Mapping[str, Any] = field(default_factory=dict)
    layers: list[Layer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    vpce: str | None = None
    vpc: str | None = None
    created: bool = False
    via_domain: bool = False
    #: The endpoint ids the API lists, real or stand-in, each with what it stands for.
    endpoints: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.endpoints = dict(stand_in_endpoints(self.cfg))

    @cached_property
    def model(self) -> ResolvedApi:
        return resolve_api(self.cfg)

    @property
    def api(self) -> ApiArn:
        """The API's ARN: stand-ins, or what a consumer config knows of its provider."""
        if self.consumer is None:
            return ApiArn(API_ID, region=REGION, account=ACCOUNT)
        provider = self.consumer.provider
        return ApiArn(
            provider.api_id or API_ID, region=provider.arn_region, account=provider.account
        )

    @property
    def path(self) -> str:
        return self.call.path.partition("?")[0] or "/"

    @cached_property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.call.path.partition("?")[2], keep_blank_values=True))

    @cached_property
    def headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.call.headers.items()}

    @property
    def stage(self) -> str:
        return self.call.stage or self.cfg.stage.name

    @cached_property
    def match(self) -> Match:
        return self.model.match(self.call.method, self.path)

    @property
    def method(self) -> ApiMethod:
        """The method that answers (after the route layer has passed)."""
        method = self.match.method
        assert method is not None
        return method

    def passed(self, name: str, reason: str) -> None:
        self.layers.append(Layer(name, True, reason))

    def refs(self) -> dict[str, Any]:
        """The API template's references, resolved to stand-ins (an endpoint the call names
        for an id unknown before deploy stands in for it)."""
        api = self.api
        refs = template_refs(
            self.template, self.cfg, account=api.account, region=api.region, api_id=api.api_id
        )
        return refs

    def consumer_refs(self) -> dict[str, Any]:
        """What the consumer's template refers to: its endpoint, its account, the region."""
        consumer = self.consumer
        assert consumer is not None
        return template_refs(
            self.consumer_template,
            account=consumer.account_id or CONSUMER_ACCOUNT,
            region=consumer.provider.arn_region,
        ) | {"Endpoint": self.vpce}

    def request(self) -> Request:
        context: dict[str, Any] = {}
        if self.vpce:
            context["aws:SourceVpce"] = self.vpce
        if self.vpc:
            context["aws:SourceVpc"] = self.vpc
        context["aws:VpcSourceIp"] = self.call.ip or self.inside_ip()
        arn = self.api.method(self.stage, self.call.method, self.path)
        return Request("execute-api:Invoke", arn, self.call.principal, context)

    def inside_ip(self) -> str:
        cfg, consumer = self.cfg, self.consumer
        if consumer is not None:
            cidrs = list(consumer.network.allowed_cidrs) if consumer.network else []
        else:
            cidrs = list(cfg.access.source_cidrs) or (
                list(cfg.network_required.allowed_cidrs) if cfg.endpoint.create else []
            )
        if not cidrs:
            return "10.0.1.25"
        return str(next(ipaddress.ip_network(cidrs[0]).hosts(), "10.0.0.1"))


def not_authorized(request: Request, decision: str) -> str:
    why = (
        "with an explicit deny"
        if decision == "explicit-deny"
        else ("because no resource-based policy allows the execute-api:Invoke action")
    )
    return (
        f"User: {request.principal} is not authorized to perform: execute-api:Invoke on "
        f"resource: {request.resource} {why}"
    )


def gateway_body(cfg: Config, kind: str, error: str = "") -> str | None:
    """The body of the API's own gateway response of ``kind``, if it has one."""
    for spec in gateway_response_specs(cfg):
        if spec.response_type == kind:
            return spec.body.replace("$context.requestId", "<request id>").replace(
                "$context.error.messageString", json.dumps(error)
            )
    return None


def access_denied(cfg: Config, error: str) -> str:
    return gateway_body(cfg, "ACCESS_DENIED", error) or json.dumps({"Message": error})


def missing_token(cfg: Config) -> str:
    return gateway_body(cfg, "MISSING_AUTHENTICATION_TOKEN") or json.dumps(
        {"message": "Missing Authentication Token"}
    )

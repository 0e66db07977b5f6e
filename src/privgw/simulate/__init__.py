"""Would this call work, and if not, which layer stops it? (``privgw simulate``)

A call is walked through every layer privgw builds, in the order AWS applies them, and stops at
the first that refuses it: DNS, the endpoint's security group, the VPC endpoint policy, the
domain's association and policy, the API's resource policy, the route and stage,
authorization, request validation, the backend. The policies are the ones the built template
holds, decided by ``privgw.evaluate``; the methods are the resolved model's
(``privgw.model``), the ones the template has. What privgw cannot know (a Lambda authorizer's
decision, an endpoint of another stack) is said, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from privgw.config import Config, ConsumerStack
from privgw.simulate import api, domain, network
from privgw.simulate.network import HOST_FORMS
from privgw.simulate.walk import Call, Layer, SimulateError, Stop, Verdict, Walk
from privgw.standins import ACCOUNT, API_ID, CONSUMER_ENDPOINT, CREATED_ENDPOINT, REGION

#: The layers in the order AWS applies them.
LAYERS: tuple[tuple[str, Callable[[Walk], Any]], ...] = (
    ("dns", network.dns),
    ("security-group", network.security_group),
    ("endpoint-policy", network.endpoint_policy),
    ("association", domain.association),
    ("domain-policy", domain.domain_policy),
    ("resource-policy", api.resource_policy),
    ("route", api.route),
    ("authorization", api.authorization),
    ("validation", api.validation),
    ("backend", api.backend),
)


def simulate(
    cfg: Config,
    template: Mapping[str, Any],
    call: Call,
    consumer: tuple[ConsumerStack, Mapping[str, Any]] | None = None,
) -> Verdict:
    """Walk ``call`` through the layers of the API ``cfg`` builds as ``template`` (the plain
    flavour's). With ``consumer`` (a consumer config and its template) the call comes from
    that account's VPC, through its endpoint, to the provider's custom domain by default.
    Raises ``SimulateError`` for a call that cannot be made as given."""
    walk = Walk(cfg, template, call)
    if consumer is not None:
        walk.consumer, walk.consumer_template = consumer
    status, message = 200, ""
    for name, step in LAYERS:
        try:
            result = step(walk)
        except Stop as stop:
            walk.layers.append(Layer(name, False, stop.reason))
            return Verdict(
                False,
                stop.status,
                stop.message,
                name,
                stop.reason,
                stop.fix,
                walk.layers,
                walk.notes,
            )
        if result is not None:
            status, message = result
    last = walk.layers[-1]
    return Verdict(True, status, message, last.name, last.reason, "", walk.layers, walk.notes)


__all__ = [
    "ACCOUNT",
    "API_ID",
    "CONSUMER_ENDPOINT",
    "CREATED_ENDPOINT",
    "HOST_FORMS",
    "LAYERS",
    "REGION",
    "Call",
    "Layer",
    "SimulateError",
    "Verdict",
    "simulate",
]

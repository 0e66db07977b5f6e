"""AWS service integrations read back as ``services`` entries (``config/service.py``): the
service and action from the integration URI, the one resource from the URI (an SQS queue)
or from the request template (a state machine, table, event bus or stream), the live
``application/json`` request template kept as the service's own, and the wait.

What changes is said, never hidden: privgw gives each service a role allowed that one action
on that one resource (the live credentials role is not carried), and answers with its own
responses (200, and 4xx/5xx from the service's error). A service integration whose resource
import cannot find, or one privgw's model refuses, is left out with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from privgw.evaluate import ApiArn

_URI = re.compile(r"arn:(aws[a-z-]*):apigateway:([a-z0-9-]+):([a-z0-9.-]+):(action|path)/(.+)")

#: API Gateway's URI service name -> privgw's service, and where its resource is named.
_KINDS = {
    "sqs": "sqs",
    "states": "step_functions",
    "dynamodb": "dynamodb",
    "events": "eventbridge",
    "kinesis": "kinesis",
}


def _named(template: str, field: str) -> str | None:
    """A literal string the template gives ``field`` (``"TableName": "orders"``)."""
    found = re.search(rf'"{field}"\s*:\s*"([^"$]+)"', template)
    return found.group(1) if found else None


def _resource(kind: str, rest: str, template: str, arn: ApiArn, region: str) -> str | None:
    """The ARN of the one resource the integration acts on."""
    where = f"{arn.partition}:{{}}:{region}:{arn.account}"
    if kind == "sqs":
        account, _, queue = rest.partition("/")
        return f"arn:{arn.partition}:sqs:{region}:{account}:{queue}" if queue else None
    if kind == "step_functions":
        return _named(template, "stateMachineArn")
    if kind == "eventbridge":
        bus = _named(template, "EventBusName") or "default"
        return bus if bus.startswith("arn:") else f"arn:{where.format('events')}:event-bus/{bus}"
    field = {"dynamodb": "TableName", "kinesis": "StreamName"}[kind]
    name = _named(template, field)
    if name is None:
        return None
    if name.startswith("arn:"):
        return name
    return f"arn:{where.format(kind)}:{'table' if kind == 'dynamodb' else 'stream'}/{name}"


def service_of(
    integration: Mapping[str, Any], arn: ApiArn, report: list[str]
) -> dict[str, Any] | str:
    """The ``services`` entry of an AWS service integration, or why there is none."""
    from privgw.config.messages import first_problem  # noqa: PLC0415
    from privgw.config.service import Service  # noqa: PLC0415

    uri = str(integration.get("uri", ""))
    found = _URI.match(uri)
    if found is None or found.group(3) not in _KINDS:
        return f"is an AWS integration with {uri}, a service privgw does not build"
    kind, form, rest = _KINDS[found.group(3)], found.group(4), found.group(5)
    template = str((integration.get("requestTemplates") or {}).get("application/json") or "")
    action = "SendMessage" if kind == "sqs" else rest.split("&")[0]
    if kind == "sqs" and form != "path":
        return f"calls SQS as {uri}, not by its queue's path, which privgw does not read"
    resource = _resource(kind, rest, template, arn, found.group(2))
    if resource is None:
        return f"calls {kind} {action} on a resource its request template does not name"
    service: dict[str, Any] = {"aws": kind, "action": action, "arn": resource}
    if template:
        service["request_template"] = template
    if kind == "eventbridge":
        service["source"] = _named(template, "Source")
        service["detail_type"] = _named(template, "DetailType")
    if kind == "dynamodb" and action in ("GetItem", "Query"):
        key = re.search(r"\$input\.params\('([A-Za-z0-9_]+)'\)", template)
        service["key"] = key.group(1) if key else None
    wait = integration.get("timeoutInMillis")
    if wait and int(wait) != 29000:
        service["integration_timeout_ms"] = int(wait)
    service = {k: v for k, v in service.items() if v is not None}
    refused = first_problem(Service, service)
    if refused is not None:
        return f"calls {kind} {action} in a way privgw refuses ({refused})"
    role = integration.get("credentials") or "none"
    report.append(
        f"calls {kind} {action} on {resource}: its role ({role}) is not carried: privgw "
        "makes one allowed that action on that resource only; its answers become privgw's "
        "(200, and 4xx/5xx from the service's error)"
    )
    return service

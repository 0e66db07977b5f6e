"""Non-proxy integrations read back as a route's ``integration`` (``config/mapping.py``): the
request templates and parameter mappings on the way in, the selected responses on the way out,
each with the method response it answers as.

A console-built API often maps rather than proxies (a Lambda function called with a request
template, an HTTP backend whose errors become 4xx by a selection pattern). privgw says the
same with a mapping, so such a method is carried, not left out; one privgw cannot say (a
response header from somewhere privgw does not read, a model of the API's own, no default
answer) is reported with the reason, never half carried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HEADER = "method.response.header."


def _responses(
    integration: Mapping[str, Any], method: Mapping[str, Any], report: list[str]
) -> list[dict[str, Any]] | str:
    answers = integration.get("integrationResponses") or {}
    declared = method.get("methodResponses") or {}
    responses = []
    for code, answer in sorted(answers.items()):
        response: dict[str, Any] = {"status": int(answer.get("statusCode", code))}
        if answer.get("selectionPattern"):
            response["pattern"] = answer["selectionPattern"]
        headers = {}
        for name, source in (answer.get("responseParameters") or {}).items():
            if not name.startswith(HEADER):
                return f"maps response parameter {name}, which is no response header"
            headers[name.removeprefix(HEADER)] = source
        if headers:
            response["headers"] = headers
        if answer.get("responseTemplates"):
            response["templates"] = {
                k: v for k, v in answer["responseTemplates"].items() if v is not None
            }
            if not response["templates"]:
                del response["templates"]
        if answer.get("contentHandling"):
            return (
                f"converts its {code} answer ({answer['contentHandling']}), which privgw does not"
            )
        models = (declared.get(str(code)) or {}).get("responseModels") or {}
        kept = {t: m for t, m in models.items() if m in ("Empty", "Error")}
        for content_type, model in sorted(models.items()):
            if model not in ("Empty", "Error"):
                report.append(
                    f"its {code} answer's model {model} ({content_type}) is not carried: "
                    "privgw declares API Gateway's Empty or Error only (the answer is the same)"
                )
        if kept:
            response["models"] = kept
        responses.append(response)
    if not responses:
        return "answers nothing: its integration has no responses"
    if sum(1 for r in responses if not r.get("pattern")) != 1:
        return "has no single default answer (one response without a selection pattern)"
    return responses


def mapping_of(
    integration: Mapping[str, Any], method: Mapping[str, Any], report: list[str]
) -> dict[str, Any] | str:
    """The route's ``integration`` for a non-proxy integration, or why it cannot be one (the
    mapping is checked against privgw's model here, so a refusal is a report line, not a
    failed import)."""
    from privgw.config.mapping import Mapping as MappingModel  # noqa: PLC0415
    from privgw.config.messages import first_problem  # noqa: PLC0415

    notes: list[str] = []
    responses = _responses(integration, method, notes)
    if isinstance(responses, str):
        return responses
    mapping: dict[str, Any] = {"responses": responses}
    templates = {k: v for k, v in (integration.get("requestTemplates") or {}).items() if v}
    if templates:
        mapping["request_templates"] = templates
    if integration.get("requestParameters"):
        mapping["request_parameters"] = dict(integration["requestParameters"])
    if integration.get("passthroughBehavior"):
        mapping["passthrough_behavior"] = integration["passthroughBehavior"]
    refused = first_problem(MappingModel, mapping)
    if refused is not None:
        return f"maps in a way privgw refuses ({refused})"
    report += notes
    return mapping

"""The body form (``api_definition: body``): the whole API as one OpenAPI Body, for APIs the
resources form cannot fit in one template, with the same integrations, policy, permissions and
redeploy guarantee as the resources form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, load_config, render
from privgw.flavours import FLAVOURS
from privgw.resources.template import api_notes
from tests.support.configs import BASE_CONFIG, DELETE, EXAMPLES, one_of, resources_of, with_changes
from tests.support.integrations import integrations
from tests.support.specs import write_generated

INLINE = {"inline": "def handler(event, context):\n    return {'statusCode': 200}\n"}
VERBS = ("GET", "POST", "PUT", "DELETE")

#: cfn-lint W3660: these beside a RestApi Body are overwritten by its next PutRestApi.
MIXED_TYPES = (
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Model",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::RequestValidator",
    "AWS::ApiGateway::Authorizer",
)


def large(routes: int, functions: int = 20, **changes: Any) -> dict[str, Any]:
    """``routes`` routes over ``functions`` functions, four methods per path."""
    fns = {
        f"fn{i}": {"runtime": "python3.13", "handler": "index.handler", "code": INLINE}
        for i in range(functions)
    }
    return with_changes(
        BASE_CONFIG,
        function=DELETE,
        functions=fns,
        routes=[
            {"method": VERBS[i % 4], "path": f"/items{i // 4}", "target": f"fn{i % functions}"}
            for i in range(routes)
        ],
        **changes,
    )


def _body(template: dict[str, Any]) -> dict[str, Any]:
    apis = resources_of(template, "AWS::ApiGateway::RestApi") or resources_of(
        template, "AWS::Serverless::Api"
    )
    props = next(iter(apis.values()))["Properties"]
    body: dict[str, Any] = props.get("Body") or props["DefinitionBody"]
    return body


@pytest.fixture(scope="module")
def thousand() -> Config:
    return Config(**large(1000))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_thousand_routes_over_twenty_functions_build_lint_clean(
    thousand: Config, flavour: str
) -> None:
    template = build_template(thousand, flavour).to_dict()  # type: ignore[arg-type]
    assert len(template["Resources"]) < 120, "resources no longer grow with routes"
    found = integrations(template)
    assert len(found) == 1000
    assert found["DELETE /items3"]["Uri"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
        "functions/${Fn15Function.Arn}/invocations"
    }
    permissions = resources_of(template, "AWS::Lambda::Permission")
    assert len(permissions) == 20, "one permission per function, not per route"
    assert not [n for n, r in template["Resources"].items() if r["Type"] in MIXED_TYPES]
    findings = lint_text(render(template, "json", compact=True))
    assert [f for f in findings if f.fails] == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_generated_thousand_operation_spec_builds_lint_clean_in_the_body_form(
    tmp_path: Path, flavour: str
) -> None:
    """Issue #27's proof: a spec beyond one template's resources, each operation's backend
    chosen the three ways (the spec's integration, openapi.targets, default_target)."""
    cfg = load_config(write_generated(tmp_path, 1000))
    assert any("api_definition: body" in n for n in api_notes(cfg))
    template = build_template(cfg, flavour).to_dict()  # type: ignore[arg-type]
    assert len(template["Resources"]) < 120
    found = integrations(template)
    assert len(found) == 1000
    by_id = {
        operation["operationId"]: (path, verb)
        for path, item in _body(template)["paths"].items()
        for verb, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for index, function in ((0, "Fn0"), (3, "Fn3"), (1, "Fn1"), (2, "Fn0"), (998, "Fn0")):
        path, verb = by_id[f"op{index}"]  # 0, 3: the spec's own; 1: targets; 2, 998: default
        uri = found[f"{verb.upper()} {path}"]["Uri"]
        assert f"${{{function}Function.Arn}}" in uri["Fn::Sub"], (index, uri)
    posts = [
        op for item in _body(template)["paths"].values() for v, op in item.items() if v == "post"
    ]
    assert len(posts) == 250
    assert all(op["security"] == [{"api_key": []}] and "requestBody" in op for op in posts)
    findings = lint_text(render(template, "json", compact=True))
    assert [f for f in findings if f.fails] == []


def test_the_default_switches_to_the_body_form_only_when_resources_do_not_fit(
    thousand: Config,
) -> None:
    small = Config(**large(40))
    assert resources_of(build_template(small).to_dict(), "AWS::ApiGateway::Method")
    assert any("api_definition: body" in n for n in api_notes(thousand))
    assert not any("api_definition" in n for n in api_notes(small))


def test_resources_form_when_asked_refuses_with_the_body_form_as_the_fix() -> None:
    data = large(400, api_definition="resources")
    with pytest.raises(ConfigError) as caught:
        build_template(Config(**data))
    assert "api_definition: body" in str(caught.value)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_example_in_the_body_form_has_the_resources_forms_integrations(
    path: Any, flavour: str
) -> None:
    """Same integration for every method (type, URI, credentials, templates, mappings), the
    same policy and endpoints; lint-clean, nothing of W3660's types beside the Body."""
    cfg = load_config(path)
    as_body = cfg.model_copy(update={"api_definition": "body"})
    resources_form = build_template(cfg, flavour).to_dict()  # type: ignore[arg-type]
    body_form = build_template(as_body, flavour).to_dict()  # type: ignore[arg-type]
    # the plain flavour's Methods: the SAM flavour's resources form may leave them to events
    assert integrations(body_form) == integrations(build_template(cfg).to_dict())
    plain = "AWS::ApiGateway::RestApi" if flavour == "cfn" else "AWS::Serverless::Api"
    body_api, resources_api = (one_of(t, plain)["Properties"] for t in (body_form, resources_form))
    for key in ("Policy", "EndpointConfiguration"):
        assert body_api.get(key) == resources_api.get(key)
    if flavour == "sam":  # SigV4 moves from DefaultAuthorizer into the definition's security
        assert body_api["Auth"]["ResourcePolicy"] == resources_api["Auth"]["ResourcePolicy"]
    assert not [n for n, r in body_form["Resources"].items() if r["Type"] in MIXED_TYPES]
    findings = lint_text(render(body_form, "yaml"))
    assert [f for f in findings if f.fails] == []


def test_gateway_responses_authorizers_and_validation_travel_in_the_body() -> None:
    cfg = load_config(next(p for p in EXAMPLES if p.stem == "secured"))
    body = _body(build_template(cfg.model_copy(update={"api_definition": "body"})).to_dict())
    resources_form = build_template(cfg).to_dict()
    responses = resources_of(resources_form, "AWS::ApiGateway::GatewayResponse")
    assert sorted(body["x-amazon-apigateway-gateway-responses"]) == sorted(
        r["Properties"]["ResponseType"] for r in responses.values()
    )
    authorizers = resources_of(resources_form, "AWS::ApiGateway::Authorizer")
    assert authorizers, "the example has authorizers"
    assert responses, "and gateway responses"
    schemes = body["components"]["securitySchemes"]
    assert len(authorizers) == sum("x-amazon-apigateway-authorizer" in s for s in schemes.values())
    validators = resources_of(resources_form, "AWS::ApiGateway::RequestValidator")
    assert len(validators) == len(body.get("x-amazon-apigateway-request-validators", {}))


def test_a_changed_route_in_the_body_makes_a_new_deployment() -> None:
    data = large(8, functions=2, api_definition="body")
    before = build_template(Config(**data)).to_dict()
    data["routes"][3]["target"] = "fn0" if data["routes"][3]["target"] == "fn1" else "fn1"
    after = build_template(Config(**data)).to_dict()
    assert set(resources_of(before, "AWS::ApiGateway::Deployment")) != set(
        resources_of(after, "AWS::ApiGateway::Deployment")
    )
    assert build_template(Config(**data)).to_dict() == after, "and the same one each build"

"""The resolved API model is the template: for every example and valid corpus config, the
template's methods are exactly the model's (path, HTTP method, authorization, API key, what
answers), so what simulate, diagram and doctor explain is what is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from privgw import build_template
from privgw.config import Config, load_any
from privgw.config.auth import CognitoAuth, LambdaAuth
from privgw.model import ApiMethod, resolve_api
from tests.support.configs import ROOT, resources_of
from tests.support.corpus import valid_configs

CONFIGS = [
    p
    for p in [*sorted((ROOT / "examples").rglob("*.yaml")), *valid_configs()]
    if not p.name.endswith(".openapi.yaml")  # an OpenAPI document a config reads
    if isinstance(load_any(p), Config)
]  # fmt: skip
AUTHORIZATION = {"iam": "AWS_IAM", "none": "NONE"}


def _path(template: dict[str, Any], ref: Any) -> str:
    parts: list[str] = []
    while isinstance(ref, dict) and "Ref" in ref:
        props = template["Resources"][ref["Ref"]]["Properties"]
        parts.insert(0, str(props["PathPart"]))
        ref = props["ParentId"]
    return "/" + "/".join(parts)


def _expected(method: ApiMethod) -> tuple[str, str, str, bool, str]:
    auth = method.auth
    if isinstance(auth, LambdaAuth):
        kind = "CUSTOM"
    elif isinstance(auth, CognitoAuth):
        kind = "COGNITO_USER_POOLS"
    else:
        kind = AUTHORIZATION[auth]
    answer = {
        "function": "AWS_PROXY",
        "existing_function": "AWS_PROXY",
        "backend": "HTTP_PROXY",
        "service": "AWS",
    }.get(method.target.kind, "MOCK")
    if method.route is not None and method.route.integration is not None:
        answer = answer.removesuffix("_PROXY")  # a mapped route is not a proxy
    return method.http_method, method.path, kind, method.api_key_required, answer


@pytest.mark.parametrize("path", CONFIGS, ids=[str(p.relative_to(ROOT)) for p in CONFIGS])
def test_the_templates_methods_are_the_models(path: Path) -> None:
    cfg = load_any(path)
    assert isinstance(cfg, Config)
    template = build_template(cfg).to_dict()
    built = sorted(
        (
            props["HttpMethod"],
            _path(template, props["ResourceId"]),
            props["AuthorizationType"],
            bool(props.get("ApiKeyRequired", False)),
            props["Integration"]["Type"],
        )
        for props in (
            m["Properties"] for m in resources_of(template, "AWS::ApiGateway::Method").values()
        )
    )
    assert built == sorted(_expected(m) for m in resolve_api(cfg).methods)
    resources = resources_of(template, "AWS::ApiGateway::Resource")
    assert {_path(template, {"Ref": r}) for r in resources} == {
        "/" + "/".join(node) for node in resolve_api(cfg).resources if node
    }

"""``privgw openapi``: a valid OpenAPI 3.0 document of the config's API for its consumers,
with API Gateway's extensions when asked, and a round trip: a config that takes the document
(``openapi:``) builds byte for byte the template of the config it came from."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from privgw import Config, build_template, load_config, render
from privgw.cli import main
from privgw.config import load_any
from privgw.flavours import FLAVOURS
from privgw.model import resolve_api
from privgw.openapi_export import export_openapi
from tests.support.configs import EXAMPLES, ROOT, TOPOLOGIES

API_CONFIGS = [p for p in [*EXAMPLES, *TOPOLOGIES] if isinstance(load_any(p), Config)]


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return {str(k) for k in node} | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


@pytest.mark.parametrize("aws_extensions", [False, True], ids=["plain", "aws"])
@pytest.mark.parametrize("path", API_CONFIGS, ids=lambda p: p.stem)
def test_a_config_taking_the_document_builds_the_same_template(
    path: Path, aws_extensions: bool, tmp_path: Path
) -> None:
    """In a copy of the examples (a config's code is inside its folder)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    copied = tmp_path / path.relative_to(ROOT)
    cfg = load_config(copied)
    document, _ = export_openapi(cfg, aws_extensions)
    validate(json.loads(json.dumps(document)))
    (copied.parent / "api.openapi.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    data = yaml.safe_load(copied.read_text())
    data.pop("routes", None)
    data["openapi"] = {"path": "api.openapi.yaml"}
    (copied.parent / "round-trip.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    again = load_config(copied.parent / "round-trip.yaml")
    for flavour in FLAVOURS:
        before = render(build_template(cfg, flavour, tmp_path / "templates"), "yaml")
        after = render(build_template(again, flavour, tmp_path / "templates"), "yaml")
        assert after == before, flavour


def test_the_document_says_what_a_consumer_needs() -> None:
    cfg = load_config(ROOT / "examples" / "secured.yaml")
    document, unresolved = export_openapi(cfg)
    assert unresolved == []
    assert not any(k.startswith("x-amazon-apigateway") for k in _keys(document))
    assert document["info"]["title"] == cfg.name
    urls = [s["url"] for s in document["servers"]]
    assert "https://{restApiId}-{vpceId}.execute-api.{region}.amazonaws.com/{stage}" in urls
    schemes = document["components"]["securitySchemes"]
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert len({op["operationId"] for op in operations}) == len(operations)
    for method in resolve_api(cfg).routes:
        operation = document["paths"][method.path][method.http_method.lower()]
        needed = {req for reqs in operation.get("security", []) for req in reqs}
        assert ("api_key" in needed) is method.api_key_required
        assert ("AWS_IAM" in needed) is (method.auth == "iam")
        for segment in method.segments:
            if segment.startswith("{"):
                names = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
                assert segment.strip("{}") in names


def test_aws_extensions_keep_integrations_and_list_what_a_deployment_must_fill() -> None:
    cfg = load_config(ROOT / "examples" / "hello.yaml")
    document, unresolved = export_openapi(cfg, aws_extensions=True)
    integration = document["paths"]["/hello"]["get"]["x-amazon-apigateway-integration"]
    assert integration["type"] == "aws_proxy"
    assert "${Function.Arn}" in integration["uri"]
    assert unresolved == ["AWS::Partition", "AWS::Region", "Function.Arn"]
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:hello"
    filled, left = export_openapi(
        cfg,
        aws_extensions=True,
        values={"AWS::Partition": "aws", "AWS::Region": "eu-west-1", "Function.Arn": arn},
    )
    assert left == []
    assert filled["paths"]["/hello"]["get"]["x-amazon-apigateway-integration"]["uri"] == (
        f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    )


def test_any_route_is_every_method_for_a_consumer_and_one_route_read_back() -> None:
    cfg = load_config(ROOT / "examples" / "platform.yaml")
    document, _ = export_openapi(cfg)
    any_routes = [r for r in cfg.routes if r.method == "ANY"]
    assert any_routes, "the example has an ANY route"
    operations = document["paths"][any_routes[0].path]
    assert {"get", "post", "put", "patch", "delete", "head", "options"} <= set(operations)


def test_the_command_writes_json_or_yaml_and_never_overwrites(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["openapi", str(ROOT / "examples" / "hello.yaml")], out, err) == 0
    assert yaml.safe_load(out.getvalue())["openapi"].startswith("3.0")
    target = tmp_path / "hello.json"
    assert (
        main(["openapi", str(ROOT / "examples" / "hello.yaml"), "-o", str(target)], out, err) == 0
    )
    assert json.loads(target.read_text())["paths"]["/hello"]
    err = io.StringIO()
    again = ["openapi", str(ROOT / "examples" / "hello.yaml"), "-o", str(target)]
    assert main(again, io.StringIO(), err) == 2
    assert "Traceback" not in err.getvalue()
    aws = ["openapi", str(ROOT / "examples" / "hello.yaml"), "--aws-extensions"]
    err = io.StringIO()
    assert main(aws, io.StringIO(), err) == 0
    assert "Function.Arn" in err.getvalue()
    err = io.StringIO()
    endpoint_stack = ROOT / "examples" / "topologies" / "platform-endpoint.yaml"
    assert main(["openapi", str(endpoint_stack)], io.StringIO(), err) == 2
    assert "API config" in err.getvalue()
    with pytest.raises(SystemExit) as bad:
        main(["openapi", str(ROOT / "examples" / "hello.yaml"), "--set", "x"], out, err)
    assert bad.value.code == 2


def _without_privgw_records(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_privgw_records(v) for k, v in node.items() if k != "x-privgw-route"}
    if isinstance(node, list):
        return [_without_privgw_records(v) for v in node]
    return node


def test_the_aws_form_alone_reads_back_as_the_same_auth_and_targets(tmp_path: Path) -> None:
    """Without privgw's records, what API Gateway itself reads is enough: SigV4, API keys,
    the Lambda (token) authorizer, Cognito with its scopes, each integration's function."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    copied = tmp_path / "examples" / "secured.yaml"
    cfg = load_config(copied)
    document, _ = export_openapi(cfg, aws_extensions=True)
    stripped = _without_privgw_records(document)
    assert "x-privgw-route" not in json.dumps(stripped)
    (copied.parent / "api.openapi.yaml").write_text(yaml.safe_dump(stripped, sort_keys=False))
    data = yaml.safe_load(copied.read_text())
    data.pop("routes", None)
    data.pop("auth", None)  # the document says each operation's
    data["openapi"] = {"path": "api.openapi.yaml"}
    (copied.parent / "from-aws-form.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    again = load_config(copied.parent / "from-aws-form.yaml")

    def seen(config: Config) -> dict[str, Any]:
        return {
            f"{m.http_method} {m.path}": (m.auth, m.api_key_required, m.target.kind, m.target.name)
            for m in resolve_api(config).routes
        }

    assert seen(again) == seen(cfg)
    kinds = {type(m.auth).__name__ for m in resolve_api(cfg).routes}
    assert {"LambdaAuth", "CognitoAuth", "str"} <= kinds, "the example has every kind"

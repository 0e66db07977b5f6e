"""The SAM flavour is equivalent to the plain one, proven through SAM's own transform."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, build_template, lint_text, load_config, naming, render
from privgw.config import HTTP_METHODS
from privgw.model import resolve_api
from privgw.resources import parameters
from privgw.resources.template import build_template as build
from tests.support.configs import BASE_CONFIG, DELETE, ROOT, one_of, resources_of, with_changes
from tests.support.localaws.stacks import sam_transform

SAM_METHOD_KEYS = {m.lower(): m for m in HTTP_METHODS[1:]} | {
    "x-amazon-apigateway-any-method": "ANY"
}


@pytest.fixture(autouse=True)
def _offline_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """samtranslator asks boto3 for a region; give it one so it never looks elsewhere."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def both(cfg: Config) -> tuple[dict[str, Any], dict[str, Any]]:
    plain = build_template(cfg, "cfn").to_dict()
    sam = sam_transform(build_template(cfg, "sam").to_dict())
    return plain, sam


def sam_routes(sam: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each route of the transformed SAM template with its integration and security."""
    body = one_of(sam, "AWS::ApiGateway::RestApi")["Properties"]["Body"]
    routes = {}
    for path, operations in body["paths"].items():
        for key, operation in operations.items():
            routes[(SAM_METHOD_KEYS[key], path)] = operation
    return routes


def plain_routes(plain: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each route of the plain template with its Method's properties."""
    resources = {
        k: v["Properties"] for k, v in resources_of(plain, "AWS::ApiGateway::Resource").items()
    }

    def path_of(ref: Any) -> str:
        if "Fn::GetAtt" in ref:
            return ""
        node = resources[ref["Ref"]]
        return path_of(node["ParentId"]) + "/" + str(node["PathPart"])

    return {
        (m["Properties"]["HttpMethod"], path_of(m["Properties"]["ResourceId"]) or "/"): m[
            "Properties"
        ]
        for m in resources_of(plain, "AWS::ApiGateway::Method").values()
    }


def lambda_target(uri: Any) -> tuple[str, bool]:
    """(function logical id, streamed) of a Lambda proxy URI; SAM writes its own events'
    URIs with a literal partition, privgw with ${AWS::Partition}."""
    if isinstance(uri["Fn::Sub"], list):  # a function that already runs, by its ARN
        return str(uri["Fn::Sub"][1]["FunctionArn"]), False
    text = uri["Fn::Sub"]
    function = text.split("/functions/${", 1)[1].split(".Arn}", 1)[0]
    streamed = text.endswith(
        "/2021-11-15/functions/${" + function + ".Arn}/response-streaming-invocations"
    )
    assert streamed or text.endswith("/2015-03-31/functions/${" + function + ".Arn}/invocations")
    return function, streamed


def as_openapi(integration: dict[str, Any]) -> dict[str, Any]:
    """A plain Method's Integration in the spelling of the OpenAPI extension (API Gateway
    developer guide, "x-amazon-apigateway-integration object"), written out independently of
    privgw's own converter so the comparison can catch it."""
    names = {"IntegrationHttpMethod": "httpMethod"}
    result: dict[str, Any] = {}
    for key, given in integration.items():
        name = names.get(key, key[0].lower() + key[1:])
        value = given.lower() if key in ("Type", "PassthroughBehavior") else given
        if key == "IntegrationResponses":
            name = "responses"
            value = {
                r.get("SelectionPattern", "default"): {
                    k[0].lower() + k[1:]: v for k, v in r.items() if k != "SelectionPattern"
                }
                for r in given
            }
        result[name] = value
    return result


@pytest.fixture
def pair(example: Path) -> tuple[Config, dict[str, Any], dict[str, Any]]:
    cfg = load_config(example)
    return (cfg, *both(cfg))


def test_same_endpoint_type_and_ids(pair: tuple[Config, dict[str, Any], dict[str, Any]]) -> None:
    _, plain, sam = pair
    plain_api = one_of(plain, "AWS::ApiGateway::RestApi")["Properties"]
    sam_api = one_of(sam, "AWS::ApiGateway::RestApi")["Properties"]
    assert sam_api["EndpointConfiguration"] == plain_api["EndpointConfiguration"]
    assert sam_api["EndpointConfiguration"]["Types"] == ["PRIVATE"]


def test_same_resource_policy(pair: tuple[Config, dict[str, Any], dict[str, Any]]) -> None:
    _, plain, sam = pair
    plain_policy = one_of(plain, "AWS::ApiGateway::RestApi")["Properties"]["Policy"]
    body = one_of(sam, "AWS::ApiGateway::RestApi")["Properties"]["Body"]
    sam_policy = body["x-amazon-apigateway-policy"]
    assert _statements(sam_policy) == _statements(plain_policy)


def _statements(policy: dict[str, Any]) -> list[str]:
    return sorted(json.dumps(s, sort_keys=True) for s in policy["Statement"])


def test_same_routes_with_the_same_integrations(
    pair: tuple[Config, dict[str, Any], dict[str, Any]],
) -> None:
    """Every route reaches the same target the same way in both flavours: the same function
    (and streaming), the same VPC link, load balancer, URI and path mapping, the same mock."""
    assert_same_routes(*pair)


def assert_same_routes(cfg: Config, plain: dict[str, Any], sam: dict[str, Any]) -> None:
    expected = {(m.http_method, m.path) for m in resolve_api(cfg).methods}
    plain_by_route = plain_routes(plain)
    sam_by_route = sam_routes(sam)
    assert set(plain_by_route) == set(sam_by_route) == expected
    for key, method in plain_by_route.items():
        integration = method["Integration"]
        operation = sam_by_route[key]
        sam_integration = operation["x-amazon-apigateway-integration"]
        if integration["Type"] == "AWS_PROXY":
            assert sam_integration["type"] == "aws_proxy", key
            assert lambda_target(sam_integration["uri"]) == lambda_target(integration["Uri"]), key
            assert sam_integration["timeoutInMillis"] == integration["TimeoutInMillis"], key
            assert sam_integration.get("responseTransferMode") == integration.get(
                "ResponseTransferMode"
            ), key
        else:
            assert sam_integration == as_openapi(integration), key
        assert operation.get("security", []) == expected_security(method), key


def expected_security(method: dict[str, Any]) -> list[dict[str, list[str]]]:
    """The OpenAPI security requirement that says what a plain Method's authorization says
    (schemes named as privgw's definition names them: AWS_IAM, the authorizer's logical id,
    api_key)."""
    needed: dict[str, list[str]] = {}
    kind = method["AuthorizationType"]
    if kind == "AWS_IAM":
        needed["AWS_IAM"] = []
    elif kind in ("CUSTOM", "COGNITO_USER_POOLS"):
        needed[method["AuthorizerId"]["Ref"]] = method.get("AuthorizationScopes", [])
    if method.get("ApiKeyRequired"):
        needed["api_key"] = []
    return [needed] if needed else []


def test_several_functions_keep_their_own_events_and_roles() -> None:
    data = with_changes(
        BASE_CONFIG,
        function=DELETE,
        functions={"a": BASE_CONFIG["function"], "b": BASE_CONFIG["function"]},
        routes=["GET /a -> a", "POST /a -> a", "GET /b/{id} -> b"],
    )
    cfg = Config(**data)
    _, sam = both(cfg)
    sam_functions = resources_of(sam, "AWS::Lambda::Function")
    assert sorted(sam_functions) == ["AFunction", "BFunction"]
    for name in ("AFunction", "BFunction"):
        assert sam_functions[name]["Properties"]["Role"] == {"Fn::GetAtt": [f"{name}Role", "Arn"]}
    targets = {
        key: lambda_target(op["x-amazon-apigateway-integration"]["uri"])[0]
        for key, op in sam_routes(sam).items()
    }
    assert targets == {
        ("GET", "/a"): "AFunction",
        ("POST", "/a"): "AFunction",
        ("GET", "/b/{id}"): "BFunction",
    }
    permissions = resources_of(sam, "AWS::Lambda::Permission").values()
    by_function = sorted(p["Properties"]["FunctionName"]["Ref"] for p in permissions)
    assert by_function == ["AFunction", "AFunction", "BFunction"]


def test_permissions_scoped_to_the_api(pair: tuple[Config, dict[str, Any], dict[str, Any]]) -> None:
    cfg, _, sam = pair
    permissions = resources_of(sam, "AWS::Lambda::Permission").values()
    events = [r for r in cfg.routes if cfg.target_of(r).kind == "function"]
    routed = {cfg.target_of(r).name for r in events}
    authorizers_only = [n for n in cfg.all_functions if n not in routed]
    existing = list(cfg.existing_functions.values())
    assert len(permissions) == len(events) + len(authorizers_only) + len(existing), (
        "one per event, + authorizers, + functions that already run"
    )
    for permission in permissions:
        props = permission["Properties"]
        if props["FunctionName"] in [e.arn for e in existing]:  # privgw's own, on the ARN
            assert props["SourceArn"]["Fn::Sub"].endswith("${RestApi}/*")
            continue
        if isinstance(props["SourceArn"]["Fn::Sub"], str):  # privgw's own, for an authorizer
            assert props["SourceArn"]["Fn::Sub"].endswith("${RestApi}/authorizers/*")
            continue
        assert props["Principal"] == "apigateway.amazonaws.com"
        template, variables = props["SourceArn"]["Fn::Sub"]
        assert template.startswith("arn:")
        assert ":${AWS::AccountId}:${__ApiId__}/" in template
        assert variables["__ApiId__"] == {"Ref": "RestApi"}


def test_same_function_role_stage_and_outputs(
    pair: tuple[Config, dict[str, Any], dict[str, Any]],
) -> None:
    cfg, plain, sam = pair
    plain_functions = resources_of(plain, "AWS::Lambda::Function")
    sam_functions = resources_of(sam, "AWS::Lambda::Function")
    assert sorted(sam_functions) == sorted(plain_functions)
    for logical_id, plain_resource in plain_functions.items():
        plain_fn = plain_resource["Properties"]
        sam_fn = sam_functions[logical_id]["Properties"]
        assert sam_fn["Tags"] in (  # (a plain Lambda function in both: privgw's redeployer)
            [*plain_fn["Tags"], {"Key": "lambda:createdBy", "Value": "SAM"}],
            [{"Key": "lambda:createdBy", "Value": "SAM"}, *plain_fn["Tags"]],
            plain_fn["Tags"],
        )
        for key in (
            "Role",
            "Runtime",
            "Handler",
            "MemorySize",
            "Timeout",
            "LoggingConfig",
            "Architectures",
        ):
            assert sam_fn[key] == plain_fn[key], key
    assert sorted(resources_of(sam, "AWS::IAM::Role")) == sorted(
        resources_of(plain, "AWS::IAM::Role")
    ), "no SAM-generated roles"
    (stage,) = resources_of(sam, "AWS::ApiGateway::Stage").values()
    plain_stage = one_of(plain, "AWS::ApiGateway::Stage")["Properties"]
    expected_stage = parameters.stage_name(cfg)
    assert stage["Properties"]["StageName"] == (
        expected_stage.to_dict() if cfg.reusable else expected_stage
    )
    for key in ("AccessLogSetting", "TracingEnabled", "MethodSettings"):
        assert stage["Properties"].get(key) == plain_stage.get(key), key
    assert sam["Outputs"] == plain["Outputs"]
    shared = [
        "Endpoint",
        "EndpointSecurityGroup",
        "AccessLogGroup",
        *resources_of(plain, "AWS::IAM::Role"),
        *resources_of(plain, "AWS::Logs::LogGroup"),
        *resources_of(plain, "AWS::ApiGatewayV2::VpcLink"),
    ]
    for name in shared:
        sam_resource = json.dumps(sam["Resources"].get(name), sort_keys=True)
        if name == naming.REDEPLOY_ROLE:  # it names the stage, which SAM generates
            sam_resource = re.sub(r'"RestApi\w*\.?Stage"', '"Stage"', sam_resource)
        assert sam_resource == json.dumps(plain["Resources"].get(name), sort_keys=True), name


def test_no_surprise_stage_named_stage(pair: tuple[Config, dict[str, Any], dict[str, Any]]) -> None:
    _, _, sam = pair
    names = [
        s["Properties"]["StageName"] for s in resources_of(sam, "AWS::ApiGateway::Stage").values()
    ]
    assert "Stage" not in names
    assert len(names) == 1


def sam_deployment_id(data: dict[str, Any]) -> str:
    sam = sam_transform(build_template(Config(**data), "sam").to_dict())
    (name,) = resources_of(sam, "AWS::ApiGateway::Deployment")
    return name


def test_sam_deployment_changes_with_policy_or_route_only() -> None:
    base = sam_deployment_id(BASE_CONFIG)
    assert sam_deployment_id(with_changes(BASE_CONFIG, routes=["GET /other"])) != base
    more = with_changes(BASE_CONFIG, **{"endpoint.existing_ids": ["vpce-01234567"]})
    assert sam_deployment_id(more) != base
    assert sam_deployment_id(with_changes(BASE_CONFIG, **{"function.memory": 2048})) == base


def test_transformed_sam_lints_clean(example: Path) -> None:
    cfg = load_config(example)
    transformed = sam_transform(build_template(cfg, "sam").to_dict())
    findings = [f for f in lint_text(render(transformed, "json")) if f.fails]
    assert findings == []


def test_local_code_becomes_codeuri_and_package_path(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "src").mkdir(parents=True)
    (tmp_path / "cfg" / "src" / "app.py").write_text("def h(e, c):\n    return {}\n")
    data = with_changes(
        BASE_CONFIG, **{"function.code": {"path": "src"}, "function.handler": "app.h"}
    )
    config = tmp_path / "cfg" / "svc.json"
    config.write_text(json.dumps(data), encoding="utf-8")
    cfg = load_config(config)
    out = tmp_path / "templates"
    sam_fn = one_of(build(cfg, "sam", out).to_dict(), "AWS::Serverless::Function")
    plain_fn = one_of(build(cfg, "cfn", out).to_dict(), "AWS::Lambda::Function")
    assert sam_fn["Properties"]["CodeUri"] == "../cfg/src"
    assert plain_fn["Properties"]["Code"] == "../cfg/src"
    assert plain_fn["Metadata"]["cfn-lint"] == {"config": {"ignore_checks": ["W3002"]}}
    assert (
        one_of(build(cfg, "cfn").to_dict(), "AWS::Lambda::Function")["Properties"]["Code"] == "src"
    )


def test_missing_local_code_is_a_config_error(tmp_path: Path) -> None:
    from privgw import ConfigError  # noqa: PLC0415

    data = with_changes(
        BASE_CONFIG, **{"function.code": {"path": "nope"}, "function.handler": "a.b"}
    )
    config = tmp_path / "svc.json"
    config.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"function.code.path: does not exist"):
        load_config(config)


def test_committed_sam_templates_use_the_transform() -> None:
    for path in sorted((ROOT / "templates").glob("*.sam.yaml")):
        assert "Transform: AWS::Serverless-2016-10-31" in path.read_text(encoding="utf-8")


def test_iam_authorization_is_equivalent_in_sam() -> None:
    data = with_changes(
        BASE_CONFIG, access={"iam_principals": ["arn:aws:iam::444455556666:role/caller"]}
    )
    plain, sam = both(Config(**data))
    assert one_of(plain, "AWS::ApiGateway::Method")["Properties"]["AuthorizationType"] == "AWS_IAM"
    body = one_of(sam, "AWS::ApiGateway::RestApi")["Properties"]["Body"]
    (operation,) = body["paths"]["/hello"].values()
    assert operation["security"] == [{"AWS_IAM": []}]
    assert "credentials" not in operation["x-amazon-apigateway-integration"]
    assert _statements(body["x-amazon-apigateway-policy"]) == _statements(
        one_of(plain, "AWS::ApiGateway::RestApi")["Properties"]["Policy"]
    )
    assert [f for f in lint_text(render(sam, "json")) if f.fails] == []


def test_iam_with_a_mock_and_a_backend_puts_security_in_the_definition() -> None:
    """With a definition of its own, the SAM Api carries AWS_IAM on every operation itself."""
    data = with_changes(
        BASE_CONFIG,
        access={"iam_principals": ["arn:aws:iam::444455556666:role/caller"]},
        backends={
            "svc": {
                "vpc_link_v1": {"id": "abc123"},
                "uri": "http://svc.internal.example.com",
            }
        },
        routes=[
            "GET /hello",
            "ANY /svc/{proxy+} -> svc",
            {"method": "GET", "path": "/health", "mock": {"body": "ok"}},
        ],
    )
    cfg = Config(**data)
    plain, sam = both(cfg)
    assert_same_routes(cfg, plain, sam)
    body = one_of(sam, "AWS::ApiGateway::RestApi")["Properties"]["Body"]
    assert body["components"]["securitySchemes"]["AWS_IAM"]["x-amazon-apigateway-authtype"] == (
        "awsSigv4"
    )
    assert [f for f in lint_text(render(sam, "json")) if f.fails] == []
    # privgw's own checks see the signing in the DefinitionBody of the untransformed template
    assert lint_text(render(build_template(cfg, "sam"), "yaml")) == []


def _authorizer_permissions(template: dict[str, Any], function: str) -> list[str]:
    """The SourceArns of the permissions that let API Gateway call ``function`` as an
    authorizer (on {api}/authorizers/*, or on everything)."""
    found = []
    for resource in resources_of(template, "AWS::Lambda::Permission").values():
        props = resource["Properties"]
        if json.dumps(props["FunctionName"]).find(f'"{function}"') < 0:
            continue
        source = json.dumps(props.get("SourceArn"))
        if "/authorizers/*" in source or re.search(r"\}/\*\"", source):
            found.append(source)
    return found


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
def test_a_routed_function_that_also_authorizes_may_be_called_as_an_authorizer(
    flavour: str,
) -> None:
    """SAM's event permission covers the function's own routes only, not
    {api}/authorizers/*: without a permission of privgw's every authorized route failed.
    Checked on the template as CloudFormation runs it (after SAM's transform)."""
    data = with_changes(
        BASE_CONFIG,
        functions={"app": BASE_CONFIG["function"]},
        auth={"lambda": "app", "type": "token"},
        routes=["GET /hello -> app", {"method": "GET", "path": "/open", "target": "app",
                                      "auth": "none"}],
    )  # fmt: skip
    del data["function"]
    template = build(Config(**data), flavour).to_dict()  # type: ignore[arg-type]
    if flavour == "sam":
        template = sam_transform(template)
    assert _authorizer_permissions(template, "AppFunction"), "no permission for the authorizer"

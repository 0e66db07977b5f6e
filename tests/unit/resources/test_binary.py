"""Binary payloads: the API's binary media types (both flavours) and a route's content
handling on its integration ("Working with binary media types for REST APIs")."""

from __future__ import annotations

from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, lint_text, render
from tests.support.configs import BASE_CONFIG, one_of, resources_of, with_changes

BINARY = with_changes(
    BASE_CONFIG,
    binary_media_types=["image/png", "application/octet-stream", "*/*"],
    routes=[
        {"path": "/images", "method": "POST", "content_handling": "CONVERT_TO_BINARY"},
        "GET /hello",
    ],
)


def deployment_id(data: dict[str, Any]) -> str:
    (name,) = resources_of(build_template(Config(**data)).to_dict(), "AWS::ApiGateway::Deployment")
    return name


def _methods(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{m['Properties']['HttpMethod']} {name}": m["Properties"]
        for name, m in template["Resources"].items()
        if m["Type"] == "AWS::ApiGateway::Method"
    }


def test_binary_media_types_on_the_api_in_both_flavours() -> None:
    cfg = Config(**BINARY)
    plain = build_template(cfg).to_dict()
    assert one_of(plain, "AWS::ApiGateway::RestApi")["Properties"]["BinaryMediaTypes"] == [
        "image/png",
        "application/octet-stream",
        "*/*",
    ]
    sam = build_template(cfg, "sam").to_dict()
    assert one_of(sam, "AWS::Serverless::Api")["Properties"]["BinaryMediaTypes"] == [
        "image/png",
        "application/octet-stream",
        "*/*",
    ]
    for flavour in ("cfn", "sam"):
        assert lint_text(render(build_template(cfg, flavour), "yaml")) == [], flavour


def test_content_handling_on_the_routes_integration_only() -> None:
    cfg = Config(**BINARY)
    methods = _methods(build_template(cfg).to_dict())
    (images,) = [m for key, m in methods.items() if key.startswith("POST")]
    (hello,) = [m for key, m in methods.items() if key.startswith("GET")]
    assert images["Integration"]["ContentHandling"] == "CONVERT_TO_BINARY"
    assert "ContentHandling" not in hello["Integration"]
    sam = build_template(cfg, "sam").to_dict()
    paths = one_of(sam, "AWS::Serverless::Api")["Properties"]["DefinitionBody"]["paths"]
    integration = paths["/images"]["post"]["x-amazon-apigateway-integration"]
    assert integration["contentHandling"] == "CONVERT_TO_BINARY"
    assert "contentHandling" not in paths["/hello"]["get"]["x-amazon-apigateway-integration"]


def test_binary_settings_change_the_deployment() -> None:
    """The stage must serve the new settings: each change makes a new Deployment."""
    plain_routes = with_changes(BINARY, routes=["POST /images", "GET /hello"])
    assert deployment_id(BINARY) != deployment_id(with_changes(BINARY, binary_media_types=[]))
    assert deployment_id(BINARY) != deployment_id(plain_routes)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"binary_media_types": ["png"]}, "binary_media_types[0]"),
        ({"binary_media_types": ["image/png", "image/png"]}, "binary_media_types"),
        (
            {"routes": [{"path": "/x", "method": "GET", "content_handling": "TO_BINARY"}]},
            "routes[0].content_handling",
        ),
        (
            {
                "routes": [
                    {
                        "path": "/x",
                        "method": "GET",
                        "mock": {"status": 200},
                        "content_handling": "CONVERT_TO_TEXT",
                    },
                    "GET /hello",
                ]
            },
            "routes[0].content_handling",
        ),
    ],
)
def test_binary_settings_refused_with_their_path(changes: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config(**with_changes(BASE_CONFIG, **changes))
    assert [p.path for p in caught.value.problems] == [path]

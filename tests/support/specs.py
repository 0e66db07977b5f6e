"""Generated OpenAPI documents the size of real large APIs, for the body-form test and
`make bench`: resources with path parameters, JSON bodies through shared ``$ref`` schemas, an
API key on writes, and the backend chosen the three ways a spec can (its own integration,
``openapi.targets``, ``default_target``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.configs import BASE_CONFIG, DELETE, with_changes

INLINE = {"inline": "def handler(event, context):\n    return {'statusCode': 200}\n"}
LAMBDA = (
    "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "${%sFunction.Arn}/invocations"
)
OK = {"200": {"description": "ok"}}


def _operation(index: int, functions: int, write: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": f"op{index}", "responses": OK}
    if write:
        operation["security"] = [{"key": []}]
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        }
    if index % 3 == 0:  # the spec names the function itself
        name = f"Fn{index % functions}"
        operation["x-amazon-apigateway-integration"] = {
            "type": "aws_proxy",
            "httpMethod": "POST",
            "uri": {"Fn::Sub": LAMBDA % name},
        }
    return operation


def generated(operations: int, functions: int = 20) -> tuple[dict[str, Any], dict[str, Any]]:
    """A spec of ``operations`` operations (four per resource, every other resource with a
    path parameter) and the config that reads it over ``functions`` functions."""
    paths: dict[str, Any] = {}
    targets: dict[str, str] = {}
    verbs = ("get", "post", "put", "delete")
    for index in range(operations):
        group = index // 4
        resource = f"/items{group // 2}" + ("/{id}" if group % 2 else "")
        item = paths.setdefault(resource, {})
        if group % 2 and "parameters" not in item:
            item["parameters"] = [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ]
        verb = verbs[index % 4]
        item[verb] = _operation(index, functions, verb in ("post", "put"))
        if index % 3 == 1:
            targets[f"op{index}"] = f"fn{index % functions}"
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "generated", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
            "schemas": {
                "Item": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 64},
                        "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                    },
                },
                "Tag": {"type": "string", "pattern": "^[a-z]+$"},
            },
        },
    }
    config = with_changes(
        BASE_CONFIG,
        function=DELETE,
        functions={
            f"fn{i}": {"runtime": "python3.13", "handler": "index.handler", "code": INLINE}
            for i in range(functions)
        },
        routes=DELETE,
        consumers={"client": {}},
        openapi={"path": "generated.openapi.json", "default_target": "fn0", "targets": targets},
    )
    return spec, config


def write_generated(folder: Path, operations: int, functions: int = 20) -> Path:
    """The generated spec and its config in ``folder``; the config's path."""
    spec, config = generated(operations, functions)
    (folder / "generated.openapi.json").write_text(json.dumps(spec), encoding="utf-8")
    path = folder / "generated.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path

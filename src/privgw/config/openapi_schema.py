"""Reading an OpenAPI document for ``openapi``: the file and the files it refers to (inside
the config's folder; openapi_files.py), its validation (openapi-spec-validator, which knows
Swagger 2.0 and OpenAPI 3.0 and 3.1), the API Gateway extensions privgw reads, ``$ref``s, and
request schemas turned into the JSON Schema draft 4 API Gateway models take ("Working with
models and mapping templates").
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from privgw.config.spec_cache import remember_valid, validated_marker
from privgw.errors import ConfigError, Problem

#: The extensions privgw reads from a spec, or sets aside with a note; any other
#: x-amazon-apigateway-* is refused, since privgw would otherwise drop it silently.
READ_EXTENSIONS = {
    "x-amazon-apigateway-integration",
    "x-amazon-apigateway-any-method",
    "x-amazon-apigateway-authtype",
    "x-amazon-apigateway-request-validators",
    "x-amazon-apigateway-request-validator",
    "x-amazon-apigateway-api-key-source",  # HEADER only: where privgw's consumers send keys
}
SET_ASIDE_EXTENSIONS = {
    "x-amazon-apigateway-policy": "privgw's allow-list decides who may call",
    "x-amazon-apigateway-endpoint-configuration": "the endpoints come from the config",
    "x-amazon-apigateway-gateway-responses": "the config's gateway_responses (over privgw's "
    "defaults) decide",
    "x-amazon-apigateway-binary-media-types": "the config's binary_media_types decide",
    "x-amazon-apigateway-security-policy": "the config's tls decides",
    "x-amazon-apigateway-endpoint-access-mode": "the config's tls decides",
}
#: OpenAPI keywords a draft 4 model does not take; their meaning is documentation only.
_DOC_ONLY = {"example", "examples", "xml", "externalDocs", "deprecated", "discriminator"}
_ACCESS_ONLY = {"readOnly", "writeOnly"}


class SpecError(Exception):
    """A problem at one JSON pointer of the spec."""

    def __init__(self, pointer: str, message: str, expected: str) -> None:
        super().__init__(message)
        self.pointer, self.message, self.expected = pointer, message, expected

    def problem(self) -> Problem:
        where = f" at {self.pointer}" if self.pointer else ""
        return Problem("openapi", f"the spec{where} {self.message}", None, self.expected or None)


def pointer_of(parts: list[Any]) -> str:
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


#: Specs already read and validated, by their file, with the stamps of every file they were
#: read from: a build reads a spec twice (its routes, its notes), a build of many configs
#: and flavours more often, and validation is most of the cost.
_LOADED: dict[Path, tuple[tuple[tuple[str, int, int], ...], dict[str, Any]]] = {}


def load_spec(folder: Path, relative: str) -> dict[str, Any]:
    """The spec at ``relative`` (inside ``folder``) with the files it refers to inlined,
    validated, its extensions checked (a copy of the one read before while none of its
    files changed)."""
    from privgw.config.openapi_files import inside, stamps  # noqa: PLC0415

    path = inside(folder, relative)
    known = _LOADED.get(path) if path is not None else None
    if known is not None and known[0] and stamps([Path(f) for f, _, _ in known[0]]) == known[0]:
        return copy.deepcopy(known[1])
    spec, files = _read_spec(folder, relative)
    assert path is not None, "a spec that was read is inside the folder"
    _LOADED[path] = (stamps(files), copy.deepcopy(spec))
    return spec


def _validate(spec: dict[str, Any]) -> None:
    """openapi-spec-validator's verdict on ``spec``; a document it accepted before (the same
    bytes, the same validator) is not asked again: importing the validator alone takes a
    fifth of a second, which every build of an unchanged spec would pay."""
    marker = validated_marker(spec)
    if marker is not None and marker.exists():
        return
    from openapi_spec_validator import validate  # noqa: PLC0415
    from openapi_spec_validator.validation.exceptions import (  # noqa: PLC0415
        OpenAPIValidationError,
    )

    try:
        validate(spec)
    except OpenAPIValidationError as error:
        raise SpecError(
            pointer_of(list(error.absolute_path)),
            f"fails validation: {error.message[:300]}",
            "a document that openapi-spec-validator accepts",
        ) from None
    if marker is not None:
        remember_valid(marker)


def _read_spec(folder: Path, relative: str) -> tuple[dict[str, Any], list[Path]]:
    from privgw.config.openapi_files import bundle, inside, read_document  # noqa: PLC0415

    path = inside(folder, relative)
    if path is None:
        raise ConfigError(
            [
                Problem(
                    "openapi.path", "is outside the config's folder", relative, "a path inside it"
                )
            ]
        )
    read = read_document(path, "openapi.path", relative)
    if not isinstance(read, dict):
        raise SpecError("", "is not a mapping", "an OpenAPI or Swagger document")
    spec, files = bundle(read, path, folder)
    _validate(spec)
    _check_extensions(spec, [])
    source = spec.get("x-amazon-apigateway-api-key-source", "HEADER")
    if str(source).upper() != "HEADER":
        raise SpecError(
            pointer_of(["x-amazon-apigateway-api-key-source"]),
            f"takes API keys from {source}",
            "HEADER: privgw's consumers send their key in x-api-key",
        )
    return spec, files


def _check_extensions(node: Any, path: list[Any]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            name = str(key)
            if (
                name.startswith("x-amazon-apigateway-")
                and name not in READ_EXTENSIONS
                and name not in SET_ASIDE_EXTENSIONS
                and not (
                    name == "x-amazon-apigateway-authorizer"
                    and ("securitySchemes" in path or "securityDefinitions" in path)
                )
            ):
                raise SpecError(
                    pointer_of([*path, name]),
                    f"uses {name}, which privgw does not read",
                    "the config's own setting for it (see docs/reference/config.md), "
                    "or remove it from the spec",
                )
            _check_extensions(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_extensions(value, [*path, index])


def spec_notes(spec: Mapping[str, Any]) -> list[str]:
    """The extensions set aside, one note each."""
    return [
        f"the spec's {name} is not used: {why}"
        for name, why in SET_ASIDE_EXTENSIONS.items()
        if name in spec
    ]


def resolve(spec: Mapping[str, Any], node: Any, where: str, seen: tuple[str, ...] = ()) -> Any:
    """``node`` with a top-level local $ref followed (cycles refused)."""
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise SpecError(where, f"refers to itself through {ref}", "references without a cycle")
        seen = (*seen, ref)
        target: Any = spec
        for escaped in ref[2:].split("/"):
            part = escaped.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                raise SpecError(where, f"refers to {ref}, which does not exist", "an existing ref")
            target = target[part]
        node = target
    return node


def draft4(spec: Mapping[str, Any], schema: Any, where: str, seen: tuple[str, ...] = ()) -> Any:
    """A request body schema as the draft 4 JSON Schema of an API Gateway model: references
    inlined (a cycle refused), OpenAPI's nullable as a null type, 3.1's const and numeric
    exclusive bounds in draft 4 spelling, documentation-only keywords dropped."""
    if isinstance(schema, list):
        return [draft4(spec, item, where, seen) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    if isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in seen:
            raise SpecError(
                where + "/requestBody",
                f"has a recursive schema ({ref}), which an API Gateway model cannot hold",
                "a schema without recursion",
            )
        return draft4(spec, resolve(spec, schema, where), where, (*seen, ref))
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DOC_ONLY or key in _ACCESS_ONLY or str(key).startswith("x-"):
            continue
        if key == "nullable":
            continue
        if key == "const":
            result["enum"] = [value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            result["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            result[key] = True
        elif key in ("properties", "patternProperties", "definitions", "$defs"):
            result[key] = {k: draft4(spec, v, where, seen) for k, v in value.items()}
        else:
            result[key] = draft4(spec, value, where, seen)
    if schema.get("nullable") is True and isinstance(result.get("type"), str):
        result["type"] = [result["type"], "null"]
    return copy.deepcopy(result)

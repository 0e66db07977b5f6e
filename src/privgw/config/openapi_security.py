"""Who may call an operation, as its OpenAPI document says: the security requirement (the
operation's, else the document's) and the schemes it names, read as privgw's ``auth`` and
``api_key_required`` (API Gateway developer guide, "x-amazon-apigateway-authtype" and
"x-amazon-apigateway-authorizer object"):

- an ``apiKey`` scheme in the ``x-api-key`` header: the API key is required;
- ``x-amazon-apigateway-authtype: awsSigv4``: IAM (SigV4-signed callers);
- an authorizer of type ``cognito_user_pools``: Cognito, with the requirement's scopes;
- an authorizer of type ``token`` or ``request`` whose ``authorizerUri`` invokes a function of
  the config (``${OrdersFunction.Arn}`` or the function's name) or an existing function (its
  ARN): that Lambda authorizer;
- ``security: []``: no authorization (the allow-listed endpoints still decide).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from privgw.config.openapi_schema import SpecError, pointer_of

_SIGV4 = "awssigv4"
_COGNITO = "cognito_user_pools"
#: API Gateway's names of an identity source, and privgw's (``identity_parameter``, inverted).
_SOURCES = {"method.request.header.": "header.", "method.request.querystring.": "query."}
_LAMBDA = re.compile(r"\$\{([A-Za-z0-9]+)\.Arn\}|function:([A-Za-z0-9_-]+)")


def function_named(logical: str, data: Mapping[str, Any]) -> str | None:
    """The config function a logical id or name means (``OrdersFunction``, ``orders``)."""
    from privgw import naming  # noqa: PLC0415 - config must not import the builders eagerly

    listed = data.get("functions")
    functions = dict(listed) if isinstance(listed, Mapping) else {}
    if data.get("function") is not None:
        functions["main"] = data["function"]
    for name in functions:
        if logical in (name, naming.function_ids(name).function, naming.capitalised(name)):
            return str(name)
    return None


_FUNCTION_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_:$-]+")


def existing_named(text: str, data: Mapping[str, Any]) -> str | None:
    """The existing function whose ARN (alias or version included) ``text`` invokes."""
    arns = {m.removesuffix("/invocations") for m in _FUNCTION_ARN.findall(text)}
    existing_functions = data.get("existing_functions")
    if not isinstance(existing_functions, Mapping):
        return None  # (the model says what is wrong with it)
    for name, existing in existing_functions.items():
        if isinstance(existing, Mapping) and str(existing.get("arn")) in arns:
            return str(name)
    return None


def identity_sources(text: str) -> list[str]:
    found = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        prefix = next((theirs for theirs in _SOURCES if part.startswith(theirs)), None)
        found.append(part if prefix is None else _SOURCES[prefix] + part.removeprefix(prefix))
    return found


def _schemes_at(spec: Mapping[str, Any]) -> list[str]:
    """Where the spec keeps its security schemes: OpenAPI 3's components, Swagger 2.0's
    securityDefinitions."""
    return ["securityDefinitions"] if "swagger" in spec else ["components", "securitySchemes"]


def _authorizer(
    name: str, scheme: Mapping[str, Any], scopes: list[Any], data: Mapping[str, Any], at: list[str]
) -> dict[str, Any]:
    """The ``auth`` of an x-amazon-apigateway-authorizer, or SpecError naming the scheme."""
    where = pointer_of([*at, name, "x-amazon-apigateway-authorizer"])
    authorizer = scheme["x-amazon-apigateway-authorizer"]
    if not isinstance(authorizer, Mapping):
        raise SpecError(where, "is not an object", "an x-amazon-apigateway-authorizer object")
    kind = str(authorizer.get("type", "")).lower()
    if kind == _COGNITO:
        pools = authorizer.get("providerARNs") or []
        header = str(scheme.get("name") or "Authorization")
        cognito: dict[str, Any] = {"user_pool_arns": list(pools), "header": header}
        if scopes:
            cognito["scopes"] = [str(s) for s in scopes]
        return {"cognito": cognito}
    if kind in ("token", "request"):
        uri = authorizer.get("authorizerUri")
        text = uri.get("Fn::Sub") if isinstance(uri, Mapping) else uri
        text = str(text[0] if isinstance(text, list) else text or "")
        named = _LAMBDA.search(text)
        function = function_named(named.group(1) or named.group(2), data) if named else None
        function = function or existing_named(json.dumps(uri), data)
        if function is None:
            raise SpecError(
                where + "/authorizerUri",
                f"invokes {named.group(0) if named else text or 'no function'}, which is no "
                "function of the config",
                "a function under functions (authorizerUri with ${<Name>Function.Arn}) or "
                "existing_functions (its ARN)",
            )
        auth: dict[str, Any] = {"lambda": function, "type": kind}
        default = "method.request.header." + str(scheme.get("name") or "Authorization")
        auth["identity_source"] = identity_sources(str(authorizer.get("identitySource") or default))
        if authorizer.get("authorizerResultTtlInSeconds") is not None:
            auth["result_ttl"] = authorizer["authorizerResultTtlInSeconds"]
        return auth
    raise SpecError(
        where + "/type",
        f"is an authorizer of type {kind or 'none'}",
        "token, request (a Lambda authorizer) or cognito_user_pools",
    )


def operation_security(
    spec: Mapping[str, Any], operation: Mapping[str, Any], where: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """api_key_required and auth from the operation's (or the spec's) security requirement."""
    required = operation.get("security", spec.get("security"))
    if required is None:
        return {}
    if required in ([], [{}]):
        return {"auth": "none"}
    if len(required) > 1:
        raise SpecError(
            where + "/security",
            "offers alternative security requirements; API Gateway applies one",
            "one requirement object naming every scheme the operation needs",
        )
    at = _schemes_at(spec)
    schemes = (
        spec.get("securityDefinitions")
        if "swagger" in spec
        else (spec.get("components") or {}).get("securitySchemes")
    ) or {}
    fields: dict[str, Any] = {}
    for name, scopes in required[0].items():
        scheme = schemes.get(name)
        if not isinstance(scheme, Mapping):
            raise SpecError(where + "/security", f"names scheme {name}, which the spec lacks", "")
        authtype = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
        auth: Any = None
        if authtype == _SIGV4:
            auth = "iam"
        elif "x-amazon-apigateway-authorizer" in scheme:
            auth = _authorizer(name, scheme, list(scopes or []), data, at)
        elif (
            scheme.get("type") == "apiKey"
            and not authtype
            and scheme.get("in") == "header"
            and (str(scheme.get("name", "")).lower() == "x-api-key")
        ):
            fields["api_key_required"] = True
        else:
            raise SpecError(
                pointer_of([*at, name]),
                "is a security scheme API Gateway does not enforce "
                f"({authtype or scheme.get('type')})",
                "SigV4 (x-amazon-apigateway-authtype: awsSigv4), an apiKey in x-api-key, or an "
                "x-amazon-apigateway-authorizer (Lambda or Cognito)",
            )
        if auth is not None:
            if "auth" in fields and fields["auth"] != auth:
                raise SpecError(
                    where + "/security",
                    "needs two kinds of authorization; API Gateway applies one per method",
                    "one of SigV4, a Lambda authorizer or Cognito (an API key may come with it)",
                )
            fields["auth"] = auth
    return fields

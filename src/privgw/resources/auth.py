"""Who may call which route: Lambda and Cognito authorizers, each method's authorization,
request validators and models (API Gateway developer guide, "Control and manage access to
REST APIs"); API keys are in ``keys``, gateway responses in ``responses``, CORS in ``cors``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from troposphere import AWSObject, Ref, Sub
from troposphere.apigateway import (
    Authorizer,
    Model,
    RequestValidator,
)

from privgw import naming, suppressions
from privgw.config import Config, Route
from privgw.config.auth import (
    AuthSetting,
    CognitoAuth,
    LambdaAuth,
    identity_parameter,
)
from privgw.model import ApiMethod, resolve_api
from privgw.resources import existing_function

AUTHORIZER_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "${%s.Arn}/invocations"
)


@dataclass(frozen=True)
class AuthorizerSpec:
    """One authorizer the config needs: its logical id and the setting it was made from."""

    logical_id: str
    setting: LambdaAuth | CognitoAuth


def authorizer_key(setting: LambdaAuth | CognitoAuth) -> str:
    """What makes two settings the same authorizer (Cognito scopes are per method)."""
    if isinstance(setting, CognitoAuth):
        return json.dumps(["cognito", setting.cognito.user_pool_arns, setting.cognito.header])
    return json.dumps(setting.model_dump(by_alias=True), sort_keys=True)


def authorizer_specs(cfg: Config) -> dict[str, AuthorizerSpec]:
    """Each distinct authorizer setting the API and its routes use, by ``_key``: a Lambda
    authorizer is ``<Function>Authorizer`` (a hash follows when one function serves with
    several settings), a Cognito one ``CognitoAuthorizer`` (hash likewise)."""
    settings: dict[str, LambdaAuth | CognitoAuth] = {}
    for auth in [cfg.auth, *(m.route.auth for m in resolve_api(cfg).routes if m.route)]:
        if isinstance(auth, LambdaAuth | CognitoAuth):
            settings.setdefault(authorizer_key(auth), auth)
    stems: dict[str, list[str]] = {}
    for key, setting in settings.items():
        stem = (
            naming.capitalised(setting.function) + "Authorizer"
            if isinstance(setting, LambdaAuth)
            else "CognitoAuthorizer"
        )
        stems.setdefault(stem, []).append(key)
    specs = {}
    for stem, keys in stems.items():
        for key in keys:
            logical_id = stem if len(keys) == 1 else stem + naming.content_hash(key)[:8]
            specs[key] = AuthorizerSpec(logical_id, settings[key])
    return dict(sorted(specs.items(), key=lambda item: item[1].logical_id))


def authorizer_uri(cfg: Config, name: str) -> Sub:
    """The URI API Gateway invokes authorizer function ``name`` by: a function of the stack's
    by its ARN attribute, an existing one by its ARN (with its alias or version)."""
    if name in cfg.existing_functions:
        return existing_function.existing_uri(cfg, name)
    return Sub(AUTHORIZER_URI % naming.function_ids(name).function)


def authorizers(cfg: Config) -> list[Authorizer]:
    result = []
    for spec in authorizer_specs(cfg).values():
        setting = spec.setting
        if isinstance(setting, LambdaAuth):
            result.append(
                Authorizer(
                    spec.logical_id,
                    Name=spec.logical_id,
                    RestApiId=Ref(naming.API),
                    Type=setting.type.upper(),
                    AuthorizerUri=authorizer_uri(cfg, setting.function),
                    IdentitySource=", ".join(
                        identity_parameter(s) for s in setting.identity_source
                    ),
                    AuthorizerResultTtlInSeconds=setting.result_ttl,
                )
            )
        else:
            result.append(
                Authorizer(
                    spec.logical_id,
                    Name=spec.logical_id,
                    RestApiId=Ref(naming.API),
                    Type="COGNITO_USER_POOLS",
                    ProviderARNs=list(setting.cognito.user_pool_arns),
                    IdentitySource=f"method.request.header.{setting.cognito.header}",
                )
            )
    return result


def method_authorization(cfg: Config, method: ApiMethod) -> dict[str, Any]:
    """A route's Method properties for who may call it."""
    auth: AuthSetting = method.auth
    props: dict[str, Any]
    if auth == "iam":
        props = {"AuthorizationType": "AWS_IAM"}
    elif isinstance(auth, LambdaAuth):
        spec = authorizer_specs(cfg)[authorizer_key(auth)]
        props = {"AuthorizationType": "CUSTOM", "AuthorizerId": Ref(spec.logical_id)}
    elif isinstance(auth, CognitoAuth):
        spec = authorizer_specs(cfg)[authorizer_key(auth)]
        props = {"AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": Ref(spec.logical_id)}
        if auth.cognito.scopes:
            props["AuthorizationScopes"] = list(auth.cognito.scopes)
    else:
        props = {"AuthorizationType": "NONE"}
        props.update(suppressions.metadata(suppressions.METHOD_WITHOUT_AUTHORIZER))
    if method.api_key_required:
        props["ApiKeyRequired"] = True
    return props


def method_validation(route: Route) -> dict[str, Any]:
    """A route's validator, body model and required parameters."""
    props: dict[str, Any] = {}
    if route.request_validation is not None:
        props["RequestValidatorId"] = Ref(validator_id(route.request_validation))
    if route.request_schema is not None:
        props["RequestModels"] = {"application/json": Ref(model_id(route))}
    if route.required_parameters:
        props["RequestParameters"] = {
            f"method.request.{p}": True for p in sorted(route.required_parameters)
        }
    return props


VALIDATORS = {
    "params": ("RequestValidatorParams", True, False),
    "body": ("RequestValidatorBody", False, True),
    "all": ("RequestValidatorAll", True, True),
}


def validator_id(kind: str) -> str:
    return VALIDATORS[kind][0]


def model_id(route: Route) -> str:
    """A body model's logical id, also its name (model names are letters and digits)."""
    return "Model" + naming.method_id(route.segments, route.method).removeprefix("Method")


def validators_and_models(cfg: Config) -> list[AWSObject]:
    """The validators the routes use (one per kind, shared) and one model per body schema."""
    routes = [m.route for m in resolve_api(cfg).routes if m.route]
    kinds = sorted({r.request_validation for r in routes if r.request_validation})
    parts: list[AWSObject] = [
        RequestValidator(
            VALIDATORS[kind][0],
            Name=f"{cfg.name}-{kind}",
            RestApiId=Ref(naming.API),
            ValidateRequestParameters=VALIDATORS[kind][1],
            ValidateRequestBody=VALIDATORS[kind][2],
        )
        for kind in kinds
    ]
    parts += [
        Model(
            model_id(route),
            Name=model_id(route),
            RestApiId=Ref(naming.API),
            ContentType="application/json",
            Schema=route.request_schema,
        )
        for route in routes
        if route.request_schema is not None
    ]
    return parts

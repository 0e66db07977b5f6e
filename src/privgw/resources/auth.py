"""Who may call which route: Lambda and Cognito authorizers, each method's authorization, API
keys and usage plans per consumer, gateway responses, CORS preflight methods, request
validators and models (API Gateway developer guide, "Control and manage access to REST APIs")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from troposphere import AWSObject, Output, Ref, Sub
from troposphere.apigateway import (
    ApiKey,
    ApiStage,
    Authorizer,
    GatewayResponse,
    Integration,
    IntegrationResponse,
    Method,
    MethodResponse,
    Model,
    QuotaSettings,
    RequestValidator,
    ThrottleSettings,
    UsagePlan,
    UsagePlanKey,
)

from privgw import naming, suppressions
from privgw.config import Config, Route
from privgw.config.auth import (
    AuthSetting,
    CognitoAuth,
    LambdaAuth,
    identity_parameter,
)
from privgw.model import resolve_api
from privgw.resources.common import tags_for

AUTHORIZER_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "${%s.Arn}/invocations"
)


def _camel(text: str) -> str:
    return "".join(w.capitalize() for w in text.lower().split("_"))


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
    for auth in [cfg.auth, *(r.auth for r in cfg.routes)]:
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


def authorizers(cfg: Config) -> list[Authorizer]:
    result = []
    for spec in authorizer_specs(cfg).values():
        setting = spec.setting
        if isinstance(setting, LambdaAuth):
            function = naming.function_ids(setting.function).function
            result.append(
                Authorizer(
                    spec.logical_id,
                    Name=spec.logical_id,
                    RestApiId=Ref(naming.API),
                    Type=setting.type.upper(),
                    AuthorizerUri=Sub(AUTHORIZER_URI % function),
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


def method_authorization(cfg: Config, route: Route) -> dict[str, Any]:
    """A route's Method properties for who may call it."""
    auth: AuthSetting = cfg.auth_of(route)
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
    if route.api_key_required:
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
    kinds = sorted({r.request_validation for r in cfg.routes if r.request_validation})
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
        for route in cfg.routes
        if route.request_schema is not None
    ]
    return parts


# --- consumers ---------------------------------------------------------------------------------


def consumer_resources(cfg: Config, stage: Any) -> list[AWSObject]:
    """Per consumer an API key (value generated by CloudFormation, never in the template), a
    usage plan on this API's stage with its throttle and quota, and the key in the plan."""
    parts: list[AWSObject] = []
    for name, consumer in sorted(cfg.consumers.items()):
        stem = naming.capitalised(name)
        plan: dict[str, Any] = {}
        if consumer.throttle:
            plan["Throttle"] = ThrottleSettings(
                RateLimit=consumer.throttle.rate, BurstLimit=consumer.throttle.burst
            )
        if consumer.quota:
            plan["Quota"] = QuotaSettings(Limit=consumer.quota.limit, Period=consumer.quota.period)
        description = consumer.description or f"Consumer {name} of the {cfg.name} API"
        parts += [
            ApiKey(
                f"{stem}ApiKey",
                Name=f"{cfg.name}-{name}",
                Description=description,
                Enabled=True,
                Tags=tags_for(cfg),
            ),
            UsagePlan(
                f"{stem}UsagePlan",
                UsagePlanName=f"{cfg.name}-{name}",
                Description=description,
                ApiStages=[ApiStage(ApiId=Ref(naming.API), Stage=stage)],
                Tags=tags_for(cfg),
                **plan,
            ),
            UsagePlanKey(
                f"{stem}UsagePlanKey",
                KeyId=Ref(f"{stem}ApiKey"),
                KeyType="API_KEY",
                UsagePlanId=Ref(f"{stem}UsagePlan"),
            ),
        ]
    return parts


def consumer_outputs(cfg: Config) -> list[Output]:
    return [
        Output(
            f"{naming.capitalised(name)}ApiKeyId",
            Description=f"API key of consumer {name}; read its value with: aws apigateway "
            "get-api-key --api-key <this id> --include-value --query value --output text",
            Value=Ref(f"{naming.capitalised(name)}ApiKey"),
        )
        for name in sorted(cfg.consumers)
    ]


# --- gateway responses -------------------------------------------------------------------------

_REQUEST_ID = '"requestId": "$context.requestId"'
#: privgw's answers for the failures that confuse private-API callers most (API Gateway
#: developer guide, "Gateway response types"); $context.error.messageString is the message
#: already quoted for JSON.
DEFAULT_RESPONSES: dict[str, tuple[int, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (
        403,
        '{"message": "Missing Authentication Token: no such route or stage, a call to the wrong '
        "API id (check the path, the stage and the Host or x-apigw-api-id header), or an "
        'unsigned call to an IAM-authorized route", ' + _REQUEST_ID + "}",
    ),
    "ACCESS_DENIED": (
        403,
        '{"message": "Access denied by the resource policy or the authorizer: call through an '
        'allowed VPC endpoint or VPC, with valid credentials", "error": '
        "$context.error.messageString, " + _REQUEST_ID + "}",
    ),
}
AUTHORIZER_RESPONSES: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (
        401,
        '{"message": "Unauthorized: the authorizer found no valid token in this call", '
        + _REQUEST_ID
        + "}",
    ),
    "AUTHORIZER_FAILURE": (
        500,
        '{"message": "The authorizer failed (see its function\'s log)", ' + _REQUEST_ID + "}",
    ),
    "AUTHORIZER_CONFIGURATION_ERROR": (
        500,
        '{"message": "The authorizer is misconfigured or could not be invoked", '
        + _REQUEST_ID
        + "}",
    ),
}


@dataclass(frozen=True)
class ResponseSpec:
    """One gateway response as both flavours write it."""

    response_type: str
    status: int | None
    content_type: str
    body: str
    headers: dict[str, str]

    @property
    def logical_id(self) -> str:
        return "GatewayResponse" + _camel(self.response_type)


def gateway_response_specs(cfg: Config) -> list[ResponseSpec]:
    """privgw's defaults (the authorizer ones only when an authorizer is used), the config's
    own answers over them, each with the CORS headers when ``cors`` names one origin."""
    defaults = dict(DEFAULT_RESPONSES)
    if authorizer_specs(cfg):
        defaults.update(AUTHORIZER_RESPONSES)
    specs = {
        kind: ResponseSpec(kind, status, "application/json", body, {})
        for kind, (status, body) in defaults.items()
    }
    for kind, response in cfg.gateway_responses.items():
        specs[kind] = ResponseSpec(
            kind, response.status, response.content_type, response.body, dict(response.headers)
        )
    cors = cors_response_headers(cfg)
    return [
        ResponseSpec(s.response_type, s.status, s.content_type, s.body, {**cors, **s.headers})
        for _, s in sorted(specs.items())
    ]


def gateway_responses(cfg: Config) -> list[GatewayResponse]:
    result = []
    for spec in gateway_response_specs(cfg):
        extra: dict[str, Any] = {}
        if spec.status is not None:
            extra["StatusCode"] = str(spec.status)
        if spec.headers:
            extra["ResponseParameters"] = {
                f"gatewayresponse.header.{k}": f"'{v}'" for k, v in sorted(spec.headers.items())
            }
        result.append(
            GatewayResponse(
                spec.logical_id,
                RestApiId=Ref(naming.API),
                ResponseType=spec.response_type,
                ResponseTemplates={spec.content_type: spec.body},
                **extra,
            )
        )
    return result


# --- CORS --------------------------------------------------------------------------------------


def cors_response_headers(cfg: Config) -> dict[str, str]:
    """The static CORS headers for gateway responses: only with one origin (or *), since a
    static header cannot pick among several."""
    cors = cfg.cors
    if cors is None or len(cors.allow_origins) != 1:
        return {}
    headers = {"Access-Control-Allow-Origin": cors.allow_origins[0]}
    if cors.allow_credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    return headers


def preflight_integration(cfg: Config, methods: list[str]) -> Integration:
    """A MOCK answering 204 with the CORS headers; several origins: the caller's Origin is
    echoed only when listed (a mapping template sets the header)."""
    cors = cfg.cors
    assert cors is not None
    params = {
        "method.response.header.Access-Control-Allow-Methods": f"'{','.join(methods)}'",
        "method.response.header.Access-Control-Allow-Headers": f"'{','.join(cors.allow_headers)}'",
        "method.response.header.Access-Control-Max-Age": f"'{cors.max_age}'",
    }
    template = ""
    if len(cors.allow_origins) == 1:
        params["method.response.header.Access-Control-Allow-Origin"] = f"'{cors.allow_origins[0]}'"
    else:
        listed = " || ".join(f'$origin == "{o}"' for o in cors.allow_origins)
        template = (
            '#set($origin = $input.params("Origin"))\n'
            f"#if({listed})\n"
            "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n"
            "#end"
        )
    if cors.allow_credentials:
        params["method.response.header.Access-Control-Allow-Credentials"] = "'true'"
    return Integration(
        Type="MOCK",
        PassthroughBehavior="NEVER",
        RequestTemplates={"application/json": '{"statusCode": 204}'},
        IntegrationResponses=[
            IntegrationResponse(
                StatusCode="204",
                ResponseParameters=dict(sorted(params.items())),
                ResponseTemplates={"application/json": template},
            )
        ],
    )


def preflight_headers(cfg: Config) -> list[str]:
    """The headers a preflight answer declares (the origin one even when a template sets it)."""
    cors = cfg.cors
    assert cors is not None
    names = [
        "Access-Control-Allow-Headers",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin",
        "Access-Control-Max-Age",
    ]
    if cors.allow_credentials:
        names.append("Access-Control-Allow-Credentials")
    return sorted(names)


def preflight_methods(cfg: Config, resource_ref: Any) -> list[Method]:
    """The generated OPTIONS methods (the model's preflights); ``resource_ref(segments)`` is
    the path's Resource."""
    return [
        Method(
            naming.method_id(m.segments, "OPTIONS"),
            RestApiId=Ref(naming.API),
            ResourceId=resource_ref(m.segments),
            HttpMethod="OPTIONS",
            AuthorizationType="NONE",
            Integration=preflight_integration(cfg, list(m.allow_methods)),
            MethodResponses=[
                MethodResponse(
                    StatusCode="204",
                    ResponseParameters={
                        f"method.response.header.{h}": False for h in preflight_headers(cfg)
                    },
                )
            ],
            **suppressions.metadata(suppressions.METHOD_WITHOUT_AUTHORIZER),
        )
        for m in resolve_api(cfg).methods
        if m.is_preflight
    ]

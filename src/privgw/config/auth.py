"""Who may call which route (``auth``, ``routes[].auth``, ``consumers``, ``gateway_responses``),
beside ``resources/auth.py`` that builds the authorizers, usage plans and gateway responses
(browser callers, ``cors``, are ``cors.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from privgw.config.checking import Matching, fail, reads, refuse, shaped
from privgw.config.function import TargetName
from privgw.config.types import Burst, HeaderName, Headers, StrictModel, UniqueList, listed

#: Where a REQUEST authorizer reads the caller's identity ("Use API Gateway Lambda
#: authorizers": method.request.header.X, .querystring.X, context.X, stageVariables.X).
IDENTITY_SOURCE_PATTERN = r"(header|query|context|stageVariables)\.[A-Za-z0-9._-]{1,128}"
IdentitySource = Annotated[
    str,
    Matching(
        shaped(
            IDENTITY_SOURCE_PATTERN,
            "identity source",
            "header.NAME, query.NAME, context.NAME or stageVariables.NAME, e.g. "
            "header.Authorization",
        )
    ),
]
UserPoolArn = Annotated[
    str,
    Matching(
        shaped(
            r"arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool/[a-z0-9-]+_[A-Za-z0-9]+",
            "Cognito user pool ARN",
            "arn:<partition>:cognito-idp:<region>:<account>:userpool/<region>_<id>",
        )
    ),
]
Scope = Annotated[
    str,
    Matching(shaped(r"[\x21\x23-\x5b\x5d-\x7e]{1,256}", "OAuth scope", "e.g. orders/read")),
]


def identity_parameter(source: str) -> str:
    """``header.X`` as API Gateway names it: ``method.request.header.X``; ``query.X`` is
    ``method.request.querystring.X``; context and stage variables keep their names."""
    kind, _, name = source.partition(".")
    request = {"header": "method.request.header", "query": "method.request.querystring"}
    return f"{request.get(kind, kind)}.{name}"


class LambdaAuth(StrictModel):
    """A Lambda authorizer: one of ``functions`` or ``existing_functions`` decides (TOKEN:
    from one header; REQUEST: from the listed headers, query parameters, context or stage
    variables)."""

    # what _token_reads_one_header checks, in JSON Schema
    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={
            "if": {"not": {"properties": {"type": {"const": "request"}}, "required": ["type"]}},
            "then": {
                "properties": {
                    "identity_source": {"maxItems": 1, "items": {"pattern": "^header\\."}}
                }
            },
        }
    )

    function: TargetName = Field(
        alias="lambda",
        description="The authorizer's function: one of functions or of existing_functions.",
    )
    type: Literal["token", "request"] = Field(
        default="token", description="token (one header) or request (several sources)."
    )
    identity_source: UniqueList[IdentitySource] = Field(
        default_factory=lambda: ["header.Authorization"],
        min_length=1,
        max_length=10,
        description="Where the caller's identity is read; a token authorizer takes one header.",
    )
    result_ttl: int = Field(
        default=300, ge=0, le=3600, description="Seconds API Gateway caches a decision."
    )

    @model_validator(mode="after")
    @reads("type", "identity_source")
    def _token_reads_one_header(self) -> Self:
        if self.type == "token" and (
            len(self.identity_source) != 1 or not self.identity_source[0].startswith("header.")
        ):
            raise refuse(
                "identity_source",
                "a token authorizer reads exactly one header",
                ", ".join(self.identity_source),
                "one header.NAME, or type: request",
            )
        return self

    @model_validator(mode="after")
    @reads("type", "identity_source", "result_ttl")
    def _cache_key_names_the_caller(self) -> Self:
        """API Gateway caches a REQUEST authorizer's decision under its identity sources: if
        none comes from the caller (only context or stage variables), the first caller's Allow
        is served to every caller for result_ttl seconds (API Gateway developer guide, "Lambda
        authorizers": caching keys on the identity sources)."""
        from_caller = [s for s in self.identity_source if s.startswith(("header.", "query."))]
        if self.type == "request" and self.result_ttl > 0 and not from_caller:
            raise refuse(
                "identity_source",
                "holds nothing of the caller (only context or stage variables), and the "
                f"decision is cached for {self.result_ttl} seconds under it: one caller's Allow "
                "would be served to every caller",
                ", ".join(self.identity_source),
                "a header.NAME or query.NAME that carries the caller's credential, or "
                "result_ttl: 0 (no caching)",
            )
        return self

    @property
    def headers(self) -> list[str]:
        return [s.partition(".")[2] for s in self.identity_source if s.startswith("header.")]


class CognitoPools(StrictModel):
    """Cognito user pools whose tokens are accepted (COGNITO_USER_POOLS)."""

    user_pool_arns: UniqueList[UserPoolArn] = Field(
        min_length=1,
        max_length=1000,
        description="ARNs of the user pools whose ID or access tokens are accepted.",
    )
    scopes: UniqueList[Scope] = listed(
        50,
        "OAuth scopes an access token must carry (none: an ID token is enough).",
    )
    header: HeaderName = Field(default="Authorization", description="Header with the token.")


class CognitoAuth(StrictModel):
    cognito: CognitoPools = Field(
        description=(
            "The Cognito user pools whose tokens this authorizer accepts, the header that "
            "carries them and the scopes a route needs."
        )
    )

    @property
    def headers(self) -> list[str]:
        return [self.cognito.header]


#: Tags of the auth union; pydantic puts them in error locations, and ``messages.join`` leaves
#: out location parts starting with "tagged-union", so a path reads auth.identity_source.
MODE_TAG, LAMBDA_TAG, COGNITO_TAG = (
    "tagged-union-mode",
    "tagged-union-lambda",
    "tagged-union-cognito",
)


def _auth_kind(value: Any) -> str | None:
    """Which form an ``auth`` value is, for clear errors: none/iam, lambda, cognito."""
    if isinstance(value, str):
        return MODE_TAG
    if isinstance(value, dict | LambdaAuth | CognitoAuth):
        if isinstance(value, LambdaAuth) or (isinstance(value, dict) and "lambda" in value):
            return LAMBDA_TAG
        if isinstance(value, CognitoAuth) or (isinstance(value, dict) and "cognito" in value):
            return COGNITO_TAG
    return None


def _auth_shape(value: Any) -> Any:
    """Refuse what is none of the forms before the union tries each (one clear message)."""
    if _auth_kind(value) is None:
        raise fail(
            "is not an auth setting",
            "none, iam, {lambda: FUNCTION, ...} or {cognito: {user_pool_arns: [...]}}",
        )
    return value


AuthSetting = Annotated[
    Annotated[Literal["none", "iam"], Tag(MODE_TAG)]
    | Annotated[LambdaAuth, Tag(LAMBDA_TAG)]
    | Annotated[CognitoAuth, Tag(COGNITO_TAG)],
    Discriminator(_auth_kind),
    BeforeValidator(_auth_shape),
]


def auth_label(auth: AuthSetting) -> str:
    """Words for an auth setting in messages."""
    if isinstance(auth, str):
        return auth
    if isinstance(auth, LambdaAuth):
        return f"lambda {auth.function}"
    return "cognito"


class Throttle(StrictModel):
    rate: float = Field(gt=0, le=1_000_000, description="Steady requests per second.")
    burst: Burst = Field(description="Burst capacity (at least 1).")


class Quota(StrictModel):
    limit: int = Field(ge=1, le=2_147_483_647, description="Requests per period.")
    period: Literal["DAY", "WEEK", "MONTH"] = Field(
        default="DAY", description="The quota's period: `DAY`, `WEEK` or `MONTH`."
    )


class Consumer(StrictModel):
    """An API consumer: an API key (generated by CloudFormation) in its own usage plan."""

    description: str = Field(
        default="",
        max_length=256,
        description=(
            "the plan's steady rate (requests/s) and burst, and its quota per `DAY`, `WEEK` "
            "or `MONTH`"
        ),
    )
    throttle: Throttle | None = Field(
        default=None,
        description=(
            "The usage plan's steady rate (requests per second) and burst for this consumer's key."
        ),
    )
    quota: Quota | None = Field(
        default=None,
        description="How many requests this consumer's key may make per `DAY`, `WEEK` or `MONTH`.",
    )


#: The response types of AWS::ApiGateway::GatewayResponse (API Gateway developer guide,
#: "Gateway response types for API Gateway").
ResponseType = Literal[
    "ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR",
    "AUTHORIZER_FAILURE", "BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS", "DEFAULT_4XX",
    "DEFAULT_5XX", "EXPIRED_TOKEN", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT",
    "INVALID_API_KEY", "INVALID_SIGNATURE", "MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED",
    "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND", "THROTTLED", "UNAUTHORIZED",
    "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
]  # fmt: skip
GATEWAY_RESPONSE_TYPES: tuple[str, ...] = get_args(ResponseType)


class GatewayResponse(StrictModel):
    """What API Gateway answers for one failure type: status, body template, headers."""

    status: int | None = Field(default=None, ge=100, le=599, description="Default: AWS's.")
    body: str = Field(
        max_length=10_000,
        description="A mapping template ($context.requestId, $context.error.message work).",
    )
    content_type: str = Field(
        default="application/json",
        pattern=r"^[a-z]+/[A-Za-z0-9.+-]+$",
        description="The content type of `body`.",
    )
    headers: Headers = Field(
        default_factory=dict,
        max_length=20,
        description="Static response headers by name (no single quote in a value).",
    )


RequestValidation = Literal["params", "body", "all"]
#: A request parameter a route requires: ``querystring.NAME`` or ``header.NAME``.
RequiredParameter = Annotated[
    str,
    Matching(
        shaped(
            r"(querystring|header)\.[A-Za-z0-9._-]{1,128}",
            "request parameter",
            "querystring.NAME or header.NAME",
        )
    ),
]


def _check_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A request body model: JSON Schema draft 4, as API Gateway models are ("Data models for
    REST APIs"), self-contained: API Gateway refuses a model whose ``$ref`` points at a file or
    a URL (other than another model of the API, which privgw does not create)."""
    from jsonschema import Draft4Validator, SchemaError  # noqa: PLC0415 - only when used

    try:
        Draft4Validator.check_schema(schema)
    except SchemaError as exc:
        raise fail(f"is not a JSON Schema (draft 4): {exc.message}", "a draft 4 schema") from None
    outside = next(_outside_refs(schema, ""), None)
    if outside is not None:
        pointer, ref = outside
        raise fail(
            f"has $ref {ref!r} at {pointer or '/'}: API Gateway refuses a model that refers "
            "outside itself (a file or a URL)",
            "refs inside the schema only (#/definitions/...), or the referenced schema inlined",
        )
    return schema


def _outside_refs(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """Every ``$ref`` that leaves the schema, with its JSON pointer."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield pointer + "/$ref", ref
        for key, item in value.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            yield from _outside_refs(item, f"{pointer}/{escaped}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _outside_refs(item, f"{pointer}/{index}")


RequestSchema = Annotated[dict[str, Any], AfterValidator(_check_schema)]

"""The stage callers use (``stage``) and each route's own stage settings (``routes[].throttling``,
``routes[].cache``), beside ``resources/stage.py`` that builds them: the name, the access log
and its format, tracing, CloudWatch metrics and execution logs, throttling, and the cache.

API Gateway developer guide: "Set up CloudWatch logging for REST APIs" (access log formats and
execution logging: data trace logs full request and response bodies), "Variables for access
logging", "Cache settings for REST APIs" (a cache cluster per stage, per-method TTL and cache
keys, encryption), "Throttle requests to your REST APIs" (method-level throttling).
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Annotated, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from privgw.config.checking import fail, reads, refuse
from privgw.config.types import Burst, RetentionDays, StageName, StrictModel, UniqueList, optional
from privgw.errors import Problem

if TYPE_CHECKING:
    from privgw.config.stack import Config

#: The $context variables an access log may use ("Variables for access logging for API
#: Gateway"); names under a prefix in ``CONTEXT_PREFIXES`` take any property.
ACCESS_LOG_VARIABLES = frozenset(
    [
        "accountId",
        "apiId",
        "authorize.error",
        "authorize.latency",
        "authorize.status",
        "authorizer.error",
        "cipherSuite",
        "tlsVersion",
        "authorizer.integrationLatency",
        "authorizer.integrationStatus",
        "authorizer.latency",
        "authorizer.principalId",
        "authorizer.requestId",
        "authorizer.status",
        "authenticate.error",
        "authenticate.latency",
        "authenticate.status",
        "awsEndpointRequestId",
        "customDomain.basePathMatched",
        "deploymentId",
        "domainName",
        "domainPrefix",
        "error.message",
        "error.messageString",
        "error.responseType",
        "error.validationErrorString",
        "extendedRequestId",
        "httpMethod",
        "identity.accountId",
        "identity.apiKey",
        "identity.apiKeyId",
        "identity.caller",
        "identity.cognitoAuthenticationProvider",
        "identity.cognitoAuthenticationType",
        "identity.cognitoIdentityId",
        "identity.cognitoIdentityPoolId",
        "identity.principalOrgId",
        "identity.clientCert.clientCertPem",
        "identity.clientCert.subjectDN",
        "identity.clientCert.issuerDN",
        "identity.clientCert.serialNumber",
        "identity.clientCert.validity.notBefore",
        "identity.clientCert.validity.notAfter",
        "identity.sourceIp",
        "identity.user",
        "identity.userAgent",
        "identity.userArn",
        "identity.vpcId",
        "identity.vpceId",
        "integration.error",
        "integration.integrationStatus",
        "integration.latency",
        "integration.requestId",
        "integration.status",
        "integrationErrorMessage",
        "integrationLatency",
        "integrationStatus",
        "isCanaryRequest",
        "path",
        "protocol",
        "requestId",
        "requestTime",
        "requestTimeEpoch",
        "resourceId",
        "resourcePath",
        "responseLatency",
        "responseLength",
        "responseOverride.status",
        "stage",
        "status",
        "waf.error",
        "waf.latency",
        "waf.status",
        "wafResponseCode",
        "webaclArn",
        "xrayTraceId",
    ]
)
CONTEXT_PREFIXES = (
    "authorizer.claims.",
    "authorizer.",
    "requestOverride.header.",
    "requestOverride.path.",
    "requestOverride.querystring.",
    "responseOverride.header.",
)
_CONTEXT = re.compile(r"\$context\.([A-Za-z0-9_.]+[A-Za-z0-9_])")
#: API Gateway refuses an access log format without one of these (CreateStage: "Access Log
#: format must contain at least one of $context.requestId or $context.extendedRequestId").
REQUEST_IDS = ("requestId", "extendedRequestId")


def _check_log_format(value: str | dict[str, str]) -> str | dict[str, str]:
    text = value if isinstance(value, str) else " ".join(value.values())
    used = _CONTEXT.findall(text)
    unknown = [
        name
        for name in used
        if name not in ACCESS_LOG_VARIABLES and not name.startswith(CONTEXT_PREFIXES)
    ]
    if unknown:
        last = unknown[0].rsplit(".", 1)[-1]
        near = sorted(v for v in ACCESS_LOG_VARIABLES if v.endswith(f".{last}")) or (
            difflib.get_close_matches(unknown[0], sorted(ACCESS_LOG_VARIABLES), n=1)
        )
        hint = f"; did you mean $context.{near[0]}?" if near else ""
        raise fail(
            f"uses $context.{unknown[0]}, which API Gateway does not log{hint}",
            "$context variables of 'Variables for access logging for API Gateway', e.g. "
            "$context.requestId, $context.identity.sourceIp, $context.status",
        )
    if not any(name in REQUEST_IDS for name in used):
        raise fail(
            "has no $context.requestId or $context.extendedRequestId (API Gateway refuses a "
            "format without one)",
            "a format that includes $context.requestId",
        )
    return value


LogField = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")]
AccessLogFormat = Annotated[
    Annotated[str, Field(min_length=1, max_length=4096)]
    | Annotated[dict[LogField, str], Field(min_length=1, max_length=60)],
    AfterValidator(_check_log_format),
]

#: Stage cache cluster sizes in GB (AWS::ApiGateway::Stage CacheClusterSize).
CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")
#: What a cache key may be: a method request parameter (CacheKeyParameters).
CACHE_KEY_PATTERN = r"method\.request\.(header|querystring|path)\.[A-Za-z0-9_.~-]+"


class StageCache(StrictModel):
    """A cache cluster for the stage; routes turn caching on one by one (``routes[].cache``)."""

    size: Literal["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] = Field(
        default="0.5",
        description=(
            "cluster size in GB: `0.5`, `1.6`, `6.1`, `13.5`, `28.4`, `58.2`, `118` or `237` "
            "(billed per hour)"
        ),
    )
    encrypted: bool = Field(
        default=True,
        description="encrypt cached answers at rest (`CacheDataEncrypted` on every cached method)",
    )


class RouteThrottling(StrictModel):
    """This route's own steady rate and burst, below the stage's."""

    rate_limit: float = Field(gt=0, le=1_000_000, description="Requests per second.")
    burst_limit: Burst = Field(description="Requests at once.")


class RouteCache(StrictModel):
    """Cache this route's answers on the stage's cache cluster."""

    ttl_seconds: int = Field(
        default=300, ge=0, le=3600, description="How long an answer is cached (0-3600)."
    )
    key_parameters: UniqueList[Annotated[str, Field(pattern=f"^{CACHE_KEY_PATTERN}$")]] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "method request parameters the cache keys on besides the path "
            "(`CacheKeyParameters`), e.g. `method.request.querystring.page`; each must be a "
            "parameter the route has (its path's, `required_parameters`, or one its "
            "`integration` reads)"
        ),
    )


class Stage(StrictModel):
    """The stage callers use; access logs and X-Ray tracing are on unless turned off."""

    name: StageName = Field(
        default="v1",
        description=(
            "The stage's name (1-128 letters, digits, `-` or `_`), the last part of every "
            "invoke URL."
        ),
    )
    access_logging: bool = Field(
        default=True,
        description=(
            "JSON access log to a log group privgw creates. Needs the account-wide API Gateway "
            "CloudWatch role (see api_gateway_account_role)."
        ),
    )
    access_log_format: AccessLogFormat | None = optional(
        (
            "your own format: a map of field names to values with `$context` variables "
            "(written as one compact JSON object per request), or a string such as a CLF "
            'line. Every `$context` variable must be one API Gateway logs ("Variables for '
            'access logging": an unknown one is refused with the nearest known name; '
            "`$context.authorizer.*`, `requestOverride.*`, `responseOverride.header.*` take "
            "any property), and the format must include `$context.requestId` or "
            "`$context.extendedRequestId` (API Gateway refuses one without). Needs "
            "`access_logging: true`."
        ),
    )
    log_retention_days: RetentionDays = Field(
        default=30,
        description="Days the access log group keeps its logs (a value CloudWatch Logs accepts).",
    )
    tracing: bool = Field(default=True, description="X-Ray tracing on the stage.")
    throttling_rate_limit: float | None = Field(
        default=None, gt=0, le=1_000_000, description="stage-wide throttling"
    )
    throttling_burst_limit: Burst | None = Field(
        default=None, description="Stage-wide burst limit (requests at once)."
    )
    metrics: bool = Field(
        default=False, description="Per-method CloudWatch metrics (MetricsEnabled; billed)."
    )
    logging_level: Literal["OFF", "ERROR", "INFO"] = Field(
        default="OFF",
        description=(
            "execution logs to CloudWatch: `ERROR` or `INFO` (needs the account's API Gateway "
            "CloudWatch role, see `api_gateway_account_role`)"
        ),
    )
    data_trace: bool = Field(
        default=False,
        description=(
            "log full request and response bodies in the execution log (`DataTraceEnabled`). "
            "Refused unless `allow_body_logging: true`: bodies carry tokens, passwords and "
            "personal data. Needs `logging_level` `ERROR` or `INFO`."
        ),
    )
    allow_body_logging: bool = Field(
        default=False,
        description="Accept that data_trace writes request and response bodies to CloudWatch.",
    )
    cache: StageCache | None = optional(
        (
            "a cache cluster for the stage (`CacheClusterEnabled`); routes cache one by one "
            "with `routes[].cache`"
        ),
    )

    @model_validator(mode="after")
    @reads("access_logging", "access_log_format")
    def _format_needs_the_log(self) -> Self:
        if self.access_log_format is not None and not self.access_logging:
            raise refuse(
                "access_log_format",
                "is given with access_logging: false, so nothing would be written",
                None,
                "access_logging: true, or no access_log_format",
            )
        return self

    @model_validator(mode="after")
    @reads("data_trace", "allow_body_logging", "logging_level")
    def _bodies_only_when_allowed(self) -> Self:
        if self.data_trace and not self.allow_body_logging:
            raise refuse(
                "data_trace",
                "logs every request and response body (tokens, passwords, personal data) to "
                "CloudWatch",
                "true",
                "false, or allow_body_logging: true to accept that",
            )
        if self.data_trace and self.logging_level == "OFF":
            raise refuse(
                "logging_level",
                "is OFF, and data_trace writes to the execution log",
                "OFF",
                "ERROR or INFO",
            )
        return self


def route_setting_problems(cfg: Config) -> list[Problem]:
    """A route's cache needs the stage's cache cluster, and its cache keys must be parameters
    the method has (its path's, its required ones, or the ones its mapping reads)."""
    problems = []
    for index, route in enumerate(cfg.routes):
        if route.cache is None:
            continue
        if cfg.stage.cache is None:
            problems.append(
                Problem(
                    f"routes[{index}].cache",
                    "needs a cache cluster on the stage",
                    None,
                    "stage.cache: {size: '0.5'} (billed per hour), or no routes[].cache",
                )
            )
        declared = {
            f"method.request.path.{s.strip('{}+')}" for s in route.segments if s.startswith("{")
        }
        declared |= {f"method.request.{p}" for p in route.required_parameters}
        if route.integration is not None:
            declared |= set(route.integration.method_parameters())
        for key in route.cache.key_parameters:
            if key not in declared:
                problems.append(
                    Problem(
                        f"routes[{index}].cache.key_parameters",
                        f"names {key}, which {route.method} {route.path} does not have",
                        key,
                        "a path parameter, a required parameter (required_parameters) or one "
                        "the route's integration reads",
                    )
                )
    return problems

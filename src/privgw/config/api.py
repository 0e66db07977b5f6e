"""The API itself: routes and who may call (``routes``, ``access``), beside
``resources/api.py`` that builds them (the stage is ``stage.py``'s)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from privgw.config.addresses import CidrList, VpcId
from privgw.config.auth import AuthSetting, RequestSchema, RequestValidation, RequiredParameter
from privgw.config.backend import TargetPath
from privgw.config.checking import Matching, fail, fail_many, reads, refuse, shaped
from privgw.config.function import TargetName
from privgw.config.mapping import Mapping
from privgw.config.stage import RouteCache, RouteThrottling
from privgw.config.types import (
    CallerPrincipal,
    Headers,
    StrictModel,
    UniqueList,
    _duplicates,
    listed,
    optional,
)
from privgw.errors import Problem

HTTP_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")

#: A media type API Gateway treats as binary: type/subtype, either part may be * (API Gateway
#: developer guide, "Working with binary media types for REST APIs").
MEDIA_TYPE_PATTERN = r"(\*|[A-Za-z0-9][\w.+-]*)/(\*|[A-Za-z0-9][\w.+-]*)"
MediaType = Annotated[
    str,
    Matching(shaped(MEDIA_TYPE_PATTERN, "media type", "type/subtype, e.g. image/png or */*")),
]

#: A segment; never . or .. alone: every HTTP client resolves dot segments before sending
#: (RFC 3986, section 5.2.4), so a route /../admin could never be called as written.
_SEGMENT_TEXT = (
    r"(?:(?!\.{1,2}(?![A-Za-z0-9._~:-]))[A-Za-z0-9._~:-]+"  # not . or .. alone
    r"|\{[A-Za-z_][A-Za-z0-9_]*\+?\})"
)


_SEGMENT = re.compile(_SEGMENT_TEXT)
PATH_EXPECTED = (
    "'/' or /-separated segments of letters, digits, . _ ~ : -, or {param}; "
    "{proxy+} only as the last segment; no . or .. segment"
)


def _check_path(path: str) -> str:
    if path == "/":
        return path
    if not path.startswith("/") or path.endswith("/"):
        raise fail("is not a resource path", PATH_EXPECTED)
    segments = path[1:].split("/")
    dots = [s for s in segments if s in (".", "..")]
    if dots:
        raise fail(
            f"has a dot segment {dots[0]!r}: HTTP clients resolve . and .. before sending, so "
            "the route could never be called as written",
            PATH_EXPECTED,
        )
    for i, segment in enumerate(segments):
        if not _SEGMENT.fullmatch(segment):
            raise fail(f"has an invalid segment {segment!r}", PATH_EXPECTED)
        if segment.endswith("+}") and i != len(segments) - 1:
            raise fail(f"has greedy {segment} before the last segment", PATH_EXPECTED)
    params = [s.strip("{}+") for s in segments if s.startswith("{")]
    dups = _duplicates(params)
    if dups:
        raise fail("names a path parameter twice: " + ", ".join(dups), "distinct names")
    return path


#: What JSON Schema can say of a path (the greedy-last and distinct-parameter rules it cannot).
_check_path.pattern = f"^/(?:{_SEGMENT_TEXT}(?:/{_SEGMENT_TEXT})*)?$"  # type: ignore[attr-defined]


def _route_shape(value: Any) -> Any:
    """Accept the compact ``"GET /items/{id}"`` and ``"GET /items/{id} -> orders"`` forms
    beside the mapping form."""
    if isinstance(value, str):
        head, arrow, target = value.partition("->")
        parts = head.split()
        if len(parts) != 2 or (arrow and len(target.split()) != 1):
            raise fail(
                "is not 'METHOD /path' or 'METHOD /path -> target'",
                "e.g. 'GET /hello', 'GET /orders -> orders' or {method: GET, path: /hello}",
            )
        route = {"method": parts[0].upper(), "path": parts[1]}
        return route | {"target": target.strip()} if arrow else route
    return value


class Mock(StrictModel):
    """A fixed answer from API Gateway itself (a MOCK integration): no backend is called."""

    status: int = Field(default=200, ge=100, le=599, description="HTTP status code.")
    body: str = Field(
        default="",
        max_length=10_000,
        description="Response body: a mapping template, so $context variables such as "
        "$context.requestId are filled in; plain text is sent as it is.",
    )
    content_type: str = Field(
        default="application/json",
        pattern=r"^[a-z]+/[A-Za-z0-9.+-]+$",
        description="Content-Type of the answer.",
    )
    headers: Headers = Field(
        default_factory=dict, max_length=20, description="Static response headers."
    )


class Route(StrictModel):
    """One HTTP method on one path, sent to a function, a backend, or answered by a mock."""

    # what _validation_has_something_to_check says of the body, in JSON Schema
    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"request_validation": {"enum": ["body", "all"]}},
                "required": ["request_validation"],
            },
            "then": {"required": ["request_schema"]},
        }
    )

    method: Literal["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] = Field(
        description=(
            "The HTTP method: `ANY`, `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD` or `OPTIONS`."
        )
    )
    path: Annotated[str, Matching(_check_path)] = Field(
        max_length=1024,
        description="The path: `/`, static segments, `{param}`, and a greedy `{name+}` only last.",
    )
    target: TargetName | None = optional(
        (
            "a name from `functions`, `existing_functions` or `backends` (an unknown name is "
            "refused with the names there are)"
        ),
    )
    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description=(
            "the route's name (unique): the Method's `OperationName`, the body form's "
            "`operationId`, its label in diagrams and simulate; with `openapi`, an "
            "operation's `operationId`"
        ),
    )
    operation: str | None = Field(
        default=None,
        max_length=300,
        description=(
            'with `openapi`: the operation (`operationId` or `"METHOD /path"`) this route '
            "replaces; a route repeating an operation's method and path without it is "
            "refused, naming the operation"
        ),
    )
    mock: Mock | None = Field(
        default=None, description="Answer with a fixed response instead of calling a target."
    )
    auth: AuthSetting | None = optional(
        "none, iam, {lambda: FUNCTION, ...} or {cognito: {...}}; default: the API's auth.",
    )
    api_key_required: bool = Field(
        default=False, description="callers send a consumer's key in `x-api-key` (`ApiKeyRequired`)"
    )
    target_path: TargetPath | None = optional(
        (
            "where the route goes on its backend instead of its own path (after "
            "`path_prefix`): `GET /fargate` with `target_path: /Prod/` calls "
            "`https://HOST/Prod/`. `/`-separated segments, a trailing `/` allowed, `{param}`s "
            "of the route's path only; no `.`/`..` segments. Backend routes only (a function "
            "or mock route is refused)."
        ),
    )
    integration: Mapping | None = optional(
        (
            "map the request and the answer instead of passing them through: the route to a "
            "function (or a function that already runs) becomes an `AWS` integration, to a "
            "backend an `HTTP` one. Not on a mock or service route, nor to a target with "
            "`response_streaming` (a streamed answer is never mapped)."
        ),
    )
    throttling: RouteThrottling | None = optional("{rate_limit, burst_limit} for this route.")
    cache: RouteCache | None = optional(
        "{ttl_seconds, key_parameters}: cache this route's answers (needs stage.cache).",
    )
    content_handling: Literal["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"] | None = optional(
        "Convert the request payload for the integration: CONVERT_TO_BINARY (base64 text to "
        "bytes) or CONVERT_TO_TEXT (bytes to base64 text); unset passes it through. Binary "
        "payloads need their media type in binary_media_types.",
    )
    request_validation: RequestValidation | None = optional(
        (
            "`params`, `body` or `all`: API Gateway refuses (400) a request that misses "
            "`required_parameters` or does not match `request_schema`, before any backend "
            "runs; one shared `AWS::ApiGateway::RequestValidator` per kind"
        ),
    )
    required_parameters: UniqueList[RequiredParameter] = Field(
        default_factory=list,
        max_length=50,
        description=(
            "`querystring.NAME` or `header.NAME` (needs `request_validation: params` or `all`)"
        ),
    )
    request_schema: RequestSchema | None = Field(
        default=None,
        description=(
            "JSON Schema (draft 4, as API Gateway models are) of an `application/json` body: "
            "an `AWS::ApiGateway::Model` (needs `request_validation: body` or `all`)"
        ),
    )

    @model_validator(mode="after")
    @reads("path", "target_path")
    def _target_path_variables(self) -> Self:
        if self.target_path is None:
            return self
        mine = {s.strip("{}+") for s in self.segments if s.startswith("{")}
        used = re.findall(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", self.target_path)
        unknown = [v for v in used if v not in mine]
        if unknown:
            raise refuse(
                "target_path",
                f"uses {{{unknown[0]}}}, which is not a parameter of the route's path",
                self.target_path,
                "{param}s of " + self.path if mine else "a path without {param}s",
            )
        return self

    @model_validator(mode="after")
    @reads("target", "mock", "content_handling", "target_path", "integration")
    def _target_or_mock(self) -> Self:
        problems = []
        if self.mock is not None and self.integration is not None:
            problems.append(
                Problem(
                    "integration",
                    "applies to a function or backend route, not a mock (a mock's answer is "
                    "its own)",
                    None,
                    "no integration on a mock route",
                )
            )
        if self.mock is not None and self.target_path is not None:
            problems.append(
                Problem(
                    "target_path",
                    "applies to a backend route, not a mock",
                    self.target_path,
                    "no target_path on a mock route",
                )
            )
        if self.target is not None and self.mock is not None:
            problems.append(
                Problem("mock", "is given beside target", None, "either target or mock")
            )
        if self.mock is not None and self.content_handling is not None:
            problems += [
                Problem(
                    "content_handling",
                    "applies to a function or backend integration, not a mock",
                    self.content_handling,
                    "no content_handling on a mock route",
                )
            ]
        if problems:
            raise fail_many(problems)
        return self

    @model_validator(mode="after")
    @reads("request_validation", "request_schema", "required_parameters")
    def _validation_has_something_to_check(self) -> Self:
        body = self.request_validation in ("body", "all")
        if body and self.request_schema is None:
            raise refuse(
                "request_schema",
                f"is required with request_validation: {self.request_validation}",
                None,
                "a JSON Schema for the body, or request_validation: params",
            )
        if self.request_schema is not None and not body:
            raise refuse(
                "request_validation",
                "does not check the body, so request_schema would never be applied",
                str(self.request_validation),
                "body or all",
            )
        if self.required_parameters and self.request_validation not in ("params", "all"):
            raise refuse(
                "request_validation",
                "does not check parameters, so required_parameters would never be enforced",
                str(self.request_validation),
                "params or all",
            )
        return self

    @property
    def segments(self) -> tuple[str, ...]:
        return () if self.path == "/" else tuple(self.path[1:].split("/"))


def _any_case(word: str) -> str:
    """A regular expression for ``word`` in any letter case (JSON Schema has no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


#: The compact route form as the JSON Schema describes it: a method (any case, as
#: ``_route_shape`` upper-cases it), blanks, and a path starting with /.
RouteString = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*("
            + "|".join(_any_case(m) for m in HTTP_METHODS)
            + r")\s+"
            + _check_path.pattern.removeprefix("^").removesuffix("$")
            + r"(\s*->\s*[A-Za-z][A-Za-z0-9]{0,63})?\s*$",
            "description": "'METHOD /path' or 'METHOD /path -> target', e.g. "
            "'GET /items/{id} -> orders'",
        }
    ),
]
RouteItem = Annotated[
    Route, BeforeValidator(_route_shape, json_schema_input_type=Route | RouteString)
]

DEFAULT_ROUTES = (Route(method="ANY", path="/"), Route(method="ANY", path="/{proxy+}"))


class Access(StrictModel):
    """Who may call, beyond the endpoint allow-list."""

    vpc_ids: UniqueList[VpcId] = listed(
        50,
        (
            "calls through *any* execute-api endpoint in these VPCs are admitted too "
            "(`aws:SourceVpc`). Endpoint ids and VPC ids share one `StringNotEquals` block, "
            "whose keys IAM ANDs: the Deny applies only when neither the endpoint nor the VPC "
            "is allowed, so either admits a call. With `endpoint.create: false` and no "
            "`existing_ids`, VPC ids alone are enough."
        ),
    )
    source_cidrs: CidrList = listed(
        50,
        (
            "additionally require the caller's private IP in one of these (`aws:VpcSourceIp`; "
            "a separate Deny, so it always applies). `aws:SourceIp` never matches a call "
            "through an endpoint. A list covering every address together is refused."
        ),
    )
    iam_principals: UniqueList[CallerPrincipal] = listed(
        50,
        (
            "account ids (or `:root` ARNs) and IAM role/user ARNs: turns on `AWS_IAM` "
            "authorization (callers sign with SigV4), puts exactly these principals in the "
            "policy's Allow instead of `*`, and adds the Deny `DenyUnlistedPrincipals` "
            "(`StringNotEquals` on `aws:PrincipalArn` / `aws:PrincipalAccount`), without "
            "which any role of the API's own account with `execute-api:Invoke` in its IAM "
            'policy would get in (see "Security model"). Sessions of a listed role are '
            "admitted (their `aws:PrincipalArn` is the role); role *session* ARNs "
            "(`arn:...:sts::...:assumed-role/...`) are refused, since no condition key can "
            "keep one session apart from the role's others."
        ),
    )

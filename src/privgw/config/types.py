"""Field types shared by every part of the config: ids, CIDRs, names, tags, and the helpers
that turn a failed check into privgw's own wording (the field path is added later, in
``problems``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from privgw.config.checking import JsonSchemaExtra, Matching, fail, reads, refuse, shaped
from privgw.limits import (
    LOG_RETENTION_DAYS,
    MAX_INTEGRATION_TIMEOUT_S,
    MAX_RAISED_INTEGRATION_TIMEOUT_MS,
    MAX_STREAMING_TIMEOUT_S,
)
from privgw.patterns import KMS_KEY_ARN, STAGE_NAME, aws_id
from privgw.runtimes import RUNTIME_DEPRECATION, runtime_problem, supported_runtimes

_F = TypeVar("_F", bound=Callable[..., Any])


def optional(description: str) -> Any:
    """A field that may be left out (None): what it means when set is in its description."""
    return Field(default=None, description=description)


def switch(default: bool, description: str) -> Any:
    """An on/off setting with its default."""
    return Field(default=default, description=description)


def keyed(max_length: int, description: str) -> Any:
    """An optional mapping by name: empty by default, at most ``max_length`` names."""
    return Field(default_factory=dict, max_length=max_length, description=description)


def listed(max_length: int, description: str) -> Any:
    """An optional list field: empty by default, at most ``max_length`` values."""
    return Field(default_factory=list, max_length=max_length, description=description)


# --- scalar field types ------------------------------------------------------------------------


def _aws_id(prefix: str) -> Callable[[str], str]:
    """A validator for ids like vpc-0123abcd / vpc-0123456789abcdef0."""
    return shaped(
        aws_id(prefix),
        f"{prefix} id",
        f"'{prefix}-' then 8 or 17 lower-case hex digits",
    )


STAGE_NAME_PATTERN = STAGE_NAME
StageName = Annotated[
    str,
    Matching(shaped(STAGE_NAME_PATTERN, "stage name", "1-128 letters, digits, - or _")),
]
Handler = Annotated[
    str,
    Matching(
        shaped(r"[^\s]{1,128}", "handler", "module.function without spaces, e.g. index.handler")
    ),
]
BucketName = Annotated[
    str,
    Matching(
        shaped(
            r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
            "S3 bucket name",
            "3-63 lower-case letters, digits, . or -",
        )
    ),
]


def _check_local_path(value: str) -> str:
    if not value or value.startswith(("/", "~")) or "\\" in value or "://" in value:
        raise fail(
            "is not a relative local path",
            "a folder or .zip inside the config file's folder, relative to it, with / "
            "separators, e.g. src/api",
        )
    return value


LocalPath = Annotated[
    str,
    AfterValidator(_check_local_path),
    JsonSchemaExtra(pattern=r"^(?![/~])(?!.*\\)(?!.*://).+$"),
]
KmsKeyArn = Annotated[
    str,
    Matching(
        shaped(
            KMS_KEY_ARN,
            "KMS key ARN",
            "arn:<partition>:kms:<region>:<account>:key/<key-id>",
        )
    ),
]
DeadLetterArn = Annotated[
    str,
    Matching(
        shaped(
            r"arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}",
            "SQS queue or SNS topic ARN",
            "arn:<partition>:sqs:<region>:<account>:<queue> or ...:sns:...:<topic>",
        )
    ),
]
#: An HTTP header name (a token of RFC 9110), as mocks, gateway responses and authorizers
#: take them.
_HEADER_NAME = r"[A-Za-z0-9!#$%&*+.^_`|~-]{1,64}"
HeaderName = Annotated[
    str,
    Matching(shaped(_HEADER_NAME, "header name", "1-64 letters, digits or !#$%&*+.^_`|~-")),
]


def _check_header_names(headers: dict[str, str]) -> dict[str, str]:
    """HTTP header names are case-insensitive: two that differ only in case are one header,
    and which value is sent is left to chance."""
    seen: dict[str, str] = {}
    for name in headers:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            raise fail(
                f"names one header twice, as {other!r} and {name!r} (header names ignore case)",
                "each header once",
            )
    return headers


#: A static header value, which API Gateway writes between single quotes ('value').
HeaderValue = Annotated[
    str,
    Matching(
        shaped(
            r"[\x20-\x26\x28-\x7e]{0,1024}",
            "static header value",
            "up to 1,024 printable ASCII characters, no single quote",
        )
    ),
]
#: Static response headers: each header once, whatever the letter case.
Headers = Annotated[dict[HeaderName, HeaderValue], AfterValidator(_check_header_names)]


Name = Annotated[
    str,
    Matching(
        shaped(
            r"[A-Za-z][A-Za-z0-9-]{0,62}",
            "name",
            "1-63 characters: a letter, then letters, digits or hyphens",
        )
    ),
]


def _check_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise fail(
            "is not a retention CloudWatch Logs accepts",
            "one of " + ", ".join(str(d) for d in LOG_RETENTION_DAYS),
        )
    return value


RetentionDays = Annotated[
    int, AfterValidator(_check_retention), JsonSchemaExtra(enum=list(LOG_RETENTION_DAYS))
]


def _check_runtime(value: str) -> str:
    problem = runtime_problem(value)
    if problem:
        raise fail(problem, "one of " + ", ".join(supported_runtimes()))
    return value


#: The schema names every runtime privgw knows; which of them are deprecated depends on the day
#: the config is loaded, so that part stays with the loader (the schema would go stale).
Runtime = Annotated[
    str, AfterValidator(_check_runtime), JsonSchemaExtra(enum=sorted(RUNTIME_DEPRECATION))
]


def _duplicates(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    dups: list[Any] = []
    for value in values:
        if value in seen and value not in dups:
            dups.append(value)
        seen.add(value)
    return dups


def _unique(values: list[Any]) -> list[Any]:
    dups = _duplicates(values)
    if dups:
        raise fail("lists a value twice: " + ", ".join(map(str, dups)), "each value once")
    return values


_Item = TypeVar("_Item")
#: A list that names each value once (a repeated id or CIDR is always a copy-paste slip).
UniqueList = Annotated[list[_Item], AfterValidator(_unique), JsonSchemaExtra(uniqueItems=True)]


PrincipalArn = Annotated[
    str,
    Matching(
        shaped(
            r"arn:aws[a-z-]*:(iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+)"
            r"|sts::\d{12}:assumed-role/[\w+=,.@/-]+)|\d{12}",
            "IAM principal",
            "an account id, or an arn:<partition>:iam::<account>:root / role/<name> / "
            "user/<name> ARN",
        )
    ),
]


def _check_not_session(value: str) -> str:
    if ":sts::" in value:
        raise fail(
            "is a role session, which the resource policy cannot keep apart from the role's "
            "other sessions (aws:PrincipalArn of a session is its role)",
            "the role's ARN, arn:<partition>:iam::<account>:role/<name> (its sessions are "
            "admitted), an account id or a user ARN",
        )
    return value


#: A principal that may call an IAM-authorized API: no role sessions (see _check_not_session).
CallerPrincipal = Annotated[PrincipalArn, AfterValidator(_check_not_session)]


# --- models ---


class StrictModel(BaseModel):
    """Frozen, unknown keys rejected: a typo in a config must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, strict=True)


class StreamsResponses(StrictModel):
    """An integration target with ``timeout`` and ``response_streaming`` fields: a buffered
    response must arrive within API Gateway's integration timeout (29 s by default, up to 300 s
    for private APIs once the quota is raised); a streamed one may last 15 minutes ("Stream
    the integration response for your proxy integrations"). A function may also say how long
    API Gateway waits apart from its own timeout (``integration_timeout_ms``). The JSON Schema
    says the same with if/else, so editors refuse what the loader refuses."""

    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"response_streaming": {"const": True}},
                "required": ["response_streaming"],
            },
            "then": {
                "properties": {
                    "integration_timeout_ms": {"maximum": MAX_STREAMING_TIMEOUT_S * 1000}
                }
            },
            "else": {
                "if": {"required": ["integration_timeout_ms"]},
                "then": {
                    "properties": {
                        "integration_timeout_ms": {"maximum": MAX_RAISED_INTEGRATION_TIMEOUT_MS}
                    }
                },
                "else": {
                    "properties": {
                        "timeout": {"maximum": MAX_RAISED_INTEGRATION_TIMEOUT_MS // 1000}
                    }
                },
            },
        }
    )

    @property
    def wait_ms(self) -> int:
        """How long API Gateway waits for this target: ``integration_timeout_ms`` when given,
        else the target's own timeout."""
        given: int | None = getattr(self, "integration_timeout_ms", None)
        timeout: int = getattr(self, "timeout")  # noqa: B009 - the subclass's field
        return given if given is not None else timeout * 1000

    @model_validator(mode="after")
    @reads("timeout", "response_streaming")
    def _timeout_fits_integration(self) -> Self:
        return self._wait_fits()

    def _wait_fits(self) -> Self:
        """The wait within API Gateway's longest (a subclass with ``integration_timeout_ms``
        runs this from a validator that reads that field too)."""
        streaming: bool = getattr(self, "response_streaming")  # noqa: B009
        limit = MAX_STREAMING_TIMEOUT_S * 1000 if streaming else MAX_RAISED_INTEGRATION_TIMEOUT_MS
        if self.wait_ms <= limit:
            return self
        if getattr(self, "integration_timeout_ms", None) is not None:
            raise refuse(
                "integration_timeout_ms",
                "is over API Gateway's longest integration timeout"
                + ("" if streaming else " for a buffered response"),
                str(self.wait_ms),
                f"at most {limit} ms"
                + (
                    ""
                    if streaming
                    else f", or response_streaming: true (up to {MAX_STREAMING_TIMEOUT_S * 1000})"
                ),
            )
        raise refuse(
            "timeout",
            "is over API Gateway's longest integration timeout for a buffered response",
            str(getattr(self, "timeout")),  # noqa: B009
            f"at most {MAX_RAISED_INTEGRATION_TIMEOUT_MS // 1000} seconds (over "
            f"{MAX_INTEGRATION_TIMEOUT_S} only with the raised quota), response_streaming: true "
            f"(up to {MAX_STREAMING_TIMEOUT_S}), or a shorter integration_timeout_ms",
        )


def _check_burst(value: int) -> int:
    if value == 0:
        raise fail(
            "admits no request: with a burst of 0 API Gateway throttles every call (429)",
            "1 to 1000000",
        )
    return value


#: A throttle's burst: requests admitted at once above the steady rate; 0 would admit none.
Burst = Annotated[
    int, Field(ge=0, le=1_000_000), AfterValidator(_check_burst), JsonSchemaExtra(minimum=1)
]

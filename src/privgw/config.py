"""The typed config: the one place user input is checked, before any template is built.

Every rule lives on the field it guards (ids, CIDRs, paths, and the AWS quotas below); rules that
span fields live in ``after`` validators that report *all* their findings at once. pydantic's
errors are translated into ``ConfigError`` problems that name the field path, quote the value and
say what was expected, because raw ``String should match pattern '^vpc-...'`` is not a message
for a person.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import re
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from privgw.errors import ConfigError, Problem
from privgw.naming import path_stem
from privgw.runtimes import INLINE_CODE_RUNTIME_PREFIXES, runtime_problem, supported_runtimes

_F = TypeVar("_F", bound=Callable[..., Any])

# --- limits (AWS CloudFormation User Guide, "CloudFormation quotas"; the API Gateway, Lambda and
# --- CloudWatch Logs quotas pages of their developer guides) -------------------------------------

MAX_CONFIG_BYTES = 1_000_000
MAX_INLINE_CODE_BYTES = 4096
MAX_ENVIRONMENT_BYTES = 4096
MAX_INTEGRATION_TIMEOUT_S = 29
MAX_RESOURCES_PER_API = 300
MAX_TEMPLATE_RESOURCES = 500
MAX_TEMPLATE_OUTPUTS = 200
MAX_TEMPLATE_PARAMETERS = 200
MAX_TAGS = 50
MAX_DESCRIPTION_BYTES = 1024
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip
HTTP_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
RESERVED_ENV_KEYS = frozenset(
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMBDA_RUNTIME_DIR", "LAMBDA_TASK_ROOT",
    }
)  # fmt: skip


def _fail(message: str, expected: str | None = None) -> PydanticCustomError:
    """A field error carrying privgw's own wording; ``problems_from`` unpacks it."""
    return PydanticCustomError("privgw", "{message}", {"message": message, "expected": expected})


def reads(*fields: str) -> Callable[[_F], _F]:
    """Mark a cross-field validator with the fields it reads, so ``cross_field_problems`` can
    run it on a config whose *other* fields are invalid (pydantic runs after-validators only
    once every field of the model is valid, which made errors arrive in rounds)."""

    def mark(function: _F) -> _F:
        function.__privgw_reads__ = fields  # type: ignore[attr-defined]
        return function

    return mark


def _fail_many(problems: list[Problem]) -> PydanticCustomError:
    """Several cross-field problems raised as one pydantic error, so none is lost."""
    text = "; ".join(str(p) for p in problems)
    return PydanticCustomError("privgw_many", "{text}", {"text": text, "problems": problems})


# --- scalar field types ------------------------------------------------------------------------


class _Matching(AfterValidator):
    """An after-validator whose check is a regular expression: the JSON Schema gets the same
    pattern, so editors refuse what the loader refuses (privgw's own message stays the one a
    user of the CLI sees)."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        pattern = getattr(self.func, "pattern", None)
        if pattern is not None:
            schema["pattern"] = pattern
        return schema


def _aws_id(prefix: str) -> Callable[[str], str]:
    """A validator for ids like vpc-0123abcd / vpc-0123456789abcdef0."""
    return _text(
        rf"{prefix}-(?:[0-9a-f]{{8}}|[0-9a-f]{{17}})",
        f"{prefix} id",
        f"'{prefix}-' then 8 or 17 lower-case hex digits",
    )


def _text(pattern: str, what: str, expected: str) -> Callable[[str], str]:
    """A string type checked against ``pattern`` whose error says ``expected`` in words;
    ``check.pattern`` is the anchored pattern for the JSON Schema."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise _fail(f"is not a valid {what}", expected)
        return value

    check.pattern = f"^(?:{pattern})$"  # type: ignore[attr-defined]
    return check


#: API Gateway's rule for stage names ("Set up a stage for a REST API"): letters, digits,
#: hyphens and underscores, up to 128 characters.
STAGE_NAME_PATTERN = r"[A-Za-z0-9_-]{1,128}"
StageName = Annotated[
    str,
    _Matching(_text(STAGE_NAME_PATTERN, "stage name", "1-128 letters, digits, - or _")),
]
Handler = Annotated[
    str,
    _Matching(
        _text(r"[^\s]{1,128}", "handler", "module.function without spaces, e.g. index.handler")
    ),
]
BucketName = Annotated[
    str,
    _Matching(
        _text(
            r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
            "S3 bucket name",
            "3-63 lower-case letters, digits, . or -",
        )
    ),
]


def _check_local_path(value: str) -> str:
    if not value or value.startswith(("/", "~")) or "\\" in value or "://" in value:
        raise _fail(
            "is not a relative local path",
            "a folder or .zip inside the config file's folder, relative to it, with / "
            "separators, e.g. src/api",
        )
    return value


LocalPath = Annotated[str, AfterValidator(_check_local_path)]
KmsKeyArn = Annotated[
    str,
    _Matching(
        _text(
            r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]{1,64}",
            "KMS key ARN",
            "arn:<partition>:kms:<region>:<account>:key/<key-id>",
        )
    ),
]
DeadLetterArn = Annotated[
    str,
    _Matching(
        _text(
            r"arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}",
            "SQS queue or SNS topic ARN",
            "arn:<partition>:sqs:<region>:<account>:<queue> or ...:sns:...:<topic>",
        )
    ),
]
VpcId = Annotated[str, _Matching(_aws_id("vpc"))]
SubnetId = Annotated[str, _Matching(_aws_id("subnet"))]
SecurityGroupId = Annotated[str, _Matching(_aws_id("sg"))]
VpcEndpointId = Annotated[str, _Matching(_aws_id("vpce"))]


def _check_cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise _fail(
            f"is not a valid CIDR block ({exc})",
            "a network address with prefix, host bits zero, e.g. 10.0.0.0/16 or fd00::/56",
        ) from None
    if network.prefixlen == 0:
        raise _fail(
            "would open the endpoint to every address",
            "the caller VPCs' CIDRs; 0.0.0.0/0 and ::/0 are never allowed",
        )
    return network.compressed


Cidr = Annotated[str, AfterValidator(_check_cidr)]


def _check_not_everything(cidrs: list[str]) -> list[str]:
    """Several CIDRs can open to every address as surely as 0.0.0.0/0 (0.0.0.0/1 +
    128.0.0.0/1): refuse a list whose union covers a whole address family."""
    for version, everything in ((4, "0.0.0.0/0"), (6, "::/0")):
        networks = [n for n in (ipaddress.ip_network(c) for c in cidrs) if n.version == version]
        merged = list(ipaddress.collapse_addresses(networks))  # type: ignore[type-var]
        if [str(n) for n in merged] == [everything]:
            raise _fail(
                f"covers every IPv{version} address together ({', '.join(map(str, networks))})",
                "the caller VPCs' CIDRs; their union may never be 0.0.0.0/0 or ::/0",
            )
    return cidrs


Name = Annotated[
    str,
    _Matching(
        _text(
            r"[A-Za-z][A-Za-z0-9-]{0,62}",
            "name",
            "1-63 characters: a letter, then letters, digits or hyphens",
        )
    ),
]


def _check_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise _fail(
            "is not a retention CloudWatch Logs accepts",
            "one of " + ", ".join(str(d) for d in LOG_RETENTION_DAYS),
        )
    return value


RetentionDays = Annotated[int, AfterValidator(_check_retention)]


def _check_runtime(value: str) -> str:
    problem = runtime_problem(value)
    if problem:
        raise _fail(problem, "one of " + ", ".join(supported_runtimes()))
    return value


Runtime = Annotated[str, AfterValidator(_check_runtime)]


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
        raise _fail("lists a value twice: " + ", ".join(map(str, dups)), "each value once")
    return values


_Item = TypeVar("_Item")
#: A list that names each value once (a repeated id or CIDR is always a copy-paste slip).
UniqueList = Annotated[list[_Item], AfterValidator(_unique)]


def min_cidr_prefix(count: int) -> int:
    """The shortest prefix that keeps ``count`` CIDRs of one family from covering all of it
    (``count`` networks of /p cover at most count * 2**-p of the space: count < 2**p)."""
    return count.bit_length()


#: Caller CIDRs: each valid, none repeated, and never every address together.
CidrList = Annotated[UniqueList[Cidr], AfterValidator(_check_not_everything)]


# --- models ---------------------------------------------------------------------------------


class StrictModel(BaseModel):
    """Frozen, unknown keys rejected: a typo in a config must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, strict=True)


class Network(StrictModel):
    """Where a created endpoint lives and who may reach it on TCP 443."""

    vpc_id: VpcId = Field(description="VPC of the execute-api interface endpoint.")
    subnet_ids: UniqueList[SubnetId] = Field(
        min_length=1,
        max_length=16,
        description="Subnets for the endpoint's network interfaces (one per AZ you use).",
    )
    allowed_cidrs: CidrList = Field(
        default_factory=list,
        max_length=60,
        description="Caller CIDRs: the VPC's own plus any peered or transit-gateway VPCs.",
    )
    source_security_group_ids: UniqueList[SecurityGroupId] = Field(
        default_factory=list,
        max_length=60,
        description="Security groups whose members may call the endpoint.",
    )

    @model_validator(mode="after")
    @reads("allowed_cidrs", "source_security_group_ids")
    def _has_callers(self) -> Self:
        if not self.allowed_cidrs and not self.source_security_group_ids:
            raise _fail_many(
                [
                    Problem(
                        "allowed_cidrs",
                        "no caller could reach the endpoint",
                        "[]",
                        "at least one CIDR here or one id in source_security_group_ids",
                    )
                ]
            )
        if len(self.allowed_cidrs) + len(self.source_security_group_ids) > 60:
            raise _fail_many(
                [
                    Problem(
                        "allowed_cidrs",
                        "too many ingress rules for one security group",
                        str(len(self.allowed_cidrs) + len(self.source_security_group_ids)),
                        "at most 60 CIDRs and source groups together",
                    )
                ]
            )
        return self


PrincipalArn = Annotated[
    str,
    _Matching(
        _text(
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
        raise _fail(
            "is a role session, which the resource policy cannot keep apart from the role's "
            "other sessions (aws:PrincipalArn of a session is its role)",
            "the role's ARN, arn:<partition>:iam::<account>:role/<name> (its sessions are "
            "admitted), an account id or a user ARN",
        )
    return value


#: A principal that may call an IAM-authorized API: no role sessions (see _check_not_session).
CallerPrincipal = Annotated[PrincipalArn, AfterValidator(_check_not_session)]


class EndpointPolicy(StrictModel):
    """A VPC endpoint policy on a created endpoint: what may be called *through* it."""

    account_apis_only: bool = Field(
        default=True,
        description="Only APIs of this stack's account and region may be invoked through it "
        "(a guard against using the endpoint to reach other accounts' private APIs).",
    )
    principals: UniqueList[PrincipalArn] = Field(
        default_factory=list,
        max_length=50,
        description="Only these IAM principals (account ids or ARNs; signed requests) may use "
        "it; empty: anyone in the VPC.",
    )


class Endpoint(StrictModel):
    """Which execute-api interface endpoints may call the API (the policy's allow-list)."""

    create: bool = Field(
        default=True, description="Create an execute-api interface endpoint in `network`."
    )
    private_dns: bool = Field(
        default=True,
        description=(
            "Private DNS on the created endpoint. Note: it makes every public API's default "
            "name resolve to the endpoint inside that VPC; only one endpoint per VPC may have it."
        ),
    )
    existing_ids: UniqueList[VpcEndpointId] = Field(
        default_factory=list,
        max_length=20,
        description="Existing execute-api endpoints (any VPC or account) that may call the API.",
    )
    imports: UniqueList[Name] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "Endpoint stacks (their export_prefix) whose endpoint may call the API: "
            "Fn::ImportValue of <prefix>-VpcEndpointId. Deploy those stacks first."
        ),
    )
    parameter: bool = Field(
        default=False,
        description="Take one more endpoint id as the template parameter VpcEndpointId.",
    )
    policy: EndpointPolicy | None = Field(
        default=None, description="A VPC endpoint policy on the created endpoint."
    )

    @property
    def any_given(self) -> bool:
        """Whether any endpoint at all is allowed (created, existing, imported or a parameter)."""
        return self.create or bool(self.existing_ids or self.imports) or self.parameter

    @model_validator(mode="after")
    @reads("create", "policy", "private_dns")
    def _has_endpoint(self) -> Self:
        problems = []
        if not self.create and self.policy is not None:
            problems.append(
                Problem(
                    "policy",
                    "applies only to an endpoint privgw creates",
                    None,
                    "no policy when create is false (set it on the endpoint's own stack)",
                )
            )
        if not self.create and "private_dns" in self.model_fields_set:
            problems.append(
                Problem(
                    "private_dns",
                    "applies only to an endpoint privgw creates",
                    str(self.private_dns).lower(),
                    "no private_dns when create is false",
                )
            )
        if problems:
            raise _fail_many(problems)
        return self


class Code(StrictModel):
    """The function's code: inline source, a local folder, or a package already in S3."""

    inline: str | None = Field(
        default=None, min_length=1, description="Source of index.py / index.js (≤ 4,096 bytes)."
    )
    path: LocalPath | None = Field(
        default=None,
        description=(
            "Folder (or .zip) relative to the config file; `sam build`/`sam deploy` or "
            "`aws cloudformation package` uploads it."
        ),
    )
    s3_bucket: BucketName | None = None
    s3_key: str | None = Field(default=None, min_length=1, max_length=1024)
    s3_object_version: str | None = Field(default=None, min_length=1, max_length=1024)

    @field_validator("inline")
    @classmethod
    def _fits(cls, value: str | None) -> str | None:
        size = len(value.encode("utf-8")) if value else 0
        if size > MAX_INLINE_CODE_BYTES:
            raise _fail(
                f"is {size} bytes, over Lambda's inline limit",
                f"at most {MAX_INLINE_CODE_BYTES} bytes; use path or s3_bucket/s3_key",
            )
        return value

    @model_validator(mode="after")
    @reads("inline", "path", "s3_bucket", "s3_key", "s3_object_version")
    def _one_shape(self) -> Self:
        s3_given = [k for k in ("s3_bucket", "s3_key", "s3_object_version") if getattr(self, k)]
        shapes = [
            name
            for name, given in (
                ("inline", self.inline is not None),
                ("path", self.path is not None),
                ("s3", bool(s3_given)),
            )
            if given
        ]
        expected = "exactly one of inline, path, or s3_bucket with s3_key"
        if len(shapes) > 1:
            problem = Problem("", "mixes " + " and ".join(shapes) + " code", None, expected)
        elif not shapes:
            problem = Problem("", "names no code", None, expected)
        elif shapes == ["s3"] and not (self.s3_bucket and self.s3_key):
            missing = "s3_key" if self.s3_bucket else "s3_bucket"
            problem = Problem(
                missing, "is required with S3 code", None, "both s3_bucket and s3_key"
            )
        else:
            return self
        raise _fail_many([problem])

    @property
    def is_inline(self) -> bool:
        return self.inline is not None


_ENV_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]+")


def _check_environment(env: dict[str, str]) -> dict[str, str]:
    bad = [k for k in env if not _ENV_KEY.fullmatch(k)]
    if bad:
        raise _fail(
            "has invalid variable names: " + ", ".join(sorted(bad)),
            "names of 2+ letters, digits or _, starting with a letter",
        )
    _check_map_keys(env)
    reserved = sorted(k for k in env if k in RESERVED_ENV_KEYS)
    if reserved:
        raise _fail("sets variables Lambda reserves: " + ", ".join(reserved), "other names")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in env.items())
    if size > MAX_ENVIRONMENT_BYTES:
        raise _fail(f"is {size} bytes", f"at most {MAX_ENVIRONMENT_BYTES} bytes in all")
    return env


class FunctionVpc(StrictModel):
    """Run the function inside a VPC (to reach private databases or services there)."""

    subnet_ids: UniqueList[SubnetId] = Field(
        min_length=1, max_length=16, description="Subnets for the function's network interfaces."
    )
    security_group_ids: UniqueList[SecurityGroupId] = Field(
        min_length=1, max_length=5, description="Security groups of the function's interfaces."
    )


class Function(StrictModel):
    """The one Lambda function every route reaches."""

    runtime: Runtime = Field(description="A Lambda runtime AWS has not deprecated.")
    handler: Handler = Field(description="module.function, e.g. index.handler.")
    code: Code
    memory: int = Field(default=256, ge=128, le=10240, description="MB.")
    timeout: int = Field(
        default=10,
        ge=1,
        le=MAX_INTEGRATION_TIMEOUT_S,
        description="Seconds; at most 29, API Gateway's integration timeout.",
    )
    architecture: Literal["x86_64", "arm64"] = "x86_64"
    environment: Annotated[dict[str, str], AfterValidator(_check_environment)] = Field(
        default_factory=dict
    )
    log_retention_days: RetentionDays = 30
    description: str = Field(default="", max_length=256)
    reserved_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Cap (and reserve) concurrent executions; unset shares the account pool.",
    )
    dead_letter_arn: DeadLetterArn | None = Field(
        default=None,
        description="SQS queue or SNS topic for failed asynchronous invocations.",
    )
    kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description="Customer managed KMS key for the environment variables at rest.",
    )
    vpc: FunctionVpc | None = Field(
        default=None,
        description="Place the function in a VPC; its role gets the network-interface rights.",
    )

    @property
    def dead_letter_service(self) -> str | None:
        """'sqs' or 'sns' for the dead-letter target, None without one."""
        return self.dead_letter_arn.split(":")[2] if self.dead_letter_arn else None

    @model_validator(mode="after")
    @reads("code", "runtime", "handler")
    def _inline_fits_runtime(self) -> Self:
        if not self.code.is_inline:
            return self
        problems = []
        if not self.runtime.startswith(INLINE_CODE_RUNTIME_PREFIXES):
            problems.append(
                Problem(
                    "code.inline",
                    "inline code runs only on python and nodejs runtimes",
                    self.runtime,
                    "a python3.x or nodejsNN.x runtime, or s3_bucket/s3_key",
                )
            )
        if not re.fullmatch(r"index\.[A-Za-z_][A-Za-z0-9_]*", self.handler):
            problems.append(
                Problem(
                    "handler",
                    "does not name the inline module, which Lambda saves as index.py/index.js",
                    repr(self.handler),
                    "index.<function>, e.g. index.handler",
                )
            )
        if problems:
            raise _fail_many(problems)
        return self


_SEGMENT_TEXT = r"(?:[A-Za-z0-9._~:-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})"


_SEGMENT = re.compile(_SEGMENT_TEXT)
PATH_EXPECTED = (
    "'/' or /-separated segments of letters, digits, . _ ~ : -, or {param}; "
    "{proxy+} only as the last segment"
)


def _check_path(path: str) -> str:
    if path == "/":
        return path
    if not path.startswith("/") or path.endswith("/"):
        raise _fail("is not a resource path", PATH_EXPECTED)
    segments = path[1:].split("/")
    for i, segment in enumerate(segments):
        if not _SEGMENT.fullmatch(segment):
            raise _fail(f"has an invalid segment {segment!r}", PATH_EXPECTED)
        if segment.endswith("+}") and i != len(segments) - 1:
            raise _fail(f"has greedy {segment} before the last segment", PATH_EXPECTED)
    params = [s.strip("{}+") for s in segments if s.startswith("{")]
    dups = _duplicates(params)
    if dups:
        raise _fail("names a path parameter twice: " + ", ".join(dups), "distinct names")
    return path


#: What JSON Schema can say of a path (the greedy-last and distinct-parameter rules it cannot).
_check_path.pattern = f"^/(?:{_SEGMENT_TEXT}(?:/{_SEGMENT_TEXT})*)?$"  # type: ignore[attr-defined]


def _route_shape(value: Any) -> Any:
    """Accept the compact ``"GET /items/{id}"`` form beside the mapping form."""
    if isinstance(value, str):
        parts = value.split()
        if len(parts) != 2:
            raise _fail("is not 'METHOD /path'", "e.g. 'GET /hello' or {method: GET, path: /hello}")
        return {"method": parts[0].upper(), "path": parts[1]}
    return value


class Route(StrictModel):
    """One HTTP method on one path, proxied to the function."""

    method: Literal["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    path: Annotated[str, _Matching(_check_path)] = Field(max_length=1024)

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
            "pattern": r"^\s*(" + "|".join(_any_case(m) for m in HTTP_METHODS) + r")\s+/\S*\s*$",
            "description": "'METHOD /path', e.g. 'GET /items/{id}'",
        }
    ),
]
RouteItem = Annotated[
    Route, BeforeValidator(_route_shape, json_schema_input_type=Route | RouteString)
]

DEFAULT_ROUTES = (Route(method="ANY", path="/"), Route(method="ANY", path="/{proxy+}"))


def resource_paths(routes: Sequence[Route]) -> list[tuple[str, ...]]:
    """Every API Resource the routes need (each prefix of each path), parents first."""
    nodes: set[tuple[str, ...]] = set()
    for route in routes:
        for i in range(1, len(route.segments) + 1):
            nodes.add(route.segments[:i])
    return sorted(nodes, key=lambda n: (len(n), n))


def route_problems(numbered: Sequence[tuple[int, Route]]) -> list[Problem]:
    """What makes routes clash: repeats, two variables under one parent, two paths with one
    logical id, too many API resources. ``numbered`` pairs each route with its index in the
    config, so a check of only the valid routes still names the right ``routes[i]``."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    routes = [route for _, route in numbered]
    for i, route in numbered:
        key = (route.method, route.path)
        if key in seen:
            problems.append(
                Problem(
                    f"[{i}]",
                    f"repeats route {route.method} {route.path}",
                    None,
                    f"each method and path once (first at routes[{seen[key]}])",
                )
            )
        seen.setdefault(key, i)
    variable_child: dict[tuple[str, ...], str] = {}
    for node in resource_paths(routes):
        last = node[-1]
        if last.startswith("{"):
            other = variable_child.setdefault(node[:-1], last)
            if other != last:
                parent = "/" + "/".join(node[:-1])
                problems.append(
                    Problem(
                        "",
                        f"gives {parent} two variable children, {other} and {last}",
                        None,
                        "one {param} (or {proxy+}) per parent path, as API Gateway requires",
                    )
                )
    stems: dict[str, tuple[str, ...]] = {}
    for node in resource_paths(routes):
        other_node = stems.setdefault(path_stem(node), node)
        if other_node != node:
            problems.append(
                Problem(
                    "",
                    f"paths /{'/'.join(other_node)} and /{'/'.join(node)} get the same logical id",
                    None,
                    "paths that differ in more than punctuation and case",
                )
            )
    nodes = len(resource_paths(routes))
    if nodes > MAX_RESOURCES_PER_API:
        problems.append(
            Problem(
                "",
                f"needs {nodes} API resources",
                None,
                f"at most {MAX_RESOURCES_PER_API} per API (the default quota)",
            )
        )
    return problems


class Stage(StrictModel):
    """The stage callers use; access logs and X-Ray tracing are on unless turned off."""

    name: StageName = "v1"
    access_logging: bool = Field(
        default=True,
        description=(
            "JSON access log to a log group privgw creates. Needs the account-wide API Gateway "
            "CloudWatch role (see api_gateway_account_role)."
        ),
    )
    log_retention_days: RetentionDays = 30
    tracing: bool = Field(default=True, description="X-Ray tracing on the stage.")
    throttling_rate_limit: float | None = Field(default=None, gt=0, le=1_000_000)
    throttling_burst_limit: int | None = Field(default=None, ge=0, le=1_000_000)


class Access(StrictModel):
    """Who may call, beyond the endpoint allow-list."""

    vpc_ids: UniqueList[VpcId] = Field(
        default_factory=list,
        max_length=50,
        description=(
            "Calls through *any* execute-api endpoint in these VPCs are admitted too "
            "(aws:SourceVpc). A call is admitted if its endpoint is allowed OR its VPC is."
        ),
    )
    source_cidrs: CidrList = Field(
        default_factory=list,
        max_length=50,
        description="Also require the caller's private IP in one of these (aws:VpcSourceIp).",
    )
    iam_principals: UniqueList[CallerPrincipal] = Field(
        default_factory=list,
        max_length=50,
        description=(
            "Turn on AWS_IAM authorization: callers must sign requests (SigV4), and only these "
            "accounts/roles/users get in: the resource policy allows them and explicitly denies "
            "every other principal, of this account too."
        ),
    )


DomainName = Annotated[
    str,
    _Matching(
        _text(
            r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
            "domain name",
            "a lower-case DNS name such as orders.internal.example.com",
        )
    ),
]
CertificateArn = Annotated[
    str,
    _Matching(
        _text(
            r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]{1,64}",
            "ACM certificate ARN",
            "arn:<partition>:acm:<region>:<account>:certificate/<id>",
        )
    ),
]
HostedZoneId = Annotated[
    str,
    _Matching(_text(r"Z[A-Z0-9]{1,32}", "hosted zone id", "Z followed by letters/digits")),
]
BasePath = Annotated[
    str,
    _Matching(
        _text(r"[A-Za-z0-9._-]{0,128}", "base path", "empty, or letters, digits, . _ - (no /)")
    ),
]


class PrivateHostedZone(StrictModel):
    """Where the custom name resolves to the endpoint: a new private zone, or an existing one."""

    create: bool = Field(
        default=False,
        description="Create a Route 53 private hosted zone for the name in network.vpc_id.",
    )
    id: HostedZoneId | None = Field(default=None, description="An existing private zone.")

    @model_validator(mode="after")
    @reads("create", "id")
    def _one(self) -> Self:
        if self.create == (self.id is not None):
            raise _fail_many(
                [Problem("", "needs exactly one of create: true or id", None, "create or id")]
            )
        return self


class CustomDomain(StrictModel):
    """A private custom domain name (DomainNameV2) in front of the API."""

    name: DomainName
    certificate_arn: CertificateArn = Field(description="ACM certificate for the name.")
    base_path: BasePath = Field(default="", description="Path under the domain; empty: root.")
    hosted_zone: PrivateHostedZone | None = Field(
        default=None, description="Also point the name at the created endpoint in Route 53."
    )


#: The characters every taggable resource type privgw emits accepts in tag keys and values
#: (the pattern ``^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`` of their CloudFormation schemas; AWS General
#: Reference, "Tagging your AWS resources"): letters, separators (spaces), numbers, _ . : / = + - @
TAG_SYMBOLS = frozenset("_.:/=+-@")
TAG_EXPECTED = (
    "keys of 1-128 and values of up to 256 letters, digits, spaces or _ . : / = + - @; "
    "keys not starting with 'aws:'"
)


def _tag_text_ok(text: str) -> bool:
    return all(ch in TAG_SYMBOLS or unicodedata.category(ch)[0] in "LZN" for ch in text)


def _intrinsic_key(key: str) -> bool:
    """Keys CloudFormation reads as an intrinsic function or condition in a one-key map."""
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def _check_map_keys(mapping: dict[str, str]) -> dict[str, str]:
    bad = sorted(k for k in mapping if _intrinsic_key(k))
    if bad:
        raise _fail(
            "uses keys CloudFormation reads as intrinsic functions: " + ", ".join(bad),
            "other names than Ref, Condition or Fn::...",
        )
    return mapping


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    problems = []
    for key, value in tags.items():
        if (
            not 1 <= len(key) <= 128
            or key.lower().startswith("aws:")
            or not _tag_text_ok(key)
            or _intrinsic_key(key)
        ):
            problems.append(f"key {key!r}")
        elif len(value) > 256 or not _tag_text_ok(value):
            problems.append(f"value {value!r} of {key!r}")
    if problems:
        raise _fail("has invalid tags: " + ", ".join(problems), TAG_EXPECTED)
    return tags


def _check_description(text: str) -> str:
    """CloudFormation counts a template Description in bytes, not characters."""
    size = len(text.encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        raise _fail(
            f"is {size:,} bytes of UTF-8, over CloudFormation's template description limit",
            f"at most {MAX_DESCRIPTION_BYTES:,} bytes (a non-ASCII character takes 2-4)",
        )
    return text


Tags = Annotated[dict[str, str], AfterValidator(_check_tags)]
Description = Annotated[str, AfterValidator(_check_description)]


class Config(StrictModel):
    """Everything privgw needs to build one private REST API and what it depends on.

    Constructing it in Python raises ``ConfigError`` (not pydantic's error) like ``load_config``.
    """

    _source_dir: Path | None = PrivateAttr(default=None)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise config_error(exc, Config, data) from None

    @property
    def source_dir(self) -> Path | None:
        """Folder of the config file it was loaded from (local code paths are relative to it)."""
        return self._source_dir

    kind: Literal["api"] = Field(default="api", description="An API stack (the default).")
    name: Name = Field(description="Names the API and tags every resource.")
    description: Description = Field(default="", description="Template description.")
    tags: Tags = Field(default_factory=dict, max_length=MAX_TAGS - 1)
    network: Network | None = Field(
        default=None, description="Required when privgw creates the endpoint."
    )
    endpoint: Endpoint = Field(default_factory=Endpoint)
    function: Function
    access: Access = Field(default_factory=Access)
    routes: list[RouteItem] = Field(
        default_factory=lambda: list(DEFAULT_ROUTES),
        min_length=1,
        description="Default: ANY / and ANY /{proxy+}.",
    )
    stage: Stage = Field(default_factory=Stage)
    custom_domain: CustomDomain | None = Field(
        default=None,
        description="A private custom domain name for the API (https://<name>/<base_path>).",
    )
    reusable: bool = Field(
        default=False,
        description=(
            "Make VPC, subnets, caller CIDRs and stage name template Parameters (defaults from "
            "this config), so one template deploys to several environments."
        ),
    )
    log_kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description=(
            "Customer managed KMS key for every log group privgw creates; its key policy must "
            "allow the CloudWatch Logs service principal of the region."
        ),
    )
    api_gateway_account_role: bool = Field(
        default=False,
        description=(
            "Create the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account). "
            "Off by default: it is one setting per account and region, shared by every API."
        ),
    )

    @field_validator("routes")
    @classmethod
    def _routes_fit_together(cls, routes: list[Route]) -> list[Route]:
        problems = route_problems(list(enumerate(routes)))
        if problems:
            raise _fail_many(problems)
        return routes

    @model_validator(mode="after")
    @reads("endpoint", "access")
    def _someone_can_call(self) -> Self:
        if not self.endpoint.any_given and not self.access.vpc_ids:
            raise _fail_many(
                [
                    Problem(
                        "endpoint.existing_ids",
                        "no endpoint could call the API",
                        "[] with create: false and no imports, parameter or access.vpc_ids",
                        "endpoint.create: true, vpce- ids here, endpoint.imports, "
                        "endpoint.parameter, or VPC ids in access.vpc_ids",
                    )
                ]
            )
        return self

    @model_validator(mode="after")
    @reads("custom_domain", "endpoint")
    def _domain_has_an_endpoint(self) -> Self:
        domain = self.custom_domain
        if domain and domain.hosted_zone and not self.endpoint.create:
            raise _fail_many(
                [
                    Problem(
                        "custom_domain.hosted_zone",
                        "needs an endpoint privgw creates (the alias record points at it)",
                        None,
                        "endpoint.create: true, or no hosted_zone (manage DNS yourself)",
                    )
                ]
            )
        return self

    @model_validator(mode="after")
    @reads("endpoint", "network")
    def _network_matches_endpoint(self) -> Self:
        if self.endpoint.create and self.network is None:
            raise _fail_many(
                [
                    Problem(
                        "network",
                        "is required to create an endpoint",
                        None,
                        "vpc_id, subnet_ids and allowed_cidrs, or endpoint.create: false",
                    )
                ]
            )
        if not self.endpoint.create and self.network is not None:
            raise _fail_many(
                [
                    Problem(
                        "network",
                        "is used only when privgw creates the endpoint",
                        None,
                        "no network section when endpoint.create is false",
                    )
                ]
            )
        return self

    @model_validator(mode="after")
    @reads("reusable", "network")
    def _reusable_cidrs_stay_closed(self) -> Self:
        """A reusable template takes each caller CIDR as a parameter, checked alone: a pattern
        per parameter must keep every override from opening the endpoint to all addresses, and
        the config's own CIDRs are its defaults, so they must pass it too."""
        if not self.reusable or self.network is None:
            return self
        problems = []
        cidrs = self.network.allowed_cidrs
        for index, cidr in enumerate(cidrs):
            network = ipaddress.ip_network(cidr)
            count = sum(1 for c in cidrs if ipaddress.ip_network(c).version == network.version)
            shortest = min_cidr_prefix(count)
            if network.prefixlen < shortest:
                problems.append(
                    Problem(
                        f"network.allowed_cidrs[{index}]",
                        f"is shorter than /{shortest}, the shortest prefix a reusable template "
                        f"with {count} IPv{network.version} caller CIDRs accepts (so that no "
                        "overrides of them can cover every address)",
                        cidr,
                        f"/{shortest} or longer",
                    )
                )
        if problems:
            raise _fail_many(problems)
        return self

    @property
    def network_required(self) -> Network:
        """The network of a created endpoint (validated to exist whenever create is true)."""
        assert self.network is not None, "validated: create implies network"
        return self.network


class EndpointStack(StrictModel):
    """A stack with only the execute-api endpoint and its security group, exported for the
    API stacks of many teams (``endpoint.imports`` in their configs)."""

    kind: Literal["endpoint"] = Field(description="An endpoint stack.")
    name: Name = Field(description="Names the endpoint and tags its resources.")
    description: Description = Field(default="", description="Template description.")
    tags: Tags = Field(default_factory=dict, max_length=MAX_TAGS - 1)
    network: Network
    private_dns: bool = Field(
        default=True,
        description="Private DNS on the endpoint (one per VPC; public APIs' names then resolve "
        "to it inside the VPC).",
    )
    export_prefix: Name | None = Field(
        default=None,
        description="Exports are <prefix>-VpcEndpointId, -EndpointDnsName, -SecurityGroupId "
        "(default: name). Export names are unique per account and region.",
    )
    policy: EndpointPolicy | None = Field(
        default=None, description="A VPC endpoint policy on the endpoint."
    )

    @property
    def exports(self) -> str:
        return self.export_prefix or self.name

    @property
    def network_required(self) -> Network:
        return self.network

    @property
    def endpoint(self) -> Endpoint:
        """The endpoint as the shared builders see it: created, with this stack's DNS choice."""
        return Endpoint(private_dns=self.private_dns, policy=self.policy)


#: Either kind of stack config; the endpoint builders accept both.
AnyConfig = Config | EndpointStack


def load_any(path: str | Path, fmt: str | None = None) -> Config | EndpointStack:
    """An API config or an endpoint-stack config, by its ``kind``. ``-`` reads standard input
    (format ``fmt``, or detected); a file's format comes from its extension unless given."""
    data, source, source_dir = _read_config(Path(path), fmt)
    if isinstance(data, Mapping) and data.get("kind") == "endpoint":
        try:
            return EndpointStack.model_validate(data)
        except ValidationError as exc:
            raise config_error(exc, EndpointStack, data, source) from None
    return _finish(validate_config(data, source), source, source_dir)


def config_schema() -> dict[str, Any]:
    """JSON Schema of a config file, for editors (yaml-language-server, VS Code, ...): an API
    config or an endpoint-stack config, accepting exactly the shapes the loader reads."""
    schema: dict[str, Any] = TypeAdapter(
        Annotated[Config | EndpointStack, Field(description="A privgw config")]
    ).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "privgw config"
    schema["$comment"] = "Generated by privgw (`privgw schema`)."
    # the models' docstrings speak to Python developers; an editor shows these instead
    schema["$defs"]["Config"]["description"] = (
        "An API stack (kind: api, the default): a private REST API, its function, and the "
        "VPC endpoints that may call it."
    )
    schema["$defs"]["EndpointStack"]["description"] = (
        "An endpoint stack (kind: endpoint): a shared execute-api endpoint and its security "
        "group, exported for API stacks that list it in endpoint.imports."
    )
    return schema


# --- error translation ------------------------------------------------------------------------


def _join(loc: Iterable[int | str], extra: str = "") -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(("function-", "tagged-union", "union[")) and "[" not in part:
            path += f".{part}" if path else part
    if extra:
        path += extra if extra.startswith("[") or not path else f".{extra}"
    return path


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class a location points into, for listing the fields a typo could mean."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _model_in(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


_BOUNDS = {"ge": ">= {}", "gt": "> {}", "le": "<= {}", "lt": "< {}"}


def problems_from(
    exc: ValidationError, root: type[BaseModel] = Config, data: Any = None
) -> list[Problem]:
    """Translate pydantic's errors into privgw problems, one per field, in input order; with
    the input ``data``, add what the cross-field rules find in the valid parts (see
    ``cross_field_problems``), so one run reports everything that can be known."""
    return config_error(exc, root, data).problems


def config_error(
    exc: ValidationError,
    root: type[BaseModel] = Config,
    data: Any = None,
    source: str | None = None,
) -> ConfigError:
    """The ConfigError for ``exc``: every problem, and whether some rules had to wait."""
    problems = _field_problems(exc, root)
    if not isinstance(data, Mapping):
        return ConfigError(problems, source)
    bad = {tuple(err["loc"]) for err in exc.errors(include_url=False)}
    more, skipped = cross_field_problems(root, data, (), bad)
    seen = {str(p) for p in problems}
    for problem in more:
        if str(problem) not in seen:
            seen.add(str(problem))
            problems.append(problem)
    return ConfigError(problems, source, incomplete=skipped)


def cross_field_problems(
    model: type[BaseModel], data: Mapping[str, Any], loc: tuple[int | str, ...], bad: set[Any]
) -> tuple[list[Problem], bool]:
    """Run every ``@reads`` rule of ``model`` and of the models inside it whose fields are
    valid, although other fields are not. Returns the problems, and whether a rule had to be
    skipped because a field it reads is invalid."""
    problems: list[Problem] = []
    skipped = False
    for name, field in model.model_fields.items():
        inner = _model_in(field.annotation)
        if inner is not None and isinstance(data.get(name), Mapping):
            found, was_skipped = cross_field_problems(inner, data[name], (*loc, name), bad)
            problems += found
            skipped = skipped or was_skipped
    if model is Config and isinstance(data.get("routes"), list):
        problems += _valid_route_problems(data["routes"], loc)
    for decorator in model.__pydantic_decorators__.model_validators.values():
        fields = getattr(decorator.func, "__privgw_reads__", None)
        if fields is None or decorator.info.mode != "after":
            continue
        values = _valid_values(model, data, fields, loc, bad)
        if values is None:
            skipped = True
            continue
        instance = model.model_construct(_fields_set={f for f in fields if f in data}, **values)
        try:
            decorator.func(instance)
        except PydanticCustomError as exc:
            problems += _custom_problems(exc, loc)
    return problems, skipped


def _valid_values(
    model: type[BaseModel],
    data: Mapping[str, Any],
    fields: Sequence[str],
    loc: tuple[int | str, ...],
    bad: set[Any],
) -> dict[str, Any] | None:
    """The typed values of ``fields`` (defaults where unset), or None if any is invalid."""
    values: dict[str, Any] = {}
    for name in fields:
        here = (*loc, name)
        if any(err[: len(here)] == here for err in bad):
            return None
        field = model.model_fields[name]
        if name not in data:
            if field.is_required():
                return None
            values[name] = field.get_default(call_default_factory=True)
            continue
        try:
            values[name] = _adapter(model, name).validate_python(data[name])
        except (ValidationError, ConfigError):
            return None
    return values


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    if not field.metadata:
        return TypeAdapter(field.annotation)
    return TypeAdapter(Annotated[field.annotation, *field.metadata])


def _valid_route_problems(routes: list[Any], loc: tuple[int | str, ...]) -> list[Problem]:
    """Route clashes among the routes that are valid on their own."""
    numbered = []
    for index, item in enumerate(routes):
        try:
            numbered.append((index, _adapter(Config, "routes").validate_python([item])[0]))
        except ValidationError:
            continue
    if len(numbered) == len(routes):
        return []  # all valid: the field validator already ran in the first pass
    return [
        Problem(_join((*loc, "routes"), p.path), p.message, p.got, p.expected)
        for p in route_problems(numbered)
    ]


def _custom_problems(exc: PydanticCustomError, loc: tuple[int | str, ...]) -> list[Problem]:
    ctx = exc.context or {}
    if exc.type == "privgw_many":
        return [Problem(_join(loc, p.path), p.message, p.got, p.expected) for p in ctx["problems"]]
    return [Problem(_join(loc), str(ctx.get("message", exc.message())), None, ctx.get("expected"))]


def _field_problems(exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """pydantic's errors as privgw problems, one per field, in input order."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "privgw_many":
            problems.extend(
                Problem(_join(loc, p.path), p.message, p.got, p.expected) for p in ctx["problems"]
            )
            continue
        path = _join(loc)
        got: str | None = _show(err["input"])
        expected: str | None = None
        if kind == "privgw":
            message, expected = ctx["message"], ctx.get("expected")
        elif kind == "missing":
            message, got = "is required", None
            model = _model_at(root, loc[:-1])
            field = model.model_fields.get(str(loc[-1])) if model else None
            expected = field.description if field and field.description else None
        elif kind == "extra_forbidden":
            model = _model_at(root, loc[:-1])
            message = "is not a known field"
            expected = "one of: " + ", ".join(model.model_fields) if model else None
        elif kind == "literal_error":
            message, expected = "is not an allowed value", "one of " + str(ctx.get("expected"))
        else:
            message = err["msg"][0].lower() + err["msg"][1:]
            message = message.replace("input should be", "should be")
            bounds = [fmt.format(ctx[k]) for k, fmt in _BOUNDS.items() if k in ctx]
            if bounds:
                expected = " and ".join(bounds)
            elif "pattern" in ctx:
                expected = f"text matching {ctx['pattern']}"
        problems.append(Problem(path, message, got, expected))
    return problems


# --- loading ------------------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: a config needs none, and they enable 'billion laughs'."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a privgw config", event.start_mark
            )
        return super().compose_node(parent, index)


def parse_config_text(text: str, fmt: str, source: str) -> Any:
    """Parse config text of format yaml/json/toml into plain data, or raise ConfigError."""
    try:
        if fmt == "json":
            return json.loads(text)
        if fmt == "toml":
            return tomllib.loads(text)
        return yaml.load(text, Loader=_NoAliasLoader)
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError([Problem("", f"is not valid {fmt.upper()}: {detail}")], source) from None


def validate_config(data: Any, source: str | None = None) -> Config:
    """Check plain data (as parsed from a file) and return the typed config."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            [Problem("", "is not a mapping of settings", _show(data), "name, function, ...")],
            source,
        )
    try:
        return Config.model_validate(data)
    except ValidationError as exc:  # pragma: no cover - Config.__init__ converts them
        raise ConfigError(problems_from(exc), source) from None
    except RecursionError:
        raise ConfigError([Problem("", "is nested too deeply")], source) from None
    except ConfigError as exc:
        raise ConfigError(exc.problems, source, exc.incomplete) from None


_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


STDIN = "-"
CONFIG_FORMATS = ("yaml", "json", "toml")


def _read_config(file: Path, fmt: str | None = None) -> tuple[Any, str, Path]:
    """Parsed data of a config file (or of standard input for ``-``), its name for messages,
    and its folder (the current one for standard input)."""
    if str(file) == STDIN:
        raw = sys.stdin.buffer.read(MAX_CONFIG_BYTES + 1)
        return _parse_raw(raw, fmt, "<stdin>"), "<stdin>", Path.cwd()
    source = str(file)
    if file.is_dir():
        raise ConfigError(
            [
                Problem(
                    "", "is a directory, not a config file", None, "a .yaml, .json or .toml file"
                )
            ],
            source,
        )
    fmt = fmt or _FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise ConfigError(
            [
                Problem(
                    "",
                    "has an unknown extension",
                    file.suffix or "none",
                    ".yaml, .json, .toml (or --config-format)",
                )
            ],
            source,
        )
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem("", f"cannot be read: {exc.strerror}")], source) from None
    return _parse_raw(raw, fmt, source), source, file.resolve().parent


def _parse_raw(raw: bytes, fmt: str | None, source: str) -> Any:
    """Size and encoding checked, then parsed; with no format, TOML if it reads as TOML, else
    YAML (which reads JSON too)."""
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            [Problem("", "is too large", None, f"at most {MAX_CONFIG_BYTES} bytes")], source
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([Problem("", "is not UTF-8 text")], source) from None
    if fmt is None:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            fmt = "yaml"
    return parse_config_text(text, fmt, source)


def _finish(cfg: Config, source: str, source_dir: Path) -> Config:
    cfg._source_dir = source_dir
    code_path = cfg.function.code.path
    if code_path is not None:
        problem = _code_path_problem(source_dir, code_path)
        if problem:
            raise ConfigError([problem], source)
    return cfg


def _code_path_problem(source_dir: Path, code_path: str) -> Problem | None:
    """The code folder must exist and stay inside the config's folder, symlinks included:
    `sam deploy` and `aws cloudformation package` zip whatever it reaches into the function."""
    target = source_dir / code_path
    expected = "a folder or .zip inside the config file's folder"
    if not target.exists():
        return Problem(
            "function.code.path",
            f"does not exist (looked for {target})",
            repr(code_path),
            expected,
        )
    root = source_dir.resolve()
    outside = [target] if not target.resolve().is_relative_to(root) else []
    if not outside and target.is_dir():
        outside = [
            link for link in _symlinks_under(target) if not link.resolve().is_relative_to(root)
        ]
    if outside:
        where = outside[0]
        return Problem(
            "function.code.path",
            f"reaches outside the config file's folder ({where} resolves to {where.resolve()}), "
            "and everything it reaches would be uploaded as the function's code",
            repr(code_path),
            expected + ", with no symlink leading out of it",
        )
    return None


def _symlinks_under(folder: Path) -> Iterable[Path]:
    """Every symlink below ``folder``, without following any (a link cycle cannot loop)."""
    for current, dirs, files in os.walk(folder, followlinks=False):
        for entry in (*dirs, *files):
            path = Path(current, entry)
            if path.is_symlink():
                yield path


def load_config(path: str | Path, fmt: str | None = None) -> Config:
    """Read a YAML, JSON or TOML API config and validate it (ConfigError on any problem)."""
    data, source, source_dir = _read_config(Path(path), fmt)
    return _finish(validate_config(data, source), source, source_dir)

"""The Lambda function (``function``), beside ``resources/function.py`` that builds it."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
    model_validator,
)

from privgw.config.addresses import SecurityGroupId, SubnetId
from privgw.config.checking import JsonSchemaExtra, Matching, fail, fail_many, reads, refuse, shaped
from privgw.config.labels import _check_map_keys
from privgw.config.types import (
    BucketName,
    DeadLetterArn,
    Handler,
    KmsKeyArn,
    LocalPath,
    RetentionDays,
    Runtime,
    StreamsResponses,
    StrictModel,
    UniqueList,
    optional,
    switch,
)
from privgw.errors import Problem
from privgw.limits import (
    MAX_ENVIRONMENT_BYTES,
    MAX_INLINE_CODE_BYTES,
    MAX_STREAMING_TIMEOUT_S,
    MIN_INTEGRATION_TIMEOUT_MS,
)
from privgw.runtimes import INLINE_CODE_RUNTIME_PREFIXES

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


class Code(StrictModel):
    """The function's code: inline source, a local folder, or a package already in S3."""

    inline: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "the function's source (≤ 4,096 bytes), saved by Lambda as `index.py` / `index.js`"
        ),
    )
    path: LocalPath | None = Field(
        default=None,
        description=(
            "a folder or `.zip` relative to the config file and inside its folder: a path (or "
            "any symlink under it) that resolves outside is refused, because `sam deploy` / "
            '`aws cloudformation package` zip whatever it reaches into the function (see "SAM '
            'flavour")'
        ),
    )
    s3_bucket: BucketName | None = Field(
        default=None, description="A deployment package already in S3: its bucket (with `s3_key`)."
    )
    s3_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        description="The package's key in `s3_bucket` (the two go together).",
    )
    s3_object_version: str | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        description="The package's object version, for a versioned bucket.",
    )

    @field_validator("inline")
    @classmethod
    def _fits(cls, value: str | None) -> str | None:
        size = len(value.encode("utf-8")) if value else 0
        if size > MAX_INLINE_CODE_BYTES:
            raise fail(
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
        raise fail_many([problem])

    @property
    def is_inline(self) -> bool:
        return self.inline is not None


_ENV_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
#: Variable names as JSON Schema can say them: the shape, minus intrinsic and reserved names.
ENV_KEY_PATTERN = (
    "^(?!(Ref|Condition|" + "|".join(sorted(RESERVED_ENV_KEYS)) + ")$)[A-Za-z][A-Za-z0-9_]+$"
)


def _check_environment(env: dict[str, str]) -> dict[str, str]:
    bad = [k for k in env if not _ENV_KEY.fullmatch(k)]
    if bad:
        raise fail(
            "has invalid variable names: " + ", ".join(sorted(bad)),
            "names of 2+ letters, digits or _, starting with a letter",
        )
    _check_map_keys(env)
    reserved = sorted(k for k in env if k in RESERVED_ENV_KEYS)
    if reserved:
        raise fail("sets variables Lambda reserves: " + ", ".join(reserved), "other names")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in env.items())
    if size > MAX_ENVIRONMENT_BYTES:
        raise fail(f"is {size} bytes", f"at most {MAX_ENVIRONMENT_BYTES} bytes in all")
    return env


#: Runtimes whose functions can stream a response (Node.js managed runtimes; custom runtimes).
STREAMING_RUNTIMES = ("nodejs", "provided")


class FunctionVpc(StrictModel):
    """Run the function inside a VPC (to reach private databases or services there)."""

    subnet_ids: UniqueList[SubnetId] = Field(
        min_length=1, max_length=16, description="Subnets for the function's network interfaces."
    )
    security_group_ids: UniqueList[SecurityGroupId] = Field(
        min_length=1, max_length=5, description="Security groups of the function's interfaces."
    )


#: The name of a function or backend: it becomes part of logical ids (``OrdersFunction``), so
#: letters and digits only.
TargetName = Annotated[
    str,
    Matching(
        shaped(
            r"[A-Za-z][A-Za-z0-9]{0,63}",
            "function or backend name",
            "1-64 letters and digits, starting with a letter",
        )
    ),
]


class Function(StreamsResponses):
    """A Lambda function that routes reach through a Lambda proxy integration."""

    runtime: Runtime = Field(
        description=(
            "a Lambda runtime AWS has not deprecated *today* (the list in the error message "
            "is computed from the deprecation dates)"
        )
    )
    handler: Handler = Field(
        description=(
            "`module.function`; with inline code it must be `index.<function>` (Lambda saves "
            "inline code as `index.py`/`index.js`)"
        )
    )
    code: Code = Field(
        description=(
            "`inline: <source>` (python/nodejs runtimes, at most 4,096 bytes), or `path: "
            "<folder or .zip>`, or `s3_bucket` + `s3_key` (+ `s3_object_version`)."
        )
    )
    memory: int = Field(default=256, ge=128, le=10240, description="MB, 128-10,240")
    timeout: int = Field(
        default=10,
        ge=1,
        le=MAX_STREAMING_TIMEOUT_S,
        description=(
            "seconds Lambda lets the function run, 1-900; API Gateway waits as long unless "
            "`integration_timeout_ms` says otherwise, so without it at most 300 (over 29 "
            "needs the raised integration timeout quota, said by the build) or 900 with "
            "`response_streaming`"
        ),
    )
    integration_timeout_ms: int | None = Field(
        default=None,
        ge=MIN_INTEGRATION_TIMEOUT_MS,
        le=MAX_STREAMING_TIMEOUT_S * 1000,
        description=(
            "how long API Gateway waits for the function: 50-29,000 ms by default, up to "
            "300,000 for a private REST API with the raised quota (900,000 with "
            "`response_streaming`). Shorter than the function's `timeout`, callers get 504 "
            "while the function runs on (the build says so)."
        ),
    )
    response_streaming: bool = switch(
        False,
        "Stream the function's response to callers (REST response streaming: "
        "ResponseTransferMode STREAM, the InvokeWithResponseStream URI); the handler must "
        "write API Gateway's streaming format. Allows a timeout up to 900 seconds.",
    )

    architecture: Literal["x86_64", "arm64"] = Field(
        default="x86_64",
        description="The instruction set the function runs on: `x86_64` or `arm64`.",
    )
    environment: Annotated[
        dict[str, str],
        AfterValidator(_check_environment),
        JsonSchemaExtra(propertyNames={"pattern": ENV_KEY_PATTERN}),
    ] = Field(
        default_factory=dict,
        description=(
            "variables; Lambda's reserved names (`AWS_REGION`, ...) and the intrinsic-function "
            "keys `Ref` / `Condition` are refused; ≤ 4 KB in all"
        ),
    )
    log_retention_days: RetentionDays = Field(
        default=30,
        description=(
            "Days the function's log group keeps its logs (a value CloudWatch Logs accepts)."
        ),
    )
    description: str = Field(
        default="", max_length=256, description="the function's description (≤ 256 characters)"
    )
    reserved_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Cap (and reserve) concurrent executions; unset shares the account pool.",
    )
    dead_letter_arn: DeadLetterArn | None = optional(
        (
            "SQS queue or SNS topic ARN for failed *asynchronous* invocations; the role gets "
            "`sqs:SendMessage`/`sns:Publish` on exactly that ARN"
        ),
    )
    kms_key_arn: KmsKeyArn | None = optional(
        "Customer managed KMS key for the environment variables at rest.",
    )
    vpc: FunctionVpc | None = optional(
        "Place the function in a VPC; its role gets the network-interface rights.",
    )

    @property
    def dead_letter_service(self) -> str | None:
        """'sqs' or 'sns' for the dead-letter target, None without one."""
        return self.dead_letter_arn.split(":")[2] if self.dead_letter_arn else None

    @model_validator(mode="after")
    @reads("timeout", "response_streaming", "integration_timeout_ms")
    def _timeout_fits_integration(self) -> Self:
        return self._wait_fits()

    @model_validator(mode="after")
    @reads("runtime", "response_streaming")
    def _streams_natively(self) -> Self:
        """Lambda streams responses on its Node.js managed runtimes; other languages need a
        custom runtime that streams (provided.*) or the Lambda Web Adapter, a layer privgw
        does not attach (Lambda developer guide, "Response streaming for Lambda functions")."""
        if self.response_streaming and not self.runtime.startswith(STREAMING_RUNTIMES):
            raise refuse(
                "response_streaming",
                f"is not available on {self.runtime}: Lambda streams responses natively on "
                "Node.js runtimes only (other languages need a custom runtime that streams, "
                "or the Lambda Web Adapter layer, which privgw does not attach)",
                "true",
                "a nodejsNN.x runtime, provided.al2023 with a streaming custom runtime, or "
                "response_streaming: false",
            )
        return self

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
            raise fail_many(problems)
        return self

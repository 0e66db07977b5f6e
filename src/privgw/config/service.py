"""AWS services a route calls directly, with no function in between (``services``), beside
``resources/service.py`` that builds their integrations and credentials roles.

An AWS service integration (API Gateway developer guide, "Tutorial: Create a REST API as an
Amazon SQS proxy", "... as an Amazon Kinesis proxy", "Call Step Functions from API Gateway")
has API Gateway sign one service action with a role it assumes; a request template turns the
HTTP request into that action's input. privgw knows one template per action, and gives each
service its own role allowed exactly that action on exactly the one resource named here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, JsonValue, model_validator

from privgw.config.checking import Matching, reads, refuse, shaped
from privgw.config.types import KmsKeyArn, StrictModel, optional
from privgw.limits import (
    MAX_INTEGRATION_TIMEOUT_S,
    MAX_RAISED_INTEGRATION_TIMEOUT_MS,
    MIN_INTEGRATION_TIMEOUT_MS,
)

_REGION_ACCOUNT = r"[a-z0-9-]+:\d{12}"


@dataclass(frozen=True)
class ServiceKind:
    """One service: its actions (the first is the default), the IAM prefix of its actions,
    the ARN of the one resource it acts on, and the API Gateway URI service name."""

    actions: tuple[str, ...]
    iam_prefix: str
    arn_pattern: str
    arn_example: str
    uri_service: str


SERVICES: dict[str, ServiceKind] = {
    "sqs": ServiceKind(
        ("SendMessage",),
        "sqs",
        rf"arn:aws[a-z-]*:sqs:{_REGION_ACCOUNT}:[A-Za-z0-9_-]{{1,75}}(\.fifo)?",
        "arn:aws:sqs:<region>:<account>:<queue name>",
        "sqs",
    ),
    "step_functions": ServiceKind(
        ("StartExecution", "StartSyncExecution"),
        "states",
        rf"arn:aws[a-z-]*:states:{_REGION_ACCOUNT}:stateMachine:[A-Za-z0-9_-]{{1,80}}",
        "arn:aws:states:<region>:<account>:stateMachine:<name>",
        "states",
    ),
    "dynamodb": ServiceKind(
        ("PutItem", "GetItem", "Query"),
        "dynamodb",
        rf"arn:aws[a-z-]*:dynamodb:{_REGION_ACCOUNT}:table/[A-Za-z0-9_.-]{{3,255}}",
        "arn:aws:dynamodb:<region>:<account>:table/<name>",
        "dynamodb",
    ),
    "eventbridge": ServiceKind(
        ("PutEvents",),
        "events",
        rf"arn:aws[a-z-]*:events:{_REGION_ACCOUNT}:event-bus/[A-Za-z0-9/._-]{{1,256}}",
        "arn:aws:events:<region>:<account>:event-bus/<name>",
        "events",
    ),
    "kinesis": ServiceKind(
        ("PutRecord",),
        "kinesis",
        rf"arn:aws[a-z-]*:kinesis:{_REGION_ACCOUNT}:stream/[A-Za-z0-9_.-]{{1,128}}",
        "arn:aws:kinesis:<region>:<account>:stream/<name>",
        "kinesis",
    ),
}
#: Actions that read the item key from the request (``key``).
KEYED_ACTIONS = ("GetItem", "Query")
KEY_PATTERN = r"[A-Za-z_][A-Za-z0-9_]{0,254}"
#: EventBridge's Source and DetailType (PutEvents API reference: Source must not start with
#: "aws."; both at most 256 characters).
EVENT_TEXT_PATTERN = r"[A-Za-z0-9][A-Za-z0-9 ._/:-]{0,255}"


def _per_service_schema() -> list[JsonValue]:
    """What ``_action_and_arn_fit_the_service`` and ``_what_the_action_needs`` check, as far
    as JSON Schema can say it, so editors refuse what the loader refuses."""
    rules: list[JsonValue] = []
    for aws, kind in SERVICES.items():
        then: dict[str, JsonValue] = {
            "properties": {
                "action": {"enum": list(kind.actions)},
                "arn": {"pattern": f"^{kind.arn_pattern}$"},
            }
        }
        if aws == "eventbridge":
            then["required"] = ["source", "detail_type"]
        rules.append({"if": {"properties": {"aws": {"const": aws}}}, "then": then})
    rules.append(
        {
            "if": {
                "properties": {
                    "aws": {"const": "dynamodb"},
                    "action": {"enum": list(KEYED_ACTIONS)},
                },
                "required": ["action"],
            },
            "then": {"required": ["key"]},
        }
    )
    return rules


class Service(StrictModel):
    """One AWS service action routes call directly: the service, the action, the one resource
    (by ARN), and what the action needs from the request."""

    model_config = StrictModel.model_config | ConfigDict(
        json_schema_extra={"allOf": _per_service_schema()}
    )

    aws: Literal["sqs", "step_functions", "dynamodb", "eventbridge", "kinesis"] = Field(
        description="The service: sqs, step_functions, dynamodb, eventbridge or kinesis."
    )
    action: str | None = optional(
        (
            "`sqs`: `SendMessage`; `step_functions`: `StartExecution` or `StartSyncExecution` "
            "(express state machines); `dynamodb`: `PutItem`, `GetItem` or `Query`; "
            "`eventbridge`: `PutEvents`; `kinesis`: `PutRecord`. Anything else is refused "
            "with the allowed actions."
        ),
    )
    arn: str = Field(
        max_length=2048,
        description=(
            "the one queue, state machine, table, event bus or stream (its ARN must be of "
            "that service, in the stack's region; a reusable template takes it as the "
            "parameter `<Name>ServiceArn`, whose pattern keeps the same service). The request "
            "template names it: SQS `SendMessage` with the body as `MessageBody`; Step "
            "Functions with the body as the execution's `input`; DynamoDB `PutItem` with the "
            "body as the item (DynamoDB JSON), `GetItem`/`Query` by `key`; EventBridge one "
            "entry with the body as `Detail`; Kinesis one record with the base64 body and the "
            "request id as partition key."
        ),
    )
    key: (
        Annotated[str, Matching(shaped(KEY_PATTERN, "attribute name", "letters, digits, _"))] | None
    ) = optional(
        (
            "the partition key attribute (a string); its value is read from the route's path "
            "parameter or query string parameter of that name, and a route without either is "
            "refused"
        ),
    )
    source: (
        Annotated[str, Matching(shaped(EVENT_TEXT_PATTERN, "event source", "e.g. orders.api"))]
        | None
    ) = optional("eventbridge: the events' Source (not starting with aws.).")
    detail_type: (
        Annotated[str, Matching(shaped(EVENT_TEXT_PATTERN, "detail type", "e.g. OrderPlaced"))]
        | None
    ) = optional("eventbridge: the events' DetailType.")
    kms_key_arn: KmsKeyArn | None = optional(
        "sqs or kinesis: the customer managed key the queue or stream is encrypted with; the "
        "role may then use it to encrypt (kms:GenerateDataKey) and nothing else.",
    )
    request_template: str | None = Field(
        default=None,
        max_length=32_768,
        description="Your own application/json request template (Velocity) instead of "
        "privgw's for the action.",
    )
    integration_timeout_ms: int = Field(
        default=MAX_INTEGRATION_TIMEOUT_S * 1000,
        ge=MIN_INTEGRATION_TIMEOUT_MS,
        le=MAX_RAISED_INTEGRATION_TIMEOUT_MS,
        description=(
            "how long API Gateway waits, in ms (50-300,000; over 29,000 needs the raised "
            "quota, and the build says so)"
        ),
    )

    @property
    def kind(self) -> ServiceKind:
        return SERVICES[self.aws]

    @property
    def operation(self) -> str:
        """The action, or the service's default one."""
        return self.action or self.kind.actions[0]

    @property
    def iam_action(self) -> str:
        """The IAM action the credentials role is allowed, e.g. sqs:SendMessage."""
        return f"{self.kind.iam_prefix}:{self.operation}"

    @property
    def wait_ms(self) -> int:
        return self.integration_timeout_ms

    @property
    def response_streaming(self) -> bool:
        """Never: AWS integrations buffer the service's answer."""
        return False

    @model_validator(mode="after")
    @reads("aws", "action", "arn")
    def _action_and_arn_fit_the_service(self) -> Self:
        kind = self.kind
        if self.action is not None and self.action not in kind.actions:
            raise refuse(
                "action",
                f"is not an action privgw integrates for {self.aws}",
                self.action,
                "one of " + ", ".join(kind.actions),
            )
        if not re.fullmatch(kind.arn_pattern, self.arn):
            raise refuse("arn", f"is not a {self.aws} ARN", self.arn, kind.arn_example)
        return self

    @model_validator(mode="after")
    @reads("aws", "action", "key", "source", "detail_type", "kms_key_arn")
    def _what_the_action_needs(self) -> Self:
        keyed = self.aws == "dynamodb" and self.operation in KEYED_ACTIONS
        if keyed and self.key is None:
            raise refuse(
                "key",
                f"is required for dynamodb {self.operation}: the item key comes from the request",
                None,
                "the partition key attribute's name, e.g. id (from /items/{id} or ?id=)",
            )
        if self.key is not None and not keyed:
            raise refuse("key", f"is not used by {self.aws} {self.operation}", self.key, "no key")
        for name in ("source", "detail_type"):
            value = getattr(self, name)
            if self.aws == "eventbridge" and value is None:
                raise refuse(name, "is required for eventbridge PutEvents", None, "e.g. orders.api")
            if self.aws != "eventbridge" and value is not None:
                raise refuse(name, f"is not used by {self.aws}", value, f"no {name}")
        if self.source is not None and self.source.startswith("aws."):
            raise refuse(
                "source",
                "starts with aws., which EventBridge keeps for AWS",
                self.source,
                "e.g. orders.api",
            )
        if self.kms_key_arn is not None and self.aws not in ("sqs", "kinesis"):
            raise refuse(
                "kms_key_arn",
                f"is not used by {self.aws} (privgw's role needs a key for sqs and kinesis only)",
                self.kms_key_arn,
                "no kms_key_arn",
            )
        return self

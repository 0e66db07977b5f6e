"""Lambda functions that already run, as route targets (``existing_functions``), beside
``resources/existing_function.py`` that builds their integrations and permissions.

privgw creates no role, log group or code for such a function: it belongs to another stack or
team. The API needs two things only: a Lambda proxy integration naming the function (with its
alias or version, when the ARN is qualified), and a resource-based permission letting API
Gateway invoke exactly that function or alias from this API (Lambda developer guide, "Using
resource-based policies for Lambda": a permission on an alias covers the alias only).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from privgw.config.checking import Matching, shaped
from privgw.config.types import StrictModel
from privgw.limits import (
    MAX_INTEGRATION_TIMEOUT_S,
    MAX_RAISED_INTEGRATION_TIMEOUT_MS,
    MIN_INTEGRATION_TIMEOUT_MS,
)

#: A function ARN, unqualified or with a version (digits, or $LATEST) or an alias (Lambda API
#: reference, "AddPermission": an alias name is 1-128 of letters, digits, - and _, not all digits).
FUNCTION_ARN_PATTERN = (
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(:(\$LATEST|[0-9]{1,10}|[A-Za-z0-9_-]{0,127}[A-Za-z_-][A-Za-z0-9_-]{0,127}))?"
)
FunctionArn = Annotated[
    str,
    Matching(
        shaped(
            FUNCTION_ARN_PATTERN,
            "Lambda function ARN",
            "arn:<partition>:lambda:<region>:<account>:function:<name>, optionally with "
            ":<alias> or :<version>",
        )
    ),
]


class ExistingFunction(StrictModel):
    """A deployed Lambda function (or one alias or version of it) that routes reach through a
    Lambda proxy integration. It must be in the stack's account and region: the stack adds the
    permission to it."""

    arn: FunctionArn = Field(
        description=(
            "`arn:...:lambda:<region>:<account>:function:<name>`, optionally `:<alias>` or "
            "`:<version>`: routes call that alias or version, and the permission is on it "
            "alone. The stack's own account and region (the stack adds the permission; "
            "another region is refused). A reusable template takes it as the parameter "
            "`<Name>FunctionArn`."
        )
    )
    integration_timeout_ms: int = Field(
        default=MAX_INTEGRATION_TIMEOUT_S * 1000,
        ge=MIN_INTEGRATION_TIMEOUT_MS,
        le=MAX_RAISED_INTEGRATION_TIMEOUT_MS,
        description="How long API Gateway waits for the function, in ms: 29,000 by default, "
        "up to 300,000 for private APIs once the 'Maximum integration timeout in "
        "milliseconds' quota is raised.",
    )

    @property
    def wait_ms(self) -> int:
        return self.integration_timeout_ms

    @property
    def response_streaming(self) -> bool:
        """Never: privgw cannot tell whether a function it did not build streams."""
        return False

    @property
    def function_name(self) -> str:
        """The function's name, without its qualifier."""
        return self.arn.split(":")[6]

    @property
    def qualifier(self) -> str | None:
        """The alias or version the ARN names, if any."""
        parts = self.arn.split(":")
        return parts[7] if len(parts) > 7 else None

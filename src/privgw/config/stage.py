"""The stage callers use (``stage``), beside ``resources/stage.py`` that builds it: its name,
access log, tracing and throttling."""

from __future__ import annotations

from pydantic import Field

from privgw.config.types import Burst, RetentionDays, StageName, StrictModel


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
    throttling_burst_limit: Burst | None = None

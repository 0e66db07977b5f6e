"""Replaces: moto 5.2.5 moto/apigateway/models.py Deployment (no physical_resource_id, so Ref gives
the object).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "deployment-ref",
    "Ref of an AWS::ApiGateway::Deployment gives moto's Python object instead of the "
    "deployment id (it has no physical_resource_id), so a Stage cannot point at it; the patch "
    "gives it the id, as AWS does.",
)
def _deployment_ref() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")

    models.Deployment.physical_resource_id = property(lambda self: self.id)

"""Replaces: moto 5.2.5 moto/apigateway/models.py APIGatewayBackend.create_deployment (deploys a
PRIVATE API without a policy).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "private-api-needs-policy",
    "AWS refuses to deploy a PRIVATE REST API without a resource policy ('Private REST API "
    "doesn't have a resource policy attached to it'); moto deploys it. The patch adds the same "
    "refusal to moto's create_deployment (stricter, never more lenient).",
)
def _private_policy() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")
    from moto.apigateway.exceptions import BadRequestException

    original = models.APIGatewayBackend.create_deployment

    def create_deployment(self: Any, function_id: str, *args: Any, **kwargs: Any) -> Any:
        api = self.get_rest_api(function_id)
        config = api.endpoint_configuration or {}
        types = config.get("types") or config.get("Types") or []
        if "PRIVATE" in types and not api.policy:
            raise BadRequestException(
                "Private REST API doesn't have a resource policy attached to it"
            )
        return original(self, function_id, *args, **kwargs)

    models.APIGatewayBackend.create_deployment = create_deployment

"""Replaces: moto 5.2.5 moto/apigateway/models.py RestAPI.apply_patch_operations (ignores
the endpoint configuration's VPC endpoint ids).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
from typing import Any

from tests.support.localaws.moto_compat.registry import patch

_TYPES = "/endpointConfiguration/types"
_ENDPOINTS = "/endpointConfiguration/vpcEndpointIds"


@patch(
    "rest-api-endpoint-updates",
    "UpdateRestApi: moto applies none of the endpoint configuration's VPC endpoint operations "
    '(add and remove /endpointConfiguration/vpcEndpointIds, the console\'s "VPC endpoint IDs" '
    "field) and replaces the types list only by a path it does not check; the patch adds and "
    "removes the ids and replaces /endpointConfiguration/types/{OLD} with the new type, as "
    "the API Gateway REST API reference's PatchOperation paths for RestApi say, then applies "
    "moto's own operations for every other path.",
)
def _rest_api_updates() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")
    original = models.RestAPI.apply_patch_operations

    def apply(self: Any, patch_operations: list[dict[str, Any]]) -> None:
        rest = []
        config = self.endpoint_configuration
        for operation in patch_operations:
            path, op, value = operation["path"], operation["op"], operation.get("value", "")
            if path == _ENDPOINTS and op == "add":
                ids = config.setdefault("vpcEndpointIds", [])
                ids.extend(v for v in value.split(",") if v and v not in ids)
            elif path == _ENDPOINTS and op == "remove":
                ids = config.get("vpcEndpointIds", [])
                config["vpcEndpointIds"] = [i for i in ids if i not in value.split(",")]
            elif path.startswith(_TYPES + "/") and op == "replace":
                config["types"] = [value]
            else:
                rest.append(operation)
        original(self, rest)

    models.RestAPI.apply_patch_operations = apply

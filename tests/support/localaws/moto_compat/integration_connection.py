"""Replaces: moto 5.2.5 moto/apigateway/responses.py APIGatewayResponse.put_integration
(drops connectionId).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from tests.support.localaws.moto_compat.registry import patch


@patch(
    "put-integration-connection",
    "PutIntegration: moto keeps an HTTP integration's connectionType but drops its "
    "connectionId, so a VPC-link integration built by hand (the console, the CLI, an SDK) "
    "reads back with no link; the patch keeps the connectionId get-method shows, after "
    "checking that the VPC link v1 exists, as AWS refuses an integration through a missing "
    "link.",
)
def _integration_connection() -> None:
    responses: Any = importlib.import_module("moto.apigateway.responses")
    original = responses.APIGatewayResponse.put_integration

    def put_integration(self: Any) -> Any:
        link = self._get_param("connectionId")
        if link and self._get_param("connectionType") == "VPC_LINK":
            self.backend.get_vpc_link(link)  # raises NotFound, as AWS refuses a missing link
        status, headers, body = original(self)
        if link:
            parts = self.path.split("/")
            integration = self.backend.get_integration(parts[2], parts[4], parts[6])
            extra = getattr(integration, "privgw_extra", {})
            integration.privgw_extra = {**extra, "connectionId": link}
            body = json.dumps({**json.loads(body), "connectionId": link})
        return status, headers, body

    responses.APIGatewayResponse.put_integration = put_integration

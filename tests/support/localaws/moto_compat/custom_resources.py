"""Replaces: moto 5.2.5 moto/cloudformation/custom_model.py (a custom resource's function runs in
Docker, which this machine has not, and stack updates never reach it).

Drop this module when moto does what the reason below says AWS does.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from typing import Any

from tests.support.localaws.moto_compat.registry import Deploying, patch


class _BackendApiGateway:
    """The two API Gateway calls privgw's redeploy function makes, on moto's own backend (the
    function is given this client; in AWS it makes the same calls with boto3)."""

    def __init__(self, where: Deploying) -> None:
        self.backend = where.backend("apigateway")

    def create_deployment(self, restApiId: str, description: str = "") -> dict[str, Any]:
        deployment = self.backend.create_deployment(restApiId, "", description)
        return {"id": deployment.id}

    def update_stage(
        self,
        restApiId: str,
        stageName: str,
        patchOperations: list[dict[str, str]],
    ) -> dict[str, Any]:
        self.backend.update_stage(restApiId, stageName, patchOperations)
        return {}


def _answer(
    props: dict[str, Any], request: str, physical: str | None, where: Deploying, logical: str
) -> str:
    """Run the function's inline code as CloudFormation would ask it: its ``redeploy`` (the
    logic; the ``handler`` around it only sends the answer over HTTPS) with ``request``."""
    backends: Any = importlib.import_module("moto.awslambda.models").lambda_backends
    function = backends[where.account_id][where.region_name].get_function(props["ServiceToken"])
    with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as package:
        code = package.read("index.py").decode()
    namespace: dict[str, Any] = {"__name__": "index"}
    exec(compile(code, "index.py", "exec"), namespace)
    event = {
        "RequestType": request,
        "ResourceProperties": props,
        "LogicalResourceId": logical,
        **({"PhysicalResourceId": physical} if physical else {}),
    }
    return str(namespace["redeploy"](event, apigateway=_BackendApiGateway(where)))


@patch(
    "custom-resources-in-process",
    "moto runs a custom resource's Lambda function in Docker (none here) and never sends it a "
    "stack update; the patch runs the function's inline Python (its redeploy logic) in the "
    "server's process for Create, Update and Delete, as CloudFormation sends them, with an API "
    "Gateway client on moto's own backend, and keeps the physical id it returns.",
)
def _custom_resources() -> None:
    module: Any = importlib.import_module("moto.cloudformation.custom_model")
    model = module.CustomModel

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        where = Deploying(resource_name, account_id, region_name)
        logical = kwargs["LogicalId"]
        physical = _answer(cloudformation_json["Properties"], "Create", None, where, logical)
        resource = cls(region_name, "privgw", logical, physical)
        resource.set_data({})
        return resource

    def update(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        where = Deploying(new_resource_name, account_id, region_name)
        original_resource.resource_name = _answer(
            cloudformation_json["Properties"],
            "Update",
            original_resource.physical_resource_id,
            where,
            original_resource.logical_id,
        )
        return original_resource

    model.create_from_cloudformation_json = classmethod(create)
    model.update_from_cloudformation_json = classmethod(update)

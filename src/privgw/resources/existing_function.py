"""Routes to Lambda functions that already run (``existing_functions``): a Lambda proxy
integration naming the function's ARN (with its alias or version), and one permission per
function letting this API, and nothing else, invoke it. Shared by both flavours: SAM's Api
events exist only for functions SAM builds, so in the SAM flavour these routes are in the
OpenAPI definition and the permission is this same resource."""

from __future__ import annotations

from troposphere import Ref, Sub
from troposphere.apigateway import Integration
from troposphere.awslambda import Permission

from privgw import naming
from privgw.config import Config
from privgw.resources import parameters
from privgw.resources.common import execute_api_arn

#: The Lambda proxy URI of a function ARN (API Gateway developer guide, "Set up Lambda proxy
#: integrations"); a qualified ARN calls that alias or version.
EXISTING_PROXY_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "${FunctionArn}/invocations"
)


def _arn(cfg: Config, name: str) -> object:
    """The function's ARN: the config's, or its parameter in a reusable template."""
    return parameters.value(
        cfg, parameters.target_slot(name, "FunctionArn"), cfg.existing_functions[name].arn
    )


def existing_uri(cfg: Config, name: str) -> Sub:
    """The invocation URI of the existing function ``name`` (a proxy or an authorizer)."""
    return Sub(EXISTING_PROXY_URI, FunctionArn=_arn(cfg, name))


def existing_integration(cfg: Config, name: str) -> Integration:
    """A Lambda proxy integration to the existing function; API Gateway waits as the config
    says (29 s by default)."""
    existing = cfg.existing_functions[name]
    return Integration(
        Type="AWS_PROXY",
        IntegrationHttpMethod="POST",
        Uri=existing_uri(cfg, name),
        TimeoutInMillis=existing.wait_ms,
    )


def existing_permissions(cfg: Config) -> list[Permission]:
    """One permission per existing function, on the ARN as given (a permission on an alias
    covers that alias only), scoped to this API in this account; a function that only
    authorizes, to this API's authorizers."""
    routed = {r.target for r in cfg.routes if r.mock is None}
    return [
        Permission(
            naming.function_ids(name).permission,
            Action="lambda:InvokeFunction",
            FunctionName=_arn(cfg, name),
            Principal="apigateway.amazonaws.com",
            SourceAccount=Ref("AWS::AccountId"),
            SourceArn=execute_api_arn("*" if name in routed else "authorizers/*"),
        )
        for name in sorted(cfg.existing_functions)
    ]

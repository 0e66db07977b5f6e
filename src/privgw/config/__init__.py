"""The typed config: the one place user input is checked, before any template is built.

One module per part of the config, beside the builder of the same name in ``resources/``:
``network`` (network, endpoint), ``function``, ``api`` (routes, stage, access), ``domain``
(custom domain), ``stack``, the API and endpoint kinds of stack config on a shared base, and
``consumer``, the consumer kind. ``types`` holds
the field types they share, ``problems`` turns pydantic's errors into field-path messages,
``loading`` reads files, ``schema`` writes the JSON Schema. Every rule lives on the field it
guards; rules that span fields are ``@reads`` validators, run even when other fields are invalid.
"""

from __future__ import annotations

from privgw.config.api import DEFAULT_ROUTES, HTTP_METHODS, Access, Route, Stage, resource_paths
from privgw.config.consumer import ConsumerStack
from privgw.config.domain import CustomDomain, PrivateHostedZone
from privgw.config.function import Code, Function, FunctionVpc
from privgw.config.loading import (
    load_any,
    load_config,
    parse_config_text,
    validate_config,
)
from privgw.config.network import Endpoint, EndpointPolicy, Network
from privgw.config.schema import config_schema
from privgw.config.stack import Config, EndpointStack
from privgw.config.types import STAGE_NAME_PATTERN, min_cidr_prefix

#: Any kind of stack config; the endpoint builders accept each (through StackConfig).
AnyConfig = Config | EndpointStack | ConsumerStack

__all__ = [
    "DEFAULT_ROUTES",
    "HTTP_METHODS",
    "STAGE_NAME_PATTERN",
    "Access",
    "AnyConfig",
    "Code",
    "Config",
    "ConsumerStack",
    "CustomDomain",
    "Endpoint",
    "EndpointPolicy",
    "EndpointStack",
    "Function",
    "FunctionVpc",
    "Network",
    "PrivateHostedZone",
    "Route",
    "Stage",
    "config_schema",
    "load_any",
    "load_config",
    "min_cidr_prefix",
    "parse_config_text",
    "resource_paths",
    "validate_config",
]

"""The typed config: the one place user input is checked, before any template is built.

One module per part of the config, beside the builder of the same name in ``resources/``:
``network`` (network, endpoint), ``function``, ``backend``, ``api`` (routes, stage, access),
``auth``, ``domain`` (custom domain); the kinds on one base (``base``): ``stack`` (the API
kind), ``endpoint_stack``, ``consumer``; the API kind's cross-field rules beside the parts they
guard (``targets``, ``callers``, ``reach``, ``regions``). ``types`` holds the field types they
share (``addresses``: ids and CIDRs; ``labels``: tags and description); ``messages`` and
``problems`` turn pydantic's errors into field-path messages; ``loading`` and ``locations``
read files; ``schema`` writes the JSON Schema. Every rule lives on the field it guards; rules
that span fields are ``@reads`` validators, run even when other fields are invalid.
"""

from __future__ import annotations

from privgw.config.addresses import min_cidr_prefix
from privgw.config.api import DEFAULT_ROUTES, HTTP_METHODS, Access, Route
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
from privgw.config.route_tree import resource_paths
from privgw.config.schema import config_schema
from privgw.config.stack import Config, EndpointStack
from privgw.config.stage import Stage
from privgw.config.types import STAGE_NAME_PATTERN

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

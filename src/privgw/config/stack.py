"""The API kind of stack config (``Config``): its sections, and its cross-field rules, each
kept beside the part it guards (``targets``, ``callers``, ``network``, ``domain``, ``reach``,
``regions``) and run here as ``@reads`` validators."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from privgw.config import callers, reach, regions, targets
from privgw.config.api import (
    DEFAULT_ROUTES,
    Access,
    MediaType,
    Route,
    RouteItem,
)
from privgw.config.auth import (
    AuthSetting,
    Consumer,
    GatewayResponse,
    ResponseType,
)
from privgw.config.backend import Backend
from privgw.config.base import StackConfig, cross_field_rule
from privgw.config.checking import fail_many
from privgw.config.cors import Cors
from privgw.config.domain import CustomDomain, domain_endpoint_problems, share_problems
from privgw.config.endpoint_stack import EndpointStack
from privgw.config.existing_function import ExistingFunction
from privgw.config.function import Function, TargetName
from privgw.config.mapping import mapping_problems
from privgw.config.network import (
    Endpoint,
    Network,
    caller_problems,
    network_problems,
)
from privgw.config.openapi import SPEC_FOLDER, OpenApiSource, with_spec_routes
from privgw.config.route_tree import route_problems
from privgw.config.routing import TARGET_SECTIONS, ApiAnswers, RouteTarget, TargetKind
from privgw.config.service import Service
from privgw.config.stage import Stage, route_setting_problems
from privgw.config.targets import MAIN_FUNCTION
from privgw.config.tls import Tls
from privgw.config.types import KmsKeyArn, UniqueList, keyed, listed, optional
from privgw.errors import ConfigError
from privgw.limits import MAX_BACKENDS, MAX_CONSUMERS, MAX_FUNCTIONS


class Config(ApiAnswers):
    """Everything privgw needs to build one private REST API and what it depends on.

    Constructing it in Python raises ``ConfigError`` (not pydantic's error) like ``load_config``.
    """

    # what targets.one_function_form checks, in JSON Schema
    model_config = StackConfig.model_config | ConfigDict(
        json_schema_extra={"not": {"required": ["function", "functions"]}}
    )

    _source_dir: Path | None = PrivateAttr(default=None)
    #: The resolved API (privgw.model.resolve_api), once asked for.
    _resolved: object = PrivateAttr(default=None)

    @property
    def source_dir(self) -> Path | None:
        """Folder of the config file it was loaded from (local code paths are relative to it)."""
        return self._source_dir

    kind: Literal["api"] = Field(
        default="api",
        description="`api`, the default: an API stack (the other kinds: `endpoint`, `consumer`)",
    )
    network: Network | None = Field(
        default=None, description="Required when privgw creates the endpoint."
    )
    endpoint: Endpoint = Field(
        default_factory=Endpoint,
        description=(
            "The execute-api endpoints that may call the API: the one privgw creates in "
            "`network`, existing ones, endpoint stacks' exports, a deploy-time parameter."
        ),
    )
    function: Function | None = optional(
        (
            "one Lambda function: shorthand for `functions: {main: ...}` (its resources keep "
            "the ids `Function`, `FunctionRole`, `FunctionLogGroup`, "
            "`RestApiInvokePermission`), so every `functions.NAME.x` key below is also "
            "`function.x`. Not together with `functions`."
        ),
    )
    functions: dict[TargetName, Function] = keyed(
        MAX_FUNCTIONS,
        (
            "Lambda functions by name (1-64 letters and digits, starting with a letter; names "
            "must differ from each other and from backend names in more than letter case, "
            "since they become logical ids: `orders` -> `OrdersFunction`, "
            "`OrdersFunctionRole`, `OrdersFunctionLogGroup`, "
            "`OrdersFunctionInvokePermission`). At most 50. Every function must be the target "
            "of some route."
        ),
    )
    existing_functions: dict[TargetName, ExistingFunction] = keyed(
        MAX_FUNCTIONS,
        (
            "Lambda functions that already run (another stack's or team's) by name (same name "
            "rules as functions): routes name theirs in `target`. privgw adds a Lambda proxy "
            "integration and one `AWS::Lambda::Permission` per function "
            "(`<Name>FunctionInvokePermission`) letting only this API invoke it; no role, log "
            "group or code. At most 50; each must be the target of some route."
        ),
    )
    backends: dict[TargetName, Backend] = keyed(
        MAX_BACKENDS,
        (
            "internal HTTP services by name (same name rules as functions), reached by HTTP "
            'proxy integrations through a VPC link (see "Backends"). At most 50; every '
            "backend must be the target of some route."
        ),
    )
    services: dict[TargetName, Service] = keyed(
        MAX_BACKENDS,
        (
            "AWS services routes call directly, with no function in between, by name (same "
            "name rules as functions): routes name theirs in `target`. Each becomes an AWS "
            "integration (`Type: AWS`) signed with a credentials role of its own "
            "(`<Name>ServiceRole`, assumable by `apigateway.amazonaws.com` only) whose one "
            "statement allows exactly the service's action on exactly its resource. JSON "
            "requests only (`PassthroughBehavior: NEVER`: other content types get 415). "
            "Success returns the service's own answer; a 4xx or 5xx from the service becomes "
            "400 or 500 with a short message and the request id (the service's error text "
            "names ARNs and accounts, so it is not passed on). At most 50; each must be the "
            "target of some route."
        ),
    )
    access: Access = Field(
        default_factory=Access,
        description=(
            "Who else may call, beyond the endpoints: any endpoint in these VPCs, caller IPs, "
            "IAM principals."
        ),
    )
    auth: AuthSetting | None = optional(
        (
            "how callers of every route without its own `auth` authenticate: `none`, `iam` "
            "(SigV4: `AuthorizationType: AWS_IAM`), a Lambda authorizer (`lambda: FUNCTION` "
            '...) or Cognito (`cognito: {...}`); see "Who may call which route"'
        ),
    )
    consumers: dict[TargetName, Consumer] = keyed(
        MAX_CONSUMERS,
        (
            "named API consumers (same name rules as functions, at most 50): each gets an "
            "`AWS::ApiGateway::ApiKey` (`<Name>ApiKey`, its value generated by API Gateway: "
            "never in the config or the template), a `<Name>UsagePlan` on this API's stage, "
            "and the key in the plan. Output `<Name>ApiKeyId` says how to read the value. "
            "Consumers need a route with `api_key_required`, and such a route needs "
            "consumers."
        ),
    )
    gateway_responses: dict[ResponseType, GatewayResponse] = Field(
        default_factory=dict,
        description=(
            "your own answer per failure type (`ACCESS_DENIED`, "
            "`MISSING_AUTHENTICATION_TOKEN`, `QUOTA_EXCEEDED`, ... every "
            "`AWS::ApiGateway::GatewayResponse` type), over privgw's defaults (see \"Who may "
            'call which route")'
        ),
    )
    cors: Cors | None = Field(default=None, description="Browser callers: preflight and headers.")
    binary_media_types: UniqueList[MediaType] = listed(
        50,
        (
            "up to 50 media types (`type/subtype`, either part may be `*`) API Gateway treats "
            "as binary: `BinaryMediaTypes` on the API in both flavours; a Lambda proxy target "
            "gets and returns them base64-encoded (`isBase64Encoded`). A change makes a new "
            "Deployment, so the stage serves it."
        ),
    )
    openapi: OpenApiSource | None = optional(
        "{path, default_target, targets}: every operation of an OpenAPI 3.0/3.1 or Swagger 2.0 "
        "document becomes a route; routes: adds more, or replaces the operation it names "
        "(operation: <operationId>).",
    )
    api_definition: Literal["resources", "body"] | None = optional(
        (
            "how the template holds the API: `resources` (a Resource and a Method per route, "
            "each a CloudFormation resource; about 244 routes fit CloudFormation's 500 "
            "resources) or `body` (one OpenAPI `Body` on the RestApi, `DefinitionBody` in the "
            "SAM flavour, carrying every integration, authorizer, validator, model and "
            "gateway response, so resources no longer grow with routes; API Gateway's 300 "
            "resources per API still hold). The policy, endpoints, binary media types and TLS "
            "stay RestApi properties, the Deployment's hash covers the Body, each function "
            "keeps one permission. The build notes when the default chose `body`."
        ),
    )
    routes: list[RouteItem] = Field(
        default_factory=lambda: list(DEFAULT_ROUTES),
        min_length=1,
        description=(
            '`"METHOD /path"` strings or `{method, path}` maps. Methods: `ANY GET POST PUT '
            "PATCH DELETE HEAD OPTIONS`. Paths: `/`, static segments, `{param}`, greedy "
            "`{name+}` only last. Refused: duplicates, two different variables under one "
            "parent (`/a/{id}` and `/a/{name}`), more than 300 API resources, more routes "
            "than fit in one template with `api_definition: resources`. A route goes to its "
            "`target`, or answers with its `mock`; a route with neither goes to the only "
            "function (an error when there are several or none). The string form takes a "
            'target after an arrow: `"GET /orders -> orders"`.'
        ),
    )
    stage: Stage = Field(
        default_factory=Stage,
        description=(
            "The stage callers use: its name, access logs, tracing, throttling, metrics and cache."
        ),
    )
    tls: Tls | None = optional(
        "{security_policy, endpoint_access_mode}: the TLS callers must speak to the API (and "
        "to the custom domain, unless it says its own). Default: TLS_1_2.",
    )
    custom_domain: CustomDomain | None = optional(
        "A private custom domain name for the API (https://<name>/<base_path>).",
    )
    reusable: bool = Field(
        default=False,
        description=(
            "make every environment- or account-specific value a template Parameter, with an "
            "AWS-specific type or a pattern, and the config's value as its default, so no "
            "VPC, subnet, security-group or account id stays literal: `VpcId`, `SubnetIds`, "
            "`AllowedCidr1..N`, `SourceSecurityGroupId1..N`, `ExistingEndpointId1..N`, "
            "`AllowedVpcId1..N`, `AllowedPrincipal1..N`, `EndpointPolicyPrincipal1..N`, "
            "`FunctionSubnetIds`, `FunctionSecurityGroupIds`, `DeadLetterArn`, "
            "`FunctionKmsKeyArn`, `LogKmsKeyArn`, `CertificateArn`, `HostedZoneId`, "
            "`StageName`; a created private hosted zone follows `VpcId`. With *k* caller "
            "CIDRs of one family each `AllowedCidrN` pattern refuses prefixes shorter than "
            "/*k*.bit_length(), so no set of overrides can cover every address (and the "
            "config's own CIDRs must pass the same rule); at most 200 parameters. Endpoint "
            'ids of this account via `endpoint.parameter` (see "Topologies")'
        ),
    )
    log_kms_key_arn: KmsKeyArn | None = Field(
        default=None,
        description=(
            "Customer managed KMS key for every log group privgw creates; its key policy must "
            "allow the CloudWatch Logs service principal of the region."
        ),
    )
    api_gateway_account_role: bool = Field(
        default=False,
        description=(
            "Create the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account). "
            "Off by default: it is one setting per account and region, shared by every API."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _routes_from_the_spec(cls, data: Any) -> Any:
        """The spec's operations become routes before anything else reads them; a spec is
        found relative to the config's folder (``SPEC_FOLDER``, set while a file is loaded;
        the current folder for a config built in code)."""
        try:
            return with_spec_routes(data, SPEC_FOLDER.get() or Path.cwd())
        except ConfigError as error:
            raise fail_many(error.problems) from None

    @field_validator("routes")
    @classmethod
    def _routes_fit_together(cls, routes: list[Route]) -> list[Route]:
        problems = route_problems(list(enumerate(routes)))
        if problems:
            raise fail_many(problems)
        return routes

    # --- cross-field rules, by part (each returns its problems, reading only the fields named) ---

    _one_function_form = cross_field_rule(targets.one_function_form, "function", "functions")
    _names_apart = cross_field_rule(targets.names_apart, "function", *TARGET_SECTIONS)
    _targets_exist = cross_field_rule(targets.targets_exist, "routes", "function", *TARGET_SECTIONS)
    _target_paths_reach_backends = cross_field_rule(
        targets.target_paths_reach_backends, "routes", "function", *TARGET_SECTIONS
    )
    _keys_come_from_the_request = cross_field_rule(
        targets.service_keys_in_request, "routes", "services"
    )
    _mappings_fit_targets = cross_field_rule(
        mapping_problems, "routes", "function", *TARGET_SECTIONS
    )
    _route_settings_fit_the_stage = cross_field_rule(route_setting_problems, "routes", "stage")
    _operations_need_a_spec = cross_field_rule(targets.operations_need_a_spec, "routes", "openapi")
    _everything_routed = cross_field_rule(
        targets.everything_routed, "routes", "function", *TARGET_SECTIONS, "auth"
    )
    _authorizers_exist = cross_field_rule(
        callers.authorizers_exist, "auth", "routes", "function", "functions", "existing_functions"
    )
    _keys_have_a_use = cross_field_rule(callers.keys_have_a_use, "consumers", "routes")
    _responses_keep_cors = cross_field_rule(
        callers.cors_header_problems, "cors", "gateway_responses"
    )
    _someone_can_reach_it = cross_field_rule(
        reach.reach_problems, "auth", "routes", "endpoint", "access", "cors", "network"
    )
    _one_region = cross_field_rule(
        regions.api_region_problems,
        *("function", *TARGET_SECTIONS, "log_kms_key_arn", "custom_domain"),
    )
    _someone_can_call = cross_field_rule(
        lambda cfg: caller_problems(cfg.endpoint, cfg.access.vpc_ids), "endpoint", "access"
    )
    _domain_has_an_endpoint = cross_field_rule(
        lambda cfg: domain_endpoint_problems(
            cfg.custom_domain, cfg.endpoint.create, cfg.endpoint.existing_ids
        ),
        *("custom_domain", "endpoint"),
    )
    _shared_domain_admits_consumers = cross_field_rule(
        lambda cfg: share_problems(
            cfg.custom_domain, bool(cfg.endpoint.existing_ids or cfg.access.vpc_ids)
        ),
        *("custom_domain", "endpoint", "access"),
    )
    _network_matches_endpoint = cross_field_rule(
        lambda cfg: network_problems(cfg.endpoint.create, cfg.network), "endpoint", "network"
    )


__all__ = [
    "MAIN_FUNCTION",
    "TARGET_SECTIONS",
    "Config",
    "EndpointStack",
    "RouteTarget",
    "StackConfig",
    "TargetKind",
]

"""The two kinds of stack config, on one shared base: an API stack (``Config``) and an endpoint
stack (``EndpointStack``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from privgw.config import reach, regions
from privgw.config.api import DEFAULT_ROUTES, Access, Route, RouteItem, Stage, route_problems
from privgw.config.auth import (
    AuthSetting,
    Consumer,
    Cors,
    GatewayResponse,
    LambdaAuth,
    ResponseType,
    cors_header_problems,
)
from privgw.config.backend import Backend
from privgw.config.domain import CustomDomain
from privgw.config.function import Function, TargetName
from privgw.config.network import (
    ConsumerEndpointPolicy,
    Endpoint,
    EndpointPolicy,
    Network,
    refuse_wide_reusable_cidrs,
)
from privgw.config.problems import config_error
from privgw.config.types import (
    Description,
    KmsKeyArn,
    Name,
    StrictModel,
    Tags,
    _fail_many,
    _refuse,
    reads,
)
from privgw.errors import Problem
from privgw.limits import MAX_BACKENDS, MAX_CONSUMERS, MAX_FUNCTIONS, MAX_TAGS

#: The name ``function:`` (the one-function shorthand) gives its function; its resources keep
#: the logical ids of privgw's one-function templates (``Function``, ``FunctionRole``, ...).
MAIN_FUNCTION = "main"


def _unique(problems: list[Problem]) -> list[Problem]:
    """One problem per field (an API-wide auth names every route that inherits it once)."""
    seen: dict[str, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.path, problem)
    return list(seen.values())


@dataclass(frozen=True)
class RouteTarget:
    """Where a route goes: a function or backend by name, or a mock (``name`` None)."""

    kind: Literal["function", "backend", "mock"]
    name: str | None = None


class StackConfig(StrictModel):
    """What every kind of stack config has: a kind, a name, a description and tags; and, for
    the endpoint builders that serve both kinds, the endpoint the stack creates."""

    kind: str
    name: Name = Field(description="Names the stack's resources and tags every one of them.")
    description: Description = Field(default="", description="Template description.")
    tags: Tags = Field(default_factory=dict, max_length=MAX_TAGS - 1)

    @property
    def network_required(self) -> Network:
        """The network of the endpoint this stack creates."""
        raise NotImplementedError

    @property
    def endpoint_private_dns(self) -> bool:
        """Private DNS on the endpoint this stack creates."""
        raise NotImplementedError

    @property
    def endpoint_policy(self) -> EndpointPolicy | ConsumerEndpointPolicy | None:
        """The VPC endpoint policy of the endpoint this stack creates, if any."""
        raise NotImplementedError


class Config(StackConfig):
    """Everything privgw needs to build one private REST API and what it depends on.

    Constructing it in Python raises ``ConfigError`` (not pydantic's error) like ``load_config``.
    """

    # what _one_function_form checks, in JSON Schema
    model_config = StackConfig.model_config | ConfigDict(
        json_schema_extra={"not": {"required": ["function", "functions"]}}
    )

    _source_dir: Path | None = PrivateAttr(default=None)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise config_error(exc, Config, data) from None

    @property
    def source_dir(self) -> Path | None:
        """Folder of the config file it was loaded from (local code paths are relative to it)."""
        return self._source_dir

    kind: Literal["api"] = Field(default="api", description="An API stack (the default).")
    network: Network | None = Field(
        default=None, description="Required when privgw creates the endpoint."
    )
    endpoint: Endpoint = Field(default_factory=Endpoint)
    function: Function | None = Field(
        default=None,
        description="One Lambda function (named main): shorthand for functions: {main: ...}.",
    )
    functions: dict[TargetName, Function] = Field(
        default_factory=dict,
        max_length=MAX_FUNCTIONS,
        description="Lambda functions by name; routes name theirs in target.",
    )
    backends: dict[TargetName, Backend] = Field(
        default_factory=dict,
        max_length=MAX_BACKENDS,
        description="Internal HTTP services behind an ALB or NLB, reached through a VPC link; "
        "routes name theirs in target.",
    )
    access: Access = Field(default_factory=Access)
    auth: AuthSetting | None = Field(
        default=None,
        description="How callers authenticate, for every route without its own auth: none, "
        "iam (SigV4), {lambda: FUNCTION, ...} or {cognito: {...}}. Default: iam with "
        "access.iam_principals, else none.",
    )
    consumers: dict[TargetName, Consumer] = Field(
        default_factory=dict,
        max_length=MAX_CONSUMERS,
        description="Named API consumers: each an API key and a usage plan.",
    )
    gateway_responses: dict[ResponseType, GatewayResponse] = Field(
        default_factory=dict,
        description="Your own answer for a failure type, over privgw's defaults.",
    )
    cors: Cors | None = Field(default=None, description="Browser callers: preflight and headers.")
    routes: list[RouteItem] = Field(
        default_factory=lambda: list(DEFAULT_ROUTES),
        min_length=1,
        description="Default: ANY / and ANY /{proxy+}.",
    )
    stage: Stage = Field(default_factory=Stage)
    custom_domain: CustomDomain | None = Field(
        default=None,
        description="A private custom domain name for the API (https://<name>/<base_path>).",
    )
    reusable: bool = Field(
        default=False,
        description=(
            "Make VPC, subnets, caller CIDRs and stage name template Parameters (defaults from "
            "this config), so one template deploys to several environments."
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

    @field_validator("routes")
    @classmethod
    def _routes_fit_together(cls, routes: list[Route]) -> list[Route]:
        problems = route_problems(list(enumerate(routes)))
        if problems:
            raise _fail_many(problems)
        return routes

    def function_fields(self) -> dict[str, Function]:
        """Every function by the config path it was given at (``function`` or
        ``functions.NAME``), for messages about one of them."""
        fields = {f"functions.{name}": fn for name, fn in self.functions.items()}
        if self.function is not None:
            fields["function"] = self.function
        return fields

    @property
    def all_functions(self) -> dict[str, Function]:
        """Every function by name, sorted by name (``function:`` is the one named main)."""
        merged = dict(self.functions)
        if self.function is not None:
            merged[MAIN_FUNCTION] = self.function
        return dict(sorted(merged.items()))

    def auth_of(self, route: Route) -> AuthSetting:
        """The auth a route uses: its own, the API's, or iam when access.iam_principals
        names callers (else none)."""
        if route.auth is not None:
            return route.auth
        if self.auth is not None:
            return self.auth
        return "iam" if self.access.iam_principals else "none"

    @property
    def authorizer_functions(self) -> set[str]:
        """Functions that decide as Lambda authorizers."""
        settings = [self.auth, *(r.auth for r in self.routes)]
        return {a.function for a in settings if isinstance(a, LambdaAuth)}

    def target_of(self, route: Route) -> RouteTarget:
        """Where ``route`` goes (validated: every target exists, a route without one has the
        only function)."""
        if route.mock is not None:
            return RouteTarget("mock")
        name = route.target
        if name is None:
            (name,) = self.all_functions
        return RouteTarget("backend" if name in self.backends else "function", name)

    def routes_to(
        self, kind: Literal["function", "backend", "mock"], name: str | None = None
    ) -> list[Route]:
        """The routes going to one function or backend (or every mock route), in config order."""
        return [r for r in self.routes if self.target_of(r) == RouteTarget(kind, name)]

    @model_validator(mode="after")
    @reads("function", "functions")
    def _one_function_form(self) -> Self:
        if self.function is not None and self.functions:
            raise _refuse(
                "function",
                "is given beside functions",
                None,
                f"either function (one function, named {MAIN_FUNCTION}) or functions "
                f"(add it there as {MAIN_FUNCTION}: ...)",
            )
        return self

    @model_validator(mode="after")
    @reads("function", "functions", "backends")
    def _names_apart(self) -> Self:
        """Names become logical ids (first letter capitalised), and a route's target must say
        one thing: no name twice across functions and backends, in any letter case."""
        problems = []
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        named = [("functions", n) for n in self.all_functions] + [
            ("backends", n) for n in self.backends
        ]
        for section, name in named:
            here = f"{section}.{name}"
            if name in exact:
                clash = f"is also the name of {exact[name]}"
            elif name.lower() in folded:
                clash = f"differs only in case from {folded[name.lower()]}"
            else:
                exact[name] = folded[name.lower()] = here
                continue
            exact.setdefault(name, here)
            problems.append(
                Problem(
                    here,
                    f"{clash}; a route's target must name one thing",
                    None,
                    "a name no other function or backend uses, in any letter case",
                )
            )
        if problems:
            raise _fail_many(problems)
        return self

    @model_validator(mode="after")
    @reads("routes", "function", "functions", "backends")
    def _targets_exist(self) -> Self:
        functions = self.all_functions
        names = [*functions, *self.backends]
        known = ", ".join(names) if names else "none: add functions or backends"
        problems = []
        untargeted = [r for r in self.routes if r.mock is None and r.target is None]
        if untargeted and not names:
            raise _refuse(
                "function",
                "is required: a route without a target or mock goes to the config's function",
                None,
                "a function section, or functions/backends and a target (or mock) on every route",
            )
        for index, route in enumerate(self.routes):
            if route.mock is not None:
                continue
            if route.target is not None:
                if route.target not in functions and route.target not in self.backends:
                    problems.append(
                        Problem(
                            f"routes[{index}].target",
                            f"names no function or backend ({route.method} {route.path})",
                            route.target,
                            f"one of: {known}",
                        )
                    )
            elif len(functions) != 1:
                problems.append(
                    Problem(
                        f"routes[{index}]",
                        f"has no target, and the config has {len(functions)} functions "
                        f"({route.method} {route.path})",
                        None,
                        f"target: one of {known}, or mock: {{...}}"
                        if names
                        else "a function section, or target/mock on every route",
                    )
                )
        if problems:
            raise _fail_many(problems)
        return self

    @model_validator(mode="after")
    @reads("routes", "function", "functions", "backends", "auth")
    def _everything_routed(self) -> Self:
        """A function or backend no route reaches is a typo or a leftover: it would still be
        deployed (and a function still invocable by the API's permission)."""
        used = {r.target for r in self.routes if r.target is not None}
        known = {*self.all_functions, *self.backends}
        if not used <= known or (self.function is not None and self.functions):
            return self  # a misspelt target or two function sections: reported already
        used |= self.authorizer_functions
        if any(r.target is None and r.mock is None for r in self.routes):
            used.update(self.all_functions)
        problems = [
            Problem(
                field,
                "is the target of no route",
                None,
                f"a route with target: {name}, or remove it",
            )
            for field, name in [
                *(
                    (
                        "function"
                        if name == MAIN_FUNCTION and self.function
                        else f"functions.{name}",
                        name,
                    )
                    for name in self.all_functions
                ),
                *((f"backends.{name}", name) for name in self.backends),
            ]
            if name not in used
        ]
        if problems:
            raise _fail_many(problems)
        return self

    @model_validator(mode="after")
    @reads("auth", "routes", "function", "functions")
    def _authorizers_exist(self) -> Self:
        functions = self.all_functions
        known = ", ".join(functions) or "none: add functions"
        problems = []
        for path, auth in [("auth", self.auth)] + [
            (f"routes[{i}].auth", r.auth) for i, r in enumerate(self.routes)
        ]:
            if isinstance(auth, LambdaAuth) and auth.function not in functions:
                problems.append(
                    Problem(
                        f"{path}.lambda", "names no function", auth.function, f"one of: {known}"
                    )
                )
        if problems:
            raise _fail_many(problems)
        return self

    @model_validator(mode="after")
    @reads("auth", "routes", "endpoint", "access", "cors", "network")
    def _someone_can_reach_it(self) -> Self:
        """The endpoint policy, the allow-list, the caller CIDRs and each route's auth together
        leave somebody who can call (``reach``)."""
        other = self.other_ways_in
        cors = self.cors is not None
        problems = [
            *reach.endpoint_policy_problems(self.endpoint, self.routes, self.auth_of, cors, other),
            *reach.principal_problems(self.access, self.routes, self.auth_of, cors),
            *reach.cidr_problems(self.network, self.access, other),
            *reach.principal_overlap_problems(self.endpoint, self.access, other),
        ]
        if problems:
            raise _fail_many(_unique(problems))
        return self

    @model_validator(mode="after")
    @reads("function", "functions", "backends", "log_kms_key_arn", "custom_domain")
    def _one_region(self) -> Self:
        """Every regional ARN the stack uses directly names one region (``regions``)."""
        named: list[tuple[str, str | None]] = []
        for path, fn in self.function_fields().items():
            named += [(f"{path}.kms_key_arn", fn.kms_key_arn)]
            named += [(f"{path}.dead_letter_arn", fn.dead_letter_arn)]
        named += [(f"backends.{n}.load_balancer_arn", b.load_balancer_arn)
                  for n, b in self.backends.items()]  # fmt: skip
        named.append(("log_kms_key_arn", self.log_kms_key_arn))
        domain = self.custom_domain
        if domain is not None:
            named.append(("custom_domain.certificate_arn", domain.certificate_arn))
            alias = domain.hosted_zone.endpoint if domain.hosted_zone else None
            if alias is not None:
                named.append(("custom_domain.hosted_zone.endpoint.dns_name", alias.dns_name))
        problems = regions.one_region_problems(named)
        if problems:
            raise _fail_many(problems)
        return self

    @model_validator(mode="after")
    @reads("cors", "gateway_responses")
    def _responses_keep_cors(self) -> Self:
        problems = cors_header_problems(self.cors, self.gateway_responses)
        if problems:
            raise _fail_many(problems)
        return self

    @property
    def other_ways_in(self) -> bool:
        """Whether an endpoint or VPC besides the created endpoint may call the API."""
        endpoint = self.endpoint
        return bool(
            endpoint.existing_ids or endpoint.imports or endpoint.parameter or self.access.vpc_ids
        )

    @model_validator(mode="after")
    @reads("consumers", "routes")
    def _keys_have_a_use(self) -> Self:
        keyed = [i for i, r in enumerate(self.routes) if r.api_key_required]
        if keyed and not self.consumers:
            raise _refuse(
                f"routes[{keyed[0]}].api_key_required",
                "needs an API key, but no consumer has one",
                "true",
                "a consumers section (each consumer gets a key)",
            )
        if self.consumers and not keyed:
            raise _refuse(
                "consumers",
                "get API keys, but no route requires one (their quotas would apply to nothing)",
                None,
                "api_key_required: true on the routes they call",
            )
        return self

    @model_validator(mode="after")
    @reads("endpoint", "access")
    def _someone_can_call(self) -> Self:
        if not self.endpoint.any_given and not self.access.vpc_ids:
            raise _refuse(
                "endpoint.existing_ids",
                "no endpoint could call the API",
                "[] with create: false and no imports, parameter or access.vpc_ids",
                "endpoint.create: true, vpce- ids here, endpoint.imports, "
                "endpoint.parameter, or VPC ids in access.vpc_ids",
            )
        return self

    @model_validator(mode="after")
    @reads("custom_domain", "endpoint")
    def _domain_has_an_endpoint(self) -> Self:
        domain = self.custom_domain
        zone = domain.hosted_zone if domain else None
        if zone is None:
            return self
        if self.endpoint.create and zone.endpoint is not None:
            raise _refuse(
                "custom_domain.hosted_zone.endpoint",
                "applies only when privgw creates no endpoint: the record points at the "
                "created one",
                expected="no hosted_zone.endpoint, or endpoint.create: false",
            )
        if not self.endpoint.create and zone.endpoint is None:
            raise _refuse(
                "custom_domain.hosted_zone.endpoint",
                "is required when privgw creates no endpoint: the existing endpoint the name "
                "resolves to",
                expected="{id, vpc_id, dns_name, hosted_zone_id} of one of "
                "endpoint.existing_ids (aws ec2 describe-vpc-endpoints), or no hosted_zone",
            )
        if zone.endpoint is not None and zone.endpoint.id not in self.endpoint.existing_ids:
            raise _refuse(
                "custom_domain.hosted_zone.endpoint.id",
                "is not one of endpoint.existing_ids: the name would resolve to an endpoint "
                "the API's policy refuses",
                zone.endpoint.id,
                "one of: " + (", ".join(self.endpoint.existing_ids) or "none listed"),
            )
        return self

    @model_validator(mode="after")
    @reads("custom_domain", "endpoint", "access")
    def _shared_domain_admits_consumers(self) -> Self:
        """A share lets other accounts associate their endpoints, but only the policies let
        those endpoints call; endpoints of other accounts can only be listed by id or VPC."""
        domain = self.custom_domain
        if domain and domain.share_with and not (self.endpoint.existing_ids or self.access.vpc_ids):
            raise _refuse(
                "custom_domain.share_with",
                "shares the domain, but no consumer's endpoint is allowed to call it",
                None,
                "the consumers' endpoint ids in endpoint.existing_ids, or their VPC ids in "
                "access.vpc_ids (the API's and the domain's policy admit exactly those)",
            )
        return self

    @model_validator(mode="after")
    @reads("endpoint", "network")
    def _network_matches_endpoint(self) -> Self:
        creates = self.endpoint.create
        if creates != (self.network is not None):
            message, expected = (
                (
                    "is required to create an endpoint",
                    "vpc_id, subnet_ids and allowed_cidrs, or endpoint.create: false",
                )
                if creates
                else (
                    "is used only when privgw creates the endpoint",
                    "no network section when endpoint.create is false",
                )
            )
            raise _refuse("network", message, expected=expected)
        return self

    @model_validator(mode="after")
    @reads("reusable", "network")
    def _reusable_cidrs_stay_closed(self) -> Self:
        refuse_wide_reusable_cidrs(self.reusable, self.network)
        return self

    @property
    def network_required(self) -> Network:
        """The network of a created endpoint (validated to exist whenever create is true)."""
        assert self.network is not None, "validated: create implies network"
        return self.network

    @property
    def endpoint_private_dns(self) -> bool:
        return self.endpoint.private_dns

    @property
    def endpoint_policy(self) -> EndpointPolicy | None:
        return self.endpoint.policy


class EndpointStack(StackConfig):
    """A stack with only the execute-api endpoint and its security group, exported for the
    API stacks of many teams (``endpoint.imports`` in their configs)."""

    kind: Literal["endpoint"] = Field(description="An endpoint stack.")
    network: Network
    private_dns: bool = Field(
        default=True,
        description="Private DNS on the endpoint (one per VPC; public APIs' names then resolve "
        "to it inside the VPC).",
    )
    export_prefix: Name | None = Field(
        default=None,
        description="Exports are <prefix>-VpcEndpointId, -EndpointDnsName, -SecurityGroupId "
        "(default: name). Export names are unique per account and region.",
    )
    policy: EndpointPolicy | None = Field(
        default=None, description="A VPC endpoint policy on the endpoint."
    )

    @property
    def exports(self) -> str:
        return self.export_prefix or self.name

    @property
    def network_required(self) -> Network:
        return self.network

    @property
    def endpoint_private_dns(self) -> bool:
        return self.private_dns

    @property
    def endpoint_policy(self) -> EndpointPolicy | None:
        return self.policy

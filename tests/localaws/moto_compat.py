"""Compatibility patches that let moto's server deploy privgw's templates like AWS would.

Written for and tested with moto 5.2.5 (``MOTO_VERSION`` below; ``apply()`` refuses any
other version rather than patching code it has not seen). Every patch either routes a
CloudFormation property to a call moto's own backend already has, or makes moto *stricter*
where AWS is: none lets a wrong template pass. The README lists them with their reasons, and
``tests/test_moto_compat.py`` checks each one.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

MOTO_VERSION = "5.2.5"

#: (name, reason) of every patch, in the order ``apply`` installs them.
PATCHES: list[tuple[str, str]] = []


def _patch(name: str, reason: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(fn: Callable[[], None]) -> Callable[[], None]:
        PATCHES.append((name, reason))
        fn.__name__ = name
        _INSTALLERS.append(fn)
        return fn

    return register


_INSTALLERS: list[Callable[[], None]] = []

# The CloudFormation models below repeat a little boilerplate (physical_resource_id,
# cloudformation_type) on purpose: moto finds models through CloudFormationModel.__subclasses__(),
# which lists direct subclasses only, so a shared intermediate base class would hide them.


@_patch(
    "rest-api-properties",
    "AWS::ApiGateway::RestApi: moto's CloudFormation layer drops Policy and keeps "
    "EndpointConfiguration in CloudFormation casing, so get-rest-api shows neither, and it "
    "cannot update a RestApi at all (a changed policy left the stack without its API); the "
    "patch passes both (API casing) to moto's own create_rest_api, an OpenAPI Body (SAM) to "
    "its put_rest_api (overwrite mode, x-amazon-apigateway-any-method as ANY), and updates "
    "policy and endpoint configuration in place on stack updates, as AWS does.",
)
def _rest_api() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json["Properties"]
        backend = models.apigateway_backends[account_id][region_name]
        config = props.get("EndpointConfiguration")
        api_config = None
        if config:
            api_config = {"types": config.get("Types", [])}
            if config.get("VpcEndpointIds"):
                api_config["vpcEndpointIds"] = config["VpcEndpointIds"]
        body = props.get("Body")
        policy = props.get("Policy") or (body or {}).get("x-amazon-apigateway-policy")
        api = backend.create_rest_api(
            name=props.get("Name") or (body or {}).get("info", {}).get("title") or resource_name,
            description=props.get("Description", ""),
            endpoint_configuration=api_config,
            policy=json.dumps(policy) if policy is not None else None,
            tags=props.get("Tags") and {t["Key"]: t["Value"] for t in props["Tags"]},
        )
        if body:
            doc = json.loads(json.dumps(body))
            for operations in doc.get("paths", {}).values():
                if "x-amazon-apigateway-any-method" in operations:
                    operations["ANY"] = operations.pop("x-amazon-apigateway-any-method")
                for key in [k for k in operations if k.startswith("x-") or k == "parameters"]:
                    operations.pop(key)
            backend.put_rest_api(api.id, doc, fail_on_warnings=False, mode="overwrite")
        return api

    def update(
        cls: Any,
        /,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Policy, EndpointConfiguration, Name and Description update in place, as in AWS."""
        props = cloudformation_json["Properties"]
        config = props.get("EndpointConfiguration")
        if config:
            original_resource.endpoint_configuration = {"types": config.get("Types", [])}
            if config.get("VpcEndpointIds"):
                original_resource.endpoint_configuration["vpcEndpointIds"] = config[
                    "VpcEndpointIds"
                ]
        if props.get("Policy") is not None:
            original_resource.policy = json.dumps(props["Policy"])
        original_resource.name = props.get("Name", original_resource.name)
        original_resource.description = props.get("Description", "")
        return original_resource

    models.RestAPI.create_from_cloudformation_json = classmethod(create)
    models.RestAPI.update_from_cloudformation_json = classmethod(update)


@_patch(
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


@_patch(
    "stage-resource",
    "AWS::ApiGateway::Stage is not modelled by moto's CloudFormation layer (Ref gives nothing, "
    "no stage exists); the patch creates it through moto's own create_stage, with the "
    "description, tags and tracing flag, and updates its deployment on stack updates.",
)
def _stage() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")
    from moto.core.common_models import CloudFormationModel

    class StageResource(CloudFormationModel):
        def __init__(self, api_id: str, name: str) -> None:
            self.api_id, self.name = api_id, name

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGateway::Stage"

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> StageResource:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            backend.create_stage(
                props["RestApiId"],
                props["StageName"],
                props["DeploymentId"],
                variables=props.get("Variables"),
                description=props.get("Description", ""),
                tags={t["Key"]: t["Value"] for t in props.get("Tags", [])} or None,
                tracing_enabled=props.get("TracingEnabled"),
            )
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def update_from_cloudformation_json(
            cls,
            original_resource: Any,
            new_resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> StageResource:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            backend.update_stage(
                props["RestApiId"],
                props["StageName"],
                [{"op": "replace", "path": "/deploymentId", "value": props["DeploymentId"]}],
            )
            return cls(props["RestApiId"], props["StageName"])

        @classmethod
        def delete_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
        ) -> None:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            backend.delete_stage(props["RestApiId"], props["StageName"])

    globals()["StageResource"] = StageResource


@_patch(
    "deployment-ref",
    "Ref of an AWS::ApiGateway::Deployment gives moto's Python object instead of the "
    "deployment id (it has no physical_resource_id), so a Stage cannot point at it; the patch "
    "gives it the id, as AWS does.",
)
def _deployment_ref() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")

    models.Deployment.physical_resource_id = property(lambda self: self.id)


@_patch(
    "endpoint-dns-entries",
    "Fn::GetAtt Endpoint.DnsEntries fails in moto, which drops every output of the stack; the "
    "patch answers it from the endpoint's own dns_entries as AWS formats them "
    "('zone-id:dns-name').",
)
def _dns_entries() -> None:
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    vpcs: Any = importlib.import_module("moto.ec2.models.vpcs")

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "DnsEntries":
            return [f"{e['hosted_zone_id']}:{e['dns_name']}" for e in self.dns_entries or []]
        if attribute_name == "Id":
            return self.id
        raise UnformattedGetAttTemplateException()

    vpcs.VPCEndPoint.get_cfn_attribute = get_cfn_attribute
    vpcs.VPCEndPoint.has_cfn_attr = classmethod(
        lambda cls, attr: attr in ("Id", "CreationTimestamp", "DnsEntries", "NetworkInterfaceIds")
    )


@_patch(
    "change-set-order-outputs-failures",
    "On the change-set path (every `aws cloudformation deploy`) moto creates new resources in "
    "template order, ignoring DependsOn and references, never computes Outputs or Exports, "
    "cannot resolve Fn::ImportValue, and turns a failing resource into an HTTP error instead "
    "of a failed stack. The patch creates added resources in dependency order, gives the stack "
    "the account's exports and publishes its own, rebuilds the outputs after execution, and "
    "records a failure as CREATE_FAILED/ROLLBACK_COMPLETE with the resource's reason, as AWS "
    "does.",
)
def _change_sets() -> None:
    models: Any = importlib.import_module("moto.cloudformation.models")
    parsing: Any = importlib.import_module("moto.cloudformation.parsing")

    original_update = parsing.ResourceMap.update

    def update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
        resources = template.get("Resources", {})
        order = _dependency_order(resources)
        template = {**template, "Resources": {k: resources[k] for k in order}}
        original_update(self, template, parameters)

    parsing.ResourceMap.update = update

    for name in ("parse_and_create_resource", "parse_and_update_resource"):
        setattr(parsing, name, _naming_failures(getattr(parsing, name)))

    def execute_change_set(self: Any, change_set_name: str, stack_name: Any = None) -> None:
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        kind = change_set.change_set_type
        stack.cross_stack_resources = self.exports  # Fn::ImportValue sees other stacks' exports
        stack.resource_map.cross_stack_resources = self.exports
        stack._add_stack_event(f"{kind}_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            change_set.apply()
        except Exception as exc:  # any resource failure fails the stack, as in AWS
            failed = getattr(exc, "logical_id", None) or _failing_resource(change_set, stack)
            reason = getattr(exc, "message", None) or str(exc)
            stack.events.append(
                models.Event(
                    stack_id=stack.stack_id,
                    stack_name=stack.name,
                    logical_resource_id=failed or stack.name,
                    physical_resource_id="",
                    resource_type=_resource_type(change_set, failed),
                    resource_status=f"{kind}_FAILED",
                    resource_status_reason=reason,
                    resource_properties=None,
                )
            )
            final = "ROLLBACK_COMPLETE" if kind == "CREATE" else "UPDATE_ROLLBACK_COMPLETE"
            stack._add_stack_event(final, resource_status_reason=reason)
            stack.status = final
            change_set.execution_status = "EXECUTE_FAILED"
            return
        stack._add_stack_event(f"{kind}_COMPLETE")
        change_set.execution_status = "EXECUTE_COMPLETE"
        stack.status = f"{kind}_COMPLETE"
        stack.template = change_set.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        for export in stack.exports:
            self.exports[export.name] = export

    models.CloudFormationBackend.execute_change_set = execute_change_set


def _naming_failures(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Tag an exception with the logical id of the resource that raised it."""

    def wrapper(logical_id: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(logical_id, *args, **kwargs)
        except Exception as exc:
            tagged: Any = exc
            if not hasattr(tagged, "logical_id"):
                tagged.logical_id = logical_id
                if isinstance(exc, KeyError):
                    tagged.message = f"missing property or reference {exc}"
            raise

    return wrapper


def _dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids with every resource after what it references or DependsOn."""

    def deps(body: Any) -> set[str]:
        found: set[str] = set()
        if isinstance(body, dict):
            for key, value in body.items():
                if key == "Ref" and isinstance(value, str):
                    found.add(value)
                elif key == "Fn::GetAtt":
                    target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                    found.add(target)
                elif key == "Fn::Sub":
                    text = value if isinstance(value, str) else value[0]
                    found.update(part.split(".")[0] for part in _sub_names(text))
                    found |= deps(value)
                else:
                    found |= deps(value)
        elif isinstance(body, list):
            for item in body:
                found |= deps(item)
        return found

    graph = {}
    for name, body in resources.items():
        depends = body.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        graph[name] = {d for d in deps(body.get("Properties", {})) | set(depends) if d in resources}
    order: list[str] = []
    placed: set[str] = set()

    def visit(name: str, seen: frozenset[str]) -> None:
        if name in placed or name in seen:
            return
        for dep in sorted(graph[name]):
            visit(dep, seen | {name})
        placed.add(name)
        order.append(name)

    for name in resources:
        visit(name, frozenset())
    return order


def _sub_names(text: str) -> list[str]:
    import re

    return [m for m in re.findall(r"\$\{([^}!]+)\}", text) if "::" not in m]


def _failing_resource(change_set: Any, stack: Any) -> str | None:
    created = set(stack.resource_map._parsed_resources)
    for name in _dependency_order(change_set.template_dict.get("Resources", {})):
        if name not in created:
            return name
    return None


def _resource_type(change_set: Any, logical_id: str | None) -> str:
    resources = change_set.template_dict.get("Resources", {})
    if logical_id in resources:
        return str(resources[logical_id].get("Type", ""))
    return "AWS::CloudFormation::Stack"


@_patch(
    "security-group-inline-rules",
    "Inline SecurityGroupIngress rules lose CidrIpv6 and Description in moto's CloudFormation "
    "layer (it passes only CidrIp); the patch passes each rule's IPv4/IPv6 range with its "
    "description to moto's own authorize_security_group_ingress.",
)
def _security_group_rules() -> None:
    groups: Any = importlib.import_module("moto.ec2.models.security_groups")
    ec2: Any = importlib.import_module("moto.ec2.models")
    original = groups.SecurityGroup.create_from_cloudformation_json.__func__

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = dict(cloudformation_json["Properties"])
        rules = props.pop("SecurityGroupIngress", [])
        group = original(
            cls,
            resource_name,
            {**cloudformation_json, "Properties": props},
            account_id,
            region_name,
            **kwargs,
        )
        backend = ec2.ec2_backends[account_id][region_name]
        for rule in rules:
            ranges = [
                {key: rule[key], "Description": rule.get("Description", "")}
                for key in ("CidrIp", "CidrIpv6")
                if rule.get(key)
            ]
            source = rule.get("SourceSecurityGroupId")
            backend.authorize_security_group_ingress(
                group_name_or_id=group.id,
                ip_protocol=rule["IpProtocol"],
                from_port=rule["FromPort"],
                to_port=rule["ToPort"],
                ip_ranges=ranges,
                source_groups=[{"GroupId": source}] if source else [],
                vpc_id=props.get("VpcId"),
            )
        return group

    groups.SecurityGroup.create_from_cloudformation_json = classmethod(create)


@_patch(
    "private-custom-domains",
    "moto's CloudFormation layer skips AWS::ApiGateway::DomainNameV2, BasePathMappingV2 and "
    "DomainNameAccessAssociation (the stack completes without them). The patch creates the "
    "domain (PRIVATE, with its policy) through moto's own create_domain_name, the mapping "
    "through its create_base_path_mapping (which checks the API and stage exist), and refuses "
    "an access association whose domain or VPC endpoint does not exist (moto has no call to "
    "store one).",
)
def _custom_domains() -> None:
    models: Any = importlib.import_module("moto.apigateway.models")
    ec2: Any = importlib.import_module("moto.ec2.models")
    common: Any = importlib.import_module("moto.core.common_models")
    exceptions: Any = importlib.import_module("moto.cloudformation.exceptions")

    def domain_of(arn: str) -> str:
        return arn.split("/domainnames/", 1)[1].split("+", 1)[0]

    class DomainV2(common.CloudFormationModel):  # type: ignore[misc]
        def __init__(self, name: str, arn: str) -> None:
            self.name, self.arn = name, arn

        @property
        def physical_resource_id(self) -> str:
            return self.arn

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGateway::DomainNameV2"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in ("DomainNameArn", "DomainNameId")

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            if attribute_name == "DomainNameArn":
                return self.arn
            if attribute_name == "DomainNameId":
                return self.arn.rsplit("+", 1)[1]
            raise exceptions.UnformattedGetAttTemplateException()

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> Any:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            config = props.get("EndpointConfiguration") or {}
            domain = backend.create_domain_name(
                domain_name=props["DomainName"],
                certificate_name="",
                tags={t["Key"]: t["Value"] for t in props.get("Tags", [])},
                certificate_arn=props.get("CertificateArn"),
                certificate_body="",
                certificate_private_key="",
                certificate_chain="",
                regional_certificate_name="",
                regional_certificate_arn="",
                endpoint_configuration={"types": config.get("Types", [])},
                security_policy=props.get("SecurityPolicy"),
            )
            domain.policy = json.dumps(props.get("Policy"))
            arn = (
                f"arn:aws:apigateway:{region_name}:{account_id}:/domainnames/"
                f"{props['DomainName']}+{resource_name.lower()[:10]}"
            )
            return cls(props["DomainName"], arn)

    class MappingV2(common.CloudFormationModel):  # type: ignore[misc]
        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGateway::BasePathMappingV2"

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> Any:
            props = cloudformation_json["Properties"]
            backend = models.apigateway_backends[account_id][region_name]
            return backend.create_base_path_mapping(
                domain_of(props["DomainNameArn"]),
                props["RestApiId"],
                props.get("BasePath", ""),
                props.get("Stage"),
            )

    class AccessAssociation(common.CloudFormationModel):  # type: ignore[misc]
        def __init__(self, arn: str) -> None:
            self.arn = arn

        @property
        def physical_resource_id(self) -> str:
            return self.arn

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGateway::DomainNameAccessAssociation"

        @classmethod
        def create_from_cloudformation_json(
            cls,
            resource_name: str,
            cloudformation_json: dict[str, Any],
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> Any:
            props = cloudformation_json["Properties"]
            models.apigateway_backends[account_id][region_name].get_domain_name(
                domain_of(props["DomainNameArn"])
            )
            if props["AccessAssociationSourceType"] != "VPCE":
                raise ValueError("AccessAssociationSourceType must be VPCE")
            ec2.ec2_backends[account_id][region_name].describe_vpc_endpoints(
                vpc_end_point_ids=[props["AccessAssociationSource"]]
            )
            return cls(f"{props['DomainNameArn']}/access/{props['AccessAssociationSource']}")

    globals().update(DomainV2=DomainV2, MappingV2=MappingV2, AccessAssociation=AccessAssociation)


@_patch(
    "list-parameter-defaults",
    "moto splits List<...>/CommaDelimitedList parameter values only when they are passed, not "
    "when the Default applies, so a reusable template deployed with its defaults got a "
    "string where a list belongs; the patch splits defaults too, as AWS does.",
)
def _list_defaults() -> None:
    parsing: Any = importlib.import_module("moto.cloudformation.parsing")
    original = parsing.ResourceMap.load_parameters

    def load_parameters(self: Any) -> None:
        original(self)
        for name, slot in (self._template.get("Parameters") or {}).items():
            kind = str(slot.get("Type", ""))
            value = self.resolved_parameters.get(name)
            if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(
                value, str
            ):
                self.resolved_parameters[name] = value.split(",")
                if name in self._parsed_resources:  # what Ref resolves from
                    self._parsed_resources[name] = self.resolved_parameters[name]

    parsing.ResourceMap.load_parameters = load_parameters


@_patch(
    "endpoint-subnets-exist",
    "AWS fails an interface endpoint whose subnet does not exist (InvalidSubnetID.NotFound); "
    "moto creates it anyway. The patch looks each subnet up through moto's own get_subnet "
    "first (stricter, never more lenient).",
)
def _endpoint_subnets() -> None:
    vpcs: Any = importlib.import_module("moto.ec2.models.vpcs")

    original = vpcs.VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        for subnet_id in kwargs.get("subnet_ids") or []:
            self.get_subnet(subnet_id)
        return original(self, *args, **kwargs)

    vpcs.VPCBackend.create_vpc_endpoint = create_vpc_endpoint


@_patch(
    "template-url-on-loopback",
    "moto reads a TemplateURL path-style (host/bucket/key) only when its host is 'localhost'; "
    "on the local endpoint's 127.0.0.1 it took '127' for the bucket, so a template deployed "
    "through S3 (`--s3-bucket`, needed over 51,200 bytes) failed with NoSuchBucket. The patch "
    "reads loopback URLs path-style too; the object still comes from moto's own S3.",
)
def _template_url() -> None:
    for module_name in ("moto.cloudformation.responses", "moto.cloudformation.models"):
        module: Any = importlib.import_module(module_name)
        original = module.get_stack_from_s3_url

        def get_stack_from_s3_url(
            template_url: str, account_id: str, partition: str, original: Any = original
        ) -> str:
            parts = urlparse(template_url)
            try:
                loopback = ipaddress.ip_address(parts.hostname or "").is_loopback
            except ValueError:
                loopback = False
            if loopback:
                template_url = parts._replace(netloc=f"localhost:{parts.port}").geturl()
            return str(original(template_url, account_id=account_id, partition=partition))

        module.get_stack_from_s3_url = get_stack_from_s3_url


def apply() -> list[str]:
    """Install every patch into this process's moto; returns their names."""
    import moto

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"privgw's moto patches were written for moto {MOTO_VERSION}, not {moto.__version__}"
        )
    for install in _INSTALLERS:
        install()
    return [name for name, _ in PATCHES]

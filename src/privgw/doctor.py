"""Diagnose a deployed private API (``privgw doctor STACK``): read the stack, its API, stage,
endpoints and security group back from AWS and check each against what the stack's template
(and, given one, the config) says, with a pass/fail line and the fix. A consumer stack
(``kind: consumer``) has no API of its own: its endpoint, group, access association and the
DNS record that points the provider's name at its endpoint are checked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from privgw import naming
from privgw.aws import aws_client, aws_errors, describe_failure
from privgw.config import Config, ConsumerStack
from privgw.evaluate import ApiArn, resolve
from privgw.flavours import Flavour
from privgw.rendering import parse_template
from privgw.template_diff import normal_policy, template_differences


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'pass' if self.passed else 'FAIL'}  {self.name:<22} {self.detail}"
        return text + (f"\n      fix: {self.fix}" if self.fix and not self.passed else "")


@dataclass
class _Stack:
    name: str
    account: str
    region: str
    template: dict[str, Any]
    physical: dict[str, str]
    types: dict[str, str]
    parameters: dict[str, str]
    #: The template as deployed, before any transform (a SAM stack's Serverless resources).
    original: dict[str, Any]

    def refs(self, api_id: str) -> dict[str, Any]:
        refs: dict[str, Any] = dict(self.parameters)
        refs |= self.physical
        refs |= {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "RestApi": api_id,
        }
        return refs

    def of_type(self, resource_type: str) -> list[str]:
        return sorted(k for k, t in self.types.items() if t == resource_type)


def _read_stack(cfn: Any, name: str) -> _Stack:
    (described,) = cfn.describe_stacks(StackName=name)["Stacks"]
    arn = described["StackId"].split(":")
    template, original = (
        _template_of(cfn.get_template(StackName=name, TemplateStage=stage)["TemplateBody"])
        for stage in ("Processed", "Original")
    )
    physical, types = {}, {}
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name):
        for resource in page["StackResourceSummaries"]:
            physical[resource["LogicalResourceId"]] = resource.get("PhysicalResourceId", "")
            types[resource["LogicalResourceId"]] = resource["ResourceType"]
    parameters = {
        p["ParameterKey"]: p.get("ResolvedValue", p.get("ParameterValue", ""))
        for p in described.get("Parameters") or []
    }
    return _Stack(name, arn[4], arn[3], template, physical, types, parameters, original)


def _template_of(body: Any) -> dict[str, Any]:
    return body if isinstance(body, dict) else parse_template(body)


def doctor(
    stack_name: str,
    *,
    cfg: Config | ConsumerStack | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> list[Check]:
    """Every check on ``stack_name``, in the order a caller's request meets what they check."""
    cfn = aws_client("cloudformation", region, endpoint_url)
    apigw = aws_client("apigateway", region, endpoint_url)
    ec2 = aws_client("ec2", region, endpoint_url)
    route53 = aws_client("route53", region, endpoint_url)
    try:
        stack = _read_stack(cfn, stack_name)
        created = [stack.physical[e] for e in stack.of_type("AWS::EC2::VPCEndpoint")]
        described = (
            ec2.describe_vpc_endpoints(VpcEndpointIds=created)["VpcEndpoints"] if created else []
        )
        return _checks(stack, cfg, apigw, ec2, described) + _record_checks(
            stack, route53, described
        )
    except aws_errors() as exc:
        raise describe_failure(exc, f"read stack {stack_name}") from None


def _checks(
    stack: _Stack,
    cfg: Config | ConsumerStack | None,
    apigw: Any,
    ec2: Any,
    endpoints: list[dict[str, Any]],
) -> list[Check]:
    """``endpoints``: the stack's created endpoints as EC2 describes them."""
    checks: list[Check] = [_config_check(stack, cfg)] if cfg is not None else []
    checks += _endpoint_checks(ec2, endpoints)
    checks += _group_checks(stack, ec2)
    apis = stack.of_type("AWS::ApiGateway::RestApi")
    if not apis and stack.of_type("AWS::ApiGateway::DomainNameAccessAssociation"):
        return [*checks, *_domain_checks(stack)]  # a consumer stack: the API is the provider's
    if not apis:
        return [*checks, Check("api", False, f"stack {stack.name} has no REST API")]
    logical = apis[0]
    api_id = stack.physical[logical]
    api = apigw.get_rest_api(restApiId=api_id)
    props = stack.template["Resources"][logical].get("Properties") or {}
    refs = stack.refs(api_id)
    created = {stack.physical[e] for e in stack.of_type("AWS::EC2::VPCEndpoint")}
    checks += _api_checks(api, props, refs, created)
    arn = ApiArn(api_id, region=stack.region, account=stack.account)
    deployed = json.loads(api["policy"].replace('\\"', '"').strip('"')) if api.get("policy") else {}
    expected = resolve(props.get("Policy") or {}, refs)
    same = normal_policy(deployed, arn) == normal_policy(expected, arn)
    stage = next(iter(stack.of_type("AWS::ApiGateway::Stage")), "")
    checks.append(
        Check(
            "policy",
            same,
            "the deployed resource policy is the template's"
            if same
            else "the deployed resource policy differs from the template's (changed outside "
            "CloudFormation: deploying the same template again changes nothing)",
            f"restore it: aws apigateway update-rest-api --rest-api-id {api_id} "
            "--patch-operations op=replace,path=/policy,value="
            f"'{json.dumps(expected, separators=(',', ':'))}' && aws apigateway "
            f"create-deployment --rest-api-id {api_id} --stage-name "
            f"{stack.physical.get(stage, 'STAGE')}",
        )
    )
    checks += _stage_checks(stack, apigw, api_id)
    checks += _domain_checks(stack)
    return checks


def _endpoint_checks(ec2: Any, endpoints: list[dict[str, Any]]) -> list[Check]:
    checks = []
    for endpoint in endpoints:
        vpce = endpoint["VpcEndpointId"]
        state = str(endpoint.get("State", "")).lower()
        checks.append(
            Check(
                "endpoint",
                state == "available",
                f"{vpce} is {state or 'in an unknown state'}",
                "wait for it, or see its events in the VPC console",
            )
        )
        others = [
            e["VpcEndpointId"]
            for e in ec2.describe_vpc_endpoints(
                Filters=[
                    {"Name": "vpc-id", "Values": [endpoint["VpcId"]]},
                    {"Name": "service-name", "Values": [endpoint["ServiceName"]]},
                ]
            )["VpcEndpoints"]
            if e["VpcEndpointId"] != vpce and e.get("PrivateDnsEnabled")
        ]
        if endpoint.get("PrivateDnsEnabled"):
            checks.append(
                Check(
                    "private-dns",
                    not others,
                    f"{vpce} has private DNS on"
                    + (f", and so do {', '.join(others)} in the same VPC" if others else ""),
                    "only one execute-api endpoint per VPC may have private DNS: turn it off on "
                    "the others (callers use their alias URLs)",
                )
            )
        else:
            owner = f"{', '.join(others)} owns it" if others else "no endpoint in the VPC has it"
            checks.append(
                Check(
                    "private-dns",
                    True,
                    f"{vpce} has private DNS off ({owner}): call it through its alias URL",
                )
            )
    return checks


def _config_check(stack: _Stack, cfg: Config | ConsumerStack) -> Check:
    """Whether the stack was deployed from what ``cfg`` builds now: a difference is not drift,
    and the fix is a build and deploy, not a repair by hand."""
    from privgw.resources.template import build_any  # noqa: PLC0415 - troposphere, only here

    flavour: Flavour = "sam" if "Transform" in stack.original and isinstance(cfg, Config) else "cfn"
    differences = template_differences(build_any(cfg, flavour).to_dict(), stack.original)
    return Check(
        "config",
        not differences,
        "the stack was deployed from what this config builds"
        if not differences
        else "the config and the stack differ (the checks below compare the stack with its own "
        "template): " + "; ".join(differences[:4]) + (" ..." if len(differences) > 4 else ""),
        "build the config and deploy it: privgw build CONFIG, then privgw deploy TEMPLATE "
        f"--stack-name {stack.name}; or pass the config the stack was built from",
    )


def _ingress_cidrs(stack: _Stack, group: str) -> list[tuple[str, str]]:
    """The (kind, CIDR) pairs the stack's template admits on TCP 443 to ``group``."""
    refs = stack.refs("")
    props = stack.template["Resources"][group].get("Properties") or {}
    found = []
    for rule in props.get("SecurityGroupIngress") or []:
        for kind in ("CidrIp", "CidrIpv6"):
            if kind in rule:
                found.append((kind, str(resolve(rule[kind], refs))))
    return found


def _group_checks(stack: _Stack, ec2: Any) -> list[Check]:
    """Each caller CIDR the stack's template admits is still admitted; a rule removed outside
    CloudFormation is drift, which deploying the same template again does not repair."""
    groups = stack.of_type("AWS::EC2::SecurityGroup")
    if not groups:
        return []
    group_id = stack.physical[groups[0]]
    (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    admitted = set()
    for rule in group.get("IpPermissions") or []:
        if rule.get("IpProtocol") in ("tcp", "-1") and rule.get("FromPort", 443) <= 443 <= rule.get(
            "ToPort", 443
        ):
            admitted |= {r["CidrIp"] for r in rule.get("IpRanges") or []}
            admitted |= {r["CidrIpv6"] for r in rule.get("Ipv6Ranges") or []}
    missing = [(k, c) for k, c in _ingress_cidrs(stack, groups[0]) if c not in admitted]
    ranges = {"CidrIp": "IpRanges", "CidrIpv6": "Ipv6Ranges"}
    restore = " && ".join(
        f"aws ec2 authorize-security-group-ingress --group-id {group_id} --ip-permissions "
        f"'IpProtocol=tcp,FromPort=443,ToPort=443,{ranges[k]}=[{{{k}={c}}}]'"
        for k, c in missing
    )
    return [
        Check(
            "security-group",
            not missing,
            f"{group_id} admits TCP 443 from every caller CIDR of the stack's template"
            if not missing
            else f"{group_id} does not admit TCP 443 from {', '.join(c for _, c in missing)}, "
            "which the stack's template does: the rule was removed outside CloudFormation, and "
            "deploying the same template again changes nothing",
            f"restore it: {restore}",
        )
    ]


def _api_checks(
    api: Mapping[str, Any], props: Mapping[str, Any], refs: Mapping[str, Any], created: set[str]
) -> list[Check]:
    config = api.get("endpointConfiguration") or {}
    private = "PRIVATE" in (config.get("types") or [])
    listed = set(config.get("vpcEndpointIds") or [])
    wanted_config = props.get("EndpointConfiguration") or {}
    wanted = {str(v) for v in resolve(wanted_config.get("VpcEndpointIds") or [], refs)} | created
    missing = sorted(wanted - listed)
    return [
        Check(
            "api-private",
            private,
            f"API {api['id']} is {'PRIVATE' if private else 'not PRIVATE'}",
            "set EndpointConfiguration Types [PRIVATE]",
        ),
        Check(
            "api-endpoints",
            not missing,
            f"the API lists the stack's endpoints ({', '.join(sorted(wanted)) or 'none'})"
            if not missing
            else f"the API does not list {', '.join(missing)}: calls through it get 403",
            "add the endpoint to the API's EndpointConfiguration.VpcEndpointIds (privgw "
            "does from endpoint.create / existing_ids) and redeploy",
        ),
    ]


def _stage_checks(stack: _Stack, apigw: Any, api_id: str) -> list[Check]:
    deployments = stack.of_type("AWS::ApiGateway::Deployment")
    stages = {s["stageName"]: s for s in apigw.get_stages(restApiId=api_id).get("item") or []}
    checks = []
    for logical in stack.of_type("AWS::ApiGateway::Stage"):
        stage_name = stack.physical[logical]
        stage = stages.get(stage_name)
        if stage is None:
            checks.append(Check("stage", False, f"stage {stage_name} does not exist"))
            continue
        # privgw's redeploy custom resource names the deployment it made last
        current = {stack.physical[d] for d in [*deployments, *stack.of_type(naming.REDEPLOY_TYPE)]}
        serves = stage.get("deploymentId")
        ok = serves in current
        checks.append(
            Check(
                "stage-deployment",
                ok,
                f"stage {stage_name} serves the stack's current deployment {serves}"
                if ok
                else f"stage {stage_name} serves deployment {serves}, not the stack's "
                f"{', '.join(sorted(current))}: a missed redeploy, callers get the old API",
                "create a deployment (aws apigateway create-deployment) or redeploy with a "
                "template whose Deployment id changes with the API (privgw's does)",
            )
        )
    return checks


def _domain_checks(stack: _Stack) -> list[Check]:
    associations = stack.of_type("AWS::ApiGateway::DomainNameAccessAssociation")
    return [
        Check(
            "domain-access",
            bool(stack.physical.get(a)),
            f"access association {a} exists ({stack.physical.get(a) or 'missing'})",
            "redeploy: the association lets the endpoint reach the private domain",
        )
        for a in associations
    ]


def _record_checks(stack: _Stack, route53: Any, endpoints: list[dict[str, Any]]) -> list[Check]:
    """Each alias record of the stack (a custom domain's name) still points at its endpoint:
    a record deleted or changed by hand leaves the name resolving nowhere, or elsewhere."""
    checks = []
    refs = stack.refs("")
    for logical in stack.of_type("AWS::Route53::RecordSet"):
        props = stack.template["Resources"][logical].get("Properties") or {}
        name = str(props.get("Name", "")).rstrip(".")
        zone = str(resolve(props.get("HostedZoneId"), refs))
        expected = _alias_target(props, refs, endpoints)
        records = route53.list_resource_record_sets(
            HostedZoneId=zone, StartRecordName=name, StartRecordType="A"
        )["ResourceRecordSets"]
        targets = [
            str((r.get("AliasTarget") or {}).get("DNSName", "")).rstrip(".")
            for r in records
            if r.get("Type") == "A" and str(r.get("Name", "")).rstrip(".") == name
        ]
        wrong = [t for t in targets if t.lower() != expected.lower()]
        ok = bool(targets) and not wrong
        checks.append(
            Check(
                "dns-record",
                ok,
                f"{name} points at {expected} (zone {zone})"
                if ok
                else f"{name} in zone {zone} "
                + (f"points at {wrong[0] or 'no alias'}, not {expected}" if wrong else "is missing")
                + ": callers cannot resolve it to the endpoint",
                "the record was changed outside CloudFormation (deploying the same template "
                f"again changes nothing): aws route53 change-resource-record-sets "
                f"--hosted-zone-id {zone} --change-batch with an UPSERT of the A record {name} "
                f"aliasing {expected}",
            )
        )
    return checks


def _alias_target(
    props: Mapping[str, Any], refs: Mapping[str, Any], endpoints: list[dict[str, Any]]
) -> str:
    """The DNS name the record should alias: a literal or parameter, or the created
    endpoint's own name (the template selects it from the endpoint's DnsEntries)."""
    value = (props.get("AliasTarget") or {}).get("DNSName")
    if isinstance(value, str) or (isinstance(value, Mapping) and set(value) == {"Ref"}):
        return str(resolve(value, refs)).rstrip(".")
    return str(endpoints[0]["DnsEntries"][0]["DnsName"]).rstrip(".")

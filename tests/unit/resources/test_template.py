"""What the template says: the security-relevant content, for every example and variant."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from privgw import Config, ConfigError, build_template, load_config, naming, render
from privgw.config import Route
from privgw.config.api import Mock
from privgw.config.auth import CognitoAuth, LambdaAuth
from privgw.model import resolve_api
from privgw.rendering import parse_template
from privgw.resources import parameters, redeploy
from privgw.resources.outputs import BODY_METHODS, example_route, private_dns_url_may_work
from privgw.resources.policy import API_RESOURCE
from privgw.resources.service import service_ids
from privgw.resources.stage import access_log_format
from tests.support.configs import (
    BASE_CONFIG,
    DELETE,
    ROOT,
    assert_no_environment_literals,
    one_of,
    resources_of,
    with_changes,
)

Build = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def example_template(example: Path) -> dict[str, Any]:
    result: dict[str, Any] = build_template(load_config(example)).to_dict()
    return result


def _plain(value: Any) -> Any:
    """A troposphere helper (Ref) as the dict it renders to; plain values unchanged."""
    return value.to_dict() if hasattr(value, "to_dict") else value


def test_api_is_private_with_deny_by_default_policy(
    example_template: dict[str, Any], example: Path
) -> None:
    cfg = load_config(example)
    api = one_of(example_template, "AWS::ApiGateway::RestApi")["Properties"]
    endpoints = api["EndpointConfiguration"].get("VpcEndpointIds", [])
    assert api["EndpointConfiguration"]["Types"] == ["PRIVATE"]
    assert "IpAddressType" not in api["EndpointConfiguration"]
    allow, deny, *more = api["Policy"]["Statement"]
    principals = cfg.access.iam_principals
    principal_sids = ("DenyUnlistedPrincipals", "DenySignedCallersOfOtherAccounts")
    cidr_deny = [s for s in more if s["Sid"] not in principal_sids]
    principal_deny = [s for s in more if s["Sid"] == "DenyUnlistedPrincipals"]
    assert len(principal_deny) == (1 if principals else 0), "listed principals need a Deny"
    signs = any(cfg.auth_of(r) == "iam" for r in cfg.routes)
    foreign = [s for s in more if s["Sid"] == "DenySignedCallersOfOtherAccounts"]
    assert len(foreign) == (1 if signs and not principals else 0), "IAM: this account only"
    assert allow == {
        "Sid": "AllowInvoke",
        "Effect": "Allow",
        "Principal": {"AWS": list(principals)} if principals else "*",
        "Action": ["execute-api:Invoke"],
        "Resource": [API_RESOURCE],
    }
    for statement in (deny, *more):
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] == "*"
        assert statement["Action"] == ["execute-api:Invoke"]
        assert statement["Resource"] == [API_RESOURCE]
    keys = {"aws:SourceVpce": endpoints} if endpoints else {}
    if cfg.access.vpc_ids:
        keys["aws:SourceVpc"] = list(cfg.access.vpc_ids)
    assert deny["Condition"] == {"StringNotEquals": keys}
    if cfg.access.source_cidrs:
        (only,) = cidr_deny
        assert only["Condition"] == {
            "NotIpAddress": {"aws:VpcSourceIp": list(cfg.access.source_cidrs)}
        }
    else:
        assert cidr_deny == []
    assert "aws:SourceIp" not in json.dumps(api["Policy"])


def test_endpoint_and_security_group(example_template: dict[str, Any], example: Path) -> None:
    cfg = load_config(example)
    endpoints = resources_of(example_template, "AWS::EC2::VPCEndpoint")
    groups = resources_of(example_template, "AWS::EC2::SecurityGroup")
    if not cfg.endpoint.create:
        assert not endpoints
        assert not groups
        return
    props = one_of(example_template, "AWS::EC2::VPCEndpoint")["Properties"]
    assert props["VpcEndpointType"] == "Interface"
    assert props["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.execute-api"}
    assert props["PrivateDnsEnabled"] is cfg.endpoint.private_dns
    assert props["SubnetIds"] == _plain(parameters.subnet_ids(cfg))
    if not (cfg.reusable and cfg.endpoint.security_group_ids):  # else a list parameter
        assert props["SecurityGroupIds"] == [
            {"Ref": "EndpointSecurityGroup"},
            *cfg.endpoint.security_group_ids,
        ]
    sg = groups["EndpointSecurityGroup"]["Properties"]
    ingress = sg["SecurityGroupIngress"]
    sources = [
        r.get("CidrIp") or r.get("CidrIpv6") or r.get("SourceSecurityGroupId") for r in ingress
    ]
    net = cfg.network_required
    cidrs = parameters.values(cfg, parameters.ALLOWED_CIDR, net.allowed_cidrs)
    source_groups = parameters.values(cfg, parameters.SOURCE_GROUP, net.source_security_group_ids)
    assert sources == [*map(_plain, cidrs), *map(_plain, source_groups)]
    for rule in ingress:
        assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 443, 443)
        assert rule["Description"]
    assert sources
    assert not {"0.0.0.0/0", "::/0"} & {s for s in sources if isinstance(s, str)}
    (egress,) = sg["SecurityGroupEgress"]
    assert egress["CidrIp"] == "255.255.255.255/32", "no usable egress"


def test_function_role_is_least_privilege(example_template: dict[str, Any], example: Path) -> None:
    cfg = load_config(example)
    ours = [naming.REDEPLOY_ROLE, naming.REDEPLOY_FUNCTION]  # tests/integration/test_redeploy.py's
    ours += [service_ids(name) for name in cfg.services]  # test_services.py proves these
    roles = resources_of(example_template, "AWS::IAM::Role")
    functions = resources_of(example_template, "AWS::Lambda::Function")
    roles, functions = ({k: v for k, v in d.items() if k not in ours} for d in (roles, functions))
    assert len(roles) == len(functions) == len(cfg.all_functions)
    for name, config_fn in cfg.all_functions.items():
        ids = naming.function_ids(name)
        role = roles[ids.role]["Properties"]
        trust = role["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["lambda.amazonaws.com"]},
                "Action": ["sts:AssumeRole"],
            }
        ]
        assert "ManagedPolicyArns" not in role
        (policy,) = role["Policies"]
        statement, *vpc = policy["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
        assert statement["Resource"] == [{"Fn::GetAtt": [ids.log_group, "Arn"]}], "own log group"
        if config_fn.vpc is None:
            assert vpc == []
        else:
            (network,) = vpc
            assert all(a.startswith("ec2:") for a in network["Action"])
            assert "ec2:CreateNetworkInterface" in network["Action"]
        fn = functions[ids.function]["Properties"]
        assert fn["Role"] == {"Fn::GetAtt": [ids.role, "Arn"]}
        assert fn["LoggingConfig"] == {"LogGroup": {"Ref": ids.log_group}}


def test_one_permission_per_function_scoped_to_this_api(
    example_template: dict[str, Any], example: Path
) -> None:
    """One per function, not per route; a function that only authorizes may be invoked by
    this API's authorizers only."""
    cfg = load_config(example)
    permissions = resources_of(example_template, "AWS::Lambda::Permission")
    assert sorted(permissions) == sorted(
        naming.function_ids(name).permission
        for name in [*cfg.all_functions, *cfg.existing_functions]
    )
    for name, existing in cfg.existing_functions.items():
        props = permissions[naming.function_ids(name).permission]["Properties"]
        assert props["FunctionName"] == existing.arn
        assert props["SourceArn"]["Fn::Sub"].endswith(":${RestApi}/*")
    routed = {cfg.target_of(r).name for r in cfg.routes if cfg.target_of(r).kind == "function"}
    for name in cfg.all_functions:
        props = permissions[naming.function_ids(name).permission]["Properties"]
        assert props["FunctionName"] == {"Fn::GetAtt": [naming.function_ids(name).function, "Arn"]}
        assert props["Principal"] == "apigateway.amazonaws.com"
        assert props["Action"] == "lambda:InvokeFunction"
        scope = "*" if name in routed else "authorizers/*"
        assert props["SourceArn"] == {
            "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
            "${RestApi}/" + scope
        }
        assert props["SourceAccount"] == {"Ref": "AWS::AccountId"}


def check_integration(cfg: Config, route: Route, props: dict[str, Any]) -> None:
    """The method of ``route`` reaches what its target says, the way that target is reached."""
    target = cfg.target_of(route)
    if target.kind == "function":
        assert target.name is not None
        _check_lambda(cfg, target.name, props["Integration"])
    elif target.kind == "backend":
        assert target.name is not None
        _check_backend(cfg, target.name, route, props)
    elif target.kind == "existing_function":
        assert target.name is not None
        existing = cfg.existing_functions[target.name]
        assert props["Integration"]["Type"] == "AWS_PROXY"
        assert props["Integration"]["Uri"]["Fn::Sub"][1] == {"FunctionArn": existing.arn}
    elif target.kind == "service":
        assert target.name is not None
        assert props["Integration"]["Type"] == "AWS"
        assert props["Integration"]["Credentials"] == {
            "Fn::GetAtt": [service_ids(target.name), "Arn"]
        }
    else:
        assert route.mock is not None
        _check_mock(route.mock, props)


def _check_lambda(cfg: Config, name: str, integration: dict[str, Any]) -> None:
    fn = cfg.all_functions[name]
    assert integration["Type"] in ("AWS_PROXY", "AWS")  # AWS: mapped (test_mapping.py)
    assert integration["IntegrationHttpMethod"] == "POST"
    arn = "${" + naming.function_ids(name).function + ".Arn}"
    uri = integration["Uri"]["Fn::Sub"]
    if fn.response_streaming:
        assert uri.endswith("/2021-11-15/functions/" + arn + "/response-streaming-invocations")
        assert integration["ResponseTransferMode"] == "STREAM"
    else:
        assert uri.endswith("/2015-03-31/functions/" + arn + "/invocations")
        assert "ResponseTransferMode" not in integration
    assert integration["TimeoutInMillis"] == fn.timeout * 1000


def _check_backend(cfg: Config, name: str, route: Route, props: dict[str, Any]) -> None:
    integration = props["Integration"]
    backend = cfg.backends[name]
    assert integration["Type"] == ("HTTP" if route.integration else "HTTP_PROXY")
    assert integration["IntegrationHttpMethod"] == route.method
    assert integration["ConnectionType"] == ("INTERNET" if backend.internet else "VPC_LINK")
    path = re.sub(r"\{(\w+)\+\}", r"{\1}", route.target_path or route.path)
    assert integration["Uri"] == backend.base_url + path
    if backend.internet:
        assert "ConnectionId" not in integration
    elif (backend.vpc_link is not None and backend.vpc_link.created) or (
        backend.vpc_link_v1 is not None and backend.vpc_link_v1.created
    ):
        assert integration["ConnectionId"] == {"Ref": naming.vpc_link_id(name)}
    elif not cfg.reusable:
        link = backend.vpc_link or backend.vpc_link_v1
        assert link is not None
        assert integration["ConnectionId"] == link.id
    if backend.vpc_link is not None and not cfg.reusable:
        assert integration["IntegrationTarget"] == backend.load_balancer_arn
    if backend.vpc_link_v1 is not None:
        assert "IntegrationTarget" not in integration
    mapping = route.integration
    variables = re.findall(r"\{(\w+)\+?\}", route.target_path or route.path)
    assert integration.get("RequestParameters", {}) == {
        f"integration.request.path.{v}": f"method.request.path.{v}" for v in variables
    } | (mapping.request_parameters if mapping else {})
    declared = {f"method.request.path.{v}": True for v in re.findall(r"\{(\w+)\+?\}", route.path)}
    if mapping is not None:  # what the mappings read (test_mapping.py)
        declared |= {p: p.startswith("method.request.path.") for p in mapping.method_parameters()}
    assert props.get("RequestParameters", {}) == declared
    assert integration["TimeoutInMillis"] == backend.timeout * 1000


def _check_mock(mock: Mock, props: dict[str, Any]) -> None:
    integration = props["Integration"]
    assert integration["Type"] == "MOCK"
    assert integration["PassthroughBehavior"] == "NEVER", "other content types get 415"
    assert json.loads(integration["RequestTemplates"]["application/json"]) == {
        "statusCode": mock.status
    }
    (response,) = integration["IntegrationResponses"]
    assert response["StatusCode"] == str(mock.status)
    assert response["ResponseTemplates"] == {mock.content_type: mock.body}
    headers = {f"method.response.header.{k}": f"'{v}'" for k, v in mock.headers.items()}
    assert response.get("ResponseParameters", {}) == headers
    (declared,) = props["MethodResponses"]
    assert declared["StatusCode"] == str(mock.status)
    assert set(declared.get("ResponseParameters", {})) == set(headers)


def check_authorization(cfg: Config, route: Route, props: dict[str, Any]) -> None:
    """The method asks for what the route's auth says, and for a key when it requires one."""
    auth = cfg.auth_of(route)
    kind = {"iam": "AWS_IAM", "none": "NONE"}.get(auth) if isinstance(auth, str) else None
    if isinstance(auth, LambdaAuth):
        kind = "CUSTOM"
        assert props["AuthorizerId"]["Ref"].startswith(naming.capitalised(auth.function))
    elif isinstance(auth, CognitoAuth):
        kind = "COGNITO_USER_POOLS"
        assert props["AuthorizerId"]["Ref"].startswith("CognitoAuthorizer")
        assert props.get("AuthorizationScopes", []) == list(auth.cognito.scopes)
    else:
        assert "AuthorizerId" not in props
    assert props["AuthorizationType"] == kind
    assert props.get("ApiKeyRequired", False) is route.api_key_required


def test_routes_become_resources_and_methods_with_their_integrations(
    example_template: dict[str, Any], example: Path
) -> None:
    cfg = load_config(example)
    methods = resources_of(example_template, "AWS::ApiGateway::Method")
    resources = resources_of(example_template, "AWS::ApiGateway::Resource")
    model = resolve_api(cfg)
    assert len(methods) == len(model.methods)
    by_id = {k: v["Properties"] for k, v in resources.items()}

    def path_of(ref: Any) -> str:
        if ref == {"Fn::GetAtt": ["RestApi", "RootResourceId"]}:
            return ""
        node = by_id[ref["Ref"]]
        return path_of(node["ParentId"]) + "/" + str(node["PathPart"])

    routes = {(r.method, r.path): r for r in cfg.routes}
    preflights = {(m.http_method, m.path) for m in model.methods if m.is_preflight}
    served = set()
    for method in methods.values():
        props = method["Properties"]
        key = (props["HttpMethod"], path_of(props["ResourceId"]) or "/")
        served.add(key)
        if key in preflights:
            assert props["Integration"]["Type"] == "MOCK"
            assert props["AuthorizationType"] == "NONE", "preflights carry no credentials"
            continue
        check_integration(cfg, routes[key], props)
        check_authorization(cfg, routes[key], props)
    assert served == set(routes) | preflights


def test_deployment_and_stage(example_template: dict[str, Any], example: Path) -> None:
    cfg = load_config(example)
    ((dep_id, dep),) = resources_of(example_template, "AWS::ApiGateway::Deployment").items()
    assert re.fullmatch(r"Deployment[0-9a-f]{12}", dep_id)
    methods = resources_of(example_template, "AWS::ApiGateway::Method")
    responses = resources_of(example_template, "AWS::ApiGateway::GatewayResponse")
    assert sorted(dep["DependsOn"]) == sorted([*methods, *responses]), "waits for all it serves"
    stage = one_of(example_template, "AWS::ApiGateway::Stage")["Properties"]
    assert stage["DeploymentId"] == {"Ref": dep_id}
    assert stage["StageName"] == _plain(parameters.stage_name(cfg))
    assert stage["TracingEnabled"] is True
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["AccessLogGroup", "Arn"]}
    if cfg.stage.access_log_format is None:
        log = json.loads(stage["AccessLogSetting"]["Format"])
        assert log["vpceId"] == "$context.identity.vpceId"
    else:  # the config's own (test_stage_settings.py)
        assert stage["AccessLogSetting"]["Format"] == access_log_format(cfg)
    retention = {
        k: v["Properties"]["RetentionInDays"]
        for k, v in resources_of(example_template, "AWS::Logs::LogGroup").items()
    }
    assert retention == {
        "AccessLogGroup": cfg.stage.log_retention_days,
        **{
            naming.function_ids(name).log_group: fn.log_retention_days
            for name, fn in cfg.all_functions.items()
        },
        **({naming.REDEPLOY_LOG_GROUP: 30} if redeploy.needs_redeployer(cfg) else {}),
    }


def test_outputs_give_every_invoke_form(example_template: dict[str, Any], example: Path) -> None:
    cfg = load_config(example)
    outputs = example_template["Outputs"]
    stage = parameters.stage_in_sub(cfg)
    assert outputs["RestApiId"]["Value"] == {"Ref": "RestApi"}
    aliases = {k: v for k, v in outputs.items() if k.startswith("AliasUrl")}
    n_endpoints = int(cfg.endpoint.create) + len(cfg.endpoint.existing_ids)
    assert len(aliases) == n_endpoints
    for alias in aliases.values():
        template, variables = alias["Value"]["Fn::Sub"]
        assert template == (
            "https://${RestApi}-${VpceId}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
            + stage
            + "/"
        )
        assert variables["VpceId"]
    if private_dns_url_may_work(cfg):
        private = outputs["PrivateDnsUrl"]["Value"]["Fn::Sub"]
        assert private == (
            f"https://${{RestApi}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{stage}/"
        )
    else:
        assert "PrivateDnsUrl" not in outputs
    if cfg.endpoint.create:
        curl, variables = outputs["CurlWithHeader"]["Value"]["Fn::Sub"]
        assert curl.startswith("curl -sS ")
        assert f"https://${{EndpointDns}}/{stage}/" in curl
        assert "-H 'x-apigw-api-id: ${RestApi}'" in curl
        assert outputs["EndpointDnsName"]["Value"] == variables["EndpointDns"]
        assert variables["EndpointDns"] == {
            "Fn::Select": [
                1,
                {
                    "Fn::Split": [
                        ":",
                        {"Fn::Select": [0, {"Fn::GetAtt": ["Endpoint", "DnsEntries"]}]},
                    ]
                },
            ]
        }


def test_no_account_region_or_partition_literals(
    example_template: dict[str, Any], example: Path
) -> None:
    """Nothing account- or region-specific but what the user wrote (e.g. IAM principals)."""
    text = json.dumps(example_template)
    cfg = load_config(example)
    written = list(cfg.access.iam_principals)
    written += [cfg.custom_domain.certificate_arn] if cfg.custom_domain else []
    written += [b.load_balancer_arn for b in cfg.backends.values() if b.load_balancer_arn]
    written += [f.arn for f in cfg.existing_functions.values()]
    for service in cfg.services.values():  # the ARN, and its parts the templates name
        written += [service.arn, *filter(None, [service.kms_key_arn])]
        written += [f'"Account": "{service.arn.split(":")[4]}"']  # an SQS queue's path
    for auth in [cfg.auth, *(r.auth for r in cfg.routes)]:
        if isinstance(auth, CognitoAuth):
            written += auth.cognito.user_pool_arns
    for literal in written:
        text = text.replace(literal, "")
    assert_no_environment_literals(text)


def test_private_dns_off_drops_private_dns_url(build_dict: Build) -> None:
    template = build_dict(with_changes(BASE_CONFIG, **{"endpoint.private_dns": False}))
    assert one_of(template, "AWS::EC2::VPCEndpoint")["Properties"]["PrivateDnsEnabled"] is False
    assert "PrivateDnsUrl" not in template["Outputs"]
    assert "AliasUrl" in template["Outputs"]
    assert "CurlWithHeader" in template["Outputs"]


def test_created_and_existing_endpoints_together(build_dict: Build) -> None:
    extra = "vpce-0123456789abcdef0"
    template = build_dict(with_changes(BASE_CONFIG, **{"endpoint.existing_ids": [extra]}))
    api = one_of(template, "AWS::ApiGateway::RestApi")["Properties"]
    expected = [{"Ref": "Endpoint"}, extra]
    assert api["EndpointConfiguration"]["VpcEndpointIds"] == expected
    assert (
        api["Policy"]["Statement"][1]["Condition"]["StringNotEquals"]["aws:SourceVpce"] == expected
    )
    assert {"AliasUrl1", "AliasUrl2"} <= set(template["Outputs"])


def test_account_role_is_opt_in_and_retained(build_dict: Build) -> None:
    assert not resources_of(build_dict(BASE_CONFIG), "AWS::ApiGateway::Account")
    template = build_dict(with_changes(BASE_CONFIG, api_gateway_account_role=True))
    account = one_of(template, "AWS::ApiGateway::Account")
    assert account["Properties"]["CloudWatchRoleArn"] == {
        "Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]
    }
    role = template["Resources"]["ApiGatewayCloudWatchRole"]
    assert role["DeletionPolicy"] == "Retain"
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": ["apigateway.amazonaws.com"]
    }
    assert template["Resources"]["Stage"]["DependsOn"] == ["ApiGatewayAccount"]


def test_access_logging_off_removes_log_group(build_dict: Build) -> None:
    template = build_dict(with_changes(BASE_CONFIG, stage={"access_logging": False}))
    assert "AccessLogGroup" not in template["Resources"]
    assert "AccessLogSetting" not in template["Resources"]["Stage"]["Properties"]


def test_throttling_becomes_method_settings(build_dict: Build) -> None:
    template = build_dict(
        with_changes(BASE_CONFIG, stage={"throttling_rate_limit": 5.5, "throttling_burst_limit": 9})
    )
    assert template["Resources"]["Stage"]["Properties"]["MethodSettings"] == [
        {
            "HttpMethod": "*",
            "ResourcePath": "/*",
            "ThrottlingBurstLimit": 9,
            "ThrottlingRateLimit": 5.5,
        }
    ]


def test_s3_code_and_environment(build_dict: Build) -> None:
    data = with_changes(
        BASE_CONFIG,
        **{
            "function.code": {
                "s3_bucket": "my-bucket",
                "s3_key": "a.zip",
                "s3_object_version": "3",
            },
            "function.handler": "app.main",
            "function.environment": {"BB": "2", "AA": "1"},
        },
    )
    fn = one_of(build_dict(data), "AWS::Lambda::Function")["Properties"]
    assert fn["Code"] == {"S3Bucket": "my-bucket", "S3Key": "a.zip", "S3ObjectVersion": "3"}
    assert list(fn["Environment"]["Variables"]) == ["AA", "BB"]


def test_tags_reach_every_taggable_resource(build_dict: Build) -> None:
    template = build_dict(with_changes(BASE_CONFIG, tags={"team": "x"}))
    untaggable = {
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::GatewayResponse",
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::Model",
        "AWS::ApiGateway::UsagePlanKey",
        "AWS::Lambda::Permission",
    }
    for name, resource in template["Resources"].items():
        if resource["Type"] in untaggable:
            continue
        tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
        assert tags["team"] == "x", name
        assert tags["privgw:api"] == "svc", name


def test_root_route_uses_root_resource(build_dict: Build) -> None:
    template = build_dict(with_changes(BASE_CONFIG, routes=DELETE))
    root = template["Resources"]["MethodRootAny"]["Properties"]
    assert root["ResourceId"] == {"Fn::GetAtt": ["RestApi", "RootResourceId"]}
    assert len(resources_of(template, "AWS::ApiGateway::Resource")) == 1


def test_yaml_and_json_describe_the_same_template(example: Path) -> None:
    template = build_template(load_config(example))
    assert parse_template(render(template, "yaml")) == parse_template(render(template, "json"))
    assert json.loads(render(template, "json")) == template.to_dict()


def test_largest_flat_api_fits_and_one_more_route_takes_the_body_form(build_dict: Build) -> None:
    fixed = len(build_dict(BASE_CONFIG)["Resources"]) - 2  # minus GET /hello's Resource+Method
    fits = (500 - fixed) // 2
    assert fits >= 240
    template = build_dict(with_changes(BASE_CONFIG, routes=[f"GET /r{i}" for i in range(fits)]))
    assert len(template["Resources"]) <= 500
    assert "Body" not in template["Resources"]["RestApi"]["Properties"]
    more = with_changes(BASE_CONFIG, routes=[f"GET /r{i}" for i in range(fits + 1)])
    as_body = build_dict(more)
    assert len(as_body["Resources"]["RestApi"]["Properties"]["Body"]["paths"]) == fits + 1
    with pytest.raises(ConfigError, match=r"routes: need 50\d template resources"):
        build_dict(with_changes(more, api_definition="resources"))


def test_endpoint_policy_limits_what_the_endpoint_reaches(build_dict: Build) -> None:
    plain = build_dict(BASE_CONFIG)
    assert "PolicyDocument" not in plain["Resources"]["Endpoint"]["Properties"]
    data = with_changes(
        BASE_CONFIG,
        **{"endpoint.policy": {"principals": ["arn:aws:iam::111122223333:role/caller"]}},
        auth="iam",  # only signed calls pass an endpoint policy naming principals
    )
    document = build_dict(data)["Resources"]["Endpoint"]["Properties"]["PolicyDocument"]
    (statement,) = document["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111122223333:role/caller"]}
    assert statement["Action"] == ["execute-api:Invoke"]
    assert statement["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*"}
    ]
    anywhere = with_changes(BASE_CONFIG, **{"endpoint.policy": {"account_apis_only": False}})
    (statement,) = build_dict(anywhere)["Resources"]["Endpoint"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert (statement["Principal"], statement["Resource"]) == ("*", ["*"])
    with pytest.raises(ConfigError, match=r"endpoint\.policy: applies only to an endpoint"):
        build_dict(
            with_changes(
                BASE_CONFIG,
                network=DELETE,
                endpoint={"create": False, "existing_ids": ["vpce-01234567"], "policy": {}},
            )
        )


def test_iam_apis_get_signed_curls_and_a_body_route_gets_a_curl_with_a_body(
    example_template: dict[str, Any], example: Path
) -> None:
    """An unsigned call to an IAM-authorized method gets 'Missing Authentication Token': a curl
    line signs (curl --aws-sigv4) exactly when the route it calls takes IAM callers."""
    cfg = load_config(example)
    curls = {
        key: output["Value"]["Fn::Sub"][0]
        for key, output in example_template["Outputs"].items()
        if key.startswith("Curl")
    }
    assert curls
    for key, curl in curls.items():
        signed = "--aws-sigv4 'aws:amz:${AWS::Region}:execute-api'" in curl
        shown = example_route(cfg, BODY_METHODS if key == "CurlWithBody" else ("GET",))
        assert shown is not None
        assert signed is (shown.auth == "iam"), key
        assert ('"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"' in curl) is signed
    takes_body = [r for r in cfg.routes if r.method in ("POST", "PUT", "PATCH", "ANY")]
    assert ("CurlWithBody" in curls) is bool(takes_body)
    if takes_body:
        method = "POST" if takes_body[0].method == "ANY" else takes_body[0].method
        assert f"curl -sS -X {method} https://" in curls["CurlWithBody"]
        assert "-d '{\"example\": true}'" in curls["CurlWithBody"]


def spread_config(functions: int, backends: int, routes: int) -> dict[str, Any]:
    """``routes`` flat routes spread round-robin over functions and backends."""
    names = [f"fn{i}" for i in range(functions)] + [f"be{i}" for i in range(backends)]
    alb = (
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/svc/0123456789abcdef"
    )
    return with_changes(
        BASE_CONFIG,
        function=DELETE,
        functions={f"fn{i}": BASE_CONFIG["function"] for i in range(functions)},
        backends={
            f"be{i}": {
                "load_balancer_arn": alb,
                "vpc_link": {
                    "subnet_ids": ["subnet-0123456789abcdef1"],
                    "security_group_ids": ["sg-0123456789abcdef0"],
                },
                "uri": "https://svc.internal.example.com",
            }
            for i in range(backends)
        },
        routes=[f"GET /r{i} -> {names[i % len(names)]}" for i in range(routes)],
    )


def test_resources_per_route_stay_two_plus_a_fixed_number_per_function_and_backend(
    build_dict: Build,
) -> None:
    """Each function adds its function, role, log group and one permission; each created
    VPC link one resource; each route one Resource and one Method, whatever its target."""

    def count(functions: int, backends: int, routes: int) -> int:
        return len(build_dict(spread_config(functions, backends, routes))["Resources"])

    base = count(1, 0, 10)
    assert count(1, 0, 20) - base == 20
    assert count(2, 0, 10) - base == 4
    assert count(1, 1, 10) - base == 1
    assert count(20, 5, 200) - count(1, 0, 200) == 19 * 4 + 5


def test_the_policy_does_not_grow_with_functions_or_backends(build_dict: Build) -> None:
    policies = [
        json.dumps(one_of(build_dict(spread_config(f, b, 30)), "AWS::ApiGateway::RestApi"))
        for f, b in ((1, 0), (20, 5), (15, 15))
    ]
    documents = [json.loads(p)["Properties"]["Policy"] for p in policies]
    assert documents[0] == documents[1] == documents[2]


def test_too_many_functions_for_one_template_is_a_clear_error(build_dict: Build) -> None:
    crowded = spread_config(50, 50, 200)
    with pytest.raises(ConfigError, match=r"routes: need \d+ template resources"):
        build_dict(with_changes(crowded, api_definition="resources"))
    assert len(build_dict(crowded)["Resources"]) <= 500, "the body form fits it"
    with pytest.raises(ConfigError, match=r"functions: has too many items .*at most 50"):
        build_dict(spread_config(51, 0, 51))


def test_secured_example_keys_plans_and_gateway_responses() -> None:
    """Keys are generated by API Gateway (no value in the template), each consumer's plan is
    on this API's stage with its own limits, and the default answers carry the request id."""
    cfg = load_config(ROOT / "examples" / "secured.yaml")
    template = build_template(cfg).to_dict()
    keys = resources_of(template, "AWS::ApiGateway::ApiKey")
    assert sorted(keys) == ["CheckoutApiKey", "ReportingApiKey"]
    assert all("Value" not in k["Properties"] for k in keys.values()), "no key value in a template"
    plans = resources_of(template, "AWS::ApiGateway::UsagePlan")
    for name, consumer in cfg.consumers.items():
        plan = plans[f"{naming.capitalised(name)}UsagePlan"]["Properties"]
        assert plan["ApiStages"] == [{"ApiId": {"Ref": "RestApi"}, "Stage": {"Ref": "Stage"}}]
        assert consumer.throttle is not None
        assert consumer.quota is not None
        assert plan["Throttle"] == {
            "RateLimit": consumer.throttle.rate,
            "BurstLimit": consumer.throttle.burst,
        }
        assert plan["Quota"] == {"Limit": consumer.quota.limit, "Period": consumer.quota.period}
    pairs = {
        (p["Properties"]["UsagePlanId"]["Ref"], p["Properties"]["KeyId"]["Ref"])
        for p in resources_of(template, "AWS::ApiGateway::UsagePlanKey").values()
    }
    assert pairs == {
        ("CheckoutUsagePlan", "CheckoutApiKey"),
        ("ReportingUsagePlan", "ReportingApiKey"),
    }
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in resources_of(template, "AWS::ApiGateway::GatewayResponse").values()
    }
    assert set(responses) >= {
        "MISSING_AUTHENTICATION_TOKEN",
        "ACCESS_DENIED",
        "UNAUTHORIZED",
        "AUTHORIZER_FAILURE",
        "QUOTA_EXCEEDED",
    }
    for kind, response in responses.items():
        (body,) = response["ResponseTemplates"].values()
        assert "$context.requestId" in body, kind
        assert response["ResponseParameters"] == {
            "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
            "gatewayresponse.header.Access-Control-Allow-Origin": "'https://orders.internal.example.com'",
        }, "one CORS origin: browsers can read the error"
    assert responses["QUOTA_EXCEEDED"]["StatusCode"] == "429"
    assert "resource policy" in responses["ACCESS_DENIED"]["ResponseTemplates"]["application/json"]


def test_curl_outputs_carry_the_credentials_their_route_needs(build_dict: Build) -> None:
    outputs = build_template(load_config(ROOT / "examples" / "secured.yaml")).to_dict()["Outputs"]
    for key in ("CurlWithAlias", "CurlWithBody", "CurlWithHeader"):
        text = json.dumps(outputs[key]["Value"])
        assert "Authorization: Bearer $TOKEN" in text, key
        assert "x-api-key: $API_KEY" in text, key
        assert "--aws-sigv4" not in text, key
    signed = build_dict(with_changes(BASE_CONFIG, auth="iam"))["Outputs"]["CurlWithAlias"]
    assert "--aws-sigv4" in json.dumps(signed["Value"]), "auth: iam signs without principals too"
    assert "SigV4" in signed["Description"]
    plain = build_dict(BASE_CONFIG)["Outputs"]["CurlWithAlias"]
    assert "$TOKEN" not in json.dumps(plain)
    assert "--aws-sigv4" not in json.dumps(plain)

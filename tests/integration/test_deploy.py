"""Deploy every example for real: the aws CLI against a local CloudFormation endpoint.

The endpoint is moto's server on a free 127.0.0.1 port, patched where moto 5.2.5 falls short
of AWS (tests/support/localaws/moto_compat/), started and stopped here. Set PRIVGW_AWS_ENDPOINT_URL
(and AWS credentials) to run the same tests against another endpoint.
"""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from privgw import Config, build_template, naming, render, validate_config
from privgw.cli import main
from privgw.config import Route
from privgw.config.auth import CognitoAuth, LambdaAuth
from privgw.config.mapping import Mapping
from privgw.config.stack import MAIN_FUNCTION
from privgw.flavours import Flavour
from privgw.model import resolve_api
from privgw.resources.auth import authorizer_specs
from privgw.resources.backend import backend_path
from privgw.resources.responses import gateway_response_specs
from privgw.resources.service import request_template, service_ids, service_integration
from privgw.resources.template import uses_body
from tests.support.configs import EXAMPLES, ROOT
from tests.support.localaws.deployed import (
    aws_deploy,
    deploy_cross_account,
    outputs_of,
    physical_id,
    stack_failure,
)
from tests.support.localaws.endpoint import ACCOUNT, REGION, LocalAws, create_network
from tests.support.localaws.stacks import deployable, example_data, localise

HELLO = ROOT / "examples" / "hello.yaml"
PLATFORM = ROOT / "examples" / "platform.yaml"


@pytest.fixture(autouse=True)
def _samtranslator_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


def resolved_policy(cfg: Config, endpoint_ids: list[str]) -> dict[str, Any]:
    """The policy privgw's template asks for, with the created endpoint's real id."""
    from privgw.evaluate import resolve  # noqa: PLC0415
    from privgw.resources.api import resource_policy  # noqa: PLC0415

    created = endpoint_ids[0] if cfg.endpoint.create else None
    refs = {"Endpoint": created, "AWS::AccountId": ACCOUNT}
    return dict(resolve(resource_policy(cfg), refs))


def check_custom_domain(local: LocalAws, stack: str, cfg: Config, api_id: str) -> None:
    """The private domain exists, maps to this API's stage, and its name points at the endpoint."""
    domain = cfg.custom_domain
    assert domain is not None
    apigw = local.client("apigateway")
    described = apigw.get_domain_name(domainName=domain.name)
    assert described["endpointConfiguration"]["types"] == ["PRIVATE"]
    (mapping,) = apigw.get_base_path_mappings(domainName=domain.name)["items"]
    assert (mapping["restApiId"], mapping["stage"]) == (api_id, cfg.stage.name)
    assert mapping["basePath"] == (domain.base_path or "(none)")
    assert outputs_of(local, stack)["CustomDomainUrl"] == (
        f"https://{domain.name}/{domain.base_path}"
    )
    if domain.hosted_zone is not None:
        route53 = local.client("route53")
        zone_id = (
            physical_id(local, stack, "CustomDomainZone")
            if domain.hosted_zone.create
            else domain.hosted_zone.id
        )
        if domain.hosted_zone.create:
            zone = route53.get_hosted_zone(Id=zone_id)
            assert zone["HostedZone"]["Name"].rstrip(".") == domain.name
            assert zone["HostedZone"]["Config"]["PrivateZone"] is True
            assert [v["VPCId"] for v in zone["VPCs"]] == [cfg.network_required.vpc_id]
        records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        (alias,) = [r for r in records if r["Type"] == "A" and r["Name"].rstrip(".") == domain.name]
        endpoint_id = outputs_of(local, stack)["VpcEndpointIds"].split(",")[0]
        assert alias["AliasTarget"]["DNSName"].rstrip(".").startswith(endpoint_id)


def check_deployed(  # noqa: PLR0915 - one read-back, assertion by assertion
    local: LocalAws, stack: str, cfg: Config, flavour: Flavour
) -> None:
    """Read the deployed stack back and compare with what the config asked for."""
    outputs = outputs_of(local, stack)
    api_id = outputs["RestApiId"]
    endpoint_ids = outputs["VpcEndpointIds"].split(",") if "VpcEndpointIds" in outputs else []
    api = local.aws("apigateway", "get-rest-api", "--rest-api-id", api_id)
    assert api["endpointConfiguration"]["types"] == ["PRIVATE"]
    assert sorted(api["endpointConfiguration"].get("vpcEndpointIds", [])) == sorted(endpoint_ids)
    policy = json.loads(api["policy"].replace('\\"', '"').strip('"'))
    assert policy == json.loads(json.dumps(resolved_policy(cfg, endpoint_ids)))
    if cfg.endpoint.create:
        created = endpoint_ids[0]
        (endpoint,) = local.aws("ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", created)[
            "VpcEndpoints"
        ]
        assert endpoint["ServiceName"] == f"com.amazonaws.{REGION}.execute-api"
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["PrivateDnsEnabled"] is cfg.endpoint.private_dns
        if cfg.endpoint.policy is not None:
            assert "InvokeThroughThisEndpoint" in endpoint["PolicyDocument"]
        assert endpoint["SubnetIds"] == cfg.network_required.subnet_ids
        dns_name = endpoint["DnsEntries"][0]["DnsName"]
        assert outputs["EndpointDnsName"] == dns_name
        if cfg.tls is None or not cfg.tls.strict:  # STRICT refuses this form
            assert outputs["CurlWithHeader"] == (
                f"curl -sS https://{dns_name}/{cfg.stage.name}/"
                + outputs["CurlWithHeader"].split(f"/{cfg.stage.name}/", 1)[1]
            )
            assert f"-H 'x-apigw-api-id: {api_id}'" in outputs["CurlWithHeader"]
            signed = "--aws-sigv4 'aws:amz:" + REGION + ":execute-api'"
            assert (signed in outputs["CurlWithHeader"]) is bool(cfg.access.iam_principals)
        group_id = physical_id(local, stack, "EndpointSecurityGroup")
        (group,) = local.aws("ec2", "describe-security-groups", "--group-ids", group_id)[
            "SecurityGroups"
        ]
        assert endpoint["Groups"][0]["GroupId"] == group_id
        ingress = group["IpPermissions"]
        assert {(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in ingress} == {
            ("tcp", 443, 443)
        }
        sources = {x["CidrIp"] for r in ingress for x in r.get("IpRanges", [])}
        sources |= {x["CidrIpv6"] for r in ingress for x in r.get("Ipv6Ranges", [])}
        sources |= {x["GroupId"] for r in ingress for x in r.get("UserIdGroupPairs", [])}
        net = cfg.network_required
        assert sources == {*net.allowed_cidrs, *net.source_security_group_ids}
    check_functions(local, cfg, flavour, outputs, api_id)
    stages = local.aws("apigateway", "get-stages", "--rest-api-id", api_id)["item"]
    (stage,) = [s for s in stages if s["stageName"] == cfg.stage.name]
    deployments = local.aws("apigateway", "get-deployments", "--rest-api-id", api_id)["items"]
    assert stage["deploymentId"] in {d["id"] for d in deployments}
    resources = local.aws("apigateway", "get-resources", "--rest-api-id", api_id)["items"]
    served = {(m, r["path"]) for r in resources for m in r.get("resourceMethods") or {}}
    assert served == {(m.http_method, m.path) for m in resolve_api(cfg).methods}
    check_integrations(local, cfg, stack, api_id, resources)
    check_access_control(local, cfg, flavour, outputs, api_id, resources)
    stage_url = f"{cfg.stage.name}/"
    for index, vpce in enumerate(endpoint_ids, start=1):
        key = "AliasUrl" if len(endpoint_ids) == 1 else f"AliasUrl{index}"
        assert outputs[key] == (
            f"https://{api_id}-{vpce}.execute-api.{REGION}.amazonaws.com/{stage_url}"
        )
    if cfg.custom_domain is not None:
        check_custom_domain(local, stack, cfg, api_id)
    if "PrivateDnsUrl" in outputs:
        assert outputs["PrivateDnsUrl"] == (
            f"https://{api_id}.execute-api.{REGION}.amazonaws.com/{stage_url}"
        )
    check_simulate_agrees(local, cfg, api, endpoint_ids, resources)


def check_simulate_agrees(
    local: LocalAws,
    cfg: Config,
    api: dict[str, Any],
    endpoint_ids: list[str],
    resources: list[dict[str, Any]],
) -> None:
    """privgw simulate's verdicts agree with the deployed stack where the local endpoint holds
    the answer: the deployed policy's decision through an allowed and an unknown endpoint, the
    routes and stages that exist."""
    from privgw.evaluate import ApiArn, Request, authorize  # noqa: PLC0415
    from privgw.simulate import CREATED_ENDPOINT, Call, simulate  # noqa: PLC0415

    template = build_template(cfg).to_dict()
    deployed = json.loads(api["policy"].replace('\\"', '"').strip('"'))
    route = cfg.routes[0]
    method = "GET" if route.method == "ANY" else route.method
    path = route.path.replace("{proxy+}", "a/b").replace("{", "x").replace("}", "")
    signs = cfg.auth_of(route) == "iam"
    principal = f"arn:aws:iam::{ACCOUNT}:role/caller"
    if cfg.access.iam_principals:
        first = cfg.access.iam_principals[0]
        principal = f"arn:aws:iam::{first}:role/caller" if first.isdigit() else first
    arn = ApiArn(api["id"], region=REGION, account=ACCOUNT)
    real = endpoint_ids[0] if endpoint_ids else None
    for stand_in, actual in ((CREATED_ENDPOINT, real), ("vpce-0aaaaaaaaaaaaaaaa", None)):
        if actual is None and stand_in == CREATED_ENDPOINT:
            continue
        vpce = actual or stand_in
        through = stand_in if cfg.endpoint.create else vpce
        # the alias resolves anywhere, but only for an endpoint the API lists; an unknown
        # endpoint's call comes by the private DNS name, from inside its VPC
        alias = f"a1b2c3d4e5-{through}.execute-api.{REGION}.amazonaws.com"
        host = alias if actual is not None else "private-dns"
        caller = principal if signs else "anonymous"
        call = Call(method=method, path=path, vpce=through, host=host, principal=caller)
        verdict = simulate(cfg, template, call)
        policy_layer = next(layer for layer in verdict.layers if layer.name == "resource-policy")
        context = {"aws:SourceVpce": vpce, "aws:VpcSourceIp": "10.0.1.25"}
        if cfg.access.source_cidrs:
            context["aws:VpcSourceIp"] = cfg.access.source_cidrs[0].split("/")[0][:-1] + "5"
        request = Request(
            "execute-api:Invoke",
            arn.method(cfg.stage.name, method, path),
            principal if signs else "anonymous",
            context,
        )
        decided = authorize(deployed, request, arn, iam_auth=signs, identity_allows=True)
        assert policy_layer.passed is (decided == "allow"), (vpce, verdict.as_text(), decided)
    paths = {r["path"] for r in resources}
    missing = simulate(cfg, template, Call(method="GET", path="/no/such/route/here"))
    if "/no/such/route/here" not in paths and not any(p.endswith("+}") for p in paths):
        assert missing.layer in ("route", "resource-policy", "dns")
    stages = {
        s["stageName"]
        for s in local.aws("apigateway", "get-stages", "--rest-api-id", api["id"])["item"]
    }
    wrong = simulate(cfg, template, Call(method=method, path=path, stage="nope"))
    assert ("nope" in stages) is wrong.allowed


def check_functions(
    local: LocalAws, cfg: Config, flavour: Flavour, outputs: dict[str, str], api_id: str
) -> None:
    """Each function runs what its config says, and API Gateway may invoke it: one permission
    per function (SAM: one per event, unless the API is a body), each scoped to this API."""
    if MAIN_FUNCTION in cfg.all_functions:
        assert outputs["FunctionName"] == outputs["FunctionArn"].rsplit(":", 1)[1]
    for name, fn in cfg.all_functions.items():
        arn = outputs[naming.function_ids(name).arn_output]
        function = local.aws("lambda", "get-function-configuration", "--function-name", arn)
        assert (function["Runtime"], function["Handler"], function["Timeout"]) == (
            fn.runtime,
            fn.handler,
            fn.timeout,
        )
        statements = json.loads(
            local.aws("lambda", "get-policy", "--function-name", arn)["Policy"]
        )["Statement"]
        events = cfg.routes_to("function", name)
        one_each = flavour == "cfn" or not events or uses_body(cfg)  # SAM: one per Api event
        assert len(statements) == (1 if one_each else len(events))
        for statement in statements:
            assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
            assert f":{api_id}/" in statement["Condition"]["ArnLike"]["AWS:SourceArn"]


def check_integrations(
    local: LocalAws, cfg: Config, stack: str, api_id: str, resources: list[dict[str, Any]]
) -> None:
    """Every method's integration as API Gateway holds it: type, URI or function, VPC link and
    load balancer, streaming, the mock's answer."""
    by_path = {r["path"]: r["id"] for r in resources}
    outputs = outputs_of(local, stack)
    for route in cfg.routes:
        method = local.client("apigateway").get_method(
            restApiId=api_id, resourceId=by_path[route.path], httpMethod=route.method
        )
        integration = method["methodIntegration"]
        target = cfg.target_of(route)
        if route.integration is not None:
            check_mapping(route.integration, method)
        if target.kind == "function":
            assert target.name is not None
            fn = cfg.all_functions[target.name]
            arn = outputs[naming.function_ids(target.name).arn_output]
            assert integration["type"] == ("AWS" if route.integration else "AWS_PROXY")
            assert f"/functions/{arn}/" in integration["uri"]
            streamed = integration.get("responseTransferMode") == "STREAM"
            assert streamed is fn.response_streaming
            assert integration["uri"].endswith(
                "/response-streaming-invocations" if streamed else "/invocations"
            )
        elif target.kind == "backend":
            assert target.name is not None
            check_backend_integration(local, cfg, route, outputs, integration)
        elif target.kind == "existing_function":
            assert target.name is not None
            existing = cfg.existing_functions[target.name]
            assert integration["type"] == ("AWS" if route.integration else "AWS_PROXY")
            assert integration["uri"].endswith(f"/functions/{existing.arn}/invocations")
            assert integration["timeoutInMillis"] == existing.wait_ms
        elif target.kind == "service":
            assert target.name is not None
            check_service_integration(local, cfg, stack, target.name, integration)
        else:
            assert route.mock is not None
            assert integration["type"] == "MOCK"
            (response,) = integration["integrationResponses"].values()
            assert response["statusCode"] == str(route.mock.status)
            assert response["responseTemplates"] == {route.mock.content_type: route.mock.body}


def check_backend_integration(
    local: LocalAws, cfg: Config, route: Route, outputs: dict[str, str], integration: dict[str, Any]
) -> None:
    """A backend route: an HTTP (proxy) integration to its URI, through its VPC link (the one
    privgw created, with its subnets or load balancer) or over the internet."""
    assert route.target is not None
    target_name = route.target
    backend = cfg.backends[target_name]
    assert integration["type"] == ("HTTP" if route.integration else "HTTP_PROXY")
    assert integration["uri"] == backend.base_url + backend_path(route)
    if backend.internet:
        assert integration["connectionType"] == "INTERNET"
        assert "connectionId" not in integration
        return
    link_id = outputs[naming.capitalised(target_name) + "VpcLinkId"]
    assert integration["connectionType"] == "VPC_LINK"
    assert integration["connectionId"] == link_id
    assert integration["uri"].startswith(backend.base_url + "/")
    # a VPC link v2 integration names its load balancer; a v1 link already does
    v2_target = backend.load_balancer_arn if backend.vpc_link is not None else None
    assert integration.get("integrationTarget") == v2_target
    v1 = backend.vpc_link_v1
    if v1 is not None and v1.created:
        link_v1 = local.client("apigateway").get_vpc_link(vpcLinkId=link_id)
        assert link_v1["targetArns"] == [backend.load_balancer_arn]
    if backend.vpc_link is not None and backend.vpc_link.created:
        link = local.client("apigatewayv2").get_vpc_link(VpcLinkId=link_id)
        assert link["SubnetIds"] == backend.vpc_link.subnet_ids


def check_mapping(mapping: Mapping, method: dict[str, Any]) -> None:
    """A non-proxy route as API Gateway holds it: templates, parameter mappings, passthrough,
    every answer with its pattern, headers and templates, and the method responses."""
    integration = method["methodIntegration"]
    assert integration.get("requestTemplates", {}) == mapping.request_templates
    assert integration["passthroughBehavior"] == mapping.passthrough
    mapped = integration.get("requestParameters", {})
    assert mapped.items() >= mapping.request_parameters.items()
    held = integration["integrationResponses"]
    assert sorted(held) == sorted(str(r.status) for r in mapping.responses)
    for response in mapping.responses:
        found = held[str(response.status)]
        assert found.get("selectionPattern", "") == response.pattern
        assert found.get("responseTemplates", {}) == response.templates
        assert found.get("responseParameters", {}) == {
            f"method.response.header.{k}": v for k, v in response.headers.items()
        }
    assert sorted(method["methodResponses"]) == sorted(str(r.status) for r in mapping.responses)


def check_service_integration(
    local: LocalAws, cfg: Config, stack: str, name: str, integration: dict[str, Any]
) -> None:
    """An AWS service route as API Gateway holds it: the action's URI, the service's own role
    (allowed exactly the action on the resource), the request template and headers, the
    responses that hide the service's error text."""
    service = cfg.services[name]
    assert integration["type"] == "AWS"
    assert integration["httpMethod"] == "POST"
    if service.aws == "sqs":
        account, queue = service.arn.split(":")[4:6]
        assert integration["uri"] == f"arn:aws:apigateway:{REGION}:sqs:path/{account}/{queue}"
    else:
        assert integration["uri"] == (
            f"arn:aws:apigateway:{REGION}:{service.kind.uri_service}:action/{service.operation}"
        )
    role_name = physical_id(local, stack, service_ids(name))
    role = local.client("iam").get_role(RoleName=role_name)["Role"]
    assert integration["credentials"] == role["Arn"]
    (policy_name,) = local.client("iam").list_role_policies(RoleName=role_name)["PolicyNames"]
    document = local.client("iam").get_role_policy(RoleName=role_name, PolicyName=policy_name)[
        "PolicyDocument"
    ]
    if isinstance(document, str):  # moto keeps a CloudFormation role's inline policy as repr
        document = ast.literal_eval(unquote(document))
    assert next((s["Action"], s["Resource"]) for s in document["Statement"]) == (
        [service.iam_action],
        [service.arn],
    )
    assert integration["passthroughBehavior"] == "NEVER"
    assert integration["requestTemplates"] == {"application/json": request_template(cfg, name)}
    built = service_integration(cfg, name).to_dict()
    assert integration.get("requestParameters", {}) == built.get("RequestParameters", {})
    responses = integration["integrationResponses"]
    assert sorted(responses) == ["200", "400", "500"]
    for status in ("400", "500"):
        assert "$input" not in json.dumps(responses[status]["responseTemplates"])


def check_access_control(  # noqa: PLR0917 - one read-back, like check_deployed
    local: LocalAws,
    cfg: Config,
    flavour: Flavour,
    outputs: dict[str, str],
    api_id: str,
    resources: list[dict[str, Any]],
) -> None:
    """Authorizers, each method's authorization, usage plans with their keys, gateway
    responses, validators: as API Gateway holds them."""
    apigw = local.client("apigateway")
    authorizers = {a["name"]: a for a in apigw.get_authorizers(restApiId=api_id)["items"]}
    specs = authorizer_specs(cfg)
    assert sorted(authorizers) == sorted(s.logical_id for s in specs.values())
    for spec in specs.values():
        found = authorizers[spec.logical_id]
        if isinstance(spec.setting, LambdaAuth):
            function_arn = outputs[naming.function_ids(spec.setting.function).arn_output]
            assert found["type"] == spec.setting.type.upper()
            assert f"/functions/{function_arn}/invocations" in found["authorizerUri"]
        else:
            assert found["type"] == "COGNITO_USER_POOLS"
            assert found["providerARNs"] == spec.setting.cognito.user_pool_arns
    by_path = {r["path"]: r["id"] for r in resources}
    for route in cfg.routes:
        method = apigw.get_method(
            restApiId=api_id, resourceId=by_path[route.path], httpMethod=route.method
        )
        assert method.get("apiKeyRequired", False) is route.api_key_required
        auth = cfg.auth_of(route)
        if isinstance(auth, LambdaAuth | CognitoAuth):
            (spec,) = [s for s in specs.values() if s.setting == auth or _same(s.setting, auth)]
            assert method["authorizerId"] == authorizers[spec.logical_id]["id"]
    plans = apigw.get_usage_plans()["items"]
    for name, consumer in cfg.consumers.items():
        key_id = outputs[f"{naming.capitalised(name)}ApiKeyId"]
        (plan,) = [
            p
            for p in plans
            if p["name"] == f"{cfg.name}-{name}" and p["apiStages"][0]["apiId"] == api_id
        ]
        assert plan["apiStages"] == [{"apiId": api_id, "stage": cfg.stage.name}]
        if consumer.quota:
            assert (plan["quota"]["limit"], plan["quota"]["period"]) == (
                consumer.quota.limit,
                consumer.quota.period,
            )
        keys = apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]
        assert [k["id"] for k in keys] == [key_id]
        assert apigw.get_api_key(apiKey=key_id, includeValue=True)["value"], "generated value"
    responses = {
        r["responseType"]: r for r in apigw.get_gateway_responses(restApiId=api_id)["items"]
    }
    for answer in gateway_response_specs(cfg):
        found = responses[answer.response_type]
        assert found["responseTemplates"] == {answer.content_type: answer.body}
        if answer.status is not None:
            assert str(found["statusCode"]) == str(answer.status)
    validators = apigw.get_request_validators(restApiId=api_id)["items"]
    kinds = {r.request_validation for r in cfg.routes if r.request_validation}
    assert len(validators) == len(kinds)


def _same(one: Any, other: Any) -> bool:
    from privgw.resources.auth import authorizer_key  # noqa: PLC0415

    return bool(authorizer_key(one) == authorizer_key(other))


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_deploys(
    local_aws: LocalAws, example: Path, flavour: Flavour, tmp_path: Path
) -> None:
    net = create_network(local_aws)
    data = localise(example_data(example), net, local_aws)
    if "custom_domain" in data:  # moto keys domains by name; AWS tells private ones apart by id
        data["custom_domain"]["name"] = f"{flavour}.{data['custom_domain']['name']}"
    template = deployable(data, flavour, net, local_aws, tmp_path)
    stack = f"{example.stem}-{flavour}"
    result = aws_deploy(local_aws, template, stack)
    if result.returncode != 0:
        pytest.fail(result.stderr + result.stdout + stack_failure(local_aws, stack))
    assert "Successfully created/updated stack" in result.stdout
    check_deployed(local_aws, stack, validate_config(data, folder=tmp_path), flavour)


def test_updates_reach_the_stage_and_no_change_is_no_change(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    net = create_network(local_aws)
    data = localise(example_data(HELLO), net, local_aws)
    stack = "update-flow"
    assert (
        aws_deploy(local_aws, deployable(data, "cfn", net, local_aws, tmp_path), stack).returncode
        == 0
    )
    api_id = outputs_of(local_aws, stack)["RestApiId"]

    def stage_deployment() -> str:
        (stage,) = local_aws.aws("apigateway", "get-stages", "--rest-api-id", api_id)["item"]
        return str(stage["deploymentId"])

    first = stage_deployment()
    unchanged = aws_deploy(local_aws, deployable(data, "cfn", net, local_aws, tmp_path), stack)
    assert unchanged.returncode == 0
    assert "No changes to deploy" in unchanged.stdout
    assert stage_deployment() == first

    data["routes"] = [*data["routes"], "POST /hello"]
    routed = aws_deploy(local_aws, deployable(data, "cfn", net, local_aws, tmp_path), stack)
    assert routed.returncode == 0, routed.stderr
    second = stage_deployment()
    assert second != first
    check_deployed(local_aws, stack, validate_config(data), "cfn")

    data.setdefault("endpoint", {})["existing_ids"] = net.shared_endpoint_ids[:1]
    widened = aws_deploy(local_aws, deployable(data, "cfn", net, local_aws, tmp_path), stack)
    assert widened.returncode == 0, widened.stderr
    assert stage_deployment() not in (first, second)
    check_deployed(local_aws, stack, validate_config(data), "cfn")


def test_two_hundred_routes_deploy_through_s3(local_aws: LocalAws, tmp_path: Path) -> None:
    """A template over the 51,200-byte inline limit deploys the way I9002 advises."""
    net = create_network(local_aws)
    data = localise(example_data(HELLO), net, local_aws)
    data["routes"] = [f"GET /r{i // 10}/s{i}" for i in range(200)]
    template = deployable(data, "cfn", net, local_aws, tmp_path)
    assert template.stat().st_size > 51_200
    inline = aws_deploy(local_aws, template, "two-hundred-routes")
    assert inline.returncode != 0  # the aws CLI itself refuses it inline
    assert "greater than 51,200 bytes must be deployed" in inline.stderr + inline.stdout
    through_s3 = local_aws.aws(
        "cloudformation",
        "deploy",
        "--template-file",
        str(template),
        "--stack-name",
        "two-hundred-routes",
        "--capabilities",
        "CAPABILITY_IAM",
        "--s3-bucket",
        net.bucket,
        check=False,
    )
    assert through_s3.returncode == 0, through_s3.stderr + through_s3.stdout
    check_deployed(local_aws, "two-hundred-routes", validate_config(data), "cfn")


def test_private_api_without_policy_fails_the_deploy(local_aws: LocalAws, tmp_path: Path) -> None:
    """Proof the deploy test can fail, on the mistake AWS itself refuses."""
    net = create_network(local_aws)
    data = localise(example_data(HELLO), net, local_aws)
    template = build_template(validate_config(data)).to_dict()
    del template["Resources"]["RestApi"]["Properties"]["Policy"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    result = aws_deploy(local_aws, path, "broken-no-policy")
    assert result.returncode != 0
    assert "Failed to create/update the stack" in result.stderr + result.stdout
    failure = stack_failure(local_aws, "broken-no-policy")
    assert "Private REST API doesn't have a resource policy attached to it" in failure


def test_missing_subnet_fails_the_deploy(local_aws: LocalAws, tmp_path: Path) -> None:
    net = create_network(local_aws)
    data = localise(example_data(HELLO), net, local_aws)
    data["network"]["subnet_ids"] = ["subnet-0123456789abcdef0"]
    path = tmp_path / "missing-subnet.yaml"
    path.write_text(render(build_template(validate_config(data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "broken-subnet")
    assert result.returncode != 0
    failure = stack_failure(local_aws, "broken-subnet")
    assert "Endpoint CREATE_FAILED" in failure
    assert "subnet-0123456789abcdef0" in failure


def test_missing_vpc_link_fails_the_deploy(local_aws: LocalAws, tmp_path: Path) -> None:
    """A route to a VPC link that does not exist fails the stack, as in AWS."""
    net = create_network(local_aws)
    data = localise(example_data(PLATFORM), net, local_aws)
    data["backends"]["billing"]["vpc_link_v1"]["id"] = "missing01"
    path = tmp_path / "missing-link.yaml"
    path.write_text(render(build_template(validate_config(data)), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, "broken-vpc-link")
    assert result.returncode != 0
    failure = stack_failure(local_aws, "broken-vpc-link")
    assert "MethodBillingInvoicesVarId0614d23bGet CREATE_FAILED" in failure
    assert "Invalid VPC link identifier specified: missing01" in failure


def privgw_deploy(local: LocalAws, template: Path, stack: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "deploy",
            str(template),
            "--stack-name",
            stack,
            "--endpoint-url",
            local.url,
            "--region",
            REGION,
        ],
        out,
        err,
    )
    return code, out.getvalue(), err.getvalue()


def test_privgw_deploy_shows_progress_outputs_and_failures(
    local_aws: LocalAws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in local_aws.env.items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    net = create_network(local_aws)
    data = localise(example_data(HELLO), net, local_aws)
    template = deployable(data, "cfn", net, local_aws, tmp_path)

    code, out, err = privgw_deploy(local_aws, template, "privgw-deploy")
    assert (code, err) == (0, "")
    assert "CREATE_COMPLETE" in out
    # moto records stack-level events only; against AWS every resource's events stream here
    assert "CREATE_IN_PROGRESS" in out
    assert "AWS::CloudFormation::Stack" in out, "stack events are shown as progress"
    outputs = outputs_of(local_aws, "privgw-deploy")
    assert "Outputs:" in out
    assert outputs["AliasUrl"] in out
    assert outputs["CurlWithHeader"] in out

    code, out, _ = privgw_deploy(local_aws, template, "privgw-deploy")
    assert code == 0
    assert "No changes to deploy" in out

    broken = build_template(validate_config(data)).to_dict()
    del broken["Resources"]["RestApi"]["Properties"]["Policy"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    code, out, err = privgw_deploy(local_aws, path, "privgw-deploy-broken")
    assert code == 1
    assert "failed: Private REST API doesn't have a resource policy attached to it" in err
    assert "ROLLBACK_COMPLETE" in out


def test_shared_endpoint_topology_deploys_endpoint_stack_first(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    """One endpoint stack, then two API stacks that import its endpoint (one also takes a
    parameter), deployed with `aws cloudformation deploy --parameter-overrides`."""
    from privgw.config import EndpointStack, load_any  # noqa: PLC0415
    from privgw.resources.template import build_endpoint_stack  # noqa: PLC0415

    net = create_network(local_aws, "10.77.0.0/16")
    topologies = sorted((ROOT / "examples" / "topologies").glob("*.yaml"))
    configs = {p.stem: load_any(p) for p in topologies}
    (endpoint_name,) = [k for k, c in configs.items() if isinstance(c, EndpointStack)]
    endpoint_data = example_data(ROOT / "examples" / "topologies" / f"{endpoint_name}.yaml")
    endpoint_data["network"].update(vpc_id=net.vpc_id, subnet_ids=net.subnet_ids)
    endpoint_cfg = EndpointStack.model_validate(endpoint_data)
    path = tmp_path / "endpoint.yaml"
    path.write_text(render(build_endpoint_stack(endpoint_cfg), "yaml"), encoding="utf-8")
    result = aws_deploy(local_aws, path, endpoint_name)
    assert result.returncode == 0, result.stderr
    exported = outputs_of(local_aws, endpoint_name)["VpcEndpointId"]
    exports = local_aws.aws("cloudformation", "list-exports")["Exports"]
    assert {"Name": f"{endpoint_cfg.exports}-VpcEndpointId", "Value": exported} in [
        {"Name": e["Name"], "Value": e["Value"]} for e in exports
    ]
    for name, cfg in configs.items():
        if not isinstance(cfg, Config):
            continue
        template = tmp_path / f"{name}.yaml"
        template.write_text(render(build_template(cfg), "yaml"), encoding="utf-8")
        command = [
            "cloudformation",
            "deploy",
            "--template-file",
            str(template),
            "--stack-name",
            name,
            "--capabilities",
            "CAPABILITY_IAM",
        ]
        expected = {exported}
        if cfg.endpoint.parameter:
            command += ["--parameter-overrides", f"VpcEndpointId={net.shared_endpoint_ids[0]}"]
            expected.add(net.shared_endpoint_ids[0])
        deployed = local_aws.aws(*command, check=False)
        assert deployed.returncode == 0, deployed.stderr + deployed.stdout
        api_id = outputs_of(local_aws, name)["RestApiId"]
        api = local_aws.aws("apigateway", "get-rest-api", "--rest-api-id", api_id)
        assert set(api["endpointConfiguration"]["vpcEndpointIds"]) == expected
        assert exported in api["policy"]


def test_privgw_deploy_of_an_untransformed_sam_template_is_not_a_silent_success(
    local_aws: LocalAws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto accepts a SAM template without running the transform and reports CREATE_COMPLETE
    with outputs like ${RestApi}: privgw deploy must say what happened, and exit 1."""
    for key, value in local_aws.env.items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    net = create_network(local_aws)
    data = localise(example_data(HELLO), net, local_aws)
    cfg = validate_config(data)
    template = tmp_path / "hello.sam.yaml"
    template.write_text(render(build_template(cfg, "sam"), "yaml"), encoding="utf-8")
    code, out, err = privgw_deploy(local_aws, template, "privgw-sam-untransformed")
    assert code == 1, out + err
    assert "hold unresolved references" in err
    assert "did not run the SAM transform" in err
    assert "is not usable" in out


@pytest.mark.parametrize("flavour", ["cfn", "sam"])
def test_cross_account_halves_deploy_provider_then_consumer(
    local_aws: LocalAws, tmp_path: Path, flavour: Flavour
) -> None:
    """examples/cross-account/: the provider (domain shared through RAM, the consumer's VPC on
    both policies), then the consumer (its endpoint, the association with the provider's domain
    ARN, the private zone), each read back."""
    from privgw.evaluate import ApiArn, Request, evaluate  # noqa: PLC0415

    pair = deploy_cross_account(local_aws, tmp_path, flavour, flavour, 71)
    provider, stack, domain, account = pair.provider, pair.consumer, pair.domain, pair.account
    consumer_net, provider_net = pair.consumer_net, pair.provider_net
    cfg = validate_config(pair.provider_data)
    check_deployed(local_aws, provider, cfg, flavour)
    outputs = outputs_of(local_aws, provider)
    shares = local_aws.aws("ram", "get-resource-shares", "--resource-owner", "SELF")
    (share,) = [
        s
        for s in shares["resourceShares"]
        if s["resourceShareArn"] == outputs["CustomDomainShareArn"]
    ]
    assert (share["name"], share["allowExternalPrincipals"]) == (f"{cfg.name}-custom-domain", False)
    principals = local_aws.aws(
        "ram", "get-resource-share-associations", "--association-type", "PRINCIPAL",
        "--resource-share-arns", share["resourceShareArn"],
    )["resourceShareAssociations"]  # fmt: skip
    assert [p["associatedEntity"] for p in principals] == ["210987654321"]
    deployed_domain = local_aws.client("apigateway").get_domain_name(domainName=domain)
    domain_policy = json.loads(deployed_domain["policy"])
    out = outputs_of(local_aws, stack)
    vpce = out["VpcEndpointId"]
    (endpoint,) = local_aws.aws("ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", vpce)[
        "VpcEndpoints"
    ]
    assert endpoint["VpcId"] == consumer_net.vpc_id
    assert endpoint["PrivateDnsEnabled"] is False
    assert out["DomainAccessAssociationArn"].endswith(f"/vpcesource/{vpce}")
    assert domain in out["DomainAccessAssociationArn"]
    assert out["CustomDomainUrl"] == f"https://{domain}/v1"
    dns_name = endpoint["DnsEntries"][0]["DnsName"]
    assert out["CurlWithHeader"] == (
        f"curl -sS -H 'x-apigw-api-id: {outputs['RestApiId']}' https://{dns_name}/v1/"
    )
    zone_id = physical_id(local_aws, stack, "CustomDomainZone")
    zone = local_aws.client("route53").get_hosted_zone(Id=zone_id)
    assert zone["HostedZone"]["Name"].rstrip(".") == domain
    assert zone["HostedZone"]["Config"]["PrivateZone"] is True
    assert [v["VPCId"] for v in zone["VPCs"]] == [consumer_net.vpc_id]
    records = local_aws.client("route53").list_resource_record_sets(HostedZoneId=zone_id)
    (alias,) = [r for r in records["ResourceRecordSets"] if r["Type"] == "A"]
    assert alias["Name"].rstrip(".") == domain
    assert alias["AliasTarget"]["DNSName"].rstrip(".") == dns_name
    # the deployed domain policy admits calls from the consumer's VPC, and from no other
    api = ApiArn(outputs["RestApiId"], REGION, account)
    for vpc, expected in ((consumer_net.vpc_id, "allow"), (provider_net.vpc_id, "explicit-deny")):
        request = Request(
            "execute-api:Invoke",
            api.method("v1", "GET", "/orders"),
            "anonymous",
            {"aws:SourceVpce": vpce, "aws:SourceVpc": vpc},
        )
        assert evaluate(domain_policy, request, api) == expected, vpc


def test_consumer_of_a_domain_that_does_not_exist_fails_the_deploy(
    local_aws: LocalAws, tmp_path: Path
) -> None:
    from privgw.config import ConsumerStack  # noqa: PLC0415
    from privgw.resources.consumer import build_consumer_stack  # noqa: PLC0415

    net = create_network(local_aws, "10.82.0.0/16")
    consumer = example_data(ROOT / "examples" / "cross-account" / "consumer.yaml")
    consumer["network"].update(vpc_id=net.vpc_id, subnet_ids=net.subnet_ids)
    consumer.pop("account_id")
    consumer["provider"]["domain_name_arn"] = (
        f"arn:aws:apigateway:{REGION}:111122223333:/domainnames/orders.shared.example.com+nothere"
    )
    consumer["provider"]["region"] = REGION
    template = tmp_path / "consumer.yaml"
    template.write_text(render(build_consumer_stack(ConsumerStack(**consumer)), "yaml"), "utf-8")
    result = aws_deploy(local_aws, template, "xa-consumer-missing-domain")
    assert result.returncode != 0
    assert "ROLLBACK" in stack_failure(local_aws, "xa-consumer-missing-domain") + result.stderr

"""privgw import on the local endpoint: the seed's API built by hand with boto3, in the seed's
order (function, API, resource, method, integration, endpoint, security group, PRIVATE,
policy, deployment), read back into a config, built, deployed as a new stack, and compared
with the hand-built API method by method and by policy decision."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from privgw import load_config
from privgw.cli import main
from privgw.evaluate import ApiArn, Request, evaluate
from privgw.importing.policy import parse_policy
from tests.support.localaws.deployed import aws_deploy, physical_id
from tests.support.localaws.endpoint import REGION, LocalAws, Network, create_network
from tests.support.localaws.stacks import deployable, lambda_role

FOREIGN = "vpce-0f0f0f0f0f0f0f0f1"


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.js", source)
    return buffer.getvalue()


def seed_api(local: LocalAws, net: Network, policy: str = "seed") -> dict[str, str]:
    """The walk-through's API, step by step as its reader clicks it."""
    lam = local.client("lambda")
    apigw, ec2 = local.client("apigateway"), local.client("ec2")
    suffix = net.vpc_id[-6:]
    role = lambda_role(local, f"seed-{suffix}")
    function = lam.create_function(
        FunctionName=f"Sample-Node-Server-{suffix}",
        Runtime="nodejs22.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip("exports.handler = async () => ({statusCode: 200});")},
        MemorySize=128,
        Timeout=3,
    )["FunctionArn"]
    api = apigw.create_rest_api(
        name=f"Sample-Node-Server-API-{suffix}", endpointConfiguration={"types": ["REGIONAL"]}
    )["id"]
    root = next(r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
    resource = apigw.create_resource(
        restApiId=api, parentId=root["id"], pathPart="Sample-Node-Server"
    )["id"]
    apigw.put_method(restApiId=api, resourceId=resource, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function}/invocations",
    )
    lam.add_permission(
        FunctionName=function,
        StatementId="apigateway",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    group = ec2.create_security_group(
        VpcId=net.vpc_id, GroupName=f"seed-vpce-{suffix}", Description="execute-api endpoint"
    )["GroupId"]
    cidr = "0.0.0.0/0" if policy == "open" else net.cidr
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": cidr}]}
        ],
    )
    vpce = ec2.create_vpc_endpoint(
        VpcId=net.vpc_id,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.execute-api",
        SubnetIds=net.subnet_ids,
        SecurityGroupIds=[group],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[
            {"op": "replace", "path": "/endpointConfiguration/types/REGIONAL", "value": "PRIVATE"}
        ],
    )
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[
            {"op": "add", "path": "/endpointConfiguration/vpcEndpointIds", "value": vpce}
        ],
    )
    whole = f"arn:aws:execute-api:{REGION}:123456789012:{api}/*"
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": whole}
    ]
    if policy != "open":  # the seed's: deny any call that does not come through the endpoint
        statements.insert(
            0,
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": whole,
                "Condition": {"StringNotEquals": {"aws:sourceVpce": vpce}},
            },
        )
    document = {"Version": "2012-10-17", "Statement": statements}
    apigw.update_rest_api(
        restApiId=api,
        patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(document)}],
    )
    apigw.create_deployment(restApiId=api, stageName="default")
    return {"api": api, "function": function, "vpce": vpce, "group": group}


def _import(local: LocalAws, api: str, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        ["import", api, "--endpoint-url", local.url, "--region", REGION, "-o", str(out)],
        stdout,
        stderr,
    )
    return code, stdout.getvalue(), stderr.getvalue()


def _methods(local: LocalAws, api: str) -> dict[str, dict[str, Any]]:
    """Every method of ``api`` as the comparison needs it."""
    apigw = local.client("apigateway")
    found = {}
    for resource in apigw.get_resources(restApiId=api)["items"]:
        for verb in resource.get("resourceMethods") or {}:
            method = apigw.get_method(restApiId=api, resourceId=resource["id"], httpMethod=verb)
            integration = method.get("methodIntegration") or {}
            authorizer = (
                apigw.get_authorizer(restApiId=api, authorizerId=method["authorizerId"])
                if method.get("authorizerId")
                else {}
            )
            found[f"{verb} {resource['path']}"] = {
                "auth": method.get("authorizationType"),
                "authorizer": [authorizer.get(k) for k in ("type", "authorizerUri")],
                "key": bool(method.get("apiKeyRequired")),
                "type": integration.get("type"),
                "target": integration.get("uri"),
                "link": integration.get("connectionId"),
            }
    return found


def _decisions(local: LocalAws, api: str, endpoints: list[str]) -> list[str]:
    policy = parse_policy(local.client("apigateway").get_rest_api(restApiId=api).get("policy"))
    assert policy is not None
    arn = ApiArn(api, REGION, "123456789012")
    calls = [{"aws:SourceVpce": e} for e in endpoints] + [{}]
    return [
        evaluate(
            policy,
            Request("execute-api:Invoke", arn.method("v1", "GET", "/x"), "anonymous", c),
            arn,
        )
        for c in calls
    ]


def test_the_seeds_hand_built_api_imports_builds_deploys_and_answers_the_same(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    net = create_network(aws_env, "10.61.0.0/16")
    seed = seed_api(aws_env, net)
    config = tmp_path / "seed.yaml"
    code, _, stderr = _import(aws_env, seed["api"], config)
    assert code == 0, stderr
    assert "import: reading API" in stderr  # progress on stderr
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert data["endpoint"] == {"create": False, "existing_ids": [seed["vpce"]]}
    assert data["routes"] == [
        {
            "method": "GET",
            "path": "/Sample-Node-Server",
            "target": next(iter(data["existing_functions"])),
            "auth": "none",
        }
    ]
    assert [f["arn"] for f in data["existing_functions"].values()] == [seed["function"]]
    assert data["stage"]["name"] == "default"
    assert "HOLE" not in config.read_text(encoding="utf-8")
    cfg = load_config(config)  # privgw build accepts it
    template = deployable(data, "cfn", net, aws_env, tmp_path)
    result = aws_deploy(aws_env, template, "imported-seed")
    assert result.returncode == 0, result.stderr
    rebuilt = physical_id(aws_env, "imported-seed", "RestApi")
    assert _methods(aws_env, rebuilt) == _methods(aws_env, seed["api"])
    endpoints = [seed["vpce"], FOREIGN]
    assert _decisions(aws_env, rebuilt, endpoints) == _decisions(aws_env, seed["api"], endpoints)
    assert _decisions(aws_env, rebuilt, endpoints) == ["allow", "explicit-deny", "explicit-deny"]
    assert cfg.endpoint.existing_ids == [seed["vpce"]]


def test_hand_made_holes_are_reported_first_and_closed_by_the_config(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    """A policy with no VPC condition (any endpoint of any account may call) and an endpoint
    group open to the internet: both named, with the fix; the config admits only the API's
    own endpoint."""
    net = create_network(aws_env, "10.62.0.0/16")
    seed = seed_api(aws_env, net, policy="open")
    config = tmp_path / "open.yaml"
    code, _, stderr = _import(aws_env, seed["api"], config)
    assert code == 0, stderr
    reported = [line for line in stderr.splitlines() if line.startswith("report: ")]
    assert "HOLE: no statement names an aws:SourceVpce" in reported[0]
    assert any(f"security group {seed['group']}: HOLE: admits 0.0.0.0/0" in r for r in reported)
    assert any(
        "the live policy allows a call through an endpoint neither lists" in r for r in reported
    )
    head = config.read_text(encoding="utf-8").split("\nname:")[0]
    assert "HOLE: no statement names" in head  # the report heads the config too
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert data["endpoint"]["existing_ids"] == [seed["vpce"]]


def test_errors_exit_2_with_one_line_and_write_nothing(
    aws_env: LocalAws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "x.yaml"
    code, _, stderr = _import(aws_env, "nope123456", out)
    assert code == 2
    assert stderr.strip().splitlines() == [
        f"privgw: error: there is no REST API nope123456 in {REGION} (`aws apigateway "
        "get-rest-apis` lists them; HTTP APIs are not REST APIs)"
    ]
    regional = aws_env.client("apigateway").create_rest_api(name="public-one")["id"]
    code, _, stderr = _import(aws_env, regional, out)
    assert code == 2
    assert stderr.strip().splitlines() == [
        f"privgw: error: API {regional} (public-one) is EDGE, not PRIVATE: privgw imports "
        "private REST APIs"
    ]
    from botocore.exceptions import ClientError  # noqa: PLC0415

    from privgw.importing import live  # noqa: PLC0415

    net = create_network(aws_env, "10.67.0.0/16")
    seed = seed_api(aws_env, net)
    original_pages = live._pages

    def refused(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
        if operation == "get_usage_plans":  # a read-only role without apigateway:GET on plans
            error = {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}
            raise ClientError(error, "GetUsagePlans")
        return original_pages(client, operation, key, **kwargs)

    monkeypatch.setattr(live, "_pages", refused)
    code, _, stderr = _import(aws_env, seed["api"], out)
    assert code == 2
    assert [line for line in stderr.splitlines() if not line.startswith("import: ")] == [
        "privgw: error: AWS refused to list usage plans: An error occurred "
        "(AccessDeniedException) when calling the GetUsagePlans operation: not allowed"
    ]
    monkeypatch.setattr(live, "_pages", original_pages)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    code, _, stderr = _import(aws_env, regional, out)
    assert code == 2
    assert "no AWS credentials found, so nothing was sent" in stderr
    assert not out.exists()


def _function(local: LocalAws, name: str, role: str) -> str:
    return str(
        local.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.13",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip("def handler(event, context):\n    return {}\n")},
        )["FunctionArn"]
    )


def richer_api(local: LocalAws, net: Network) -> dict[str, Any]:
    """Two functions, a Lambda authorizer, a VPC link v1 to an NLB, an API key in a usage
    plan: what a team adds to the seed's API by hand over a year."""
    seed = seed_api(local, net)
    apigw, suffix = local.client("apigateway"), net.vpc_id[-6:]
    role = f"arn:aws:iam::123456789012:role/seed-{suffix}"
    local.client("iam").put_role_policy(  # the kind of grant a function's role gathers
        RoleName=f"seed-{suffix}",
        PolicyName="extra-s3",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )
    reports = _function(local, f"reports-{suffix}", role)
    tokens = _function(local, f"tokens-{suffix}", role)
    api = seed["api"]
    lambda_uri = "arn:aws:apigateway:" + REGION + ":lambda:path/2015-03-31/functions/{}/invocations"
    authorizer = apigw.create_authorizer(
        restApiId=api,
        name="tokens",
        type="TOKEN",
        authorizerUri=lambda_uri.format(tokens),
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=60,
    )["id"]
    root = next(r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
    parent = apigw.create_resource(restApiId=api, parentId=root["id"], pathPart="reports")
    item = apigw.create_resource(restApiId=api, parentId=parent["id"], pathPart="{id}")["id"]
    apigw.put_method(
        restApiId=api,
        resourceId=item,
        httpMethod="GET",
        authorizationType="CUSTOM",
        authorizerId=authorizer,
    )
    apigw.put_integration(
        restApiId=api,
        resourceId=item,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=lambda_uri.format(reports),
    )
    balancer = local.client("elbv2").create_load_balancer(
        Name=f"inventory-{suffix}", Subnets=net.subnet_ids, Scheme="internal", Type="network"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    link = apigw.create_vpc_link(name=f"inventory-{suffix}", targetArns=[balancer])["id"]
    stock = apigw.create_resource(restApiId=api, parentId=root["id"], pathPart="stock")["id"]
    apigw.put_method(
        restApiId=api,
        resourceId=stock,
        httpMethod="POST",
        authorizationType="NONE",
        apiKeyRequired=True,
    )
    apigw.put_integration(
        restApiId=api,
        resourceId=stock,
        httpMethod="POST",
        type="HTTP_PROXY",
        integrationHttpMethod="POST",
        uri="http://inventory.internal.example.com/stock",
        connectionType="VPC_LINK",
        connectionId=link,
    )
    # a non-proxy Lambda method, as the console's "Lambda function" without proxy makes one:
    # a request template in, a default answer and a 404 chosen by the error message out
    apigw.put_method(restApiId=api, resourceId=item, httpMethod="DELETE", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api,
        resourceId=item,
        httpMethod="DELETE",
        type="AWS",
        integrationHttpMethod="POST",
        uri=lambda_uri.format(reports),
        requestTemplates={"application/json": '{"id": "$input.params(\'id\')"}'},
        passthroughBehavior="WHEN_NO_TEMPLATES",
    )
    for status, pattern in (("200", ""), ("404", ".*NotFound.*")):
        apigw.put_method_response(
            restApiId=api,
            resourceId=item,
            httpMethod="DELETE",
            statusCode=status,
            responseModels={"application/json": "Empty"},
        )
        apigw.put_integration_response(
            restApiId=api,
            resourceId=item,
            httpMethod="DELETE",
            statusCode=status,
            selectionPattern=pattern,
        )
    # an SQS service integration as the console's "AWS Service" form makes one
    updates = apigw.create_resource(restApiId=api, parentId=root["id"], pathPart="updates")["id"]
    apigw.put_method(restApiId=api, resourceId=updates, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api,
        resourceId=updates,
        httpMethod="POST",
        type="AWS",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:sqs:path/123456789012/stock-updates-{suffix}",
        credentials=role,
        requestParameters={
            "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"
        },
        requestTemplates={"application/json": "Action=SendMessage&MessageBody=$input.body"},
        passthroughBehavior="NEVER",
    )
    apigw.create_deployment(restApiId=api, stageName="default")
    plan = apigw.create_usage_plan(
        name="warehouse",
        apiStages=[{"apiId": api, "stage": "default"}],
        throttle={"rateLimit": 20.0, "burstLimit": 40},
        quota={"limit": 5000, "period": "DAY"},
    )["id"]
    key = apigw.create_api_key(name=f"warehouse-{suffix}", enabled=True)["id"]
    apigw.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
    domain = f"orders-{suffix}.internal.example.com"
    certificate = f"arn:aws:acm:{REGION}:123456789012:certificate/{suffix}"
    apigw.create_domain_name(
        domainName=domain,
        certificateArn=certificate,
        endpointConfiguration={"types": ["PRIVATE"]},
    )
    apigw.create_base_path_mapping(
        domainName=domain, restApiId=api, stage="default", basePath="orders"
    )
    return {
        **seed,
        "reports": reports,
        "tokens": tokens,
        "link": link,
        "domain": domain,
        "certificate": certificate,
    }


def test_a_richer_hand_built_api_imports_and_deploys_method_for_method(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    net = create_network(aws_env, "10.63.0.0/16")
    built = richer_api(aws_env, net)
    config = tmp_path / "richer.yaml"
    code, _, stderr = _import(aws_env, built["api"], config)
    assert code == 0, stderr
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    routes = {f"{r['method']} {r['path']}": r for r in data["routes"]}
    assert set(routes) == {
        "GET /Sample-Node-Server",
        "GET /reports/{id}",
        "DELETE /reports/{id}",
        "POST /stock",
        "POST /updates",
    }
    queue = data["services"][routes["POST /updates"]["target"]]
    assert queue["arn"] == f"arn:aws:sqs:{REGION}:123456789012:stock-updates-{net.vpc_id[-6:]}"
    assert queue["request_template"] == "Action=SendMessage&MessageBody=$input.body"
    deleting = routes["DELETE /reports/{id}"]
    assert deleting["integration"]["request_templates"] == {
        "application/json": '{"id": "$input.params(\'id\')"}'
    }
    assert [r.get("pattern", "") for r in deleting["integration"]["responses"]] == [
        "",
        ".*NotFound.*",
    ]
    tokens = routes["GET /reports/{id}"]["auth"]
    assert (tokens["type"], tokens["identity_source"], tokens["result_ttl"]) == (
        "token",
        ["header.Authorization"],
        60,
    )
    assert data["existing_functions"][tokens["lambda"]] == {"arn": built["tokens"]}
    stock = routes["POST /stock"]
    assert stock["api_key_required"] is True
    assert data["backends"][stock["target"]] == {
        "uri": "http://inventory.internal.example.com",
        "vpc_link_v1": {"id": built["link"]},
    }
    assert data["consumers"] == {
        "warehouse": {
            "throttle": {"rate": 20.0, "burst": 40},
            "quota": {"limit": 5000, "period": "DAY"},
        }
    }
    assert any("usage plan warehouse" in line and "new key" in line for line in stderr.splitlines())
    assert any("policies: extra-s3 (inline))" in line for line in stderr.splitlines())
    assert data["custom_domain"] == {
        "name": built["domain"],
        "certificate_arn": built["certificate"],
        "base_path": "orders",
    }
    # moto keys domain names by name; AWS tells private ones apart by id
    data["custom_domain"]["name"] = "new-" + built["domain"]
    template = deployable(data, "cfn", net, aws_env, tmp_path)
    result = aws_deploy(aws_env, template, "imported-richer")
    assert result.returncode == 0, result.stderr
    rebuilt = physical_id(aws_env, "imported-richer", "RestApi")
    assert _methods(aws_env, rebuilt) == _methods(aws_env, built["api"])
    endpoints = [built["vpce"], FOREIGN]
    assert _decisions(aws_env, rebuilt, endpoints) == _decisions(aws_env, built["api"], endpoints)


#: What an API's surface is made of, and the properties that name a function two ways (a
#: function of the stack's by GetAtt, the existing one it now is by ARN: the same function).
SURFACE = {
    "AWS::ApiGateway::Method": ("Integration", "Uri"),
    "AWS::ApiGateway::Authorizer": ("AuthorizerUri", None),
    "AWS::ApiGateway::GatewayResponse": (None, None),
    "AWS::ApiGateway::UsagePlan": (None, None),
    "AWS::ApiGateway::RequestValidator": (None, None),
    "AWS::ApiGateway::Model": (None, None),
}


def _surface(template: dict[str, Any]) -> str:
    found = {}
    for logical, resource in template["Resources"].items():
        if resource["Type"] not in SURFACE:
            continue
        props = json.loads(json.dumps(resource["Properties"]))
        outer, inner = SURFACE[resource["Type"]]
        if outer and inner:
            props.get(outer, {}).pop(inner, None)
        elif outer:
            props.pop(outer, None)
        if isinstance(props.get("Schema"), str):  # JSON text: the same schema in any key order
            props["Schema"] = json.loads(props["Schema"])
        found[logical] = props
    return json.dumps(found, indent=1, sort_keys=True)


def _renamed(data: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``data`` with its existing functions named as ``names`` (ARN -> name) says."""
    by_name = {n: names[f["arn"]] for n, f in data.get("existing_functions", {}).items()}
    text = json.dumps(data)
    for old, new in by_name.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return dict(json.loads(text))


@pytest.mark.parametrize("example", ["hello", "secured"])
def test_privgws_own_stack_imports_as_the_config_it_was_built_from(
    aws_env: LocalAws, tmp_path: Path, example: str
) -> None:
    """Import of privgw's output gives back an equivalent config: built, its API surface
    (methods, authorizers, validators, models, gateway responses, usage plans) is the
    original's, its policy decides as the original's, and the report leaves nothing out
    and finds no hole. Its functions are the existing ones they now are (named here as
    the stack named them; AWS tags them with their logical ids, which import reads)."""
    from privgw import build_template, validate_config  # noqa: PLC0415
    from tests.support.configs import ROOT  # noqa: PLC0415
    from tests.support.localaws.stacks import example_data, localise  # noqa: PLC0415

    net = create_network(aws_env, "10.64.0.0/16" if example == "hello" else "10.66.0.0/16")
    data = localise(example_data(ROOT / "examples" / f"{example}.yaml"), net, aws_env)
    stack = f"own-{example}"
    result = aws_deploy(aws_env, deployable(data, "cfn", net, aws_env, tmp_path), stack)
    assert result.returncode == 0, result.stderr
    api = physical_id(aws_env, stack, "RestApi")
    config = tmp_path / "imported.yaml"
    code, _, stderr = _import(aws_env, api, config)
    assert code == 0, stderr
    report = [line for line in stderr.splitlines() if line.startswith("report: ")]
    assert not [line for line in report if "HOLE" in line or "left out" in line], report
    assert not [line for line in report if "not a shape privgw writes" in line], report
    original = validate_config(data)
    lam = aws_env.client("lambda")
    names = {
        lam.get_function(FunctionName=physical_id(aws_env, stack, f"{logical}"))["Configuration"][
            "FunctionArn"
        ]: name
        for name, logical in (
            (name, "Function" if name == "main" else f"{name[:1].upper()}{name[1:]}Function")
            for name in original.all_functions
        )
    }
    again = validate_config(_renamed(yaml.safe_load(config.read_text(encoding="utf-8")), names))
    assert _surface(build_template(again).to_dict()) == _surface(build_template(original).to_dict())
    assert again.stage.name == original.stage.name
    vpce = physical_id(aws_env, stack, "Endpoint")
    assert again.endpoint.existing_ids == [vpce]
    endpoints = [vpce, FOREIGN]
    assert _decisions(aws_env, api, endpoints) == ["allow", "explicit-deny", "explicit-deny"]


def test_with_code_the_functions_packages_come_along_and_the_api_deploys_with_its_own(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    """--code DIR: the package Lambda runs, unpacked into DIR/NAME, the function one of the
    config's own (runtime, handler, memory, timeout), deployed by the new stack."""
    net = create_network(aws_env, "10.68.0.0/16")
    seed = seed_api(aws_env, net)
    config = tmp_path / "seed.yaml"
    stdout, stderr = io.StringIO(), io.StringIO()
    args = ["import", seed["api"], "--endpoint-url", aws_env.url, "--region", REGION]
    outside = main([*args, "-o", str(config), "--code", str(tmp_path.parent)], stdout, stderr)
    assert outside == 2
    assert "is outside the config's folder" in stderr.getvalue()
    code = main([*args, "-o", str(config), "--code", str(tmp_path / "functions")], stdout, stderr)
    assert code == 0, stderr.getvalue()
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert "existing_functions" not in data
    ((name, function),) = data["functions"].items()
    assert function == {
        "runtime": "nodejs22.x",
        "handler": "index.handler",
        "memory": 128,
        "timeout": 3,
        "code": {"path": f"functions/{name}"},
    }
    source = (tmp_path / "functions" / name / "index.js").read_text(encoding="utf-8")
    assert source == "exports.handler = async () => ({statusCode: 200});"
    assert data["routes"][0]["target"] == name
    template = deployable(data, "cfn", net, aws_env, tmp_path)
    result = aws_deploy(aws_env, template, "imported-with-code")
    assert result.returncode == 0, result.stderr
    rebuilt = physical_id(aws_env, "imported-with-code", "RestApi")
    ours, theirs = _methods(aws_env, rebuilt), _methods(aws_env, seed["api"])
    assert {k: {**v, "target": None} for k, v in ours.items()} == {
        k: {**v, "target": None} for k, v in theirs.items()
    }
    created = physical_id(aws_env, "imported-with-code", f"{name[:1].upper()}{name[1:]}Function")
    assert created in ours["GET /Sample-Node-Server"]["target"]

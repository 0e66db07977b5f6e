"""privgw import --adopt on the local endpoint: the IMPORT change set's template says each
adopted resource exactly as it runs (CloudFormation takes it as it is), its identifiers find
the live resources, and what is not adopted is named with what the update then does.

The local endpoint (moto) has no IMPORT change sets, so the proof is the comparison: every
property the template gives an adopted resource is read back from API Gateway with the
identifier the resources-to-import file names, by a reading written here independently of
privgw's (``privgw.importing.mirror``), and the settings that matter are checked the other
way round too (set live, so in the template)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from privgw.cli import main
from privgw.importing.policy import parse_policy
from privgw.lint import run_cfn_lint
from tests.integration.test_import import richer_api, seed_api
from tests.support.localaws.deployed import aws_deploy, physical_id
from tests.support.localaws.endpoint import REGION, LocalAws, create_network
from tests.support.localaws.stacks import deployable


def _adopt(local: LocalAws, api: str, out: Path, *extra: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    args = ["import", api, "--endpoint-url", local.url, "--region", REGION, "-o", str(out)]
    code = main([*args, "--adopt", *extra], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _live(local: LocalAws, kind: str, ident: dict[str, str]) -> dict[str, Any]:
    """The live resource an identifier names, as API Gateway answers (read here, not by
    privgw)."""
    apigw = local.client("apigateway")
    api = ident["RestApiId"]
    if kind == "AWS::ApiGateway::RestApi":
        return dict(apigw.get_rest_api(restApiId=api))
    if kind == "AWS::ApiGateway::Resource":
        return dict(apigw.get_resource(restApiId=api, resourceId=ident["ResourceId"]))
    if kind == "AWS::ApiGateway::Method":
        return dict(
            apigw.get_method(
                restApiId=api, resourceId=ident["ResourceId"], httpMethod=ident["HttpMethod"]
            )
        )
    if kind == "AWS::ApiGateway::Stage":
        return dict(apigw.get_stage(restApiId=api, stageName=ident["StageName"]))
    if kind == "AWS::ApiGateway::Authorizer":
        return dict(apigw.get_authorizer(restApiId=api, authorizerId=ident["AuthorizerId"]))
    if kind == "AWS::ApiGateway::Model":
        return dict(apigw.get_model(restApiId=api, modelName=ident["Name"]))
    if kind == "AWS::ApiGateway::RequestValidator":
        return dict(
            apigw.get_request_validator(
                restApiId=api, requestValidatorId=ident["RequestValidatorId"]
            )
        )
    raise AssertionError(f"{kind} is adopted but this test cannot read it")


#: CloudFormation's name for a field API Gateway names otherwise.
RENAMED = {
    "Integration": "methodIntegration",
    "IntegrationHttpMethod": "httpMethod",
    "ApiKeySourceType": "apiKeySource",
    "AccessLogSetting": "accessLogSettings",
}


def _same(prop: str, said: Any, live: Any) -> bool:
    """Whether a template value says what API Gateway answers for it."""
    if prop in ("Policy", "Schema"):
        return bool(said == (parse_policy(live) if prop == "Policy" else json.loads(live)))
    if prop == "Tags":
        return bool({t["Key"]: t["Value"] for t in said} == live)
    if prop in ("MethodResponses", "IntegrationResponses"):
        return len(said) == len(live) and all(
            _all_same(item, live[item["StatusCode"]]) for item in said
        )
    if prop == "MethodSettings":
        keys = {f"{s['ResourcePath'][1:]}/{s['HttpMethod']}": s for s in said}
        return set(keys) == set(live) and all(
            _all_same(
                {k: v for k, v in s.items() if k not in ("ResourcePath", "HttpMethod")}, live[key]
            )
            for key, s in keys.items()
        )
    if isinstance(said, dict):
        return isinstance(live, dict) and _all_same(said, live)
    return bool(said == live)


def _all_same(said: dict[str, Any], live: dict[str, Any]) -> bool:
    for prop, value in said.items():
        name = RENAMED.get(prop, prop[:1].lower() + prop[1:])
        if name not in live or not _same(prop, value, live[name]):
            print(f"differs: {prop}: template {value!r}, live {live.get(name)!r}")
            return False
    return True


#: Settings that, set live, a faithful template must carry (checked live -> template).
MUST_CARRY = {
    "AWS::ApiGateway::RestApi": ("name", "description", "policy", "binaryMediaTypes"),
    "AWS::ApiGateway::Method": (
        "authorizationType",
        "authorizerId",
        "apiKeyRequired",
        "requestValidatorId",
        "requestParameters",
        "requestModels",
        "operationName",
    ),
    "AWS::ApiGateway::Stage": ("deploymentId", "variables", "tracingEnabled", "description"),
    "AWS::ApiGateway::Authorizer": ("name", "type", "authorizerUri", "providerARNs"),
    "AWS::ApiGateway::Model": ("name", "schema", "contentType"),
}


def _check_adoption(local: LocalAws, out: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    template = json.loads(out.with_name(out.stem + ".adopt.json").read_text(encoding="utf-8"))
    to_import = json.loads(
        out.with_name(out.stem + ".resources-to-import.json").read_text(encoding="utf-8")
    )
    resources = template["Resources"]
    assert {r["LogicalResourceId"] for r in to_import} == set(resources)
    for entry in to_import:
        body = resources[entry["LogicalResourceId"]]
        assert body["Type"] == entry["ResourceType"]
        assert (body["DeletionPolicy"], body["UpdateReplacePolicy"]) == ("Retain", "Retain")
        ident = entry["ResourceIdentifier"]
        live = {  # the ids the identifier names are the live resource's too
            **{k[:1].lower() + k[1:]: v for k, v in ident.items()},
            **_live(local, body["Type"], ident),
        }
        assert _all_same(body["Properties"], live), entry["LogicalResourceId"]
        for field in MUST_CARRY.get(body["Type"], ()):
            if live.get(field) not in (None, False, "", [], {}):
                prop = field[:1].upper() + field[1:]
                assert prop in body["Properties"] or (
                    prop == "Policy" and "Policy" in body["Properties"]
                ), f"{entry['LogicalResourceId']}: live {field} not carried"
    assert [f for f in run_cfn_lint(json.dumps(template), (REGION,)) if f.source != "privgw"] == []
    return template, to_import


def test_the_seeds_api_is_adopted_as_it_runs_with_the_commands_to_take_it_over(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    net = create_network(aws_env, "10.71.0.0/16")
    seed = seed_api(aws_env, net)
    config = tmp_path / "seed.yaml"
    code, stdout, stderr = _adopt(aws_env, seed["api"], config, "--stack-name", "seed-api")
    assert code == 0, stderr
    template, to_import = _check_adoption(aws_env, config)
    kinds = sorted(r["ResourceType"] for r in to_import)
    assert kinds == [
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Stage",
    ]
    api = template["Resources"]["RestApi"]["Properties"]
    assert api["EndpointConfiguration"]["VpcEndpointIds"] == [seed["vpce"]]
    stage = next(v for v in template["Resources"].values() if v["Type"].endswith("::Stage"))
    assert stage["Properties"]["StageName"] == "default"
    steps = [line for line in stdout.splitlines() if not line.startswith("#")]
    adopt, resources = (
        config.with_name("seed.adopt.json"),
        config.with_name("seed.resources-to-import.json"),
    )
    assert steps[0] == (
        "aws cloudformation create-change-set --stack-name seed-api --change-set-name "
        f"privgw-adopt --region {REGION} --change-set-type IMPORT --template-body "
        f"file://{adopt} --resources-to-import file://{resources}"
    )
    assert steps[-2:] == [
        f"privgw build {config} -o {tmp_path}/templates",
        f"privgw deploy {tmp_path}/templates/seed.yaml --stack-name seed-api --region {REGION}",
    ]
    report = [line for line in stderr.splitlines() if line.startswith("report: adopt: ")]
    assert any(
        "(AWS::ApiGateway::Deployment) is not imported: a new deployment" in r for r in report
    )
    assert any(
        "RestApi: the update changes" in r and "Policy: the live policy" in r for r in report
    )
    head = config.read_text(encoding="utf-8").split("\nname:")[0]
    assert "adopt: " in head  # the config says it too


def test_a_richer_api_is_adopted_with_its_authorizer_and_what_stays_outside(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    net = create_network(aws_env, "10.72.0.0/16")
    built = richer_api(aws_env, net)
    config = tmp_path / "richer.yaml"
    code, _, stderr = _adopt(aws_env, built["api"], config)
    assert code == 0, stderr
    _, to_import = _check_adoption(aws_env, config)
    kinds = {r["ResourceType"] for r in to_import}
    assert "AWS::ApiGateway::Authorizer" in kinds, stderr
    methods = [r for r in to_import if r["ResourceType"] == "AWS::ApiGateway::Method"]
    assert len(methods) == 5  # the non-proxy DELETE and the SQS POST too
    report = [line for line in stderr.splitlines() if line.startswith("report: adopt: ")]
    assert any(
        "(AWS::ApiGateway::UsagePlan) is not imported: a new usage plan" in r for r in report
    )


@pytest.mark.parametrize("example", ["secured"])
def test_privgws_own_secured_stack_adopts_validators_models_and_authorizers(
    aws_env: LocalAws, tmp_path: Path, example: str
) -> None:
    from tests.support.configs import ROOT  # noqa: PLC0415
    from tests.support.localaws.stacks import example_data, localise  # noqa: PLC0415

    net = create_network(aws_env, "10.73.0.0/16")
    data = localise(example_data(ROOT / "examples" / f"{example}.yaml"), net, aws_env)
    result = aws_deploy(aws_env, deployable(data, "cfn", net, aws_env, tmp_path), "adopt-own")
    assert result.returncode == 0, result.stderr
    api = physical_id(aws_env, "adopt-own", "RestApi")
    config = tmp_path / "own.yaml"
    code, _, stderr = _adopt(aws_env, api, config)
    assert code == 0, stderr
    _, to_import = _check_adoption(aws_env, config)
    kinds = {r["ResourceType"] for r in to_import}
    assert {
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGateway::Model",
        "AWS::ApiGateway::RequestValidator",
    } <= kinds


def test_adopt_needs_a_config_file_and_refuses_to_overwrite(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["import", "abc", "--adopt"], stdout, stderr)
    assert code == 2
    assert "--adopt writes files beside the config: name the config with -o" in stderr.getvalue()
    config = tmp_path / "x.yaml"
    config.with_name("x.adopt.json").write_text("{}", encoding="utf-8")
    code, _, err = _adopt(aws_env, "abc", config)
    assert code == 2
    assert f"{config.with_name('x.adopt.json')} exists: pass --force to replace it" in err
    assert not config.exists()

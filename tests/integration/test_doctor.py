"""privgw doctor against the local endpoint: a healthy stack passes every check, and each
deliberately broken one fails the check that names it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from privgw import validate_config
from privgw.doctor import Check, doctor
from tests.support.configs import ROOT
from tests.support.localaws.deployed import (
    aws_deploy,
    deploy_cross_account,
    outputs_of,
    physical_id,
)
from tests.support.localaws.endpoint import REGION, LocalAws, create_network
from tests.support.localaws.stacks import deployable, example_data, localise

HELLO = ROOT / "examples" / "hello.yaml"


def deployed_hello(local: LocalAws, tmp_path: Path, stack: str) -> dict[str, Any]:
    net = create_network(local)
    data = localise(example_data(HELLO), net, local)
    result = aws_deploy(local, deployable(data, "cfn", net, local, tmp_path), stack)
    assert result.returncode == 0, result.stderr
    return data


def run(local: LocalAws, stack: str, data: dict[str, Any]) -> dict[str, Check]:
    checks = doctor(stack, cfg=validate_config(data), region=REGION, endpoint_url=local.url)
    return {c.name: c for c in checks}


def test_a_healthy_stack_passes_every_check(aws_env: LocalAws, tmp_path: Path) -> None:
    data = deployed_hello(aws_env, tmp_path, "doctor-healthy")
    checks = run(aws_env, "doctor-healthy", data)
    assert {
        "endpoint",
        "private-dns",
        "security-group",
        "api-private",
        "api-endpoints",
        "policy",
        "stage-deployment",
    } <= set(checks)
    assert [c.line() for c in checks.values() if not c.passed] == []


def test_a_policy_changed_outside_cloudformation(aws_env: LocalAws, tmp_path: Path) -> None:
    data = deployed_hello(aws_env, tmp_path, "doctor-policy")
    api_id = outputs_of(aws_env, "doctor-policy")["RestApiId"]
    opened = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
              "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]}  # fmt: skip
    aws_env.client("apigateway").update_rest_api(
        restApiId=api_id,
        patchOperations=[{"op": "replace", "path": "/policy", "value": json.dumps(opened)}],
    )
    check = run(aws_env, "doctor-policy", data)["policy"]
    assert not check.passed
    assert "differs from the template's" in check.detail
    assert "update-rest-api" in check.fix, "deploying the same template changes nothing"


def test_a_security_group_without_the_callers_cidr(aws_env: LocalAws, tmp_path: Path) -> None:
    data = deployed_hello(aws_env, tmp_path, "doctor-sg")
    group = physical_id(aws_env, "doctor-sg", "EndpointSecurityGroup")
    cidr = data["network"]["allowed_cidrs"][0]
    aws_env.client("ec2").revoke_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": cidr}]}
        ],
    )
    check = run(aws_env, "doctor-sg", data)["security-group"]
    assert not check.passed
    assert cidr in check.detail
    assert "redeploy" not in check.fix, "deploying the same template changes nothing"
    command = shlex.split(check.fix.removeprefix("restore it: "))
    assert command[:3] == ["aws", "ec2", "authorize-security-group-ingress"]
    aws_env.aws(*command[1:])
    assert run(aws_env, "doctor-sg", data)["security-group"].passed, "the fix restores it"


def test_a_config_that_does_not_match_the_stack_is_said_so(
    aws_env: LocalAws, tmp_path: Path
) -> None:
    """Not drift: the config names another caller CIDR than the deployed template; the fix is
    a build and deploy, and the live checks compare the stack with its own template."""
    data = deployed_hello(aws_env, tmp_path, "doctor-config")
    other = {**data, "network": {**data["network"], "allowed_cidrs": ["10.99.0.0/16"]}}
    checks = run(aws_env, "doctor-config", other)
    assert not checks["config"].passed
    assert "the config and the stack differ" in checks["config"].detail
    assert "EndpointSecurityGroup.Properties.SecurityGroupIngress" in checks["config"].detail
    assert "privgw deploy" in checks["config"].fix
    assert checks["security-group"].passed, "the stack itself is as its template says"
    assert run(aws_env, "doctor-config", data)["config"].passed


def test_a_stage_left_on_an_old_deployment(aws_env: LocalAws, tmp_path: Path) -> None:
    data = deployed_hello(aws_env, tmp_path, "doctor-stage")
    api_id = outputs_of(aws_env, "doctor-stage")["RestApiId"]
    apigw = aws_env.client("apigateway")
    other = apigw.create_deployment(restApiId=api_id, description="made by hand")["id"]
    apigw.update_stage(
        restApiId=api_id,
        stageName=data.get("stage", {}).get("name", "v1"),
        patchOperations=[{"op": "replace", "path": "/deploymentId", "value": other}],
    )
    check = run(aws_env, "doctor-stage", data)["stage-deployment"]
    assert not check.passed
    assert "missed redeploy" in check.detail


def test_an_api_that_does_not_list_the_stacks_endpoint(aws_env: LocalAws, tmp_path: Path) -> None:
    from privgw import build_template, render  # noqa: PLC0415

    net = create_network(aws_env)
    data = localise(example_data(HELLO), net, aws_env)
    data.setdefault("endpoint", {})["existing_ids"] = net.shared_endpoint_ids[:1]
    template = build_template(validate_config(data)).to_dict()
    config = template["Resources"]["RestApi"]["Properties"]["EndpointConfiguration"]
    config["VpcEndpointIds"] = net.shared_endpoint_ids[:1]  # edited by hand: no Endpoint
    path = tmp_path / "no-endpoint.json"
    path.write_text(render(template, "json"), encoding="utf-8")
    assert aws_deploy(aws_env, path, "doctor-endpoints").returncode == 0
    check = run(aws_env, "doctor-endpoints", data)["api-endpoints"]
    assert not check.passed
    assert "does not list" in check.detail


def test_a_consumer_stack_is_checked_as_one(aws_env: LocalAws, tmp_path: Path) -> None:
    """examples/cross-account/: the consumer stack has no API of its own; its endpoint, group,
    access association and DNS record are checked, and the provider's record too. Pointing the
    consumer's record elsewhere by hand fails exactly that check."""
    from privgw.config import ConsumerStack  # noqa: PLC0415

    pair = deploy_cross_account(aws_env, tmp_path, "cfn", "doctor", 91)
    cfg = ConsumerStack(**pair.consumer_data)
    checks = {
        c.name: c for c in doctor(pair.consumer, cfg=cfg, region=REGION, endpoint_url=aws_env.url)
    }
    assert set(checks) == {
        "config",
        "endpoint",
        "private-dns",
        "security-group",
        "domain-access",
        "dns-record",
    }
    assert [c.line() for c in checks.values() if not c.passed] == []
    provider = doctor(pair.provider, region=REGION, endpoint_url=aws_env.url)
    assert [c.line() for c in provider if not c.passed] == []
    assert "dns-record" in {c.name for c in provider}

    zone = physical_id(aws_env, pair.consumer, "CustomDomainZone")
    elsewhere = {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "elsewhere.example.com",
                 "EvaluateTargetHealth": False}  # fmt: skip
    aws_env.client("route53").change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": pair.domain,
                        "Type": "A",
                        "AliasTarget": elsewhere,
                    },
                }
            ]
        },
    )
    after = doctor(pair.consumer, cfg=cfg, region=REGION, endpoint_url=aws_env.url)
    assert [c.name for c in after if not c.passed] == ["dns-record"]
    (failed,) = [c for c in after if not c.passed]
    assert f"{pair.domain} in zone {zone} points at elsewhere.example.com" in failed.detail

"""Stacks on the local endpoint as the deploy tests drive them: `aws cloudformation deploy`,
what a stack put out, why it failed, and the cross-account pair deployed provider first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from privgw import render
from privgw.flavours import Flavour
from tests.support.localaws.endpoint import REGION, ROOT, LocalAws, Network, create_network
from tests.support.localaws.stacks import deployable, example_data, localise


def aws_deploy(local: LocalAws, template: Path, stack: str) -> Any:
    return local.aws(
        "cloudformation",
        "deploy",
        "--template-file",
        str(template),
        "--stack-name",
        stack,
        "--capabilities",
        "CAPABILITY_IAM",
        "--no-fail-on-empty-changeset",
        check=False,
    )


def outputs_of(local: LocalAws, stack: str) -> dict[str, str]:
    (described,) = local.aws("cloudformation", "describe-stacks", "--stack-name", stack)["Stacks"]
    assert described["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), described
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs") or []}


def physical_id(local: LocalAws, stack: str, logical: str) -> str:
    resources = local.aws("cloudformation", "list-stack-resources", "--stack-name", stack)
    for resource in resources["StackResourceSummaries"]:
        if resource["LogicalResourceId"] == logical:
            return str(resource["PhysicalResourceId"])
    raise AssertionError(f"{logical} not in stack {stack}")


def stack_failure(local: LocalAws, stack: str) -> str:
    events = local.aws("cloudformation", "describe-stack-events", "--stack-name", stack)
    return "\n".join(
        f"{e['LogicalResourceId']} {e['ResourceStatus']} {e.get('ResourceStatusReason')}"
        for e in events["StackEvents"]
    )


@dataclass(frozen=True)
class CrossAccount:
    """examples/cross-account/ deployed on the local endpoint: the stacks and what they were
    built from (one local account plays both sides: moto keeps one)."""

    provider: str
    consumer: str
    provider_data: dict[str, Any]
    consumer_data: dict[str, Any]
    provider_net: Network
    consumer_net: Network
    domain: str
    account: str


def deploy_cross_account(
    local: LocalAws, tmp_path: Path, flavour: Flavour, tag: str, cidr_base: int
) -> CrossAccount:
    """The provider (its domain renamed per ``tag``: moto keys domains by name), then the
    consumer with the provider's outputs in its ``provider:`` section."""
    from privgw.config import ConsumerStack
    from privgw.resources.consumer import build_consumer_stack

    folder = ROOT / "examples" / "cross-account"
    provider_net = create_network(local, f"10.{cidr_base}.0.0/16")
    consumer_net = create_network(local, f"10.{cidr_base + 1}.0.0/16")
    data = localise(example_data(folder / "provider.yaml"), provider_net, local)
    data["access"]["vpc_ids"] = [consumer_net.vpc_id]
    data["custom_domain"]["name"] = f"{tag}.{data['custom_domain']['name']}"
    data["custom_domain"]["share_with"] = ["210987654321"]
    provider = f"xa-provider-{tag}"
    result = aws_deploy(local, deployable(data, flavour, provider_net, local, tmp_path), provider)
    assert result.returncode == 0, result.stderr + result.stdout + stack_failure(local, provider)
    outputs = outputs_of(local, provider)
    account = local.client("sts").get_caller_identity()["Account"]
    consumer = example_data(folder / "consumer.yaml")
    consumer["network"].update(vpc_id=consumer_net.vpc_id, subnet_ids=consumer_net.subnet_ids)
    consumer["network"]["allowed_cidrs"] = [f"10.{cidr_base + 1}.0.0/16"]
    consumer["account_id"] = account
    consumer["provider"].update(
        domain_name_arn=outputs["CustomDomainArn"],
        domain_name=data["custom_domain"]["name"],
        api_id=outputs["RestApiId"],
        region=REGION,
    )
    template = tmp_path / "consumer.yaml"
    text = render(build_consumer_stack(ConsumerStack(**consumer)), "yaml")
    template.write_text(text, encoding="utf-8")
    stack = f"xa-consumer-{tag}"
    result = aws_deploy(local, template, stack)
    assert result.returncode == 0, result.stderr + result.stdout + stack_failure(local, stack)
    domain = data["custom_domain"]["name"]
    return CrossAccount(
        provider, stack, data, consumer, provider_net, consumer_net, domain, account
    )

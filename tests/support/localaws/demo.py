"""`make deploy-local`: the whole flow without an AWS account.

Starts the local endpoint (patched moto on a loopback port), creates what the examples expect
(VPC, subnets, existing endpoints, an artifact bucket), then deploys with `privgw deploy`, in
dependency order: every example as plain CloudFormation and as SAM (transformed locally by
samtranslator, as `sam deploy` would have AWS do), then each topology's endpoint stacks before
the API stacks that import them. It prints what privgw deploy printed: progress, outputs,
invoke URLs; and exits 1 if any stack failed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from privgw.cli import main as privgw
from privgw.config import EndpointStack, load_any
from privgw.flavours import Flavour
from privgw.rendering import render
from privgw.resources.template import build_endpoint_stack
from tests.support.localaws.endpoint import REGION, ROOT, LocalAws, Network, create_network
from tests.support.localaws.stacks import deployable, example_data, localise

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TOPOLOGIES = sorted((ROOT / "examples" / "topologies").glob("*.yaml"))
FLAVOURS: tuple[Flavour, ...] = ("cfn", "sam")


@dataclass(frozen=True)
class Step:
    """One stack to deploy: which config, as which flavour, under which stack name."""

    config: Path
    flavour: Flavour
    stack: str
    endpoint_stack: bool = False


def plan() -> list[Step]:
    """Every stack, in an order where each one's imports exist before it is deployed."""
    steps = [
        Step(path, flavour, _stack_name(path, flavour)) for path in EXAMPLES for flavour in FLAVOURS
    ]
    configs = {path: load_any(path) for path in TOPOLOGIES}
    steps += [
        Step(path, "cfn", path.stem, endpoint_stack=True)
        for path, cfg in configs.items()
        if isinstance(cfg, EndpointStack)
    ]
    for path, cfg in configs.items():
        if isinstance(cfg, EndpointStack):
            continue
        steps += [Step(path, flavour, _stack_name(path, flavour)) for flavour in FLAVOURS]
    return steps


def _stack_name(config: Path, flavour: Flavour) -> str:
    return config.stem if flavour == "cfn" else f"{config.stem}-sam"


def _template(step: Step, net: Network, local: LocalAws, tmp: Path) -> tuple[Path, list[str]]:
    """The file privgw deploy gets, and its parameter overrides."""
    if step.endpoint_stack:
        raw = example_data(step.config)
        raw["network"].update(vpc_id=net.vpc_id, subnet_ids=net.subnet_ids)
        path = tmp / "endpoint.yaml"
        path.write_text(render(build_endpoint_stack(EndpointStack(**raw)), "yaml"), "utf-8")
        return path, []
    data = localise(example_data(step.config), net, local)
    if step.flavour == "sam" and data.get("custom_domain"):
        # one account cannot map one domain name to two stacks' stages: give SAM its own
        data["custom_domain"]["name"] = "sam." + data["custom_domain"]["name"]
    overrides = []
    if data.get("endpoint", {}).get("parameter"):
        overrides.append(f"VpcEndpointId={net.shared_endpoint_ids[0]}")
    return deployable(data, step.flavour, net, local, tmp), overrides


def _deploy(steps: list[Step], local: LocalAws) -> Iterator[tuple[Step, int]]:
    shared: Network | None = None
    for step in steps:
        topology = step.config.parent.name == "topologies"
        if topology and shared is None:
            shared = create_network(local, "10.77.0.0/16")
        net = shared if topology and shared is not None else create_network(local)
        with tempfile.TemporaryDirectory() as tmp:
            template, overrides = _template(step, net, local, Path(tmp))
            what = "SAM, transformed locally" if step.flavour == "sam" else "CloudFormation"
            print(f"\n=== {step.config.relative_to(ROOT)} ({what}) -> stack {step.stack}")
            argv = ["deploy", str(template), "--stack-name", step.stack]
            argv += ["--endpoint-url", local.url, "--region", REGION]
            if overrides:
                argv += ["--parameter-overrides", *overrides]
            yield step, privgw(argv)


def run() -> int:
    local = LocalAws.start()
    print(f"local AWS endpoint: {local.url} (moto, patched; nothing leaves this machine)")
    os.environ.update({k: v for k, v in local.env.items() if k.startswith("AWS_")})
    failed: list[str] = []
    try:
        for step, code in _deploy(plan(), local):
            if code != 0:
                failed.append(step.stack)
    finally:
        local.stop()
    if failed:
        print(f"\n{len(failed)} stack(s) failed: {', '.join(failed)}")
        return 1
    print(f"\nall {len(plan())} stacks deployed")
    return 0


if __name__ == "__main__":
    sys.exit(run())

"""The local endpoint as a feature: `make local-aws` starts it, says what to export and stops on
Ctrl-C; `make deploy-local` deploys every example and topology, plain and SAM, in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.conftest import ROOT
from tests.localaws.demo import EXAMPLES, TOPOLOGIES, plan
from tests.localaws.endpoint import free_loopback_port


def test_make_local_aws_announces_the_endpoint_and_stops_on_ctrl_c() -> None:
    port = free_loopback_port()
    process = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "local-aws",
            f"PORT={port}",
            f"BIN={os.path.dirname(sys.executable)}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl-C reaches make and the endpoint, as in a terminal
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "Ctrl-C stops the endpoint" in line:
            break
    text = "".join(lines)
    url = f"http://127.0.0.1:{port}"
    assert f"export AWS_ENDPOINT_URL={url} AWS_REGION=us-east-1" in text
    import boto3  # noqa: PLC0415

    cfn = boto3.client(
        "cloudformation",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert cfn.list_stacks()["StackSummaries"] == []
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=30)
    assert "local AWS endpoint stopped" in rest
    assert "Traceback" not in text + rest


def test_the_deploy_plan_covers_everything_in_dependency_order() -> None:
    steps = plan()
    names = [s.stack for s in steps]
    assert len(names) == len(set(names)), "every stack once"
    for example in EXAMPLES:
        assert {s.flavour for s in steps if s.config == example} == {"cfn", "sam"}
    endpoint_stacks = [i for i, s in enumerate(steps) if s.endpoint_stack]
    api_stacks = [i for i, s in enumerate(steps) if s.config in TOPOLOGIES and not s.endpoint_stack]
    assert endpoint_stacks
    assert api_stacks
    assert max(endpoint_stacks) < min(api_stacks), "endpoint stacks before the APIs importing them"


def test_make_deploy_local_deploys_every_stack() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.localaws.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"all {len(plan())} stacks deployed" in done.stdout
    assert done.stdout.count("SAM, transformed locally") == len(
        [s for s in plan() if s.flavour == "sam"]
    )

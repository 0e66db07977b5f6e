"""The local endpoint as a feature: `make local-aws` starts it, says what to export and stops on
Ctrl-C; `make deploy-local` deploys every example and topology, plain and SAM, in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.configs import ROOT
from tests.support.docs import docs_text
from tests.support.localaws.demo import EXAMPLES, TOPOLOGIES, plan
from tests.support.localaws.endpoint import free_loopback_port


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
    _run_as_a_user_would(text, url, port)
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=30)
    assert "local AWS endpoint stopped" in rest
    assert "Traceback" not in text + rest


#: A stack that needs nothing to exist first, to show that the exported settings reach AWS.
TINY_TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n"


def _shell(script: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in bash with only what a new shell has: no AWS_* variable, an empty HOME."""
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _exports(text: str) -> str:
    """The export command in ``text``, with its continuation lines."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("export AWS_"))
    end = start
    while lines[end].rstrip().endswith("\\"):
        end += 1
    return "\n".join(line.strip() for line in lines[start : end + 1])


def _run_as_a_user_would(banner: str, url: str, port: int) -> None:
    """The banner's commands, then the README's exports, exactly as written: the pinned aws
    CLI reads only AWS_DEFAULT_REGION, privgw (like the aws CLI v2) AWS_REGION first."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "tiny.yaml").write_text(TINY_TEMPLATE, encoding="utf-8")
        create_vpc = next(
            line.split("#")[0].strip()
            for line in banner.splitlines()
            if line.strip().startswith("aws ec2 create-vpc")
        )
        banner_run = _shell(
            f"{_exports(banner)}\n{create_vpc}\n"
            "privgw deploy tiny.yaml --stack-name from-the-banner",
            tmp,
        )
        assert banner_run.returncode == 0, banner_run.stderr
        assert '"VpcId": "vpc-' in banner_run.stdout
        shown = docs_text().split("**A local AWS endpoint**", 1)[1]
        exports = _exports(shown).replace("127.0.0.1:5055", f"127.0.0.1:{port}")
        readme_run = _shell(f"{exports}\nprivgw deploy tiny.yaml --stack-name from-the-readme", tmp)
        assert readme_run.returncode == 0, readme_run.stderr
        assert "from-the-readme: CREATE_COMPLETE" in readme_run.stdout
        without_region = _shell(
            _exports(banner).replace("AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1", "")
            + "\nAWS_REGION=eu-wset-1 privgw deploy tiny.yaml --stack-name typo",
            tmp,
        )
        assert without_region.returncode == 2
        assert "did you mean eu-west-1?" in without_region.stderr
    assert url in banner


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
        [sys.executable, "-m", "tests.support.localaws.demo"],
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


def test_an_endpoint_that_cannot_be_reached_is_said_so_not_a_refusal(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY_TEMPLATE, encoding="utf-8")
    url = f"http://127.0.0.1:{free_loopback_port()}"  # nothing listens there
    done = _shell(
        f"export AWS_MAX_ATTEMPTS=1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n"
        f"privgw deploy tiny.yaml --stack-name x --region us-east-1 --endpoint-url {url}",
        tmp_path,
    )
    assert done.returncode == 2
    assert f"could not reach the AWS endpoint {url}" in done.stderr
    assert "refused" not in done.stderr
    assert "Traceback" not in done.stderr

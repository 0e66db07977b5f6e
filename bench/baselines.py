"""The baselines: the same API through AWS SAM's transform and through `cdk synth`, on the
same machine, so privgw's numbers are read beside what the usual tools take."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PRIVGW, ROOT, SEED, run
from bench.timing import fmt, timed
from privgw.limits import POLICY_LIMIT
from tests.support.localaws.stacks import NoManagedPolicies

SAM_ROUTE_COUNTS = (1, 10, 25, 50, 100, 200)
CDK_DIR = ROOT / "bench" / "cdk"
CDK = CDK_DIR / "node_modules" / ".bin" / "cdk"
CDK_RESOURCE_LIMIT = 500
#: How long `cdk synth` took on the machine the issue's absolute targets were set on.
ISSUE_CDK_SYNTH = 2.8


def sam_app(count: int) -> dict[str, Any]:
    """The seed's API the way SAM's documentation writes it: one Api event per route and
    ``Auth.ResourcePolicy`` for the endpoint allow-list (SAM writes that policy per path)."""
    vpce = "vpce-0123456789abcdef0"
    events = {
        f"R{i}": {
            "Type": "Api",
            "Properties": {"RestApiId": {"Ref": "Api"}, "Path": f"/r{i}", "Method": "get"},
        }
        for i in range(count)
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Api": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "StageName": "v1",
                    "EndpointConfiguration": {"Type": "PRIVATE", "VPCEndpointIds": [vpce]},
                    "Auth": {"ResourcePolicy": {"IntrinsicVpceWhitelist": [vpce]}},
                },
            },
            "Function": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.13",
                    "Handler": "index.handler",
                    "InlineCode": "def handler(event, context):\n    return {}\n",
                    "Events": events,
                },
            },
        },
    }


def section_sam(repeat: int, results: dict[str, float]) -> list[str]:
    """SAM's own transform (samtranslator, installed with cfn-lint) on the SAM-idiomatic app."""
    import logging  # noqa: PLC0415 - the SAM baseline only

    from samtranslator.translator.transform import transform  # noqa: PLC0415

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # samtranslator asks boto3
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    rows = []
    first_over: int | None = None
    for count in SAM_ROUTE_COUNTS:
        runs = repeat if count <= 50 else max(2, repeat // 3)
        samples = timed(
            lambda count=count: transform(sam_app(count), {}, NoManagedPolicies()), runs
        )
        out = transform(sam_app(count), {}, NoManagedPolicies())
        (api,) = [r for r in out["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
        policy = api["Properties"]["Body"]["x-amazon-apigateway-policy"]
        chars = len(json.dumps(policy, separators=(",", ":")))
        if first_over is None and chars > POLICY_LIMIT:
            first_over = count
        rows.append(f"| {count} | {fmt(samples)} | {chars:,} |")
    if first_over is not None:
        results["sam_policy_over_at"] = first_over
    return [
        "## Baseline: SAM's transform on the same machine",
        "",
        "The seed API written the SAM way (one `Api` event per `GET /rN` route, "
        "`Auth.ResourcePolicy.IntrinsicVpceWhitelist`), transformed by samtranslator in-process.",
        "",
        "| routes | transform | resource policy chars |",
        "| --- | --- | --- |",
        *rows,
        "",
        f"SAM writes the policy per path: it passes the {POLICY_LIMIT:,}-character limit "
        f"at {first_over} routes in this table; privgw's stays at one size (table above).",
        "",
    ]


def cdk_synth(routes: int, out: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ROUTES": str(routes),
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        # Nothing here needs the network; anything that tried would meet a closed loopback port.
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    return subprocess.run(
        [str(CDK), "synth", "--app", "node app.js", "--no-notices", "-q", "-o", out],
        cwd=CDK_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def cdk_resources(out: str) -> int:
    template = json.loads((Path(out) / "hello.template.json").read_text(encoding="utf-8"))
    return len(template["Resources"])


def section_cdk(repeat: int, results: dict[str, float]) -> list[str]:
    title = "## Baseline: `cdk synth` of the same API on the same machine"
    if not CDK.exists():
        return [
            title,
            "",
            "Not measured: the AWS CDK is not installed in `bench/cdk` (`make bench` installs "
            "it when npm is available).",
            "",
        ]
    samples: list[float] = []
    paired: list[float] = []  # privgw build right after each synth: same machine, same moment
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as built:
        for _ in range(repeat):
            started = time.perf_counter()
            cdk_synth(0, out).check_returncode()
            samples.append(time.perf_counter() - started)
            paired += timed(
                lambda: run([*PRIVGW, "build", str(SEED), "-o", built, "--no-cache"]), 1
            )
        seed_resources = cdk_resources(out)
        cdk_synth(10, out).check_returncode()
        ten = cdk_resources(out)
        cdk_synth(1, out).check_returncode()
        one = cdk_resources(out)
        refused = cdk_synth(200, out)
    version = json.loads((CDK_DIR / "node_modules" / "aws-cdk-lib" / "package.json").read_text())
    per_method = (ten - one) / 9
    fixed = one - per_method
    most = int((CDK_RESOURCE_LIMIT - fixed) // per_method)
    results["cdk_synth"] = statistics.median(samples)
    results["full_paired"] = statistics.median(paired)
    results["paired_ratio"] = statistics.median(p / c for p, c in zip(paired, samples, strict=True))
    verdict = (
        "fails (more than 500 resources)"
        if refused.returncode != 0 and "maximum of 500" in refused.stdout + refused.stderr
        else f"exit code {refused.returncode}"
    )
    return [
        title,
        "",
        f"`bench/cdk/app.js` (aws-cdk-lib {version['version']}): the seed's endpoint, security "
        "group, function, private API, policy and outputs, synthesized by the `cdk` CLI.",
        "",
        "| measurement | value |",
        "| --- | --- |",
        f"| `cdk synth`, seed API ({seed_resources} resources) | {fmt(samples, 's')} |",
        f"| `privgw build` (linted), each run right after a synth | {fmt(paired, 's')} |",
        f"| privgw / CDK, run by run | {results['paired_ratio']:.2f} (median) |",
        f"| resources per method | {per_method:.0f} (privgw: 2) |",
        f"| most flat routes in one stack | {most} (privgw: {int(results['max_routes'])}) |",
        f"| 200 routes | {verdict} |",
        "",
    ]

"""privgw benchmarks: how long a user waits, and how cost grows with routes and configs.

Run with `make bench`. Prints a Markdown report and writes it to --output. Every number is a
median over repeated runs with its spread (min-max); nothing here asserts a time: benchmarks
measure, the test suite proves behaviour.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.openapi import section_openapi
from bench.timing import fmt, timed
from privgw import ConfigError, build_template, load_config, render, validate_config
from privgw.checks import preflight
from privgw.limits import INLINE_TEMPLATE_LIMIT, POLICY_LIMIT
from privgw.lint import lint_text
from tests.support.localaws.stacks import NoManagedPolicies

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "hello.yaml"
_SCRIPT = Path(sys.executable).with_name("privgw")
#: The console script a user runs (falls back to the module when it is not installed).
PRIVGW = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "privgw.cli"]
ROUTE_COUNTS = (1, 10, 50, 100, 200)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(command, check=True, capture_output=True, env=env)


def seed_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    return data


def with_routes(count: int) -> dict[str, Any]:
    data = copy.deepcopy(seed_data())
    data["routes"] = [f"GET /r{i}" for i in range(count)]
    return data


def max_flat_routes() -> int:
    """The largest number of GET /rN routes that still fits in one template."""
    low, high = 1, 1000
    while low < high:
        mid = (low + high + 1) // 2
        try:
            build_template(validate_config(with_routes(mid)))
        except ConfigError:
            high = mid - 1
        else:
            low = mid
    return low


def section_latency(repeat: int, results: dict[str, float]) -> list[str]:
    cfg = load_config(SEED)
    import_code = (  # everything a build needs (privgw's public names load lazily)
        "import time; t = time.perf_counter(); import privgw.resources.template, privgw.config, "
        "privgw.rendering; print(time.perf_counter() - t)"
    )
    imports = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", import_code], check=True, capture_output=True, text=True
        )
        imports.append(float(out.stdout))
    in_process = timed(lambda: render(build_template(cfg), "yaml"), repeat * 20)
    full: list[float] = []
    no_lint: list[float] = []
    both: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        # --no-cache: these rows measure a build that lints (the cache has its own section)
        build = [*PRIVGW, "build", str(SEED), "-o", tmp, "--force", "--no-cache"]
        for _ in range(repeat):  # interleaved, so a slow spell of the machine hits all three
            full += timed(lambda: run(build), 1)
            no_lint += timed(lambda: run([*build, "--no-lint"]), 1)
            both += timed(lambda: run([*build, "--flavour", "all"]), 1)
    results.update(
        in_process=statistics.median(in_process),
        full=statistics.median(full),
        no_lint=statistics.median(no_lint),
    )
    return [
        "## What a user waits for (seed example `examples/hello.yaml`)",
        "",
        "| measurement | median (min-max) |",
        "| --- | --- |",
        f"| import privgw's build modules (troposphere, pydantic, awacs) | {fmt(imports)} |",
        f"| build + render in-process | {fmt(in_process)} |",
        f"| `privgw build` process, no lint | {fmt(no_lint)} |",
        f"| `privgw build` process (build + write + lint) | {fmt(full)} |",
        f"| `privgw build --flavour all` process (2 templates, linted) | {fmt(both)} |",
        "",
    ]


def section_scaling(repeat: int, results: dict[str, float]) -> list[str]:
    lint_text(render(build_template(load_config(SEED)), "yaml"))  # warm cfn-lint's runner
    rows = []
    counts = [*ROUTE_COUNTS, max_flat_routes()]
    policy_sizes = set()
    base_build = None
    for count in counts:
        cfg = validate_config(with_routes(count))
        template = build_template(cfg)
        text = render(template, "yaml")
        compact = render(template, "json", compact=True)
        resources = len(template.resources)
        build_samples = timed(lambda cfg=cfg: render(build_template(cfg), "yaml"), repeat * 3)
        lint_samples = timed(lambda text=text: lint_text(text), max(2, repeat // 2))
        if base_build is None:
            base_build = statistics.median(build_samples)
        fixed = resources - 2 * count
        policy = template.resources["RestApi"].properties["Policy"]
        policy_sizes.add(len(json.dumps(policy, separators=(",", ":"))))
        if count == max(ROUTE_COUNTS):
            results["build_200"] = statistics.median(build_samples)
            advice = [f for f in preflight(text, template.to_dict()) if f.rule == "I9002"]
            results["size_advice"] = float(
                len(text.encode()) > INLINE_TEMPLATE_LIMIT
                and any("--s3-bucket" in f.message for f in advice)
            )
        rows.append(
            f"| {count} | {resources} | {fixed} + {(resources - fixed) / count:.2f}/route | "
            f"{len(text.encode()):,} | {(len(text.encode())) / count:,.0f} | "
            f"{len(compact.encode()):,} | {len(json.dumps(policy, separators=(',', ':')))} | "
            f"{fmt(build_samples)} | {statistics.median(build_samples) / base_build:.1f}x | "
            f"{fmt(lint_samples)} |"
        )
    results["max_routes"] = counts[-1]
    results["policy_sizes"] = len(policy_sizes)
    return [
        "## Scaling with routes (flat `GET /rN` routes on the seed example)",
        "",
        "| routes | resources | fixed + per route | YAML bytes | bytes/route "
        "| compact JSON bytes | policy chars | build + render | vs 1 route | lint (warm) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"The last row is the most routes that fit in one template (500 resources). Templates "
        f"over {INLINE_TEMPLATE_LIMIT:,} bytes are reported (I9002) with the fix: "
        "`--s3-bucket`, or `--format json --compact`.",
        "",
    ]


ALB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/svc/0123456789abcdef"


def spread(functions: int, backends: int, routes: int) -> dict[str, Any]:
    """The seed example with ``routes`` flat routes round-robin over functions and backends
    (each backend through a VPC link v2 privgw creates)."""
    data = copy.deepcopy(seed_data())
    function = data.pop("function")
    names = [f"fn{i}" for i in range(functions)] + [f"be{i}" for i in range(backends)]
    data["functions"] = {f"fn{i}": function for i in range(functions)}
    data["backends"] = {
        f"be{i}": {
            "load_balancer_arn": ALB,
            "vpc_link": {
                "subnet_ids": data["network"]["subnet_ids"],
                "security_group_ids": ["sg-0123456789abcdef0"],
            },
            "uri": f"https://be{i}.internal.example.com",
        }
        for i in range(backends)
    }
    data["routes"] = [f"GET /r{i} -> {names[i % len(names)]}" for i in range(routes)]
    return data


def section_backends(repeat: int, results: dict[str, float]) -> list[str]:
    """200 routes on one function against 200 routes over 20 functions and 5 backends."""
    rows = []
    shapes = [(1, 0), (20, 5)]
    medians = {}
    for functions, backends in shapes:
        cfg = validate_config(spread(functions, backends, 200))
        for flavour in ("cfn", "sam"):
            template = build_template(cfg, flavour)
            text = render(template, "yaml")
            samples = timed(
                lambda cfg=cfg, flavour=flavour: render(build_template(cfg, flavour), "yaml"),
                repeat * 2,
            )
            medians[(functions, flavour)] = statistics.median(samples)
            resources = len(template.resources)
            per_part = ""
            if flavour == "cfn":
                fixed = resources - 2 * 200 - 4 * (functions - 1) - backends
                per_part = f"{fixed} + 2/route + 4/extra function + 1/backend"
            rows.append(
                f"| {functions} | {backends} | {flavour} | {resources} | {per_part} | "
                f"{len(text.encode()):,} | {fmt(samples)} |"
            )
    results["backends_ratio"] = medians[(20, "cfn")] / medians[(1, "cfn")]
    return [
        "## Many backends: 200 routes over 20 functions and 5 load-balanced backends",
        "",
        "| functions | backends | flavour | resources | breakdown | YAML bytes | build + render |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Build + render of the spread API takes {results['backends_ratio']:.2f}x the time of "
        "the same 200 routes on one function. Resources per route stay 2 (Resource + Method); "
        "each function beyond the first adds 4 (function, role, log group, one permission), "
        "each created VPC link 1. The SAM flavour has fewer resources before SAM's transform "
        "(which adds a permission per function route).",
        "",
    ]


def section_cache(repeat: int, results: dict[str, float]) -> list[str]:
    """The lint cache and build --check (issue #18): pairwise, interleaved, so a slow spell of
    the machine hits both sides of each ratio."""
    from privgw import lintcache  # noqa: PLC0415

    fingerprints = []
    for _ in range(repeat):
        lintcache.installed_fingerprint.cache_clear()
        fingerprints += timed(lintcache.installed_fingerprint, 1)
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    build = [*PRIVGW, "build", *examples, "-o", "templates", "--flavour", "all", "--quiet"]
    check = [*PRIVGW, "build", *examples, "-o", "templates", "--flavour", "all", "--check"]
    make = ["make", "--no-print-directory", "templates"]
    cold_make: list[float] = []
    warm_make: list[float] = []
    no_cache: list[float] = []
    cold_build: list[float] = []
    warm_build: list[float] = []
    checks: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(max(3, repeat // 2)):
            fresh = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/cold{index}"}
            warm = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/warm"}
            cold_make += timed(lambda env=fresh: run(make, env), 1)
            run(make, warm)  # fills the warm cache (once is enough; later runs are hits)
            warm_make += timed(lambda env=warm: run(make, env), 1)
            no_cache += timed(lambda env=warm: run([*build, "--no-cache"], env), 1)
            cold_build += timed(
                lambda i=index: run(build, {**os.environ, "XDG_CACHE_HOME": f"{tmp}/b{i}"}), 1
            )
            warm_build += timed(lambda env=warm: run(build, env), 1)
            checks += timed(lambda env=warm: run(check, env), 1)
    med = statistics.median
    results.update(
        cache_ratio=med(warm_make) / med(cold_make),
        check_seconds=med(checks),
        check_ratio=med(checks) / med(no_cache),
        check_warm_ratio=med(checks) / med(warm_build),
        # each cold build ran right after a --no-cache build: the median of those pairs'
        # differences, not the difference of two medians over a machine whose speed drifts
        cold_extra=med([c - n for c, n in zip(cold_build, no_cache, strict=True)]),
        fingerprint=med(fingerprints),
    )
    return [
        "## Lint cache and `build --check` (the examples, both flavours)",
        "",
        "| measurement | median (min-max) |",
        "| --- | --- |",
        f"| fingerprint of cfn-lint's and privgw's rule files | {fmt(fingerprints)} |",
        f"| `make templates`, empty cache (cold) | {fmt(cold_make, 's')} |",
        f"| `make templates`, nothing changed (warm cache) | {fmt(warm_make, 's')} |",
        f"| `privgw build --no-cache` | {fmt(no_cache, 's')} |",
        f"| `privgw build`, empty cache | {fmt(cold_build, 's')} |",
        f"| `privgw build`, warm cache | {fmt(warm_build, 's')} |",
        f"| `privgw build --check`, nothing changed | {fmt(checks, 's')} |",
        "",
    ]


def section_many(repeat: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        configs = []
        for i in range(20):
            data = with_routes(5 + i)
            data["name"] = f"api{i}"
            path = tmp / f"api{i}.yaml"
            path.write_text(yaml.safe_dump(data), encoding="utf-8")
            configs.append(str(path))
        out = tmp / "out"
        serial = timed(lambda: run([*PRIVGW, "build", *configs, "-o", str(out), "-j", "1"]), repeat)
        parallel = timed(lambda: run([*PRIVGW, "build", *configs, "-o", str(out)]), repeat)
    speedup = statistics.median(serial) / statistics.median(parallel)
    return [
        f"## Many configs: 20 configs in one `privgw build` ({os.cpu_count()} cores)",
        "",
        "| lint | median (min-max) |",
        "| --- | --- |",
        f"| serial (`-j 1`) | {fmt(serial, 's')} |",
        f"| parallel (default: one worker per core, cfn-lint imported once) | "
        f"{fmt(parallel, 's')} |",
        "",
        f"Parallel speed-up: {speedup:.2f}x.",
        "",
    ]


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


def section_targets(results: dict[str, float]) -> list[str]:
    """The issue's targets next to what was measured above."""

    def row(target: str, measured: str, met: bool) -> str:
        return f"| {target} | {measured} | {'met' if met else '**not met**'} |"

    full, no_lint = results["full"], results["no_lint"]
    rows = []
    if "cdk_synth" in results:
        ratio = results["paired_ratio"]
        rows.append(
            row(
                "`privgw build` (build + write + lint) at most a third of `cdk synth` here",
                f"{results['full_paired']:.2f} s vs {results['cdk_synth']:.2f} s: {ratio:.2f}",
                ratio <= 1 / 3,
            )
        )
    # The issue's absolute figures assume a machine where cdk synth takes 2.8 s; this VM's speed
    # drifts between runs, so the same time scaled by that ratio is shown beside (never judged).
    scale = ISSUE_CDK_SYNTH / results["cdk_synth"] if "cdk_synth" in results else None

    def seconds(value: float, digits: int) -> str:
        text = f"{value:.{digits}f} s"
        if scale is not None:
            text += f" ({value * scale:.{digits}f} s scaled to a {ISSUE_CDK_SYNTH} s cdk synth)"
        return text

    if "cache_ratio" in results:
        rows += [
            row(
                "`make templates` on an unchanged tree at most a fifth of a cold run",
                f"{results['cache_ratio']:.2f} of a cold run",
                results["cache_ratio"] <= 0.2,
            ),
            row(
                "`privgw build --check`, nothing changed, under 0.5 s",
                f"{results['check_seconds']:.2f} s",
                results["check_seconds"] < 0.5,
            ),
            row(
                "`privgw build --check` at most a third of `privgw build` (a build that lints: "
                "`--no-cache`)",
                f"{results['check_ratio']:.2f} ({results['check_warm_ratio']:.2f} of a build "
                "whose lint results are all cached)",
                results["check_ratio"] <= 1 / 3,
            ),
            row(
                "a cold build not slower than `--no-cache` by more than the fingerprint (median of "
                "back-to-back pairs)",
                f"{results['cold_extra'] * 1000:+.0f} ms vs {results['fingerprint'] * 1000:.0f} ms",
                results["cold_extra"] <= results["fingerprint"] + 0.05,
            ),
        ]
    rows += [
        row("`privgw build` (build + write + lint) about 0.9 s", seconds(full, 2), full <= 0.9),
        row("`privgw build --no-lint` under 0.3 s", seconds(no_lint, 3), no_lint < 0.3),
        row(
            "build + render in-process under 10 ms",
            f"{results['in_process'] * 1000:.1f} ms",
            results["in_process"] < 0.010,
        ),
        row(
            "200 routes: build + render under 150 ms",
            f"{results['build_200'] * 1000:.1f} ms",
            results["build_200"] < 0.150,
        ),
        row(
            "at least 240 routes in one template",
            f"{int(results['max_routes'])}",
            results["max_routes"] >= 240,
        ),
        row(
            "the policy's size does not grow with routes",
            "one size for every route count" if results["policy_sizes"] == 1 else "grows",
            results["policy_sizes"] == 1,
        ),
        row(
            f"over {INLINE_TEMPLATE_LIMIT:,} bytes reported before deploy, with the fix",
            "I9002 names --s3-bucket" if results["size_advice"] else "not reported",
            bool(results["size_advice"]),
        ),
    ]
    return [
        "## Targets (issue #7) against the numbers below",
        "",
        "| target | measured (medians) | |",
        "| --- | --- | --- |",
        *rows,
        "",
    ]


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        "# privgw benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}.",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--repeat", type=int, default=9, help="runs per measurement")
    args = parser.parse_args()
    results: dict[str, float] = {}
    lines = [
        *machine(),
        *section_latency(args.repeat, results),
        *section_scaling(args.repeat, results),
        *section_backends(args.repeat, results),
        *section_openapi(args.repeat, results),
        *section_cache(args.repeat, results),
        *section_many(max(3, args.repeat // 2)),
        *section_cdk(max(3, args.repeat // 2), results),
        *section_sam(args.repeat, results),
    ]
    lines[len(machine()) : len(machine())] = section_targets(results)
    text = "\n".join(lines) + "\n"
    print(text)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

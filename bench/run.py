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
from pathlib import Path
from typing import Any

import yaml

from bench.baselines import section_cdk, section_sam
from bench.common import PRIVGW, ROOT, ROUTE_COUNTS, SEED, run, seed_data, with_routes
from bench.openapi import section_openapi
from bench.targets import section_targets
from bench.timing import fmt, timed
from privgw import ConfigError, build_template, load_config, render, validate_config
from privgw.checks import preflight
from privgw.limits import INLINE_TEMPLATE_LIMIT
from privgw.lint import lint_text


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

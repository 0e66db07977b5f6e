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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from privgw import ConfigError, build_template, load_config, render, validate_config
from privgw.checks import INLINE_TEMPLATE_LIMIT
from privgw.lint import lint_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "hello.yaml"
_SCRIPT = Path(sys.executable).with_name("privgw")
#: The console script a user runs (falls back to the module when it is not installed).
PRIVGW = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "privgw.cli"]
ROUTE_COUNTS = (1, 10, 50, 100, 200)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def fmt(samples: list[float], unit: str = "ms") -> str:
    scale = 1000.0 if unit == "ms" else 1.0
    med = statistics.median(samples) * scale
    return f"{med:.1f} {unit} ({min(samples) * scale:.1f}-{max(samples) * scale:.1f})"


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


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


def section_latency(repeat: int) -> list[str]:
    cfg = load_config(SEED)
    import_code = (  # everything a build needs (privgw's public names load lazily)
        "import time; t = time.perf_counter(); import privgw.build.template, privgw.config, "
        "privgw.rendering; print(time.perf_counter() - t)"
    )
    imports = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", import_code], check=True, capture_output=True, text=True
        )
        imports.append(float(out.stdout))
    in_process = timed(lambda: render(build_template(cfg), "yaml"), repeat * 20)
    with tempfile.TemporaryDirectory() as tmp:
        full = timed(lambda: run([*PRIVGW, "build", str(SEED), "-o", tmp, "--force"]), repeat)
        no_lint = timed(
            lambda: run([*PRIVGW, "build", str(SEED), "-o", tmp, "--no-lint", "--force"]), repeat
        )
        both = timed(
            lambda: run([*PRIVGW, "build", str(SEED), "-o", tmp, "--flavour", "all", "--force"]),
            repeat,
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


def section_scaling(repeat: int) -> list[str]:
    lint_text(render(build_template(load_config(SEED)), "yaml"))  # warm cfn-lint's runner
    rows = []
    counts = [*ROUTE_COUNTS, max_flat_routes()]
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
        rows.append(
            f"| {count} | {resources} | {fixed} + {(resources - fixed) / count:.2f}/route | "
            f"{len(text.encode()):,} | {(len(text.encode())) / count:,.0f} | "
            f"{len(compact.encode()):,} | {len(json.dumps(policy, separators=(',', ':')))} | "
            f"{fmt(build_samples)} | {statistics.median(build_samples) / base_build:.1f}x | "
            f"{fmt(lint_samples)} |"
        )
    return [
        "## Scaling with routes (flat `GET /rN` routes on the seed example)",
        "",
        "| routes | resources | fixed + per route | YAML bytes | bytes/route "
        "| compact JSON bytes | policy chars | build + render | vs 1 route | lint (warm) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"The last row is the most routes that fit in one template (500 resources). Templates "
        f"over {INLINE_TEMPLATE_LIMIT:,} bytes are reported (P1002) with the fix: "
        "`--s3-bucket`, or `--format json --compact`.",
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
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement")
    args = parser.parse_args()
    lines = [
        *machine(),
        *section_latency(args.repeat),
        *section_scaling(args.repeat),
        *section_many(max(3, args.repeat // 2)),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

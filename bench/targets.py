"""The issue's targets (#7) next to what the sections measured: met or not met, never hidden."""

from __future__ import annotations

from bench.baselines import ISSUE_CDK_SYNTH
from privgw.limits import INLINE_TEMPLATE_LIMIT


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

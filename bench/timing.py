"""How make bench times a step: a list of wall-clock samples, shown as median (min-max)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


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

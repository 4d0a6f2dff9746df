"""Helpers shared by the benchmarks: medians of repeated timings and the machine's load."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeats`` calls, and every time."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def load_note() -> str:
    """Other work on the machine slows every figure; print it next to them."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.2f} (1 min), {five:.2f} (5 min)"


def spread(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def idle_share(seconds: float = 1.0) -> float:
    """Share of all cores' time that was idle over the next ``seconds`` (Linux /proc/stat)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_for_quiet(max_wait: float, wanted: float = 0.9) -> str:
    """Wait (up to ``max_wait`` s) until the machine is ``wanted`` idle; say how idle it was.

    Timings on a shared 2-core machine are only meaningful when nothing else runs.
    """
    deadline = time.monotonic() + max_wait
    share = idle_share()
    while share < wanted and time.monotonic() < deadline:
        share = idle_share(2.0)
    return f"machine {100 * share:.0f}% idle just before"


def canonical(value):
    """A value that compares exactly with ==, numpy arrays by their bytes (== on an array
    compares element-wise and cannot judge a whole result) and NaN equal to itself."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,
                tuple(canonical(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def digest(value) -> str:
    """SHA-256 of a value's exact, canonical form: equal digests, bit-identical results."""
    return hashlib.sha256(repr(canonical(value)).encode("utf-8")).hexdigest()

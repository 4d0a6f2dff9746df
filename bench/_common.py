"""Helpers shared by the benchmarks: medians of repeated timings and the machine's load."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from preparedness.experiment.fingerprint import digest  # noqa: F401 - re-exported for benches

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


def print_profile(run: Callable[[], object]) -> None:
    """Run once under cProfile and print the 15 functions with the most own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    print(out.getvalue())

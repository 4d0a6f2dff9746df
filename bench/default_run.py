"""Time the whole process of the default scenario's 200 replications, as a user runs it.

Runs ``python run_sim.py -n 200 --workers 0 -q --out <temporary folder>`` several times
(a fresh process each: imports, loading, 200 replications, analysis and reports) and
prints the median wall time. Target: 1.2 s.

    python bench/default_run.py [--repeats 5] [--replications 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import load_note, spread, wait_for_quiet

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.2


def one_run(replications: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "run_sim.py", "-n", str(replications), "--workers", "0"]
        started = time.perf_counter()
        subprocess.run([*command, "-q", "--out", out], check=True, env=env, cwd=ROOT)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args()
    print(
        f"default scenario, {args.replications} replications, whole process "
        f"(run_sim.py --workers 0 -q); {load_note()}; {wait_for_quiet(args.wait_quiet)}"
    )
    times = [one_run(args.replications) for _ in range(args.repeats)]
    median = statistics.median(times)
    verdict = "met" if median <= TARGET_SECONDS else "MISSED"
    print(f"whole process: {median:.2f} s median of {args.repeats} (runs {spread(times)} s)")
    print(f"target <= {TARGET_SECONDS} s: {verdict}")


if __name__ == "__main__":
    main()

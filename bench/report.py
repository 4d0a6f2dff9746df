"""What the HTML report adds to a run: report.html, its figures and plots/ for 200 replications
of the default scenario (``ningbo_relay.yaml``), against the same report folder without them.

Runs the replications once (in this process), then writes the report folder ``--repeats``
times each way, alternating, in one process: with the pages (``api.write_report``: figures,
report.html, plots/*.png, index.html) and without (``reports.folder.write_run_report`` with
the same results, CSV files and trace). The added seconds are the median with pages minus
the median without. Target: at most 1.5 s.

    python bench/report.py [--replications 200] [--repeats 5] [--lang en|zh]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import SCENARIOS, load_note, spread, wait_for_quiet

from preparedness import api
from preparedness.reports.folder import write_run_report

TARGET_SECONDS = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be 90%% idle",
    )
    args = parser.parse_args()
    path = SCENARIOS / "ningbo_relay.yaml"
    experiment = api.run_experiment(path, args.replications, workers=0)
    results = experiment.summary()
    trace = experiment.story_trace  # re-simulated once; trace.csv needs it either way
    print(
        f"{path.name}: {experiment.replications} replications, report in {args.lang}; "
        f"median of {args.repeats} writes each way; {load_note()}; "
        f"{wait_for_quiet(args.wait_quiet)}"
    )
    with_pages: list[float] = []
    without: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        for k in range(args.repeats):
            out = Path(tmp) / str(k)
            started = time.perf_counter()
            write_run_report(
                out / "plain",
                results,
                experiment.manifest(),
                experiment.reference,
                experiment.finished_at,
                trace=trace,
            )
            without.append(time.perf_counter() - started)
            started = time.perf_counter()
            api.write_report(experiment, out / "html", lang=args.lang)
            with_pages.append(time.perf_counter() - started)
    plain, full = statistics.median(without), statistics.median(with_pages)
    added = full - plain
    print(f"  without HTML: {plain:6.2f} s (runs {spread(without)})")
    print(f"  with HTML:    {full:6.2f} s (runs {spread(with_pages)})")
    verdict = "met" if added <= TARGET_SECONDS else f"MISSED by {added - TARGET_SECONDS:.2f} s"
    print(f"target: the HTML report adds at most {TARGET_SECONDS} s: adds {added:.2f} s: {verdict}")


if __name__ == "__main__":
    main()

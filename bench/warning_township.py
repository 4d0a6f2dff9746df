"""Time one replication of a 120,000-household township warning.

Builds the Beijing-fringe reference scenario scaled to 10 communities of 12,000 households
each (grid cells and buildings scaled alike), runs replications one at a time and prints
events per replication and replications per second (serial, simulate and summarise, as an
executor does): the median of several repeats. Target: 20 replications per second.

    python bench/warning_township.py [--repeats 5] [--communities 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _common import load_note, spread, wait_for_quiet

from preparedness.engine.run import simulate_replication
from preparedness.experiment.replicate import summarise_trace
from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import read_yaml

TARGET_PER_SECOND = 20.0
REFERENCE = Path(__file__).resolve().parent.parent / "scenarios" / "beijing_fringe_warning.yaml"


def scaled_scenario(communities: int):
    document = read_yaml(REFERENCE)
    data = dict(document.data)
    township = dict(data["places"]["townships"][0])
    template = township["communities"][0]
    township["communities"] = [
        {
            **template,
            "id": f"c{k:02d}",
            "name": f"社区{k:02d}",
            "population": 33000,
            "households": 12000,
            "grid_cells": 20,
            "buildings": 150,
        }
        for k in range(communities)
    ]
    data["places"] = {**data["places"], "townships": [township]}
    data["incidents"] = [{**data["incidents"][0], "community": "c00"}]
    return validate_document(
        type(document)(document.file, data, document.root, document.text, document.sha256)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args()
    print(f"township warning; {load_note()}; {wait_for_quiet(args.wait_quiet)}")
    scenario = scaled_scenario(args.communities)
    households = sum(c.households for t in scenario.places.townships for c in t.communities)
    times, events, posts = [], [], []
    for replication in range(args.repeats):
        started = time.perf_counter()
        trace = simulate_replication(scenario, replication)
        result = summarise_trace(trace, replication)
        times.append(time.perf_counter() - started)
        events.append(len(trace))
        posts.append(len(trace.posts))
        warned = result.warnings["confirmed_case"]["reached"]
    median = statistics.median(times)
    print(f"households in the warning area: {households:,}")
    print(f"posts simulated per replication: {statistics.median(posts):,.0f}")
    print(
        f"trace events per replication (median of {args.repeats}): {statistics.median(events):,.0f}"
    )
    print(f"households warned in the last replication: {sum(warned.values()):,}")
    print(
        f"seconds per replication (median of {args.repeats}): {median:.3f} (runs {spread(times)} s)"
    )
    verdict = "met" if 1 / median >= TARGET_PER_SECOND else "MISSED"
    print(
        f"replications per second, serial: {1 / median:.2f} "
        f"(target >= {TARGET_PER_SECOND:g}: {verdict})"
    )


if __name__ == "__main__":
    main()

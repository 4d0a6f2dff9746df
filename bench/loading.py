"""Time loading the relay tree's scenario (4.3 MB of YAML: 37,449 roles, 37,448 links).

Parses and validates the same text as ``bench/relay_tree.py`` several times and prints the
median, split into parsing and validation. Target: 3 s for both together.

    python bench/loading.py [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import load_note, print_profile, spread, wait_for_quiet
from relay_tree import scenario_text

from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import parse_yaml_text

TARGET_SECONDS = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="profile one load")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args()
    text = scenario_text()
    print(
        f"relay tree scenario: {len(text.encode()) / 1e6:.1f} MB of YAML; {load_note()}; "
        f"{wait_for_quiet(args.wait_quiet)}"
    )

    def load():
        document = parse_yaml_text(
            text, "relay_tree.yaml", max_bytes=20_000_000, max_nodes=5_000_000
        )
        parsed = time.perf_counter()
        validate_document(document)
        return parsed

    parse_times, totals = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        parsed = load()
        totals.append(time.perf_counter() - started)
        parse_times.append(parsed - started)
    median = statistics.median(totals)
    print(
        f"parse {statistics.median(parse_times):.2f} s, parse and validate {median:.2f} s "
        f"median of {args.repeats} (runs {spread(totals)} s)"
    )
    print(f"target <= {TARGET_SECONDS:g} s: {'met' if median <= TARGET_SECONDS else 'MISSED'}")
    if args.profile:
        print_profile(load)


if __name__ == "__main__":
    main()

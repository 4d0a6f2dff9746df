"""City scale: one replication of a Chengdu-sized scenario, its wall time and peak memory.

Generates the city (``preparedness generate city``: 4,351 communities, 21.2 million
residents, 15,329 grid cells, 13,445 grid workers, 20,000 compounds), loads it through the
scenario loader, then runs replications one at a time. Prints the load time, the median
wall time of one replication (simulate and summarise, as an executor does) and the peak
resident memory of the process (which includes loading). Targets: 30 s and 4 GiB.

With ``--every-household`` the workload is the one where every household of the city is
warned: the generated city's three incidents are replaced by one incident per sub-district
(in its first community, so each plan's township-wide warning covers the whole sub-district).
Targets: 2 s and 1 GiB per replication. Run each variant in its own process so peak memory is
its own:

    python bench/city.py [--unequal] [--every-household] [--repeats 5] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

from _common import load_note, spread, wait_for_quiet

from preparedness.experiment.replicate import run_replication
from preparedness.scenario.generate_city import CHENGDU, city_scenario_text
from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import parse_yaml_text

TARGET_SECONDS, TARGET_GIB = 30.0, 4.0
EVERY_HOUSEHOLD_SECONDS, EVERY_HOUSEHOLD_GIB = 2.0, 1.0


def every_household(document):
    """The city with one incident per sub-district, so every household is warned."""
    data = dict(document.data)
    template = data["incidents"][0]
    data["incidents"] = [
        {
            **template,
            "id": f"flood_{township['id']}",
            "name": f"flash flood in {township['name']}",
            "community": township["communities"][0]["id"],
        }
        for township in data["places"]["townships"]
    ]
    return type(document)(document.file, data, document.root, document.text, document.sha256)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unequal", action="store_true")
    parser.add_argument(
        "--every-household",
        action="store_true",
        help="one incident per sub-district, so every household is warned",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be 90%% idle",
    )
    args = parser.parse_args()
    size = CHENGDU.scaled(args.scale)
    print(
        f"city: {size.describe()}{', unequal' if args.unequal else ''}"
        f"{', every household warned' if args.every_household else ''}; {load_note()}; "
        f"{wait_for_quiet(args.wait_quiet)}"
    )
    started = time.perf_counter()
    text = city_scenario_text(size, unequal=args.unequal)
    generated = time.perf_counter()
    document = parse_yaml_text(text, "city.yaml")
    if args.every_household:
        document = every_household(document)
    scenario = validate_document(document)
    loaded = time.perf_counter()
    print(
        f"generate {generated - started:.2f} s, load and validate "
        f"{loaded - generated:.2f} s ({len(text.encode()) / 1e6:.2f} MB of YAML)"
    )
    times, posts, events = [], [], []
    for replication in range(args.repeats):
        clock = time.perf_counter()
        result = run_replication(scenario, replication, scenario.seed)
        times.append(time.perf_counter() - clock)
        posts.append(len(result.posts))
        events.append(result.events)
    households = sum(sum(w["households"].values()) for w in result.warnings.values())
    warned = sum(sum(w["reached"].values()) for w in result.warnings.values())
    print(
        f"warning areas of the {len(result.warnings)} incidents: {households:,} households, "
        f"{warned:,} warned before the horizon in the last replication"
    )
    median = statistics.median(times)
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux
    print(
        f"one replication: {median:.3f} s median of {args.repeats} (runs {spread(times)} s); "
        f"{statistics.median(posts):.0f} posts built, {statistics.median(events):,.0f} events"
    )
    print(f"peak memory of the process: {peak_gib:.3f} GiB")
    seconds, gib = (
        (EVERY_HOUSEHOLD_SECONDS, EVERY_HOUSEHOLD_GIB)
        if args.every_household
        else (TARGET_SECONDS, TARGET_GIB)
    )
    print(
        f"targets: {seconds:g} s per replication: {'met' if median <= seconds else 'MISSED'}; "
        f"{gib:g} GiB: {'met' if peak_gib <= gib else 'MISSED'}"
    )


if __name__ == "__main__":
    main()

"""Replications per second of the reference townships, serial and on a 2-worker process pool.

The figure is what ``run_sim.py`` spends simulating: replications run through the same
executors and batching as the command line (``run_variants``), each replication simulated
and reduced to its milestones, delay splits and warning coverage; report writing is not
included. Each figure is the median of ``--repeats`` runs. Target: 50
replications per second on 2 cores for the township with a full warning cascade.

    python bench/township.py [--replications 200] [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse

from _common import SCENARIOS, load_note, print_profile, spread, timed, wait_for_quiet

from preparedness.experiment.executor import PoolExecutor, SerialExecutor
from preparedness.experiment.replicate import run_variants
from preparedness.scenario.load import load_scenario

TOWNSHIPS = {
    "beijing_fringe_warning.yaml": "full warning cascade to 12,200 households",
    "ningbo_relay.yaml": "phone relay and siloed orders, no household warning",
}
TARGET = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile 20 serial replications of the warning township",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be 90%% idle",
    )
    args = parser.parse_args()
    n = args.replications
    print(
        f"{n} replications per run, median of {args.repeats} runs; {load_note()}; "
        f"{wait_for_quiet(args.wait_quiet)}"
    )
    for file, words in TOWNSHIPS.items():
        scenario = load_scenario(SCENARIOS / file).scenario
        run, seed = {"base": scenario}, scenario.seed
        serial, serial_times = timed(
            lambda run=run, seed=seed: run_variants(run, seed, 0, n, SerialExecutor()), args.repeats
        )
        with PoolExecutor(2) as pool:
            run_variants(run, seed, 0, 4, pool)  # start the workers first
            pooled, pool_times = timed(
                lambda run=run, seed=seed, pool=pool: run_variants(run, seed, 0, n, pool),
                args.repeats,
            )
        rate = n / pooled
        verdict = "met" if rate >= TARGET else f"MISSED by {TARGET / rate:.1f}x"
        print(f"{file} ({words}):")
        print(f"  serial:         {n / serial:6.1f} replications/s (runs {spread(serial_times)} s)")
        print(
            f"  2-worker pool:  {rate:6.1f} replications/s (runs {spread(pool_times)} s); "
            f"target {TARGET:.0f}/s: {verdict}"
        )
    if args.profile:
        scenario = load_scenario(SCENARIOS / "beijing_fringe_warning.yaml").scenario
        print_profile(
            lambda: run_variants({"base": scenario}, scenario.seed, 0, 20, SerialExecutor())
        )


if __name__ == "__main__":
    main()

"""Parallel efficiency on 2 workers: local process pool against a Dask LocalCluster.

200 replications of a reference township through ``run_variants`` with each executor and
the command line's batching. Efficiency = serial time / (workers x parallel time). Worker
start-up is excluded (the pool and the cluster are started and warmed before timing; the
cluster's start-up is printed). Results are checked to be identical to the serial run.
Targets: 0.9 for the process pool and 0.8 for Dask on 2 workers.

    python bench/executors.py [--replications 200] [--repeats 3]
                              [--scenario beijing_fringe_warning.yaml]
"""

from __future__ import annotations

import argparse
import time

from _common import SCENARIOS, digest, load_note, spread, timed, wait_for_quiet

from preparedness.experiment.executor import DaskExecutor, PoolExecutor, SerialExecutor
from preparedness.experiment.replicate import run_variants
from preparedness.scenario.load import load_scenario

WORKERS = 2
TARGETS = {"process pool": 0.9, "Dask LocalCluster": 0.8}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scenario", default="ningbo_relay.yaml")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be 90%% idle",
    )
    args = parser.parse_args()
    scenario = load_scenario(SCENARIOS / args.scenario).scenario
    run, n, seed = {"base": scenario}, args.replications, scenario.seed
    print(
        f"{args.scenario}: {n} replications, median of {args.repeats} runs; {load_note()}; "
        f"{wait_for_quiet(args.wait_quiet)}"
    )
    # Only a digest of the serial results is kept: holding hundreds of replications' results
    # alive makes every garbage collection in this process slower, which would slow the
    # timed runs (measured: serial 29.7 s instead of 23 s for the warning township).
    reference = digest(run_variants(run, seed, 0, n, SerialExecutor()))
    serial, serial_times = timed(
        lambda: run_variants(run, seed, 0, n, SerialExecutor()), args.repeats
    )
    print(f"serial: {serial:.2f} s (runs {spread(serial_times)})")

    def local_cluster():
        started = time.perf_counter()
        dask = DaskExecutor("local", local_workers=WORKERS)
        print(
            f"Dask LocalCluster start: {time.perf_counter() - started:.2f} s ({dask.description})"
        )
        return dask

    # One at a time: an idle Dask cluster's processes would otherwise share the cores.
    for name, make in (
        ("process pool", lambda: PoolExecutor(WORKERS)),
        ("Dask LocalCluster", local_cluster),
    ):
        executor = make()
        with executor:
            # Warm the workers, and check the results are bit-identical to the serial run.
            same = digest(run_variants(run, seed, 0, n, executor)) == reference
            assert same, "results differ from the serial run"
            parallel, times = timed(
                lambda executor=executor: run_variants(run, seed, 0, n, executor), args.repeats
            )
        efficiency = serial / (WORKERS * parallel)
        target = TARGETS[name]
        verdict = "met" if efficiency >= target else f"MISSED by {target - efficiency:.2f}"
        print(
            f"{name}: {parallel:.2f} s (runs {spread(times)}), batch "
            f"{executor.batch_size(n)} replications per task; efficiency "
            f"{efficiency:.2f} (target {target}: {verdict}); identical results: yes"
        )


if __name__ == "__main__":
    main()

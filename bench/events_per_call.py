"""Kernel events per call: every event SimPy schedules, by type, per dialled call.

Counts the events a replication schedules (``Environment.schedule``) and divides by its
``call_dialled`` trace events, for a reference scenario. A plain model of a call needs
about 1.5 (ring and talk, and a retry wait when unanswered); the target is to come close.

    python bench/events_per_call.py [--scenario ningbo_relay] [--replications 20]
"""

from __future__ import annotations

import argparse
import collections

import simpy.core
from _common import SCENARIOS

from preparedness.engine.run import simulate_replication
from preparedness.engine.trace import EventKind
from preparedness.scenario.load import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ningbo_relay")
    parser.add_argument("--replications", type=int, default=20)
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    schedule = simpy.core.Environment.schedule

    def counting(self, event, priority=1, delay=0):  # type: ignore[no-untyped-def]
        counts[type(event).__name__] += 1
        return schedule(self, event, priority, delay)

    simpy.core.Environment.schedule = counting  # type: ignore[method-assign]
    scenario = load_scenario(SCENARIOS / f"{args.scenario}.yaml").scenario
    calls = 0
    for replication in range(args.replications):
        trace = simulate_replication(scenario, replication)
        calls += sum(1 for event in trace.events if event.kind is EventKind.CALL_DIALLED)
    total = sum(counts.values())
    kinds = ", ".join(f"{kind} {count / calls:.2f}" for kind, count in counts.most_common())
    print(
        f"{args.scenario}: {total / args.replications:.0f} kernel events and "
        f"{calls / args.replications:.0f} calls per replication; "
        f"{total / calls:.2f} events per call ({kinds})"
    )


if __name__ == "__main__":
    main()

"""Run a scenario many times: each replication independent, results kept in replication order.

``run_replication`` is a plain top-level function of (scenario, index, seed) so any
executor can run it anywhere; results are stored by index and aggregated in index order,
so the numbers never depend on how many workers ran them (engineering-notes.md 5.5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.critical_path import DelaySplit, split_delay
from ..analysis.milestones import milestone_times
from ..analysis.workload import LinkLoad, PostLoad, link_loads, post_loads
from ..engine.run import simulate_replication
from ..engine.trace import Trace
from ..scenario.models import Scenario


@dataclass(frozen=True)
class ReplicationResult:
    """What one replication leaves behind for the statistics (the trace itself is dropped)."""

    replication: int
    #: incident id -> milestone id -> minutes from the incident's start (absent: not reached)
    milestones: dict[str, dict[str, float]]
    posts: dict[str, PostLoad]
    links: dict[tuple[str, str, str], LinkLoad]
    events: int
    #: incident id -> milestone id -> where its time went (reached milestones only)
    splits: dict[str, dict[str, DelaySplit]] = field(default_factory=dict)


def summarise_trace(trace: Trace, replication: int) -> ReplicationResult:
    reached = milestone_times(trace)
    siloed = trace.command_mode == "siloed_relay"
    return ReplicationResult(
        replication,
        {incident: {key: r.time for key, r in items.items()} for incident, items in reached.items()},
        post_loads(trace),
        link_loads(trace),
        len(trace),
        {
            incident: {
                key: split_delay(trace, r.event_id, siloed=siloed) for key, r in items.items()
            }
            for incident, items in reached.items()
        },
    )


def run_replication(scenario: Scenario, replication: int, seed: int) -> ReplicationResult:
    return summarise_trace(simulate_replication(scenario, replication, seed), replication)


@dataclass(frozen=True)
class Experiment:
    """All replications of one scenario with one root seed, plus one example trace."""

    scenario: Scenario
    seed: int
    results: list[ReplicationResult]
    example_trace: Trace


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> Experiment:
    """Run replications 0..n-1 serially; ``progress`` is called after each one."""
    example = simulate_replication(scenario, 0, seed)
    results = [summarise_trace(example, 0)]
    if progress:
        progress(1)
    for index in range(1, replications):
        results.append(run_replication(scenario, index, seed))
        if progress:
            progress(1)
    return Experiment(scenario, seed, results, example)

"""Run a scenario many times: each replication independent, results kept in replication order.

``run_replication`` is a plain top-level function of (scenario, index, seed) so any
executor can run it anywhere; ``run_batch`` runs a range of indices as one task.
Results are stored by index and aggregated in index order, so the numbers never depend on
how many workers ran them or where (README, "Workers and clusters"). Several variants of a
scenario (interventions) run with the same seed and the same indices: common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..analysis.callouts import callout_outcomes
from ..analysis.coverage import coverage_curve, coverage_grid, warning_coverage
from ..analysis.critical_path import DelaySplit, split_delay, split_until, split_warning
from ..analysis.milestones import all_teams_on_scene, milestone_times
from ..analysis.missed import Missed, missed_in_replication
from ..analysis.stock_summary import has_supplies, replication_stock
from ..analysis.workload import LinkLoad, PostLoad, link_loads, post_loads
from ..engine.command_modes import mode_named
from ..engine.run import simulate_replication
from ..engine.trace import EventKind, Trace
from ..scenario.models import Scenario
from .executor import Executor, SerialExecutor, stop_requested


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
    #: incident id -> warning coverage: households and reached per cohort, curves on the grid
    warnings: dict[str, dict] = field(default_factory=dict)
    #: "depot|item" -> what the stock did (``analysis/stock_summary.py``)
    stock: dict[str, dict] = field(default_factory=dict)
    #: "incident|item" -> demand and unmet demand at the horizon
    supplies: dict[str, dict] = field(default_factory=dict)
    #: why each unreached milestone was missed, and messages given up per link
    missed: Missed = field(default_factory=Missed)
    #: incident id -> its call-out: roster size and members reached (``analysis/callouts.py``)
    callouts: dict[str, dict[str, int]] = field(default_factory=dict)


def summarise_trace(
    trace: Trace, replication: int, scenario: Scenario | None = None
) -> ReplicationResult:
    """Everything the statistics need from one replication's trace (milestones, splits, loads)."""
    reached = milestone_times(trace)
    if scenario is not None:
        all_teams_on_scene(scenario, reached)
    siloed = bool(trace.command_mode) and mode_named(trace.command_mode).silo_detour
    milestones = {
        incident: {key: r.time for key, r in items.items()} for incident, items in reached.items()
    }
    splits = {
        incident: {key: split_delay(trace, r.event_id, siloed=siloed) for key, r in items.items()}
        for incident, items in reached.items()
    }
    warnings = {}
    for incident in trace.warning_area:
        # Curves run over the incident's own observation window, in minutes from its start.
        grid = coverage_grid(_observed(trace, incident))
        coverage = warning_coverage(trace, incident, trace.warning_targets.get(incident))
        if coverage is None:  # the warning area lists the incident, so never in practice
            continue
        for (group, percent), reach in coverage.levels.items():
            key = f"warned:{percent}" if group == "all" else f"warned:{percent}:{group}"
            milestones.setdefault(incident, {})[key] = reach.minutes
            splits.setdefault(incident, {})[key] = split_warning(
                trace, reach.cause, reach.minutes, reach.method, siloed=siloed
            )
        warnings[incident] = {
            "households": coverage.households,
            "reached": coverage.reached,
            "curves": {
                group: coverage_curve(coverage, grid, group)
                for group in ("all", *coverage.households)
            },
        }
    stock: dict[str, dict] = {}
    supplies: dict[str, dict] = {}
    if scenario is not None and has_supplies(scenario):
        stock, supplies, replayed = replication_stock(scenario, trace)
        for (incident, item), supply in replayed.incidents.items():
            if supply.since_start is None or supply.since_start > _observed(trace, incident):
                continue  # not delivered within the incident's observation window
            key = f"supplied:{item}"
            milestones.setdefault(incident, {})[key] = supply.since_start
            event = supply.first_delivery_event
            leg = "waiting_for_demand"
            if event is None or trace[event].incident != incident:
                # Stock set moving for another incident: this one's own path ends at its
                # plan's activation (or its start), and the rest is that shared stock.
                event = _own_anchor(trace, reached, incident, supply.since_start)
                leg = "shared_stock"
            # Delivered when the stock was there and someone needed it: time after the
            # enabling event is waiting for demand (a task not yet begun).
            splits.setdefault(incident, {})[key] = split_until(
                trace, event, supply.since_start, leg, siloed=siloed
            )
    return ReplicationResult(
        replication,
        milestones,
        post_loads(trace),
        link_loads(trace),
        len(trace),
        splits,
        warnings,
        stock,
        supplies,
        missed_in_replication(trace, scenario, milestones) if scenario is not None else Missed(),
        {
            incident: {"roster": outcome.roster, "reached": outcome.reached}
            for incident, outcome in callout_outcomes(trace).items()
        },
    )


def _observed(trace: Trace, incident: str) -> float:
    """Minutes ``incident`` is observed after its start (its observation window)."""
    return trace.window_end(incident) - trace.incident_starts.get(incident, 0.0)


def _own_anchor(trace: Trace, reached: dict, incident: str, at: float) -> int:
    """The incident's plan activation if it came by ``at``, else its start event."""
    activated = reached.get(incident, {}).get("plan_activated")
    if activated is not None and activated.time <= at:
        return activated.event_id
    return next(
        e.id
        for e in trace.events
        if e.kind is EventKind.INCIDENT_STARTED and e.incident == incident
    )


def run_replication(scenario: Scenario, replication: int, seed: int) -> ReplicationResult:
    return summarise_trace(simulate_replication(scenario, replication, seed), replication, scenario)


@dataclass(frozen=True)
class BatchResult:
    """One task's replications, in index order, and the trace of replication 0 if it ran."""

    variant: str
    results: list[ReplicationResult]
    example_trace: Trace | None


def run_batch(variant: str, scenario: Scenario, seed: int, start: int, stop: int) -> BatchResult:
    """Replications ``start`` .. ``stop - 1`` of one variant: one task for any executor."""
    results, example = [], None
    for index in range(start, stop):
        if stop_requested():  # the run was interrupted: this batch will be discarded
            break
        trace = simulate_replication(scenario, index, seed)
        if index == 0:
            example = trace
        results.append(summarise_trace(trace, index, scenario))
    return BatchResult(variant, results, example)


@dataclass(frozen=True)
class VariantRun:
    """All replications of one variant (the scenario as written, or with one intervention
    applied) with one root seed, plus one example trace. ``api.Experiment`` holds one per
    variant it ran."""

    scenario: Scenario
    seed: int
    results: list[ReplicationResult]
    example_trace: Trace

    def extended(self, more: list[ReplicationResult]) -> VariantRun:
        """The same experiment with later replications appended (indices must follow on)."""
        if more and self.results and more[0].replication != self.results[-1].replication + 1:
            raise ValueError("replications must follow on from the last one run")
        return VariantRun(self.scenario, self.seed, [*self.results, *more], self.example_trace)


def run_variants(
    scenarios: Mapping[str, Scenario],
    seed: int,
    start: int,
    stop: int,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, tuple[list[ReplicationResult], Trace | None]]:
    """Replications ``start`` .. ``stop - 1`` of every variant, with the same seed and indices.

    Returns, per variant, the results in replication order and the trace of replication 0
    (when ``start`` is 0). ``progress`` is called with the number of replications finished.
    """
    executor = executor or SerialExecutor()
    size = executor.batch_size(stop - start)
    tasks = [
        (name, scenario, seed, first, min(first + size, stop))
        for name, scenario in scenarios.items()
        for first in range(start, stop, size)
    ]
    batches: list[BatchResult | None] = [None] * len(tasks)
    try:
        for index, batch in executor.run(run_batch, tasks):
            batches[index] = batch
            if progress:
                progress(len(batch.results))
    except BaseException:
        executor.abort()
        raise
    out: dict[str, tuple[list[ReplicationResult], Trace | None]] = {}
    for name in scenarios:
        results: list[ReplicationResult] = []
        example = None
        for batch in batches:  # tasks were listed variant by variant, in index order
            assert batch is not None
            if batch.variant == name:
                results.extend(batch.results)
                if example is None:  # not "or": a trace with no events is empty, not missing
                    example = batch.example_trace
        out[name] = (results, example)
    return out


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> VariantRun:
    """Run replications 0..n-1 (serially unless given an executor)."""
    results, example = run_variants({"base": scenario}, seed, 0, replications, executor, progress)[
        "base"
    ]
    assert example is not None
    return VariantRun(scenario, seed, results, example)

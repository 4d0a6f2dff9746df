"""Run replications in rounds until the key milestones are known to a stated precision.

The target is the half-width of the 95% confidence interval of the mean, in minutes. The
*key milestones* are every milestone that a plan gives a deadline (those a planner is held
to); when no plan sets one, every milestone. In a comparison the target applies to the
mean paired difference of each key milestone between each intervention and the base —
the figure the comparison is about — rather than to each variant's own mean.

A key milestone counts once at least two replications (two pairs) reached it; one that
is never reached has no interval, is listed as such, and does not hold the run up (if no
key milestone has an interval at all, the loop stops and reports the target as not met).
Each round asks ``stats.replications_needed`` (Law, 5th ed., section 9.4.1) how many
replications the widest interval needs, runs that many more (at least a tenth more, at most
four times as many as so far, never past the maximum), and checks again. Because rounds
continue the replication indices, a run stopped at ``n`` replications gives exactly the
numbers a fixed run of ``n`` would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..analysis.milestones import milestone_definitions
from ..analysis.stats import half_width, paired_difference, replications_needed, summarise
from ..scenario.models import Scenario
from .compare import variant_values
from .executor import Executor
from .replicate import VariantRun, run_variants

__all__ = ["KEY_MILESTONES_RULE", "PrecisionResult", "key_milestones", "run_to_precision"]

KEY_MILESTONES_RULE = (
    "every milestone with a plan deadline (every milestone when no plan sets one); "
    "in a comparison, the mean paired difference of each against the base"
)


def key_milestones(scenario: Scenario) -> list[tuple[str, str, str]]:
    """``(incident id, milestone id, label)`` of the milestones the target applies to."""
    every, with_deadline = [], []
    for incident in scenario.incidents:
        for definition in milestone_definitions(scenario, incident):
            item = (incident.id, definition.id, definition.label)
            every.append(item)
            if definition.deadline is not None:
                with_deadline.append(item)
    return with_deadline or every


@dataclass
class PrecisionResult:
    """What the precision loop did; becomes the ``precision`` section of results.json."""

    target: float
    max_replications: int
    rounds: list[int] = field(default_factory=list)  # replications run after each round
    met: bool = False
    widths: list[dict] = field(default_factory=list)  # per key milestone, after the last round

    def as_dict(self) -> dict:
        reached = [w["half_width"] for w in self.widths if w["half_width"] is not None]
        return {
            "target_half_width": self.target,
            "confidence": 0.95,
            "key_milestones": KEY_MILESTONES_RULE,
            "replications": self.rounds[-1] if self.rounds else 0,
            "rounds": list(self.rounds),
            "max_replications": self.max_replications,
            "met": self.met,
            "widest_half_width": max(reached) if reached else None,
            "milestones": self.widths,
        }


def _widths(
    experiments: Mapping[str, VariantRun],
    reference: str,
    keys: list[tuple[str, str, str]],
    target: float,
) -> tuple[list[dict], list[list]]:
    """Half-width per key milestone (and intervention), and the value lists behind each."""
    rows, series = [], []
    base = experiments[reference]
    others = [name for name in experiments if name != reference]
    for incident, milestone, label in keys:
        base_values = variant_values(base, incident, milestone)
        if not others:
            summary = summarise(base_values)
            width, n = half_width(summary), summary.n_reached
            rows.append(_row(incident, milestone, label, None, width, n, target))
            series.append(base_values)
            continue
        for name in others:
            alt = variant_values(experiments[name], incident, milestone)
            paired = paired_difference(base_values, alt)
            ci = paired.ci_mean_difference
            width = (ci[1] - ci[0]) / 2 if ci is not None else None
            rows.append(_row(incident, milestone, label, name, width, paired.n_pairs, target))
            series.append(
                [
                    (a - b) if a is not None and b is not None else None
                    for b, a in zip(base_values, alt, strict=True)
                ]
            )
    return rows, series


def _row(incident, milestone, label, intervention, width, n, target) -> dict:
    return {
        "incident": incident,
        "milestone": milestone,
        "label": label,
        "intervention": intervention,
        "n_reached": n,
        "half_width": width,
        "met": None if width is None else width <= target,
    }


def run_to_precision(
    scenarios: Mapping[str, Scenario],
    seed: int,
    target: float,
    *,
    initial: int,
    max_replications: int,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    on_round: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, VariantRun], PrecisionResult]:
    """Run every variant in rounds until each key half-width is within ``target`` minutes.

    The first variant is the reference. ``on_round(done, planned)`` is called before each
    round with the replications run so far and the total planned after it (for a progress
    bar whose total grows).
    """
    if not (target > 0 and math.isfinite(target)):
        raise ValueError(f"the precision target must be a positive number of minutes, got {target}")
    if initial < 2 or max_replications < initial:
        raise ValueError("need 2 <= initial replications <= max_replications")
    reference = next(iter(scenarios))
    keys = key_milestones(scenarios[reference])
    result = PrecisionResult(target, max_replications)
    experiments: dict[str, VariantRun] = {}
    done, planned = 0, initial
    while True:
        if on_round:
            on_round(done, planned)
        batch = run_variants(scenarios, seed, done, planned, executor, progress)
        for name, (results, example) in batch.items():
            if name in experiments:
                experiments[name] = experiments[name].extended(results)
            else:
                assert example is not None
                experiments[name] = VariantRun(scenarios[name], seed, results, example)
        done = planned
        result.rounds.append(done)
        rows, series = _widths(experiments, reference, keys, target)
        result.widths = rows
        counted = [
            (row, values)
            for row, values in zip(rows, series, strict=True)
            if row["half_width"] is not None
        ]
        # With no key milestone reached twice there is no interval to narrow: stop, unmet.
        result.met = bool(counted) and all(row["met"] for row, _ in counted)
        if result.met or not counted or done >= max_replications:
            return experiments, result
        needed = max(
            replications_needed(values, target) for row, values in counted if not row["met"]
        )
        planned = min(max_replications, max(needed, done + max(1, math.ceil(done / 10))), 4 * done)

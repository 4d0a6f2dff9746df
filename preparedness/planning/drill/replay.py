"""Set a drill beside the model: each observed milestone placed in the simulated distribution.

The drill's trace goes through ``summarise_trace``, the function every simulated
replication goes through, so its milestones and delay split are computed by the same code
(STYLE habit 5). A milestone's place is its percentile among the simulated runs (runs that
never reached it count as slower than any time), said in words a planner reads: typical,
slower than 9 runs in 10, slower than 19 runs in 20, or faster likewise. Each milestone
with a plan deadline is rated P/S/M/U by the HSEEP rubric of ``planning/rating.py``: that
is the after-action draft (AAR/IP), with the largest cause of the drill's delay as the
first thing to improve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...analysis.critical_path import CAUSES
from ...analysis.milestones import milestone_definitions
from ...engine.trace import Trace
from ...experiment.replicate import ReplicationResult, summarise_trace
from ...scenario.models import Scenario
from ..exercise.aar import AarDraft, RatedObjective, draft_aar
from ..rating import Rating, Rubric, rate

__all__ = ["Placement", "Replay", "place", "replay", "verdict"]

#: How a percentile is said, from fastest to slowest (``drill.place.*`` in the catalogue).
VERDICTS = ("faster_19_in_20", "faster_9_in_10", "typical", "slower_9_in_10", "slower_19_in_20")


def verdict(percentile: float) -> str:
    """The words for a drill time at ``percentile`` (share of runs faster, in percent)."""
    if percentile >= 95:
        return "slower_19_in_20"
    if percentile >= 90:
        return "slower_9_in_10"
    if percentile <= 5:
        return "faster_19_in_20"
    if percentile <= 10:
        return "faster_9_in_10"
    return "typical"


@dataclass(frozen=True)
class Placement:
    """One milestone of the drill against the simulated runs."""

    incident: str
    milestone: str
    label: str
    observed: float | None  # minutes from the incident's start; None: not reached
    percentile: float | None  # share of simulated runs faster, in percent
    words: str  # one of VERDICTS, or "not_reached"
    median: float | None
    p90: float | None
    reached_share: float  # share of simulated runs that reached it
    deadline: float | None
    rating: Rating | None  # P/S/M/U where the plan sets a deadline
    #: the drill's own delay split of this milestone (cause -> minutes), and the model's mean
    drill_split: dict[str, float]
    model_split: dict[str, float]

    @property
    def top_cause(self) -> str | None:
        """The cause that took the drill the most minutes on this milestone's path."""
        parts = {cause: minutes for cause, minutes in self.drill_split.items() if minutes > 0}
        return max(parts, key=lambda cause: parts[cause]) if parts else None


@dataclass(frozen=True)
class Replay:
    """The drill's placements, incident by incident, in the order a planner reads them."""

    placements: list[Placement]
    drill: ReplicationResult
    replications: int

    def aar(self) -> AarDraft:
        """The after-action draft of the drill, by the same builder as an exercise's: each
        milestone with a plan deadline rated P/S/M/U, sorted into strengths and areas."""
        return draft_aar(
            [
                RatedObjective(
                    p.label, p.milestone, Rubric(p.deadline, p.median, p.p90), p.observed
                )
                for p in self.placements
                if p.deadline is not None
            ]
        )


def place(observed: float | None, simulated: list[float | None]) -> tuple[float | None, str]:
    """The percentile of ``observed`` among ``simulated`` times (None: never reached), ties
    counted half, and its words."""
    if observed is None:
        return None, "not_reached"
    values = np.array([math.inf if t is None else t for t in simulated], dtype=float)
    if values.size == 0:
        return None, "not_reached"
    faster = float(np.sum(values < observed - 1e-9))
    ties = float(np.sum(np.abs(values - observed) <= 1e-9))
    percentile = 100.0 * (faster + ties / 2) / values.size
    return percentile, verdict(percentile)


def _mean_split(
    results: list[ReplicationResult], incident: str, milestone: str
) -> dict[str, float]:
    totals: dict[str, float] = {}
    count = 0
    for result in results:
        split = result.splits.get(incident, {}).get(milestone)
        if split is None:
            continue
        count += 1
        for cause, minutes in split.by_cause.items():
            totals[cause] = totals.get(cause, 0.0) + minutes
    return {cause: totals[cause] / count for cause in CAUSES if cause in totals} if count else {}


def replay(
    scenario: Scenario, drill: Trace, results: list[ReplicationResult], incidents: list[str]
) -> Replay:
    """Place every milestone of ``incidents`` in the drill among the simulated ``results``."""
    summary = summarise_trace(drill, -1, scenario)
    placements = []
    for incident_id in incidents:
        incident = next(i for i in scenario.incidents if i.id == incident_id)
        observed_times = summary.milestones.get(incident_id, {})
        for definition in milestone_definitions(scenario, incident):
            if definition.id.startswith(("warned:", "supplied:")):
                continue  # warning coverage and deliveries are not read from drill logs
            simulated = [r.milestones.get(incident_id, {}).get(definition.id) for r in results]
            observed = observed_times.get(definition.id)
            reached = [t for t in simulated if t is not None]
            if observed is None and not reached:
                continue  # neither the drill nor the model has it
            percentile, words = place(observed, simulated)
            median = float(np.quantile(reached, 0.5)) if reached else None
            p90 = float(np.quantile(reached, 0.9)) if reached else None
            rating = None
            if definition.deadline is not None:
                rating = rate(observed, Rubric(definition.deadline, median, p90))
            split = summary.splits.get(incident_id, {}).get(definition.id)
            placements.append(
                Placement(
                    incident_id,
                    definition.id,
                    definition.label,
                    observed,
                    percentile,
                    words,
                    median,
                    p90,
                    len(reached) / len(results) if results else 0.0,
                    definition.deadline,
                    rating,
                    {c: split.by_cause[c] for c in CAUSES if c in split.by_cause} if split else {},
                    _mean_split(results, incident_id, definition.id),
                )
            )
    return Replay(placements, summary, len(results))

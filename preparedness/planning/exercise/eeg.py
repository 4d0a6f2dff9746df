"""The exercise's objectives and its Exercise Evaluation Guide (EEG): per objective the
capability target (the plan's deadline), the critical tasks (the milestones on its causal
path in the played run) and the P/S/M/U rubric anchored to the simulated distribution.

The rubric is ``planning.rating.Rubric`` built from results.json's median and p90 of the
milestone, so an evaluator rates what the players did against what the model says is
typical, with the thresholds documented in ``planning/rating.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...analysis.milestones import milestone_times
from ...engine.trace import Trace
from ..rating import Rubric

__all__ = ["Objective", "objectives_of"]


@dataclass(frozen=True)
class Objective:
    """One exercise objective: a milestone the plan holds to a deadline."""

    id: str  # "O1", "O2", ...
    milestone: str
    label: str  # the milestone's English label in results.json (names recovered from it)
    index: int  # the milestone's position in results.json's incident
    deadline: float | None
    rubric: Rubric
    critical_tasks: tuple[str, ...]
    #: minutes the played run took (None: not reached): the model's answer, not the players'
    played: float | None


def objectives_of(
    summary_incident: Mapping[str, Any], trace: Trace, incident: str
) -> list[Objective]:
    """Objectives: every milestone with a deadline (plan activation and the first report
    when the plan sets none), in results.json order."""
    milestones = summary_incident["milestones"]
    chosen = [(i, m) for i, m in enumerate(milestones) if m["deadline"] is not None]
    if not chosen:
        chosen = [
            (i, m) for i, m in enumerate(milestones) if m["id"] in ("plan_activated", "detected")
        ]
    reached = milestone_times(trace).get(incident, {})
    by_event = {at.event_id: key for key, at in reached.items()}
    objectives = []
    for number, (index, m) in enumerate(chosen, start=1):
        at = reached.get(m["id"])
        tasks: list[str] = []
        if at is not None:
            for event in trace.path_to(at.event_id):
                key = by_event.get(event.id)
                if key is not None and key != m["id"] and key not in tasks:
                    tasks.append(key)
        objectives.append(
            Objective(
                id=f"O{number}",
                milestone=m["id"],
                label=m["label"],
                index=index,
                deadline=m["deadline"],
                rubric=Rubric(m["deadline"], m["median"], m["p90"]),
                critical_tasks=tuple(tasks),
                played=None if at is None else at.time,
            )
        )
    return objectives

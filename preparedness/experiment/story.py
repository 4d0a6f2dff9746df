"""Which one replication is told as a story: the run a swimlane draws, an exercise plays or a
drill is set beside.

A report that shows one run must say which and why. Runs are chosen by the plan's key
milestone: the replication nearest its median ("a typical night"), nearest its 90th
percentile ("a hard night"), the slowest (a run that never reached it counts as slowest),
or a replication named by number. Every replication's draws depend only on the seed and its
index, so the chosen run is re-simulated exactly instead of keeping every trace.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.milestones import milestone_definitions
from ..engine.run import simulate_replication
from ..engine.trace import Trace
from ..scenario.models import Scenario
from .replicate import ReplicationResult

__all__ = ["RULES", "KeyMilestone", "StoryChoice", "choose_replication", "key_milestone", "story"]

#: The named rules; an integer picks a replication by its number.
RULES = ("median", "p90", "worst")


@dataclass(frozen=True)
class KeyMilestone:
    """The milestone a plan is judged by: its activation where it has one."""

    incident: str
    milestone: str
    label: str


@dataclass(frozen=True)
class StoryChoice:
    """The replication chosen, the rule that chose it and its time for the key milestone."""

    replication: int
    rule: str
    key: KeyMilestone
    #: minutes from the incident's start, or None when that run never reached it
    minutes: float | None
    #: the target the rule aimed at (the median or p90 over reached runs), if any
    target: float | None


def key_milestone(scenario: Scenario, incident: str | None = None) -> KeyMilestone:
    """Plan activation of the incident (default: the first); else its first milestone with a
    deadline; else its last milestone."""
    chosen = next((i for i in scenario.incidents if incident in (None, i.id)), None)
    if chosen is None:
        raise ValueError(f"the scenario has no incident '{incident}'")
    definitions = milestone_definitions(scenario, chosen)
    for definition in definitions:
        if definition.id == "plan_activated":
            return KeyMilestone(chosen.id, definition.id, definition.label)
    with_deadline = [d for d in definitions if d.deadline is not None]
    definition = with_deadline[0] if with_deadline else definitions[-1]
    return KeyMilestone(chosen.id, definition.id, definition.label)


def choose_replication(
    results: Sequence[ReplicationResult], key: KeyMilestone, rule: str | int = "median"
) -> StoryChoice:
    """The replication ``rule`` picks; ties go to the lowest replication number."""
    if not results:
        raise ValueError("no replications to choose from")
    times = [r.milestones.get(key.incident, {}).get(key.milestone) for r in results]
    numbers = [r.replication for r in results]
    if isinstance(rule, int):
        if rule not in numbers:
            raise ValueError(
                f"replication {rule} was not run (replications {numbers[0]}–{numbers[-1]})"
            )
        at = numbers.index(rule)
        return StoryChoice(rule, str(rule), key, times[at], None)
    if rule not in RULES:
        raise ValueError(f"unknown rule '{rule}': use {', '.join(RULES)} or a number")
    values = np.array([math.inf if t is None else t for t in times])
    reached = values[np.isfinite(values)]
    target: float | None = None
    if rule == "worst" or reached.size == 0:
        at = int(np.argmax(values))  # the first unreached run, else the slowest
    else:
        target = float(np.quantile(reached, 0.5 if rule == "median" else 0.9))
        at = int(np.argmin(np.abs(values - target)))
    return StoryChoice(numbers[at], rule, key, times[at], target)


def story(scenario: Scenario, seed: int, choice: StoryChoice) -> Trace:
    """The chosen replication's trace, re-simulated from the seed and its number."""
    return simulate_replication(scenario, choice.replication, seed)

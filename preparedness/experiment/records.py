"""Flat per-replication milestone records: one typed row per variant, replication, incident
and milestone, ready for ``pandas.DataFrame(records)``.

The rows are those of replications.csv (and, with several variants, variants.csv), in the
same order and with the same deadline rule as results.json (``analysis/aggregate.py``): a
milestone not reached misses its deadline, and a time within 1e-9 minutes of the deadline
meets it. Minutes are kept at full precision (the CSV rounds them to 4 decimals).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from ..analysis.milestones import milestone_definitions
from .replicate import VariantRun

__all__ = ["MilestoneRecord", "milestone_records"]

#: Rounding slack when comparing a milestone time with its deadline (as results.json does).
DEADLINE_TOLERANCE = 1e-9


class MilestoneRecord(NamedTuple):
    """One milestone of one incident in one replication of one variant."""

    variant: str
    """``base`` (the scenario as written) or an intervention id."""
    replication: int
    """Replication number; the same number in two variants shares its random draws."""
    incident: str
    milestone: str
    minutes: float | None
    """Minutes from the incident's start; None when the milestone was not reached."""
    reached: bool
    deadline_minutes: float | None
    """The plan's deadline for this milestone, in minutes; None when it has none."""
    deadline_met: bool | None
    """None when the milestone has no deadline; False when it was not reached."""


def milestone_records(runs: Mapping[str, VariantRun]) -> Iterator[MilestoneRecord]:
    """Every milestone of every replication, variant by variant in the order given."""
    for name, run in runs.items():
        scenario = run.scenario
        definitions = {
            incident.id: milestone_definitions(scenario, incident)
            for incident in scenario.incidents
        }
        for result in run.results:
            for incident in scenario.incidents:
                reached = result.milestones.get(incident.id, {})
                for definition in definitions[incident.id]:
                    value = reached.get(definition.id)
                    deadline = definition.deadline
                    met = (
                        None
                        if deadline is None
                        else (value is not None and value <= deadline + DEADLINE_TOLERANCE)
                    )
                    yield MilestoneRecord(
                        name,
                        result.replication,
                        incident.id,
                        definition.id,
                        value,
                        value is not None,
                        deadline,
                        met,
                    )

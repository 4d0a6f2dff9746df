"""Emergency plans and the incidents they cover: deadlines, departments, warnings, teams
and supplies a plan calls for, and what, where and when an incident is."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .base import MAX_COUNT, Category, Identifier, Level, Model, Severity, Share, as_written
from .callouts import CallOut
from .distributions import DurationDistribution
from .durations import Duration, PositiveDuration
from .resources import Affected, RoadCut, SupplyRule, TeamRule
from .wording import words

__all__ = [
    "AreaPart",
    "DepartmentRule",
    "Incident",
    "NotifyRule",
    "Plan",
    "WarnRule",
]


class NotifyRule(Model):
    """The first report must reach this level within this time of the incident's start."""

    level: Level
    """Level the first report must reach."""
    within: PositiveDuration
    """Deadline from the incident's start."""


class DepartmentRule(Model):
    """A department the plan requires, with its deadlines from the incident's start."""

    department: Identifier
    """Department the plan orders."""
    ordered_within: PositiveDuration | None = None
    """Deadline from the incident's start for the department's local unit to be
    ordered; left out, none."""
    report_in_within: PositiveDuration | None = None
    """Deadline from the incident's start for the local unit to report in at the
    scene; left out, none."""


class AreaPart(Model):
    """Part of a community to warn: some of its grid cells, or some of its buildings."""

    community: Identifier
    """Community of which a part is warned."""
    grid_cells: list[Annotated[int, Field(ge=1, le=MAX_COUNT)]] | None = Field(
        default=None, min_length=1
    )
    """Grid cells by number (1 is the first), or left out for the whole community."""
    buildings: list[Annotated[int, Field(ge=1, le=MAX_COUNT)]] | None = Field(
        default=None, min_length=1
    )
    """Buildings by number (1 is the first), or left out for the whole community."""

    @model_validator(mode="after")
    def _cells_or_buildings(self) -> AreaPart:
        if self.grid_cells is not None and self.buildings is not None:
            raise ValueError(words("cells_or_buildings", "name grid_cells or buildings, not both"))
        return self


class WarnRule(Model):
    """The plan's warning to households: which area, what coverage, by when."""

    area: Literal["incident_community", "township"] | list[Identifier | AreaPart] = (
        "incident_community"
    )
    """The incident's community, every community of its township, or a list of areas: a
    community's id for all of it, or ``{community: id, grid_cells: [1, 2]}`` or
    ``{community: id, buildings: [12, 13]}`` for part of one."""
    coverage: Share = 0.9
    """Share of the area's households that must be warned by the deadline."""
    within: PositiveDuration | None = None
    """Deadline from the incident's start for reaching ``coverage``."""


class Plan(Model):
    """A category-specific emergency plan (应急预案): whom to notify and dispatch by when."""

    id: Identifier
    """Id an incident may use to name its plan."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    category: Category
    """Category of emergency the plan covers (Emergency Response Law, Art. 2)."""
    levels: list[Severity] = Field(min_length=1)
    """Incident levels the plan covers."""
    report_up_to: Level = Level.district
    """The highest level the report must be relayed to."""
    activate_within: PositiveDuration | None = None
    """Deadline from the incident's start for activating the plan; left out, none."""
    notify: list[NotifyRule] = []
    """Deadlines for the first report to reach given levels."""
    departments: list[DepartmentRule] = []
    """Departments the plan orders, with their deadlines."""
    warn: WarnRule | None = None
    """Warn households: the warning cascades down the chain from the plan's activator."""
    teams: list[TeamRule] = []
    """Teams dispatched on activation; the incident is under control when their tasks are done."""
    supplies: list[SupplyRule] = []
    """What the incident consumes, drawn from the depots serving its community."""
    callout: CallOut | None = None
    """A call tree the activator starts on activation (a staff call-down, the building
    leaders' phone tree), with its call rules; its results are the call-out milestones."""


class Incident(Model):
    """An incident: what, how severe, when and where, and who notices it how fast."""

    id: Identifier
    """Id used in reports."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    category: Category
    """Category of emergency (Emergency Response Law, Art. 2); with ``level`` it
    chooses the plan."""
    level: Severity | None = None
    """I-IV; social-security events carry no level (Emergency Response Law, Art. 3)."""
    start_after: Duration = as_written("0m")
    """Time from the scenario start to the incident."""
    observe_for: PositiveDuration | None = None
    """How long after its own start this incident is observed; by default the scenario's
    ``horizon``. Milestones and coverage reached later count as not reached, and the run
    lasts until the last incident's window has ended."""
    community: Identifier | None = None
    """Community where the incident happens; leave it out for a top-down incident
    started ``at`` a post."""
    at: Identifier | None = None
    """Top-down start instead of ``community``: the place (district, township or community
    id) of the ``detected_by`` post that receives an activation order, e.g. a duty desk
    ordering a staff call-down; ``detection_delay`` is then the order's arrival."""
    detected_by: Identifier
    """Role that notices the incident first and starts the report (for a top-down
    incident, the post that receives the order)."""
    detection_delay: DurationDistribution = as_written(
        {"lognormal": {"median": "5m", "p90": "20m"}}
    )
    """From the incident's start to ``detected_by`` noticing it and starting the
    report."""
    plan: Identifier | None = None
    """Plan to follow; by default the plan matching the category and level."""
    affected: Affected | None = None
    """People affected, for per-person supply demand."""
    cuts_roads: list[RoadCut] = []
    """Roads the incident cuts (a flooded underpass)."""

    @field_validator("level")
    @classmethod
    def _level_by_category(cls, level: Severity | None, info: ValidationInfo) -> Severity | None:
        category = info.data.get("category")
        if category is Category.social_security and level is not None:
            raise ValueError(
                words(
                    "social_security_level",
                    "social-security incidents carry no level (Emergency Response Law, Art. 3); "
                    "remove 'level'",
                )
            )
        return level

    @model_validator(mode="after")
    def _level_given(self) -> Incident:
        if self.category is not Category.social_security and self.level is None:
            raise ValueError(
                words("incident_needs_level", "this incident needs a 'level' (I, II, III or IV)")
            )
        if (self.community is None) == (self.at is None):
            raise ValueError(
                words(
                    "community_or_at",
                    "give 'community' (where the incident happens) or 'at' (the place of the "
                    "post a top-down order reaches), not both or neither",
                )
            )
        return self

"""Teams, roads, items and depots: what a township sends, how it gets there, what it hands out.

The models here describe the physical side of a response: teams that are
activated through the chain, muster and travel; a road network (or straight-line distance
with a detour factor) whose roads an incident can cut; depots at community, township and
district level holding items, opened only when their keeper is reached; and the demand a
plan places on them. Figures that have a published standard cite it (Sphere Handbook,
FEMA/Ready.gov; see ``STANDARDS``).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .base import MAX_COUNT, MAX_POPULATION, Identifier, Location, Model, Share, as_written
from .distributions import DayNightProbability, DurationDistribution
from .durations import Duration, PositiveDuration
from .wording import words

#: Members one team level may add; a team is people, so the staff limit applies.
MAX_MEMBERS = 10_000
#: Most units one lot may hold; a sizing that would recommend more is refused (api).
MAX_LOT_QUANTITY = MAX_POPULATION * 100

# ----------------------------------------------------------------------------- travel


class Road(Model):
    """A road between two places (community, township, district or depot ids, or any
    junction name), with its travel time or its length."""

    source: str = Field(alias="from", min_length=1, max_length=200)
    """Place or junction id at one end (where a one-way road starts)."""
    target: str = Field(alias="to", min_length=1, max_length=200)
    """Place or junction id at the other end (where a one-way road leads)."""
    time: PositiveDuration | None = None
    """Driving time; give this or ``length_km``."""
    length_km: float | None = Field(default=None, gt=0, le=10_000)
    """Length; driven at the scenario's ``travel.speed_kmh``."""
    one_way: bool = False
    """Drivable only from ``from`` to ``to``."""

    @model_validator(mode="after")
    def _time_or_length(self) -> Road:
        if (self.time is None) == (self.length_km is None):
            raise ValueError(
                words(
                    "road_time_or_length",
                    "give a road either 'time' or 'length_km' (exactly one)",
                )
            )
        return self


class Travel(Model):
    """How long it takes to get from one place to another.

    With ``roads`` (or a GraphML ``road_graph``), travel follows the fastest route through
    the road graph; without them, it is the straight-line distance between the places'
    locations times ``detour_factor``, driven at ``speed_kmh``.
    """

    speed_kmh: float = Field(default=30.0, gt=0, le=300)
    """Average driving speed on township roads (an assumption, not a sourced figure)."""
    detour_factor: float = Field(default=1.3, ge=1.0, le=5.0)
    """Road distance over straight-line distance; 1.3 is a common planning assumption."""
    road_graph: str | None = None
    """A GraphML file, relative to the scenario file, whose nodes are place or junction ids
    and whose edges carry ``time_min`` (minutes) or ``length_km``. The loader reads it into
    ``roads``; it is never read again. A directed graph gives one-way roads. The file must
    lie in the scenario file's folder (or below it) and be at most 50 MB; give ``roads`` or
    ``road_graph``, not both."""
    roads: list[Road] = Field(default=[], max_length=1_000_000)
    """Roads between places, written out; or give ``road_graph``."""


class RoadCut(Model):
    """An incident cuts a road (the flooded underpass): routes are recomputed around it."""

    source: str = Field(alias="from", min_length=1, max_length=200)
    """One end of the cut road, as named in ``travel.roads``; a two-way road is closed
    both ways."""
    target: str = Field(alias="to", min_length=1, max_length=200)
    """The other end of the cut road."""
    after: Duration = as_written("0m")
    """From the incident's start."""
    duration: PositiveDuration | None = None
    """How long the road stays cut; left out, until the end of the run."""


# ----------------------------------------------------------------------------- teams


class TeamKind(str, Enum):
    """Who the team's members are: government staff, professional teams or volunteers, the three
    forces of a community emergency team in the Beijing Majuqiao urban-rural fringe case (2020)."""

    government = "government"
    professional = "professional"
    volunteer = "volunteer"
    social_organisation = "social_organisation"


class MobilisationLevel(Model):
    """One mobilisation level: level 1 is the core team, each higher level adds to it."""

    members: int = Field(ge=0, le=MAX_MEMBERS)
    """Members this level adds to the levels below it."""
    teams: list[Identifier] = []
    """Other teams this level also calls out (at their own level 1)."""


class Team(Model):
    """A government, professional, volunteer or social-organisation team."""

    id: Identifier
    """Id that plans and mobilisation levels use to name the team."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    kind: TeamKind
    """Who the members are: government staff, professionals, volunteers or a social
    organisation."""
    base: Identifier
    """Place where members gather and set off from: a community, township or district id,
    where the leader has a post."""
    skills: list[str] = []
    """What the team can do, for the reader; the simulation does not match skills to tasks."""
    leader: Identifier
    """Role whose post at the base receives the activation order and calls members out."""
    activated_by: list[Identifier] = Field(min_length=1)
    """Roles that may activate the team; the order travels to the nearest of them."""
    channel: Identifier
    """Channel the activating person uses to reach the leader."""
    levels: list[MobilisationLevel] = Field(min_length=1, max_length=10)
    """Mobilisation levels, level 1 first; a plan calls out up to one of them."""
    reachable: DayNightProbability = as_written(1.0)
    """Share of members who answer the call-out, by day and night. No published figure for
    night against day availability exists; volunteer rosters overstate availability (actual
    volunteers were 63.5% of the roster in South Carolina: Fire Engineering, "The declining
    membership of the volunteer fire service")."""
    muster_time: DurationDistribution = as_written({"lognormal": {"median": "20m", "p90": "45m"}})
    """Per member, from the call-out to being at the base (China has no national muster-time
    rule for township teams; 10-20 min turnout is reported for volunteer fire crews, Fire
    Rescue Magazine, "The volunteer fire rescue gamble")."""
    departs_with: Share = 1.0
    """Share of the reachable members who must have gathered before the team sets off."""
    max_muster_wait: PositiveDuration = as_written("2h")
    """The team sets off with whoever has gathered by then."""

    def members_up_to(self, level: int) -> int:
        """Members called out at mobilisation ``level`` (1-based), counting the levels below."""
        return sum(step.members for step in self.levels[:level])

    def teams_up_to(self, level: int) -> list[str]:
        return [team for step in self.levels[:level] for team in step.teams]


class Task(Model):
    """What a team does on scene, e.g. building 150 metres of flood wall."""

    name: str = Field(min_length=1, max_length=200)
    """What the task is, for reports."""
    duration: DurationDistribution
    """Time the team takes to do the whole task once on scene."""
    size: float = Field(default=1.0, gt=0, le=MAX_COUNT)
    """How much of it there is, in ``unit`` (150 metres): per-task-unit demand scales with it."""
    unit: str = Field(default="task", min_length=1, max_length=50)
    """What ``size`` counts in (metres, households)."""


class TeamRule(Model):
    """A team the plan dispatches to the incident, at which level, with its deadline and task."""

    team: Identifier
    """Team the plan dispatches."""
    level: int = Field(default=1, ge=1, le=10)
    """Mobilisation level called out: 1 is the core team, each higher level adds members
    and teams."""
    on_scene_within: PositiveDuration | None = None
    """Deadline from the incident's start for the team to be on scene; left out,
    none."""
    task: Task | None = None
    """Without a task the team stays on scene until the end of the run."""


# ----------------------------------------------------------------------------- items, depots

#: Per-person daily standards a plan may name instead of a figure.
#: name -> (amount, unit, source)
STANDARDS: dict[str, tuple[float, str, str]] = {
    "sphere_water": (15.0, "L", "Sphere Handbook, water supply standard 1: 15 L/person/day"),
    "sphere_drinking_water": (
        3.0,
        "L",
        "Sphere 2011: drinking and food 2.5-3 L/person/day (upper figure)",
    ),
    "fema_water": (3.8, "L", "FEMA/Ready.gov: 1 gallon (3.8 L) per person per day"),
    "sphere_food": (2100.0, "kcal", "Sphere food-transfer standard 1: 2,100 kcal/person/day"),
}
StandardName = Literal["sphere_water", "sphere_drinking_water", "fema_water", "sphere_food"]


class Content(Model):
    """What one unit of an item holds, e.g. a food kit of 2,100 kcal or a 5 L water drum."""

    amount: float = Field(gt=0, le=1e9)
    """How much one unit of the item holds, counted in ``of``."""
    of: str = Field(min_length=1, max_length=20)
    """What ``amount`` counts in, as the standard counts it: ``kcal`` for food, ``L`` for
    water."""


class Item(Model):
    """A kind of supply: masks, litres of drinking water, food kits, blankets, sandbags..."""

    id: Identifier
    """Id that depots' stock and plans' supplies use to name the item."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    unit: str = Field(min_length=1, max_length=20)
    """What one counts it in: L, bag, kit, piece."""
    unit_cost: float = Field(default=0.0, ge=0, le=1e9)
    """Cost of one unit (yuan), for the sizing's least-cost choice."""
    shelf_life: PositiveDuration | None = None
    """From the date of stocking; None: does not expire."""
    pack_size: int = Field(default=1, ge=1, le=1_000_000)
    """Stock is bought and held in whole packs of this many units."""
    contains: Content | None = None
    """What one unit holds, to turn a standard (2,100 kcal/person/day) into units."""


class Lot(Model):
    """Units of one item held at a depot, stocked on one date (so they expire together)."""

    item: Identifier
    """Item held."""
    quantity: int = Field(ge=0, le=MAX_LOT_QUANTITY)
    """Units held, in the item's unit."""
    stocked_on: dt.date | None = None
    """Date of stocking; with the item's shelf life it gives the expiry date."""


DepotLevel = Literal["community", "township", "district"]


class Depot(Model):
    """A reserve (应急物资储备点) at community, township or district level, with a keeper."""

    id: Identifier
    """Id used by ``supplied_by`` and in reports."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    level: DepotLevel
    """Level of the depot: community, township or district."""
    place: Identifier
    """The community, township or district it belongs to and serves."""
    location: Location | None = None
    """Where it is; by default the place's own location."""
    keepers: list[Identifier] = Field(min_length=1)
    """Roles of the designated keeper (专人维护), then of the backups, in the order they are
    called; the depot opens only when one of them is reached."""
    keeper_channel: Identifier
    """Channel used to call the keeper."""
    release_by: Identifier | None = None
    """Role whose approval releases the stock; the release order travels to it through the
    chain. None: the keeper releases on the plan's activation alone."""
    loading_time: DurationDistribution = as_written("30m")
    """From the depot opening to a transfer leaving it."""
    supplied_by: Identifier | None = None
    """Depot that resupplies this one; by default the depot one level up that contains it."""
    restock_lead_time: PositiveDuration | None = None
    """For a depot nobody resupplies: time from ordering a restock (when it opens) to its
    arrival; the restock refills the depot's holding once. None: no restock."""
    lateral: bool = True
    """Community depots only: may send to a neighbouring community that runs short."""
    stock: list[Lot] = []
    """What the depot holds at the start, lot by lot."""


class SupplyRule(Model):
    """What an incident consumes of one item, by one of three rules."""

    item: Identifier
    """Item consumed."""
    per_person_per_day: float | StandardName | None = None
    """Per affected person per day: a figure in the item's unit, or a standard's name."""
    per_responder_per_shift: float | None = Field(default=None, gt=0, le=1e6)
    """Per team member on scene per shift (masks, gowns)."""
    shift: PositiveDuration = as_written("8h")
    """Length of a responder's shift, for ``per_responder_per_shift``."""
    per_task_unit: float | None = Field(default=None, gt=0, le=1e9)
    """Per unit of the plan's team tasks (sandbags per metre of flood wall)."""
    first_within: PositiveDuration | None = None
    """Deadline for the first delivery to the incident's community."""

    @model_validator(mode="after")
    def _one_rule(self) -> SupplyRule:
        given = [
            name
            for name in ("per_person_per_day", "per_responder_per_shift", "per_task_unit")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                words(
                    "one_supply_rule",
                    "give exactly one of per_person_per_day, per_responder_per_shift, "
                    "per_task_unit",
                )
            )
        if isinstance(self.per_person_per_day, float) and not (0 < self.per_person_per_day <= 1e6):
            raise ValueError(
                words(
                    "per_person_range",
                    "per_person_per_day must be more than 0 and at most 1000000",
                )
            )
        return self

    @property
    def rule(self) -> str:
        if self.per_person_per_day is not None:
            return "per_person_per_day"
        if self.per_responder_per_shift is not None:
            return "per_responder_per_shift"
        return "per_task_unit"


class Affected(Model):
    """How many people an incident affects, and how that grows while it is uncontrolled."""

    people: int = Field(ge=0, le=MAX_POPULATION)
    """People affected at the incident's start."""
    growth_per_hour: float = Field(default=0.0, ge=0, le=10)
    """Relative growth per hour until the plan's team tasks are complete (0.05: 5% an hour)."""
    max_people: int | None = Field(default=None, ge=0, le=MAX_POPULATION)
    """Cap on growth; by default the community's population."""

    @field_validator("max_people")
    @classmethod
    def _cap_above_people(cls, max_people: int | None, info: ValidationInfo) -> int | None:
        people = info.data.get("people")
        if max_people is not None and people is not None and max_people < people:
            raise ValueError(
                words(
                    "max_below_people",
                    f"max_people ({max_people}) cannot be below people ({people})",
                    max_people=str(max_people),
                    people=str(people),
                )
            )
        return max_people


__all__ = [
    "Affected",
    "Content",
    "Depot",
    "Item",
    "Lot",
    "MobilisationLevel",
    "Road",
    "RoadCut",
    "STANDARDS",
    "SupplyRule",
    "Task",
    "Team",
    "TeamKind",
    "TeamRule",
    "Travel",
]

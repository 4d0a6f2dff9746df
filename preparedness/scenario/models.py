"""The scenario language: frozen pydantic models for everything a scenario file describes.

Only the loader builds these from YAML; everything downstream takes them as typed, frozen
values. Units are converted here (durations become float minutes), and defaults live on the
fields with the source of each figure, so the engine never parses text or guesses a default.

The models live one section per module (``places``, ``channels``, ``roles``, ``command``,
``plans``, ``changes``, ``resources``); this module defines the root ``Scenario`` and
re-exports every model, so ``from preparedness.scenario.models import ...`` reaches them all.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field, PrivateAttr

from .base import (  # noqa: F401 - re-exported
    MAX_COUNT,
    MAX_POPULATION,
    Category,
    Identifier,
    Level,
    Location,
    Model,
    NightHours,
    Probability,
    Severity,
    Share,
    Shift,
    as_written,
)
from .callouts import (  # noqa: F401 - re-exported
    BackgroundLoad,
    CallOut,
    LoadPeriod,
    Voicemail,
)
from .changes import (  # noqa: F401 - re-exported
    CHANGE_KINDS,
    Change,
    DutyHoursChange,
    Intervention,
    LinkChannelChange,
    LinkSelector,
    ModeChange,
    PlatformChange,
    SetChange,
    StaffChange,
)
from .channels import (  # noqa: F401 - re-exported
    SYNCHRONOUS_KINDS,
    Channel,
    GroupMessageChannel,
    InPersonChannel,
    Outage,
    PhoneChannel,
    PlatformChannel,
    RadioChannel,
    SmsChannel,
)
from .command import (  # noqa: F401 - re-exported
    Command,
    CommandModeName,
    Department,
    JointCentre,
    Link,
    Whistle,
)
from .durations import PositiveDuration
from .places import Community, District, Places, Township  # noqa: F401 - re-exported
from .plans import (  # noqa: F401 - re-exported
    AreaPart,
    DepartmentRule,
    Incident,
    NotifyRule,
    Plan,
    WarnRule,
)
from .resources import (  # noqa: F401 - re-exported
    Affected,
    Depot,
    Item,
    RoadCut,
    SupplyRule,
    Team,
    TeamRule,
    Travel,
)
from .roles import (  # noqa: F401 - re-exported
    Authority,
    DoorKnocking,
    HouseholdWarning,
    Loudspeaker,
    OffDuty,
    Role,
)


class Scenario(Model):
    """A whole scenario: the place, its response organisation and the incidents to replay."""

    name: str = Field(min_length=1, max_length=200)
    """Name of the scenario, shown in reports and used to name its report folder."""
    description: str = ""
    """What the scenario depicts, in free text; copied into the reports."""
    start: AwareDatetime
    """Wall-clock start, with time zone (e.g. 2026-07-14T02:10:00+08:00): night matters."""
    seed: int = Field(default=1, ge=0, le=2**63 - 1)
    """Root seed: one seed decides every draw of an experiment."""
    horizon: PositiveDuration = as_written("24h")
    """How long each incident is observed, counted from that incident's own start (an
    incident may set its own ``observe_for``): milestones not reached within it count as not
    reached. A replication lasts until the last incident's window has ended."""
    replications: int = Field(default=200, ge=1, le=1_000_000)
    """Default number of replications."""
    language: Literal["en", "zh"] = "en"
    """Language of the reports (``en`` English, ``zh`` Chinese) unless ``--lang`` says
    otherwise; names of places and people are shown as written either way."""
    night: NightHours = NightHours()
    """When night falls; values given by day and night switch to their night value then."""
    places: Places
    """The district, its townships and their communities."""
    channels: list[Channel] = Field(min_length=1)
    """Every means of communication; links, fallbacks and warnings name them by id."""
    roles: list[Role] = Field(min_length=1)
    """Every kind of person in the response organisation; a role has one post per place
    at its level."""
    departments: list[Department] = []
    """Functional departments (police, fire, health, ...) that plans order."""
    command: Command
    """Who reports to whom, and how department orders are routed."""
    plans: list[Plan] = []
    """Emergency plans; an incident follows the one it names, else the first matching its
    category and level."""
    incidents: list[Incident] = Field(min_length=1)
    """The incidents to replay, each from its own start."""
    travel: Travel = Travel()
    """How long driving from one place to another takes."""
    teams: list[Team] = []
    """Teams that plans dispatch."""
    items: list[Item] = []
    """Kinds of supply that depots hold and plans consume."""
    depots: list[Depot] = []
    """Reserves holding the items, each with its keepers."""
    background_load: list[BackgroundLoad] = []
    """Random calls that keep duty desks busy during the run (12345 hotline calls);
    none by default."""
    interventions: list[Intervention] = []
    """Named what-if overlays for ``--compare`` (README, "What-ifs: interventions and
    comparisons"); the scenario runs without them."""

    _indices: dict = PrivateAttr(default_factory=dict)

    def channel(self, channel_id: str) -> Channel:
        return self._index("channels")[channel_id]

    def role(self, role_id: str) -> Role:
        return self._index("roles")[role_id]

    def department(self, department_id: str) -> Department:
        return self._index("departments")[department_id]

    def team(self, team_id: str) -> Team:
        return self._index("teams")[team_id]

    def item(self, item_id: str) -> Item:
        return self._index("items")[item_id]

    def depot(self, depot_id: str) -> Depot:
        return self._index("depots")[depot_id]

    def plan(self, plan_id: str) -> Plan:
        return self._index("plans")[plan_id]

    def plan_for(self, incident: Incident) -> Plan | None:
        """The plan an incident follows: the one it names, else the first matching one."""
        if incident.plan is not None:
            return self.plan(incident.plan)
        for plan in self.plans:
            if plan.category is incident.category and (
                incident.level is None or incident.level in plan.levels
            ):
                return plan
        return None

    def observed_for(self, incident: Incident) -> float:
        """Minutes ``incident`` is observed after its start: its ``observe_for``, else the
        horizon, so an incident starting late in the run is not cut short."""
        return self.horizon if incident.observe_for is None else incident.observe_for

    @property
    def run_length(self) -> float:
        """Minutes a replication lasts: until the last incident's observation window ends."""
        return max(
            (i.start_after + self.observed_for(i) for i in self.incidents), default=self.horizon
        )

    def _index(self, attr: str) -> dict:
        cache = self._indices
        if attr not in cache:
            cache[attr] = {item.id: item for item in getattr(self, attr)}
        return cache[attr]


__all__ = [
    "Authority",
    "BackgroundLoad",
    "CallOut",
    "Category",
    "Change",
    "Channel",
    "Command",
    "Community",
    "Department",
    "DepartmentRule",
    "District",
    "GroupMessageChannel",
    "InPersonChannel",
    "Incident",
    "Intervention",
    "JointCentre",
    "Level",
    "Link",
    "LoadPeriod",
    "Location",
    "NightHours",
    "NotifyRule",
    "OffDuty",
    "PhoneChannel",
    "Places",
    "Plan",
    "PlatformChannel",
    "RadioChannel",
    "Role",
    "Scenario",
    "Severity",
    "Shift",
    "SmsChannel",
    "SYNCHRONOUS_KINDS",
    "Township",
    "Voicemail",
    "Whistle",
]

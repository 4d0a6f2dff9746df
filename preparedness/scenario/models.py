"""The scenario language: frozen pydantic models for everything a scenario file describes.

Only the loader builds these from YAML; everything downstream takes them as typed, frozen
values. Units are converted here (durations become float minutes), and defaults live on the
fields with the source of each figure, so the engine never parses text or guesses a default.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

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
)
from .distributions import DayNightDistribution, DayNightProbability, DurationDistribution
from .durations import Duration, PositiveDuration
from .resources import Affected, Depot, Item, RoadCut, SupplyRule, Team, TeamRule, Travel

# ----------------------------------------------------------------------------- places

class Community(Model):
    """A village or urban community (村/社区), the unit most roles and warnings are counted in."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    population: int = Field(ge=1, le=MAX_POPULATION)
    """Residents."""
    households: int = Field(ge=1, le=MAX_POPULATION)
    share_elderly: Share = 0.15
    """Share of residents aged 60 and over."""
    share_without_smartphone: Share = 0.10
    """Share of residents who cannot be reached through phone apps or group messages."""
    grid_cells: int = Field(default=1, ge=1, le=MAX_COUNT)
    """Grid cells (网格) the community is divided into."""
    buildings: int = Field(default=1, ge=1, le=MAX_COUNT)
    """Buildings or compounds."""
    location: Location = Location()
    staff_per_1000: dict[Identifier, Annotated[float, Field(gt=0, le=1000)]] = {}
    """Per-community staffing ratios for grid-level roles, overriding the role's own ratio
    (grid workers per 1,000 residents range from 0.68 to 3.94 across communities, seed 004)."""

    @field_validator("households")
    @classmethod
    def _households_fit(cls, households: int, info: ValidationInfo) -> int:
        population = info.data.get("population")
        if population is not None and households > population:
            raise ValueError(
                f"households ({households}) cannot exceed population ({population})"
            )
        return households


class Township(Model):
    """A township or sub-district (乡镇/街道) and the communities it coordinates."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    location: Location = Location()
    communities: list[Community] = Field(min_length=1)


class District(Model):
    """The county or district above the townships; its bureaus head the departments' chains."""

    id: Identifier = "district"
    name: str = Field(default="District", min_length=1, max_length=200)


class Places(Model):
    """Where the scenario happens: one district, its townships and their communities."""

    district: District = District()
    townships: list[Township] = Field(min_length=1)


# ----------------------------------------------------------------------------- channels


class Outage(Model):
    """A channel going down during the incident, e.g. a flooded base station."""

    probability: Probability = 1.0
    """Chance that the outage happens at all in a replication."""
    start_after: Duration = "0m"
    """From the scenario's start."""
    duration: PositiveDuration
    communities: list[Identifier] = []
    """Communities whose people cannot use the channel meanwhile; empty means everywhere."""


class _ChannelBase(Model):
    id: Identifier
    name: str | None = None
    failure_probability: Probability = 0.0
    """Chance that one attempt fails outright on this channel (network down, line dead)."""
    outages: list[Outage] = []


class PhoneChannel(_ChannelBase):
    """One-to-one voice call: rings, may go unanswered, is retried, and holds both parties' lines.

    Defaults: pick-up after about 2.5 rings of 6 s, a no-answer decision after 5 rings, and a
    call of 1.5-3 minutes (domain-facts.md section 3: Avaya ring cycle, Rapid Notify, CTIA).
    """

    kind: Literal["phone"]
    answer_probability: DayNightProbability = 0.85
    """Chance that an attempt is answered by an on-duty person, by day and by night."""
    ring_time: DurationDistribution = "15s"
    """Time from dialling to pick-up when the call is answered."""
    no_answer_timeout: PositiveDuration = "30s"
    """How long the caller lets it ring before giving up the attempt."""
    retry_interval: Duration = "2m"
    """Pause between attempts."""
    max_attempts: int = Field(default=3, ge=1, le=100)
    """Attempts before the caller falls back to another channel."""
    talk_time: DurationDistribution = {"lognormal": {"median": "1m30s", "p90": "4m"}}
    """Length of the conversation once answered."""
    hold_patience: PositiveDuration = "3m"
    """How long a caller stays on hold when the callee is on another call."""


class RadioChannel(_ChannelBase):
    """Two-way radio: no dialling, answered when the receiver has the set on (on duty)."""

    kind: Literal["radio"]
    answer_probability: DayNightProbability = 0.95
    retry_interval: Duration = "1m"
    max_attempts: int = Field(default=5, ge=1, le=100)
    talk_time: DurationDistribution = "30s"
    no_answer_timeout: PositiveDuration = "20s"
    hold_patience: PositiveDuration = "2m"


class InPersonChannel(_ChannelBase):
    """Face to face, for people sitting together (the joint duty room)."""

    kind: Literal["in_person"]
    talk_time: DurationDistribution = "1m"


class GroupMessageChannel(_ChannelBase):
    """A WeChat-style group: one post, read by each member after a delay, never by some."""

    kind: Literal["group_message"]
    post_time: DurationDistribution = "30s"
    """Time the sender spends writing the post."""
    read_delay: DayNightDistribution = {"lognormal": {"median": "5m", "p90": "30m"}}
    """Delay from posting to a member reading it."""
    never_read_share: Share = 0.1
    """Share of members who never read the post."""
    confirm_within: PositiveDuration = "30m"
    """If no reply by then, the sender treats the message as failed and falls back."""
    forwarded_share: Share = 0.0
    """Of the households that never read a warning posted here, the share that hear it anyway
    because a member who read it forwards it or tells them (a neighbour, a relative's group)."""
    forward_delay: DurationDistribution = {"lognormal": {"median": "30m", "p90": "2h"}}
    """From a reader reading the warning to the household it was forwarded to hearing it."""


class SmsChannel(_ChannelBase):
    """Text message: delivered within seconds, read after a delay."""

    kind: Literal["sms"]
    post_time: DurationDistribution = "30s"
    read_delay: DayNightDistribution = {"lognormal": {"median": "3m", "p90": "20m"}}
    never_read_share: Share = 0.05
    confirm_within: PositiveDuration = "20m"


class PlatformChannel(_ChannelBase):
    """A unified platform push the recipient acknowledges in the app (closed loop, seed 003)."""

    kind: Literal["platform"]
    post_time: DurationDistribution = "10s"
    read_delay: DayNightDistribution = {"lognormal": {"median": "1m", "p90": "5m"}}
    """Delay from push to acknowledgement by a recipient who uses the platform."""
    adoption_share: Share = 0.9
    """Share of recipients who use the platform at all."""
    confirm_within: PositiveDuration = "10m"
    """Unacknowledged pushes are followed up on the fallback channel after this."""

    @property
    def never_read_share(self) -> float:
        return 1.0 - self.adoption_share


Channel = Annotated[
    PhoneChannel | RadioChannel | InPersonChannel | GroupMessageChannel | SmsChannel
    | PlatformChannel,
    Field(discriminator="kind"),
]
SYNCHRONOUS_KINDS = ("phone", "radio", "in_person")


# ----------------------------------------------------------------------------- people


class OffDuty(Model):
    """How a person behaves when called outside their shift."""

    answer_factor: Probability = 0.6
    """Multiplies the channel's answer probability (phone on silent, asleep)."""
    response_delay: DurationDistribution = {"lognormal": {"median": "10m", "p90": "30m"}}
    """Extra time before acting (getting dressed, getting to the office)."""


class DoorKnocking(Model):
    """Going door to door through a list of households, one at a time (敲门行动, seed 001)."""

    time_per_household: DurationDistribution = {"lognormal": {"median": "2m", "p90": "5m"}}
    """Knocking, explaining and checking that the household understood."""
    walk_between_buildings: DurationDistribution = "2m"
    """Walking to the next building (or up the next stairwell)."""
    nobody_home: Share = 0.1
    """Share of knocks nobody answers; those households are not warned by this knock."""
    cohorts: Literal["without_smartphone", "all"] = "without_smartphone"
    """Whose doors are knocked: only households without smartphones, or every household."""


class Loudspeaker(Model):
    """A loudspeaker or broadcast vehicle driving past the area's buildings in turn."""

    time_per_building: PositiveDuration = "1m"
    """Driving from one building (or lane) to the next while broadcasting."""
    heard_share: Share = 0.6
    """Share of households that hear and understand the broadcast."""


class HouseholdWarning(Model):
    """How a person in this role warns the households of their area once they have the warning."""

    group_message: Identifier | None = None
    """A group-message, SMS or platform channel used to post the warning to the area's
    smartphone users (each reads it after the channel's read delay, or never)."""
    loudspeaker: Loudspeaker | None = None
    door_knocking: DoorKnocking | None = None


class Authority(Model):
    """What a person in this role may do on their own authority."""

    activate_plans: list[Identifier] = []
    """Plans this role may activate."""


class Role(Model):
    """A kind of person in the response organisation, instantiated per place.

    A role at township level gives one post per township, at community level one per
    community, at grid level one per grid cell (or, with ``per_1000_residents``, one post per
    community staffed by that ratio). District and city roles have a single post.
    """

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    level: Level
    staff: int = Field(default=1, ge=1, le=10_000)
    """People per post; they share the post's calls (a duty desk with several lines)."""
    per_1000_residents: float | None = Field(default=None, gt=0, le=1000)
    """Only at grid level: staff each community's post by this many people per 1,000 residents."""
    on_duty: Literal["always"] | list[Shift] = "always"
    """'always' (24-hour duty) or the daily shifts during which the post is staffed."""
    handover: Duration = "0m"
    """At the start of each shift, time the outgoing and incoming staff spend handing over;
    the post takes no calls meanwhile (only with shifts)."""
    off_duty: OffDuty = OffDuty()
    decision_time: DayNightDistribution = {"lognormal": {"median": "2m", "p90": "8m"}}
    """Time to decide what to do with a message before acting on it."""
    when_busy: Literal["queue", "call_back"] = "queue"
    """Callers who find the post busy hold ('queue') or get a busy tone and retry later."""
    fallback: list[Identifier] = []
    """Channels this person tries, in order, when a link's own channel fails."""
    authority: Authority = Authority()
    warns_households: HouseholdWarning | None = None
    """How this role warns households when a warning reaches it (None: passes it on only)."""

    @field_validator("per_1000_residents")
    @classmethod
    def _ratio_only_for_grid(cls, ratio: float | None, info: ValidationInfo) -> float | None:
        level = info.data.get("level")
        if ratio is not None and level is not None and level is not Level.grid:
            raise ValueError("per_1000_residents is only allowed for roles at grid level")
        return ratio


# ----------------------------------------------------------------------------- command


class Link(Model):
    """A reports-to link: ``from`` reports to ``to``; instructions travel back the same way."""

    source: Identifier = Field(alias="from")
    """Role that reports."""
    target: Identifier = Field(alias="to")
    """Role reported to."""
    channel: Identifier


class Department(Model):
    """A functional department (police, fire, health, ...) with its own vertical chain."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    chain: list[Identifier] = Field(min_length=1)
    """Roles of the department's chain, top first; the last is the unit that acts locally."""
    answers_to: Identifier
    """Government role whose instruction the chain's top obeys (siloed relay goes through it)."""
    channel: Identifier
    """Channel used along the department's own chain and from ``answers_to``."""
    report_in_time: DurationDistribution = {"pert": {"min": "10m", "mode": "20m", "max": "1h"}}
    """From the local unit being ordered to reporting in at the scene."""


class Whistle(Model):
    """Whistle-and-report (街乡吹哨、部门报到): the grassroots summons departments directly."""

    by: Identifier
    """Role that blows the whistle (usually the community secretary)."""
    channel: Identifier


class JointCentre(Model):
    """A joint duty command centre where department liaisons sit together (seed 003)."""

    commanded_by: Identifier
    """Role that runs the centre: when it has the report the centre convenes, and its orders
    reach every department liaison at once."""
    activation_time: DayNightDistribution = {"day": "10m", "night": "40m"}
    """Time to convene the centre once its commanding post has the report (longer at night)."""
    liaison_channel: Identifier
    """Channel a liaison uses to instruct their department's local unit."""
    liaison_decision_time: DayNightDistribution = "1m"
    """Time a liaison takes to pass an order on to their own unit."""


CommandModeName = Literal["siloed_relay", "whistle_and_report", "joint_command_centre"]


class Command(Model):
    """Who reports to whom, and how department orders are routed."""

    mode: CommandModeName
    links: list[Link] = Field(min_length=1)
    whistle: Whistle | None = None
    joint_centre: JointCentre | None = None

    @model_validator(mode="after")
    def _mode_settings_present(self) -> Command:
        if self.mode == "whistle_and_report" and self.whistle is None:
            raise ValueError("command mode 'whistle_and_report' needs a 'whistle:' block")
        if self.mode == "joint_command_centre" and self.joint_centre is None:
            raise ValueError("command mode 'joint_command_centre' needs a 'joint_centre:' block")
        return self


# ----------------------------------------------------------------------------- plans, incidents


class NotifyRule(Model):
    """The first report must reach this level within this time of the incident's start."""

    level: Level
    within: PositiveDuration


class DepartmentRule(Model):
    """A department the plan requires, with its deadlines from the incident's start."""

    department: Identifier
    ordered_within: PositiveDuration | None = None
    report_in_within: PositiveDuration | None = None


class AreaPart(Model):
    """Part of a community to warn: some of its grid cells, or some of its buildings."""

    community: Identifier
    grid_cells: list[Annotated[int, Field(ge=1, le=MAX_COUNT)]] | None = Field(
        default=None, min_length=1)
    """Grid cells by number (1 is the first), or left out for the whole community."""
    buildings: list[Annotated[int, Field(ge=1, le=MAX_COUNT)]] | None = Field(
        default=None, min_length=1)
    """Buildings by number (1 is the first), or left out for the whole community."""

    @model_validator(mode="after")
    def _cells_or_buildings(self) -> AreaPart:
        if self.grid_cells is not None and self.buildings is not None:
            raise ValueError("name grid_cells or buildings, not both")
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
    name: str = Field(min_length=1, max_length=200)
    category: Category
    levels: list[Severity] = Field(min_length=1)
    """Incident levels the plan covers."""
    report_up_to: Level = Level.district
    """The highest level the report must be relayed to."""
    activate_within: PositiveDuration | None = None
    notify: list[NotifyRule] = []
    departments: list[DepartmentRule] = []
    warn: WarnRule | None = None
    """Warn households: the warning cascades down the chain from the plan's activator."""
    teams: list[TeamRule] = []
    """Teams dispatched on activation; the incident is under control when their tasks are done."""
    supplies: list[SupplyRule] = []
    """What the incident consumes, drawn from the depots serving its community."""


class Incident(Model):
    """An incident: what, how severe, when and where, and who notices it how fast."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    category: Category
    level: Severity | None = None
    """I-IV; social-security events carry no level (Emergency Response Law, Art. 3)."""
    start_after: Duration = "0m"
    """Time from the scenario start to the incident."""
    community: Identifier
    detected_by: Identifier
    """Role that notices the incident first and starts the report."""
    detection_delay: DurationDistribution = {"lognormal": {"median": "5m", "p90": "20m"}}
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
                "social-security incidents carry no level (Emergency Response Law, Art. 3); "
                "remove 'level'"
            )
        return level

    @model_validator(mode="after")
    def _level_given(self) -> Incident:
        if self.category is not Category.social_security and self.level is None:
            raise ValueError("this incident needs a 'level' (I, II, III or IV)")
        return self


# ----------------------------------------------------------------------------- interventions
# Named what-if overlays (issue 4). Only their shape lives here, so a scenario file is
# validated, and described by the JSON Schema, with its interventions; applying one is
# ``interventions.py``'s job and always yields a new, re-validated scenario.


class LinkSelector(Model):
    """Reports-to links chosen by the roles at either end; an end left out matches any role."""

    source: Identifier | None = Field(default=None, alias="from")
    target: Identifier | None = Field(default=None, alias="to")


class ModeChange(Model):
    """Switch the command mode, with the block the new mode needs."""

    mode: CommandModeName
    whistle: Whistle | None = None
    joint_centre: JointCentre | None = None


class LinkChannelChange(LinkSelector):
    """Use ``channel`` on every reports-to link matching ``from`` and ``to``."""

    channel: Identifier


class StaffChange(Model):
    """Staff a role differently: people per post, or (grid roles) people per 1,000 residents."""

    role: Identifier
    staff: int | None = Field(default=None, ge=1, le=10_000)
    per_1000_residents: float | None = Field(default=None, gt=0, le=1000)
    communities: list[Identifier] = []
    """With ``per_1000_residents``: change only these communities' ratio."""

    @model_validator(mode="after")
    def _one_kind(self) -> StaffChange:
        if (self.staff is None) == (self.per_1000_residents is None):
            raise ValueError("give either 'staff' or 'per_1000_residents'")
        if self.communities and self.per_1000_residents is None:
            raise ValueError("'communities' goes with 'per_1000_residents'")
        return self


class DutyHoursChange(Model):
    """Change when a role is on duty."""

    role: Identifier
    on_duty: Literal["always"] | list[Shift]


class PlatformChange(Model):
    """Add a platform channel and make it the first choice in some roles or on some links."""

    channel: PlatformChannel
    first_in_fallback: list[Identifier] = []
    """Roles that try the platform first whenever a link's own channel fails."""
    links: list[LinkSelector] = []
    """Links whose own channel becomes the platform."""

    @model_validator(mode="after")
    def _used_somewhere(self) -> PlatformChange:
        if not self.first_in_fallback and not self.links:
            raise ValueError("say where the platform is used: 'first_in_fallback' or 'links'")
        return self


class SetChange(Model):
    """Last resort: set one field by its path, e.g. ``roles[grid_worker].staff``."""

    path: str = Field(
        min_length=1, max_length=300,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\[[A-Za-z0-9_\-]+\])*"
        r"(\.[A-Za-z_][A-Za-z0-9_]*(\[[A-Za-z0-9_\-]+\])*)*$",
    )
    """Keys joined by dots; ``[3]`` picks a list item by position, ``[name]`` by its id."""
    value: Any


CHANGE_KINDS = ("command_mode", "link_channel", "staff", "duty_hours", "add_channel",
                "add_platform", "set")


class Change(Model):
    """One change of an intervention: a mapping with exactly one of the keys below."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    command_mode: ModeChange | None = None
    link_channel: LinkChannelChange | None = None
    staff: StaffChange | None = None
    duty_hours: DutyHoursChange | None = None
    add_channel: Channel | None = None
    add_platform: PlatformChange | None = None
    set: SetChange | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Change:
        given = [kind for kind in CHANGE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one change per item: one of {', '.join(CHANGE_KINDS)}")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in CHANGE_KINDS if getattr(self, kind) is not None)


class Intervention(Model):
    """A named what-if: changes applied to the scenario as written, in order (``base`` is
    the scenario itself and cannot be redefined)."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    changes: list[Change] = Field(min_length=1)


# ----------------------------------------------------------------------------- scenario


class Scenario(Model):
    """A whole scenario: the place, its response organisation and the incidents to replay."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    start: AwareDatetime
    """Wall-clock start, with time zone (e.g. 2026-07-14T02:10:00+08:00): night matters."""
    seed: int = Field(default=1, ge=0, le=2**63 - 1)
    """Root seed: one seed decides every draw of an experiment."""
    horizon: PositiveDuration = "24h"
    """Every replication stops here; milestones not reached by then count as not reached."""
    replications: int = Field(default=200, ge=1, le=1_000_000)
    """Default number of replications."""
    night: NightHours = NightHours()
    places: Places
    channels: list[Channel] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    departments: list[Department] = []
    command: Command
    plans: list[Plan] = []
    incidents: list[Incident] = Field(min_length=1)
    travel: Travel = Travel()
    teams: list[Team] = []
    items: list[Item] = []
    depots: list[Depot] = []
    interventions: list[Intervention] = []
    """Named what-if overlays for ``--compare`` (issue 4); the scenario runs without them."""

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

    def _index(self, attr: str) -> dict:
        cache = self._indices
        if attr not in cache:
            cache[attr] = {item.id: item for item in getattr(self, attr)}
        return cache[attr]


__all__ = [
    "Authority", "Category", "Change", "Channel", "Command", "Community", "Department",
    "DepartmentRule", "District", "GroupMessageChannel", "InPersonChannel", "Incident",
    "Intervention", "JointCentre", "Level", "Link", "Location", "NightHours", "NotifyRule",
    "OffDuty", "PhoneChannel", "Places", "Plan", "PlatformChannel", "RadioChannel", "Role",
    "Scenario", "Severity", "Shift", "SmsChannel", "SYNCHRONOUS_KINDS", "Township", "Whistle",
]

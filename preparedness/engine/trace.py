"""The causal event trace: what happened, when, to whom, and which earlier event caused it.

The engine only records; milestones, utilisation and the delay split are computed from the
trace by ``preparedness.analysis``, as pure functions, so the same analysis works on a
real drill log turned into a trace. Each event names its cause, so any milestone's
critical path can be walked back to the incident's start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class EventKind(str, Enum):
    """Domain verbs. The time between an event and its cause is spent doing what its kind says."""

    INCIDENT_STARTED = "incident_started"
    SHIFT_HANDOVER = "shift_handover"  # a shift starts: the post hands over (not incident-caused)
    INCIDENT_DETECTED = "incident_detected"  # since cause: detection
    TASK_STARTED = "task_started"  # since cause: waiting for one's own line (busy person)
    OFF_DUTY_RESPONSE = "off_duty_response"  # since cause: an off-duty person getting to work
    DECISION_MADE = "decision_made"  # since cause: deciding
    CALL_DIALLED = "call_dialled"  # since cause: caller waiting for own line
    CALL_CONNECTED = "call_connected"  # since cause: on hold behind the callee's other calls
    CALL_BUSY = "call_busy"  # callee busy, caller told to call back
    CALL_ABANDONED = "call_abandoned"  # since cause: on hold until patience ran out
    CALL_ANSWERED = "call_answered"  # since cause: ringing
    CALL_UNANSWERED = "call_unanswered"  # since cause: ringing with no answer
    CALL_FAILED = "call_failed"  # since cause: trying a dead channel
    RETRY_DUE = "retry_due"  # since cause: waiting to retry (or to call back, a pass later)
    VOICEMAIL_LEFT = "voicemail_left"  # since cause: leaving a message after no answer
    MESSAGE_POSTED = "message_posted"  # since cause: writing the message
    MESSAGE_DELIVERED = "message_delivered"  # since cause: talk time, or read delay
    MESSAGE_UNCONFIRMED = "message_unconfirmed"  # since cause: waiting for a read receipt
    FALLBACK = "fallback"  # switching channel after the last one failed
    MESSAGE_LOST = "message_lost"  # every channel failed
    PLAN_ACTIVATED = "plan_activated"
    WHISTLE_BLOWN = "whistle_blown"
    CENTRE_ACTIVATION_STARTED = "centre_activation_started"
    CENTRE_ACTIVE = "centre_active"  # since cause: centre activation
    DEPARTMENT_ORDERED = "department_ordered"
    DEPARTMENT_REPORTED_IN = "department_reported_in"  # since cause: mobilising
    # Supplies. ``info`` names the depot, or "source>target" for a transfer.
    RELEASE_APPROVED = "release_approved"  # since cause: the release authority deciding
    DEPOT_OPENED = "depot_opened"  # since cause: the keeper getting to the depot
    TRANSFER_DISPATCHED = "transfer_dispatched"  # since cause: waiting to load, loading
    TRANSFER_ARRIVED = "transfer_arrived"  # since cause: driving between depots
    RESTOCK_ORDERED = "restock_ordered"
    RESTOCK_ARRIVED = "restock_arrived"  # since cause: the supplier's lead time
    # Teams. ``subject`` is the team id; ``info`` the members, or the task name.
    TEAM_ACTIVATED = "team_activated"  # the leader has the order and calls members out
    TEAM_ASSIGNED = "team_assigned"  # since cause: the team busy at another incident
    TEAM_MUSTERED = "team_mustered"  # since cause: members gathering at the base
    TEAM_ON_SCENE = "team_on_scene"  # since cause: travel
    TEAM_STRANDED = "team_stranded"  # no open road to the scene
    TASK_COMPLETED = "task_completed"  # since cause: the on-scene task
    INCIDENT_CONTROLLED = "incident_controlled"  # every task of the plan done
    # Call-outs (``callout.py``). ``info`` is "callout", or "callout:<unreached post>".
    CALLOUT_STARTED = "callout_started"  # the plan's activator starts the call tree
    CONTACT_UNREACHED = "contact_unreached"  # a caller gives up on a contact (subject)
    # Background load (``background.py``): calls that are not about any incident.
    BACKGROUND_CALL_ARRIVED = "background_call_arrived"  # a hotline call reaches a desk
    BACKGROUND_CALL_ANSWERED = "background_call_answered"  # since cause: queued at the desk
    BACKGROUND_CALL_DONE = "background_call_done"  # since cause: handling the call
    LINE_SEIZED = "line_seized"
    LINE_RELEASED = "line_released"


# ------------------------------------------------------------------ what ``info`` holds
# The engine writes an event's ``info`` only through these, and analysis (and drill logs
# turned into traces) read it only through them, so a format is defined in one place.

#: A call-out's messages: "callout", or "callout:<unreached post>" for a backup's list.
CALLOUT = "callout"
#: What a stranded team or truck found.
NO_OPEN_ROAD = "no open road"
#: A warner's own doings: posting to the area's group, and knocking on doors.
WARNING_GROUP_POST = "warning:group"
WARNING_DOOR_KNOCKING = "warning:door_knocking"


def order_info(department: str | None) -> str:
    """An order's messages: ``order:<department>``."""
    return f"order:{department}"


def is_order(info: str) -> bool:
    """Whether ``info`` is an order's (``order_info``)."""
    return info.startswith("order:")


def purpose(verb: str, *parts: object) -> str:
    """An errand's purpose, also its messages' info: ``<verb>:<part>[:<part>...]``."""
    return ":".join((verb, *map(str, parts)))


def purpose_verb(info: str) -> str | None:
    """The errand verb of ``info`` (``release`` of ``release:d1;attempt=2``), if it has one."""
    verb, colon, _ = info.partition(":")
    return verb if colon else None


def attempt_info(info: str, attempt: int) -> str:
    """A dialled call: the message's info and the attempt's number (1 for the first)."""
    return f"{info};attempt={attempt}"


def outage_info(info: str) -> str:
    """A call or post that failed because the channel was down here."""
    return f"{info};outage"


def callout_pass_info(number: int) -> str:
    """A call-out's call back, a pass later (``pass_then_call_back``)."""
    return f"{CALLOUT};pass={number}"


def roster_info(members: int) -> str:
    """A call-out's start: how many people it must reach."""
    return f"roster={members}"


def joined_info(info: str) -> str:
    """An incident joining a joint centre convened for another: that centre's info, joined."""
    return f"{info};joined"


def transfer_info(source: str, target: str) -> str:
    """A truck's trip between two supply points: ``<source>>``<target>``."""
    return f"{source}>{target}"


def transfer_ends(info: str) -> tuple[str, str]:
    """The (source, target) of a transfer's ``info`` (``transfer_info``)."""
    source, _, target = info.partition(">")
    return source, target


def stranded_info(info: str) -> str:
    """A truck that found no open road for its trip."""
    return f"{info};{NO_OPEN_ROAD}"


@dataclass(frozen=True, slots=True)
class Event:
    """One trace event. ``cause`` is the id of the event that enabled it (None for a start)."""

    id: int
    time: float
    kind: EventKind
    incident: str | None
    actor: str | None
    subject: str | None = None
    cause: int | None = None
    channel: str | None = None
    info: str = ""


@dataclass(frozen=True, slots=True)
class PostInfo:
    """What analysis needs to know about a post named in the trace."""

    id: str
    role: str
    role_name: str
    level: str
    unit: str
    staff: int


@dataclass(frozen=True, slots=True)
class WarningBatch:
    """Households one warner reached (or tried to), drawn as a vector rather than as events.

    ``times[i]`` is when household ``start + i`` of the community's ``cohort`` list heard
    the warning (``inf``: never); ``cause`` is the event that set the warner going.
    """

    incident: str
    community: str
    cohort: str  # "smartphone" | "without_smartphone"
    start: int
    times: object  # numpy array of minutes
    cause: int
    method: str  # "group_message" | "door_knocking"
    warner: str


@dataclass(frozen=True, slots=True)
class CalloutRoster:
    """Who a call-out must reach: every post below its starter along the reports-to links."""

    incident: str
    starter: str
    started: int  # the CALLOUT_STARTED event
    members: tuple[str, ...]


@dataclass
class Trace:
    """Events of one replication, in the order they happened, plus the posts they name."""

    events: list[Event] = field(default_factory=list)
    posts: dict[str, PostInfo] = field(default_factory=dict)
    incident_starts: dict[str, float] = field(default_factory=dict)
    #: When the run ends, in minutes from the scenario start: the last incident's window end.
    horizon: float = 0.0
    #: incident -> end of its observation window (minutes from the scenario start); what
    #: happens to the incident later is not counted as reached. Absent: the run's end.
    observed_until: dict[str, float] = field(default_factory=dict)
    #: The scenario's command mode, so analysis can tell a silo detour from a direct order.
    command_mode: str = ""
    warnings: list[WarningBatch] = field(default_factory=list)
    #: incident -> {community: {cohort: households}} for the incident's warning area
    warning_area: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    #: incident -> {community: {cohort: [(first, end), ...]}} when only part of a community
    #: (some grid cells or buildings) is in the area; absent communities count whole
    warning_slices: dict[str, dict[str, dict[str, list[tuple[int, int]]]]] = field(
        default_factory=dict
    )
    #: incident -> the plan's coverage target in percent
    warning_targets: dict[str, int] = field(default_factory=dict)
    #: (incident, team) -> (on scene, planned end of its task or None): per-task and
    #: per-responder demand runs over this window, even when it ends after the horizon
    tasks: dict[tuple[str, str], tuple[float, float | None]] = field(default_factory=dict)
    #: incident -> the roster of its call-out (plans with a ``callout:`` block)
    callouts: dict[str, CalloutRoster] = field(default_factory=dict)
    #: (incident, team) -> members who arrived on scene
    team_members: dict[tuple[str, str], int] = field(default_factory=dict)

    def window_end(self, incident: str) -> float:
        """End of ``incident``'s observation window, in minutes from the scenario start."""
        return self.observed_until.get(incident, self.horizon)

    def emit(
        self,
        time: float,
        kind: EventKind,
        incident: str | None,
        actor: str | None,
        subject: str | None = None,
        cause: int | None = None,
        channel: str | None = None,
        info: str = "",
    ) -> int:
        event_id = len(self.events)
        self.events.append(
            Event(event_id, time, kind, incident, actor, subject, cause, channel, info)
        )
        return event_id

    def __getitem__(self, event_id: int) -> Event:
        return self.events[event_id]

    def __len__(self) -> int:
        return len(self.events)

    def path_to(self, event_id: int) -> list[Event]:
        """The causal chain from the root event to ``event_id``, root first."""
        chain = []
        current: int | None = event_id
        while current is not None:
            event = self.events[current]
            chain.append(event)
            current = event.cause
        chain.reverse()
        return chain

"""Where the time went: walk a milestone's cause links back to the incident and split its latency.

Every trace event names the event that enabled it, so a milestone's critical path is the
chain of causes back to the incident's start. Each step's duration is attributed to a
cause by the kind of event that ended it (waiting for an answer, retries, queueing behind
a busy person, talk, decision, ...) and to the person or link responsible. The parts add
up to the milestone's latency (a telescoping sum of the same event times). Pure functions
of a ``Trace``: the same code reads a real drill log turned into a trace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine.trace import Event, EventKind, Trace, is_order, purpose_verb

#: Causes in the order reports list them, with the words a planner reads.
CAUSES: dict[str, str] = {
    "detection": "detection (until someone noticed)",
    "answer_wait": "waiting for an answer (ringing, no answer, unread messages)",
    "retries": "waiting to call again after a failed attempt",
    "queued": "queued behind another call (busy person)",
    "talk": "talk time and writing messages",
    "off_duty": "off-duty people getting to their desk",
    "decision": "decision time",
    "centre_activation": "convening the joint command centre",
    "fallback": "channel failure and fallback",
    "silo_detour": "silo detour (extra hops through a department's own chain)",
    "mobilisation": "mobilising and reporting in",
    "door_knocking": "door-knocking (walking and knocking, one household after another)",
    "loudspeaker": "the loudspeaker round reaching the household's building",
    "release": "release approval (the order to release stock and its approval)",
    "keeper": "waiting for the keeper (calling the keeper, who then gets to the depot)",
    "transfer": "transfer (loading and driving stock between depots)",
    "restock": "waiting for the supplier's restock",
    "team_busy": "team busy at another incident",
    "muster": "muster (team members gathering at the base)",
    "travel": "travel to the scene",
    "task": "on-scene task",
    "waiting_for_demand": "nothing needed yet (e.g. the team had not begun its task)",
    "shared_stock": "stock already on its way for another incident",
}

#: Steps of an errand are charged to what the errand is for (by its verb), whatever the step.
_BY_PURPOSE = {"release": "release", "keeper": "keeper"}

#: The cause each kind of event ends: the time since the event's cause was spent on it.
#: Every ``EventKind`` is here (a test checks it); a kind missing is an error, not a guess.
CAUSE_OF_KIND: dict[EventKind, str] = {
    EventKind.INCIDENT_STARTED: "decision",  # the root of every path: never ends a step
    EventKind.SHIFT_HANDOVER: "decision",  # not caused by an incident: never on its path
    EventKind.INCIDENT_DETECTED: "detection",
    EventKind.TASK_STARTED: "queued",
    EventKind.OFF_DUTY_RESPONSE: "off_duty",
    EventKind.DECISION_MADE: "decision",
    EventKind.CALL_DIALLED: "queued",
    EventKind.CALL_CONNECTED: "queued",
    EventKind.CALL_ABANDONED: "queued",
    EventKind.CALL_BUSY: "queued",
    EventKind.CALL_ANSWERED: "answer_wait",
    EventKind.CALL_UNANSWERED: "answer_wait",
    EventKind.CALL_FAILED: "fallback",
    EventKind.RETRY_DUE: "retries",
    EventKind.VOICEMAIL_LEFT: "talk",
    EventKind.CALLOUT_STARTED: "decision",
    EventKind.CONTACT_UNREACHED: "fallback",
    EventKind.BACKGROUND_CALL_ARRIVED: "queued",
    EventKind.BACKGROUND_CALL_ANSWERED: "queued",
    EventKind.BACKGROUND_CALL_DONE: "talk",
    EventKind.MESSAGE_POSTED: "talk",
    EventKind.MESSAGE_UNCONFIRMED: "fallback",
    EventKind.FALLBACK: "fallback",
    EventKind.MESSAGE_LOST: "fallback",
    EventKind.CENTRE_ACTIVE: "centre_activation",
    EventKind.CENTRE_ACTIVATION_STARTED: "centre_activation",
    EventKind.DEPARTMENT_REPORTED_IN: "mobilisation",
    EventKind.RELEASE_APPROVED: "release",
    EventKind.DEPOT_OPENED: "keeper",
    EventKind.TRANSFER_DISPATCHED: "transfer",
    EventKind.TRANSFER_ARRIVED: "transfer",
    EventKind.RESTOCK_ARRIVED: "restock",
    EventKind.TEAM_ASSIGNED: "team_busy",
    EventKind.TEAM_MUSTERED: "muster",
    EventKind.TEAM_ON_SCENE: "travel",
    EventKind.TASK_COMPLETED: "task",
    # Instant consequences of a decision or of the step before them (no time of their own).
    EventKind.PLAN_ACTIVATED: "decision",
    EventKind.WHISTLE_BLOWN: "decision",
    EventKind.DEPARTMENT_ORDERED: "decision",
    EventKind.RESTOCK_ORDERED: "decision",
    EventKind.TEAM_ACTIVATED: "decision",
    EventKind.TEAM_STRANDED: "decision",
    EventKind.INCIDENT_CONTROLLED: "decision",
    EventKind.LINE_SEIZED: "decision",
    EventKind.LINE_RELEASED: "decision",
    # A talk after a call connects; a read after a post or voicemail is ``answer_wait``.
    EventKind.MESSAGE_DELIVERED: "talk",
}

#: Events whose wait is the callee's doing (not answering, being busy), not the caller's.
_CALLEE_WAITS = (
    EventKind.CALL_ANSWERED,
    EventKind.CALL_UNANSWERED,
    EventKind.CALL_CONNECTED,
    EventKind.CALL_ABANDONED,
    EventKind.CALL_BUSY,
    EventKind.RETRY_DUE,
)


@dataclass(frozen=True)
class Step:
    """One step of a critical path: ``minutes`` spent on ``cause``, charged to ``post``."""

    event: Event
    minutes: float
    cause: str
    post: str | None
    link: tuple[str, str] | None


def _cause(event: Event, previous: Event) -> str:
    verb = purpose_verb(event.info)
    if verb in _BY_PURPOSE:
        return _BY_PURPOSE[verb]
    if event.kind in (EventKind.TRANSFER_ARRIVED, EventKind.DEPOT_OPENED) and (
        previous.kind is EventKind.DEPOT_OPENED
    ):
        return "keeper"  # the truck waited at the gate for the receiving depot's keeper
    if event.kind is EventKind.MESSAGE_DELIVERED:
        # A read after posting is the receiver's delay; after a call connects, it is talk.
        # A voicemail acted on later is the receiver's delay too.
        late = (EventKind.MESSAGE_POSTED, EventKind.VOICEMAIL_LEFT)
        return "answer_wait" if previous.kind in late else "talk"
    cause = CAUSE_OF_KIND.get(event.kind)
    if cause is None:
        raise ValueError(f"no delay-split cause for event kind {event.kind!r}")
    return cause


def _charged_to(event: Event) -> tuple[str | None, tuple[str, str] | None]:
    if event.kind is EventKind.INCIDENT_DETECTED:
        return None, None  # nobody's delay: the incident had not been noticed yet
    link = (event.actor, event.subject) if event.actor and event.subject else None
    if event.kind in _CALLEE_WAITS or (
        event.kind is EventKind.MESSAGE_DELIVERED and event.subject is not None
    ):
        return event.subject or event.actor, link
    return event.actor, link


def critical_path(trace: Trace, event_id: int, *, siloed: bool = False) -> list[Step]:
    """The steps from the incident's start to ``event_id``, each with its duration and cause.

    With ``siloed`` set, steps of an order that happen at relay posts between the post that
    issued it and the department's own unit are charged to the silo detour: a direct order
    would have skipped them.
    """
    chain = trace.path_to(event_id)
    steps = []
    issuer, unit = _order_ends(chain) if siloed else (None, None)
    for previous, event in zip(chain, chain[1:], strict=False):
        cause = _cause(event, previous)
        if (
            issuer is not None
            and is_order(event.info)
            and event.actor not in (issuer, unit)
            and event.time > previous.time
        ):
            cause = "silo_detour"
        post, link = _charged_to(event)
        steps.append(Step(event, event.time - previous.time, cause, post, link))
    return steps


def _order_ends(chain: list[Event]) -> tuple[str | None, str | None]:
    """Who issued the order on this path, and which unit received it (None if no order)."""
    issuer = next((e.actor for e in chain if is_order(e.info)), None)
    unit = next((e.actor for e in chain if e.kind is EventKind.DEPARTMENT_ORDERED), None)
    if unit is None:
        unit = next(
            (e.subject for e in reversed(chain) if is_order(e.info) and e.subject),
            None,
        )
    return issuer, unit


@dataclass(frozen=True)
class DelaySplit:
    """A milestone's latency in one replication, split by cause and by person."""

    latency: float
    by_cause: dict[str, float]
    by_post: dict[str, float]
    by_link: dict[tuple[str, str], float]


def split_delay(trace: Trace, event_id: int, *, siloed: bool = False) -> DelaySplit:
    """Split the time from the incident's start to ``event_id``; the parts sum to the latency."""
    steps = critical_path(trace, event_id, siloed=siloed)
    by_cause: dict[str, list[float]] = {}
    by_post: dict[str, list[float]] = {}
    by_link: dict[tuple[str, str], list[float]] = {}
    for step in steps:
        by_cause.setdefault(step.cause, []).append(step.minutes)
        if step.post is not None and step.minutes > 0:
            by_post.setdefault(step.post, []).append(step.minutes)
        if step.link is not None and step.minutes > 0:
            by_link.setdefault(step.link, []).append(step.minutes)
    root = trace.path_to(event_id)[0]
    return DelaySplit(
        trace[event_id].time - root.time,
        {cause: math.fsum(parts) for cause, parts in by_cause.items()},
        {post: math.fsum(parts) for post, parts in by_post.items()},
        {link: math.fsum(parts) for link, parts in by_link.items()},
    )


def split_warning(
    trace: Trace, cause: int, reached_at: float, method: str, *, siloed: bool = False
) -> DelaySplit:
    """Split the time until a household was warned: the cascade to its warner, then the last leg.

    ``reached_at`` is minutes from the incident's start; the last leg (reading the group
    post, or the door-knocking round) runs from the warner's start event to that moment.
    """
    base = split_delay(trace, cause, siloed=siloed)
    last = reached_at - base.latency
    leg = method if method in ("door_knocking", "loudspeaker") else "answer_wait"
    by_cause = dict(base.by_cause)
    by_cause[leg] = by_cause.get(leg, 0.0) + last
    warner = trace[cause].actor
    by_post = dict(base.by_post)
    if warner is not None and last > 0:
        by_post[warner] = by_post.get(warner, 0.0) + last
    return DelaySplit(reached_at, by_cause, by_post, dict(base.by_link))


def split_until(
    trace: Trace, cause: int, reached_at: float, last_leg: str, *, siloed: bool = False
) -> DelaySplit:
    """Split the time until ``reached_at`` (minutes from the incident's start): the path to
    ``cause``, then whatever came after it, charged to ``last_leg``."""
    base = split_delay(trace, cause, siloed=siloed)
    by_cause = dict(base.by_cause)
    extra = reached_at - base.latency
    if extra > 1e-9:
        by_cause[last_leg] = by_cause.get(last_leg, 0.0) + extra
    return DelaySplit(
        max(reached_at, base.latency), by_cause, dict(base.by_post), dict(base.by_link)
    )

"""Per-person and per-link workload from a trace: calls, time callers held, utilisation, failures.

Pure functions of a ``Trace``. Utilisation is time-weighted from the line-seized and
line-released events, divided by the post's staff and the run's horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.trace import EventKind, Trace

_FAILED_ATTEMPTS = (
    EventKind.CALL_UNANSWERED,
    EventKind.CALL_FAILED,
    EventKind.CALL_ABANDONED,
    EventKind.CALL_BUSY,
    EventKind.MESSAGE_UNCONFIRMED,
)


@dataclass(frozen=True)
class PostLoad:
    """One post's workload in one replication."""

    staff: int
    calls: int  # outgoing attempts plus incoming calls answered
    time_held: float  # minutes callers spent on hold waiting for this post
    busy: float  # person-minutes with a line in use
    utilisation: float  # busy / (staff x horizon)
    level: str = ""  # the post's level (grid ... city), as the trace's post table records it


@dataclass(frozen=True)
class LinkLoad:
    """Attempts and failed attempts from one post to another over one channel."""

    attempts: int
    failures: int


#: Trace actors that are not people in roles (``teams.py``, ``supplies.py``).
NOT_PEOPLE = ("team:", "depot:")


def post_loads(trace: Trace) -> dict[str, PostLoad]:
    calls: dict[str, int] = {}
    held: dict[str, float] = {}
    busy: dict[str, float] = {}
    in_use: dict[str, tuple[int, float]] = {}  # post -> (lines in use, since)
    events = trace.events
    # The kinds as locals: looking each up on the enum class, per event and branch, was most
    # of this loop's cost on large traces.
    seized, released = EventKind.LINE_SEIZED, EventKind.LINE_RELEASED
    dialled, posted = EventKind.CALL_DIALLED, EventKind.MESSAGE_POSTED
    answered = EventKind.CALL_ANSWERED
    background, connected = EventKind.BACKGROUND_CALL_ANSWERED, EventKind.CALL_CONNECTED
    abandoned = EventKind.CALL_ABANDONED
    for event in events:
        kind, actor, subject = event.kind, event.actor, event.subject
        if actor is None:
            continue  # incident and centre milestones: nobody's line or call
        if kind is seized or kind is released:
            count, since = in_use.get(actor, (0, event.time))
            busy[actor] = busy.get(actor, 0.0) + count * (event.time - since)
            count += 1 if kind is seized else -1
            in_use[actor] = (count, event.time)
        elif kind is dialled or kind is posted:
            calls[actor] = calls.get(actor, 0) + 1
        elif kind is answered and subject is not None:
            calls[subject] = calls.get(subject, 0) + 1
        elif kind is background:
            calls[actor] = calls.get(actor, 0) + 1
            if event.cause is not None:  # a background caller on hold for a free line
                waited = event.time - events[event.cause].time
                held[actor] = held.get(actor, 0.0) + waited
        if (
            (kind is connected or kind is abandoned)
            and subject is not None
            and event.cause is not None
        ):
            waited = event.time - events[event.cause].time
            held[subject] = held.get(subject, 0.0) + waited
    for post, (count, since) in in_use.items():  # lines still in use at the horizon
        busy[post] = busy.get(post, 0.0) + count * (trace.horizon - since)
    loads = {}
    for post_id, info in trace.posts.items():
        if post_id.startswith(NOT_PEOPLE):
            continue  # teams and depots appear on critical paths but take no calls
        person_minutes = busy.get(post_id, 0.0)
        capacity = info.staff * trace.horizon
        loads[post_id] = PostLoad(
            info.staff,
            calls.get(post_id, 0),
            held.get(post_id, 0.0),
            person_minutes,
            person_minutes / capacity if capacity > 0 else 0.0,
            str(info.level),
        )
    return loads


def link_loads(trace: Trace) -> dict[tuple[str, str, str], LinkLoad]:
    attempts: dict[tuple[str, str, str], int] = {}
    failures: dict[tuple[str, str, str], int] = {}
    dialled, posted = EventKind.CALL_DIALLED, EventKind.MESSAGE_POSTED
    for event in trace.events:
        kind, actor, subject, channel = event.kind, event.actor, event.subject, event.channel
        if subject is None:
            continue  # a post to a whole group is not a link between two posts
        if actor is None or channel is None:
            continue  # not a call or message (every attempt has a sender and a channel)
        if kind is dialled or kind is posted:
            key = (actor, subject, channel)
            attempts[key] = attempts.get(key, 0) + 1
        elif kind in _FAILED_ATTEMPTS:
            key = (actor, subject, channel)
            failures[key] = failures.get(key, 0) + 1
    return {key: LinkLoad(count, failures.get(key, 0)) for key, count in attempts.items()}

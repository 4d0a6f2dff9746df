"""Why a milestone was not reached in one replication, read off its trace.

A planner told "T90 reached in 70 of 100 runs" next asks what happened in the other 30.
Each unreached milestone gets one reason, most specific first:

1. ``message_given_up``: a message on the milestone's chain was given up on a link after
   every channel of the sender's order failed (``MESSAGE_LOST``), and the receiver never got
   it another way; ``detail`` counts the failed attempts per channel, in the order tried
   ("3 unanswered calls on phone", or "10 attempts on phone (unanswered, abandoned on
   hold)" when they failed in different ways).
2. ``cohort_unreachable``: (warning milestones) the warning reached a community's warners,
   but so many households were reached by no channel at all (a group message never read
   and nobody knocking on those doors, nobody at home, no channel for their cohort) that
   the milestone's share was out of reach; ``where`` is the community and cohort with the
   most of them.
3. ``not_started``: the incident had not started when the run ended.
4. ``deadline_after_run``: the milestone has a deadline that falls after the end of the
   incident's observation window (``Trace.window_end``; the run's end for a drill log).
5. ``post_not_ready``: a post on the chain had the message but was still queued for a free
   line, or had not yet reached their desk and decided, when the run ended.
6. ``run_ended``: the incident's observation window ended first (the chain was still under
   way).

Pure functions of a ``Trace``; no SimPy. Message families tie a lost or stuck message to a
milestone: reports feed the report, activation and everything after; warnings feed the
warning milestones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..engine.trace import Event, EventKind, Trace
from ..scenario.models import Scenario
from .milestones import milestone_definitions

__all__ = ["REASONS", "Miss", "Missed", "missed_in_replication", "why_missed"]

#: Every reason, in the order they are tried.
REASONS = (
    "message_given_up",
    "cohort_unreachable",
    "not_started",
    "deadline_after_run",
    "post_not_ready",
    "run_ended",
)

_ATTEMPT_WORDS = {
    EventKind.CALL_UNANSWERED: ("unanswered call", "unanswered calls"),
    EventKind.CALL_FAILED: ("failed attempt", "failed attempts"),
    EventKind.CALL_BUSY: ("busy line", "busy lines"),
    EventKind.CALL_ABANDONED: ("call abandoned on hold", "calls abandoned on hold"),
    EventKind.MESSAGE_UNCONFIRMED: ("unread message", "unread messages"),
}


_SHORT_WORDS = {
    EventKind.CALL_UNANSWERED: "unanswered",
    EventKind.CALL_FAILED: "failed",
    EventKind.CALL_BUSY: "busy",
    EventKind.CALL_ABANDONED: "abandoned on hold",
    EventKind.MESSAGE_UNCONFIRMED: "unread",
}


@dataclass(frozen=True)
class Miss:
    """One unreached milestone's reason. ``where`` is ``sender>receiver`` for a link, a post
    id for a post, ``community/cohort`` for a cohort, or empty; ``message`` the message
    family ("report", "warning", ...)."""

    reason: str
    where: str = ""
    detail: str = ""
    message: str = ""
    channel: str = ""


@dataclass(frozen=True)
class Missed:
    """One replication: the reason for every unreached milestone, and messages given up."""

    #: incident id -> milestone id -> why it was not reached
    milestones: dict[str, dict[str, Miss]] = field(default_factory=dict)
    #: (sender, receiver, last channel tried) -> messages given up on that link
    given_up: dict[tuple[str, str, str], int] = field(default_factory=dict)


def _family(milestone: str) -> str:
    return "warning" if milestone.startswith("warned:") else "report"


def _attempts(trace: Trace, lost: Event) -> tuple[str, str]:
    """Failed attempts on the link before the message was given up, and the last channel."""
    counts: dict[tuple[str, EventKind], int] = {}
    channels: list[str] = []
    current: int | None = lost.cause
    while current is not None:
        event = trace[current]
        if event.actor != lost.actor or event.subject != lost.subject:
            break
        if event.kind in _ATTEMPT_WORDS and event.channel is not None:
            key = (event.channel, event.kind)
            counts[key] = counts.get(key, 0) + 1
            if event.channel not in channels:
                channels.append(event.channel)
        current = event.cause
    parts = []
    for channel in reversed(channels):  # in the order they were tried
        kinds = {kind: count for (chan, kind), count in counts.items() if chan == channel}
        total = sum(kinds.values())
        if len(kinds) == 1:
            one, many = _ATTEMPT_WORDS[next(iter(kinds))]
            parts.append(f"{total} {one if total == 1 else many} on {channel}")
        else:
            how = ", ".join(_SHORT_WORDS[kind] for kind in _ATTEMPT_WORDS if kind in kinds)
            parts.append(f"{total} attempts on {channel} ({how})")
    return ", then ".join(parts), channels[0] if channels else ""


def why_missed(
    trace: Trace,
    expected: Mapping[str, Sequence[tuple[str, float | None]]],
    reached: Mapping[str, Mapping[str, float]],
) -> Missed:
    """Reasons for every expected milestone (incident -> [(id, deadline)]) not in ``reached``."""
    delivered: set[tuple[str | None, str | None, str]] = set()
    started: set[tuple[str | None, str | None, str]] = set()
    decided: set[tuple[str | None, str | None, str]] = set()
    inbox: dict[str, list[Event]] = {}
    lost: dict[str, list[Event]] = {}
    for event in trace.events:
        key = (event.incident, event.actor, event.info)
        if event.kind is EventKind.MESSAGE_DELIVERED:
            delivered.add((event.incident, event.subject, event.info))
            if event.incident is not None:
                inbox.setdefault(event.incident, []).append(event)
        elif event.kind is EventKind.TASK_STARTED:
            started.add(key)
        elif event.kind is EventKind.DECISION_MADE:
            decided.add(key)
        elif event.kind is EventKind.MESSAGE_LOST and event.incident is not None:
            lost.setdefault(event.incident, []).append(event)

    given_up: dict[tuple[str, str, str], int] = {}
    lost_miss: dict[int, Miss] = {}
    for events in lost.values():
        for event in events:
            detail, channel = _attempts(trace, event)
            link = (event.actor or "", event.subject or "", channel)
            given_up[link] = given_up.get(link, 0) + 1
            if (event.incident, event.subject, event.info) not in delivered:
                lost_miss[event.id] = Miss(
                    "message_given_up",
                    f"{event.actor}>{event.subject}",
                    detail,
                    event.info,
                    channel,
                )

    out: dict[str, dict[str, Miss]] = {}
    for incident, milestones in expected.items():
        got = reached.get(incident, {})
        for milestone, deadline in milestones:
            if milestone in got:
                continue
            out.setdefault(incident, {})[milestone] = _one(
                trace,
                incident,
                milestone,
                deadline,
                lost.get(incident, []),
                lost_miss,
                inbox.get(incident, []),
                started,
                decided,
            )
    return Missed(out, given_up)


def _one(
    trace: Trace,
    incident: str,
    milestone: str,
    deadline: float | None,
    lost: list[Event],
    lost_miss: dict[int, Miss],
    inbox: list[Event],
    started: set,
    decided: set,
) -> Miss:
    family = _family(milestone)
    unrecovered = [e for e in lost if e.id in lost_miss]
    for event in unrecovered:
        if event.info == family:
            return lost_miss[event.id]
    for event in unrecovered:
        if event.info == "report":  # the report feeds everything that follows
            return lost_miss[event.id]
    if family == "warning":
        cohort = _unreachable_cohort(trace, incident, milestone)
        if cohort is not None:
            return cohort
    start = trace.incident_starts.get(incident)
    if start is None:
        return Miss("not_started")
    if deadline is not None and start + deadline > trace.window_end(incident) + 1e-9:
        return Miss("deadline_after_run")
    for event in inbox:
        if event.info != family:
            continue
        key = (incident, event.subject, event.info)
        if key not in started:
            return Miss(
                "post_not_ready", event.subject or "", "still queued for a free line", event.info
            )
        if key not in decided:
            return Miss(
                "post_not_ready",
                event.subject or "",
                "not yet at their desk, or still deciding",
                event.info,
            )
    return Miss("run_ended")


_METHOD_WORDS = {
    "group_message": "never read the group message",
    "door_knocking": "were not at home when their door was knocked",
    "loudspeaker": "did not hear the loudspeaker",
}


def _never_words(methods: set[str]) -> str:
    """How the households no channel reached were missed, e.g. "never read the group
    message, and nobody knocked on their doors"."""
    if not methods:
        return "no channel of the warning plan reaches them"
    words = [_METHOD_WORDS[m] for m in _METHOD_WORDS if m in methods]
    if "door_knocking" not in methods:
        words.append("nobody knocked on their doors")
    return ", and ".join(words)


def _unreachable_cohort(trace: Trace, incident: str, milestone: str) -> Miss | None:
    """Households no channel reached at all (never read, nobody home, no channel for their
    cohort), when they alone keep the milestone's share out of reach. ``where`` names the
    community and cohort with the most of them."""
    area = trace.warning_area.get(incident)
    if not area:
        return None
    parts = milestone.split(":")
    percent = int(parts[1])
    only = parts[2] if len(parts) > 2 else None
    batches = [b for b in trace.warnings if b.incident == incident]
    warned_communities = {b.community for b in batches}
    reachable: dict[tuple[str, str], set[int]] = {}
    methods: dict[tuple[str, str], set[str]] = {}
    for batch in batches:
        key = (batch.community, batch.cohort)
        finite = np.flatnonzero(np.isfinite(np.asarray(batch.times, dtype=float)))
        reachable.setdefault(key, set()).update((finite + batch.start).tolist())
        methods.setdefault(key, set()).add(batch.method)
    total = never_total = 0
    worst: tuple[int, str, str] | None = None
    for community, cohorts in area.items():
        for cohort, households in cohorts.items():
            if only is not None and cohort != only:
                continue
            total += households
            if community not in warned_communities:
                continue  # the warning never got there: a message or a post, not the cohort
            never = max(0, households - len(reachable.get((community, cohort), ())))
            never_total += never
            if never and (worst is None or never > worst[0]):
                worst = (never, community, cohort)
    needed = percent / 100 * total
    if worst is None or total - never_total >= needed - 1e-9:
        return None
    _, community, cohort = worst
    return Miss(
        "cohort_unreachable",
        f"{community}/{cohort}",
        _never_words(methods.get((community, cohort), set())),
        "warning",
    )


def missed_in_replication(
    trace: Trace, scenario: Scenario, milestones: Mapping[str, Mapping[str, float]]
) -> Missed:
    """``why_missed`` for every milestone the scenario defines for each of its incidents."""
    expected = {
        incident.id: [(d.id, d.deadline) for d in milestone_definitions(scenario, incident)]
        for incident in scenario.incidents
    }
    return why_missed(trace, expected, milestones)

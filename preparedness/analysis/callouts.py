"""Call-out outcomes read off a trace: how much of each roster was reached, and when.

Pure functions of a ``Trace`` (no SimPy). A member counts as reached at their first
call-out delivery (a call answered, or a voicemail acted on); the last call made is the
last call-out dial of the incident, by anyone. Times are minutes from the incident's start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine.trace import EventKind, Trace

#: Shares of the roster reported as milestones ("T90 of the call-out"), in percent.
CALLOUT_PERCENTS = (50, 90, 100)


@dataclass(frozen=True)
class CalloutOutcome:
    """One incident's call-out in one replication."""

    roster: int
    """Members the call-out had to reach (every post below its starter)."""
    reached: int
    """Members reached by the horizon."""
    last_call: float | None
    """Minutes from the incident's start to the last call-out dial (None: no call made)."""
    last_call_event: int | None
    #: percent -> (minutes from the incident's start, event id) when that share was reached
    shares: dict[int, tuple[float, int]]

    @property
    def reached_share(self) -> float:
        return self.reached / self.roster if self.roster else 1.0


def callout_outcomes(trace: Trace) -> dict[str, CalloutOutcome]:
    """Every call-out of the replication, by incident."""
    firsts: dict[str, dict[str, tuple[float, int]]] = {}
    last: dict[str, tuple[float, int]] = {}
    for event in trace.events:
        incident = event.incident
        if incident not in trace.callouts or not event.info.startswith("callout"):
            continue
        if event.kind is EventKind.MESSAGE_DELIVERED and event.subject is not None:
            firsts.setdefault(incident, {}).setdefault(event.subject, (event.time, event.id))
        elif event.kind is EventKind.CALL_DIALLED:
            last[incident] = (event.time, event.id)
    outcomes = {}
    for incident, roster in trace.callouts.items():
        start = trace.incident_starts[incident]
        members = set(roster.members)
        reached = sorted(
            (time, event_id)
            for post, (time, event_id) in firsts.get(incident, {}).items()
            if post in members
        )
        size = len(roster.members)
        shares = {}
        for percent in CALLOUT_PERCENTS:
            needed = max(1, math.ceil(percent / 100 * size - 1e-9))
            if size and len(reached) >= needed:
                time, event_id = reached[needed - 1]
                shares[percent] = (time - start, event_id)
        dial = last.get(incident)
        outcomes[incident] = CalloutOutcome(
            size,
            len(reached),
            None if dial is None else dial[0] - start,
            None if dial is None else dial[1],
            shares,
        )
    return outcomes

"""The part of a replication's trace that stock analysis reads, small enough to ship between
processes.

The engine records when depots open, when the first truck on each link arrives, when
restocks arrive and when teams work; a ``SupplyFrame`` keeps just that (with the trace
event ids, so a delivery can name the event that made it possible). Sizing replays the same
frames many times with different quantities, so it keeps frames rather than traces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.trace import EventKind, Trace, transfer_ends

__all__ = ["Stamp", "SupplyFrame", "supply_frame"]

#: (minutes from the scenario start, trace event id)
Stamp = tuple[float, int]


@dataclass(frozen=True)
class SupplyFrame:
    """What one replication says about supplies; every time in minutes from the start."""

    horizon: float
    incident_starts: dict[str, float]
    #: incident -> when every task of its plan was done
    controlled: dict[str, Stamp] = field(default_factory=dict)
    #: depot -> when its keeper opened it
    opened: dict[str, Stamp] = field(default_factory=dict)
    #: (source, target) -> when the first truck from source reached target
    transfers: dict[tuple[str, str], Stamp] = field(default_factory=dict)
    #: depot -> when its restock was ordered / arrived
    restock_ordered: dict[str, Stamp] = field(default_factory=dict)
    restocked: dict[str, Stamp] = field(default_factory=dict)
    #: (incident, team) -> (on scene, planned end of its task or None)
    tasks: dict[tuple[str, str], tuple[float, float | None]] = field(default_factory=dict)
    #: (incident, team) -> members who arrived on scene
    team_members: dict[tuple[str, str], int] = field(default_factory=dict)
    replication: int | None = None


def supply_frame(trace: Trace | SupplyFrame, replication: int | None = None) -> SupplyFrame:
    """The supply frame of a trace (a frame is returned as it is)."""
    if isinstance(trace, SupplyFrame):
        return trace
    controlled: dict[str, Stamp] = {}
    opened: dict[str, Stamp] = {}
    transfers: dict[tuple[str, str], Stamp] = {}
    ordered: dict[str, Stamp] = {}
    restocked: dict[str, Stamp] = {}
    for event in trace.events:
        kind = event.kind
        if kind is EventKind.DEPOT_OPENED:
            opened.setdefault(event.info, (event.time, event.id))
        elif kind is EventKind.TRANSFER_ARRIVED:
            transfers.setdefault(transfer_ends(event.info), (event.time, event.id))
        elif kind is EventKind.RESTOCK_ARRIVED:
            restocked.setdefault(event.info, (event.time, event.id))
        elif kind is EventKind.RESTOCK_ORDERED:
            ordered.setdefault(event.info, (event.time, event.id))
        elif kind is EventKind.INCIDENT_CONTROLLED and event.incident is not None:
            controlled.setdefault(event.incident, (event.time, event.id))
    return SupplyFrame(
        horizon=trace.horizon,
        incident_starts=dict(trace.incident_starts),
        controlled=controlled,
        opened=opened,
        transfers=transfers,
        restock_ordered=ordered,
        restocked=restocked,
        tasks=dict(trace.tasks),
        team_members=dict(trace.team_members),
        replication=replication,
    )

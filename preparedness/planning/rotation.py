"""The rotation plan of a stockpile sizing, dated from the plan date: each lot on the shelf and
each lot bought, with the date it must be replaced by, in the words a planner reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..scenario.durations import format_duration
from ..scenario.models import Scenario
from ..scenario.resources import Depot, Item
from .purchase import PurchaseLine, lot_expires_on

__all__ = ["RotationLine", "describe_span", "rotation_plan"]


@dataclass(frozen=True)
class RotationLine:
    """One lot to replace: one the depot holds now, or the recommended quantity."""

    depot: str
    item: str
    quantity: int
    stocked_on: dt.date | None
    """None: stocked at the scenario start; the bought lot is stocked on the plan date."""
    expires_on: dt.date
    action: str
    recommended: bool = False


def describe_span(minutes: float) -> str:
    """``3 years``, ``180 days``, ``3 days 1 hour``, or a duration like ``12h`` under a day
    (a year is 365 days, as shelf lives are written)."""
    days = minutes / 1440.0
    if days >= 365 and days % 365 == 0:
        years = int(days // 365)
        return f"{years} year{'s' if years != 1 else ''}"
    if days >= 1:
        whole = int(days)
        text = f"{whole} day{'s' if whole != 1 else ''}"
        rest = minutes - whole * 1440.0
        if rest > 1e-9:
            hours = rest / 60.0
            text += (
                f" {int(hours)} hour{'s' if hours != 1 else ''}"
                if hours == int(hours)
                else f" {format_duration(rest)}"
            )
        return text
    return format_duration(minutes)


def rotation_plan(
    scenario: Scenario,
    purchases: Sequence[PurchaseLine],
    as_of: dt.date,
    depots: Mapping[str, Depot] | None = None,
    items: Mapping[str, Item] | None = None,
) -> list[RotationLine]:
    """Dated from the plan date ``as_of``: for items that expire, each depot's lots on the
    shelf with what to do about them, then the lot bought that day with its rotation cycle.
    ``depots`` and ``items`` (by id) default to the scenario's; a plan over several
    scenarios passes the union."""
    depots = depots if depots is not None else {d.id: d for d in scenario.depots}
    items = items if items is not None else {i.id: i for i in scenario.items}
    bought = {(line.depot, line.item): line.buy for line in purchases}
    window_end = (
        dt.datetime.combine(as_of, dt.time(0)) + dt.timedelta(minutes=scenario.run_length)
    ).date()
    lines: list[RotationLine] = []
    for item in items.values():
        if item.shelf_life is None:
            continue
        for depot in depots.values():
            for lot in depot.stock:
                if lot.item != item.id or (lot.stocked_on is not None and lot.stocked_on > as_of):
                    continue
                expires = lot_expires_on(lot.stocked_on or scenario.start.date(), item)
                assert expires is not None
                if expires <= as_of:
                    action = f"expired on {expires}: replace now"
                elif expires <= window_end:
                    action = (
                        f"expires on {expires}, during an emergency starting {as_of}: replace now"
                    )
                else:
                    action = f"replace by {expires}"
                lines.append(
                    RotationLine(depot.id, item.id, lot.quantity, lot.stocked_on, expires, action)
                )
            quantity = bought.get((depot.id, item.id), 0)
            if quantity > 0:
                due = lot_expires_on(as_of, item)
                assert due is not None
                lines.append(
                    RotationLine(
                        depot.id,
                        item.id,
                        quantity,
                        as_of,
                        due,
                        f"buy on {as_of}; replace every {describe_span(item.shelf_life)} "
                        f"(next by {due})",
                        recommended=True,
                    )
                )
    return lines

"""The rotation plan of a stockpile sizing: each lot held now and each recommended quantity,
with the date it must be replaced by, in the words a planner reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..analysis.stock import lot_expiry
from ..scenario.durations import format_duration
from ..scenario.models import Scenario

if TYPE_CHECKING:
    from .stockpiles import StockpileRow

__all__ = ["RotationLine", "describe_span", "rotation_plan"]


@dataclass(frozen=True)
class RotationLine:
    """One lot to replace: one the depot holds now, or the recommended quantity."""

    depot: str
    item: str
    quantity: int
    stocked_on: dt.date | None
    """None: stocked at the scenario start (the recommended quantity)."""
    expires_on: dt.date
    action: str
    recommended: bool = False


def describe_span(minutes: float) -> str:
    """``3 years``, ``180 days``, ``1 day``, or a duration like ``12h`` for less than whole
    days (a year is 365 days, as shelf lives are written)."""
    days = minutes / 1440.0
    if days >= 365 and days % 365 == 0:
        years = int(days // 365)
        return f"{years} year{'s' if years != 1 else ''}"
    if days >= 1 and days == int(days):
        return f"{int(days)} day{'s' if days != 1 else ''}"
    return format_duration(minutes)


def rotation_plan(scenario: Scenario, rows: Sequence[StockpileRow]) -> list[RotationLine]:
    """For items that expire: each depot's current lots with what to do about them, then
    the recommended quantity with its rotation cycle."""
    start = scenario.start
    recommended = {(row.depot, row.item): row.quantity for row in rows}
    lines: list[RotationLine] = []
    for item in scenario.items:
        if item.shelf_life is None:
            continue
        life = dt.timedelta(minutes=item.shelf_life)
        for depot in scenario.depots:
            for lot in depot.stock:
                if lot.item != item.id:
                    continue
                expires = start + dt.timedelta(
                    minutes=lot_expiry(scenario, lot.stocked_on, item.shelf_life)
                )
                action = (
                    f"expired on {expires.date()}: replace now"
                    if expires <= start
                    else f"replace by {expires.date()}"
                )
                lines.append(
                    RotationLine(
                        depot.id, item.id, lot.quantity, lot.stocked_on, expires.date(), action
                    )
                )
            quantity = recommended.get((depot.id, item.id), 0)
            if quantity > 0:
                due = (start + life).date()
                lines.append(
                    RotationLine(
                        depot.id,
                        item.id,
                        quantity,
                        None,
                        due,
                        f"replace every {describe_span(item.shelf_life)} (next by {due})",
                        recommended=True,
                    )
                )
    return lines

"""The purchase list of a stockpile sizing: what to buy on the plan date, given the lots a
depot already holds, so that each depot holds its recommended quantity of usable stock.

A lot on the shelf counts as usable on the plan date when it has been stocked by then and
will not expire before an emergency starting that day is over (the scenario's run length,
until its last incident's observation ends): a lot that has expired, or expires within that
window, is replaced. What to buy is the recommended quantity less the usable stock, rounded
up to whole packs, never below zero; its cost is what the office spends.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..scenario.models import Scenario
from ..scenario.resources import Depot, Item

__all__ = ["PurchaseLine", "lot_expires_on", "purchase_list", "usable_on"]


@dataclass(frozen=True)
class PurchaseLine:
    """What one depot buys of one item on the plan date."""

    depot: str
    item: str
    recommended: int
    usable: int
    """Units on the shelf on the plan date that last through an emergency starting then."""
    replaced: int
    """Units on the shelf that have expired, or expire within the emergency, by the plan date."""
    buy: int
    """Units to buy: ``recommended - usable`` rounded up to whole packs, at least 0."""
    packs: int
    cost: float


def lot_expires_on(stocked_on: dt.date, item: Item) -> dt.date | None:
    """The date a lot stocked on ``stocked_on`` expires (None: the item does not expire)."""
    if item.shelf_life is None:
        return None
    return (
        dt.datetime.combine(stocked_on, dt.time(0)) + dt.timedelta(minutes=item.shelf_life)
    ).date()


def usable_on(scenario: Scenario, depot: Depot, item: Item, as_of: dt.date) -> tuple[int, int]:
    """(usable, replaced) units of ``item`` at ``depot`` on ``as_of``. A lot without a
    stocking date is on the shelf, and expires as if stocked on the scenario's start date
    (as the simulation takes it); a lot stocked after the plan date is not on the shelf yet
    and counts as neither."""
    window_end = (
        dt.datetime.combine(as_of, dt.time(0)) + dt.timedelta(minutes=scenario.run_length)
    ).date()
    usable = replaced = 0
    for lot in depot.stock:
        if lot.item != item.id:
            continue
        if lot.stocked_on is not None and lot.stocked_on > as_of:
            continue
        expires = lot_expires_on(lot.stocked_on or scenario.start.date(), item)
        if expires is None or expires > window_end:
            usable += lot.quantity
        else:
            replaced += lot.quantity
    return usable, replaced


def purchase_list(
    depots: dict[str, Depot],
    items: dict[str, Item],
    scenario: Scenario,
    quantities: Sequence[tuple[str, str, int]],
    as_of: dt.date,
) -> list[PurchaseLine]:
    """One line per recommended ``(depot, item, quantity)``, in the order given."""
    lines = []
    for depot_id, item_id, quantity in quantities:
        depot, item = depots[depot_id], items[item_id]
        usable, replaced = usable_on(scenario, depot, item, as_of)
        packs = math.ceil(max(0, quantity - usable) / item.pack_size)
        buy = packs * item.pack_size
        lines.append(
            PurchaseLine(
                depot_id, item_id, quantity, usable, replaced, buy, packs, buy * item.unit_cost
            )
        )
    return lines

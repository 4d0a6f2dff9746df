"""Stockpile sizing: the least-cost quantity of each item at each depot that meets a service
level (checked by re-simulating with it in ``stock_runs``; what to rotate in ``rotation``).

The service level of a depot and item is the share of replications in which the depot
never runs out while it is open and before help arrives (its resupply, or for a depot
nobody resupplies, the whole run; ``analysis.stock``). Each replication's supply events
are kept as a small ``SupplyFrame`` and replayed with candidate quantities: fresh lots
stocked at the start, and no lateral transfers (a neighbour's reserve may be needed at
home, so a plan must not count on it).

Why solving depot by depot, bottom-up, is least-cost
----------------------------------------------------
Items are independent, so take one item, bought in packs of ``p`` units at the same unit
cost ``c`` at every depot, all lots fresh at the start (so they expire together, at the
shelf life ``L``). With lateral transfers off:

1. *Locality.* A depot's stock-outs depend only on its own quantity and the demand
   presented to it, and that demand only on the quantities below it (its children's
   overflow, from their resupply's arrival).
2. *Monotonicity.* More stock at a depot never adds a stock-out there (served =
   min(presented, stock available) grows with the stock; a restock refills the same holding,
   so it grows too). Its no-stock-out share is non-decreasing in its own quantity, so
   bisection over pack counts finds the least quantity meeting the target.
3. *Exchange.* Move Δ units from a child to its parent. The child serves at most Δ less at
   any moment, so the parent's presented demand rises by at most Δ (and after ``L``, when
   both served curves are flat, by a constant). The parent now holds Δ more, so it is short
   only where it was short before: before ``L`` its demand ``D' <= D + Δ`` meets stock
   ``C + Δ``; after ``L`` new demand arrives exactly when it did before. Its own overflow
   does not grow either (before ``L``: ``max(0, D' - C - Δ) <= max(0, D - C)``; after:
   same increments), so nothing above it changes for the worse. The cost is unchanged.

Take any allocation meeting the target everywhere and walk the depots bottom-up. When a
depot's children already hold their bottom-up quantities, it faces the same demand as in
the bottom-up pass, so by (1) and (2) it holds at least its bottom-up quantity ``q*``;
move the excess (a multiple of ``p``) to its parent, which by (3) keeps every depot within
target at the same cost. At the end every depot holds ``q*`` except the top ones, which
hold at least ``q*``: no allocation meeting the target costs less than the bottom-up one.
(With different unit costs per depot the exchange changes the cost, and the method is no
longer guaranteed least-cost; the model has one cost per item.) The verification tests
check the result against brute force on a small instance.

If even holding every unit ever presented to a depot (in the worst replication) misses the
target, no quantity can meet it: stock stocked at the start expires before it is needed,
or before the depot even opens. The row says which, and keeps the least quantity reaching
the best share possible.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis.cumulative import Curve
from ..analysis.demand import community_demand
from ..analysis.serving import Served, serve, tolerance
from ..analysis.stats import ShareEstimate, share_with_ci
from ..analysis.stock import (
    PointTimes,
    depot_lots,
    passed_up,
    point_times,
    points_bottom_up,
    sized_items,
)
from ..analysis.supply_frame import SupplyFrame, supply_frame
from ..engine.trace import Trace
from ..scenario.models import Scenario
from ..scenario.supply_network import supply_network
from .purchase import PurchaseLine, purchase_list
from .rotation import RotationLine, describe_span, rotation_plan

__all__ = ["StockpileRow", "StockpileSizing", "quantile_ranks", "size_stockpiles"]


@dataclass(frozen=True)
class StockpileRow:
    """The recommended quantity of one item at one depot."""

    depot: str
    item: str
    quantity: int
    packs: int
    units: str
    unit_cost: float
    cost: float
    service: ShareEstimate
    """Share of replications with no stock-out at this depot, with its Wilson 95% CI."""
    replications: int
    reachable: bool = True
    reason: str | None = None
    """Why the target cannot be met at any quantity (None when it is)."""
    quantity_ci: tuple[int, int | None] | None = None
    """95% interval of the quantity over replications: the order-statistic interval of the
    service-level quantile of each replication's own need (None: not computed; an upper
    end of None: the runs are too few to bound it)."""


@dataclass(frozen=True)
class StockpileSizing:
    """Recommended quantities, their cost and service level, and what to rotate when."""

    service_level: float
    replications: int
    rows: tuple[StockpileRow, ...]
    total_cost: float
    rotation: tuple[RotationLine, ...]
    as_of: dt.date | None = None
    """The plan date the purchase list and rotation plan are dated from."""
    purchases: tuple[PurchaseLine, ...] = ()

    @property
    def purchase_cost(self) -> float:
        """What buying only the purchase list costs."""
        return math.fsum(line.cost for line in self.purchases)

    def quantities(self) -> dict[str, dict[str, int]]:
        """depot -> item -> recommended quantity."""
        out: dict[str, dict[str, int]] = {}
        for row in self.rows:
            out.setdefault(row.depot, {})[row.item] = row.quantity
        return out

    def row(self, depot: str, item: str) -> StockpileRow:
        for row in self.rows:
            if row.depot == depot and row.item == item:
                return row
        raise KeyError((depot, item))


# ------------------------------------------------------------------------- sizing


def quantile_ranks(n: int, level: float, confidence: float = 0.95) -> tuple[int, int | None]:
    """Ranks ``(l, u)`` (1-based; 0: no lower bound, None: no upper bound within ``n``) such
    that the ``l``-th and ``u``-th smallest of ``n`` independent draws enclose the ``level``
    quantile with probability at least ``confidence`` (the distribution-free order-statistic
    interval: the count of draws below the quantile is binomial(n, level))."""
    tail = (1.0 - confidence) / 2.0
    ks = np.arange(n + 1)
    from scipy.stats import binom  # imported here: SciPy is slow to import

    below = binom.cdf(ks, n, level)  # below[k] = P(count <= k)
    at_least = binom.sf(ks - 1, n, level)  # at_least[k] = P(count >= k)
    # l: the largest rank with P(count <= l - 1) <= tail (0 when even l = 1 fails).
    low = int(np.count_nonzero(below <= tail))
    # u: the smallest rank with P(count >= u) <= tail.
    fits = np.nonzero(at_least <= tail)[0]
    upper = int(fits[0]) if fits.size else n + 1
    return low, (upper if upper <= n else None)


def size_stockpiles(
    scenario: Scenario,
    traces_or_frames: Sequence[Trace | SupplyFrame],
    service_level: float,
    as_of: dt.date | None = None,
) -> StockpileSizing:
    """The least-cost quantity of every demanded item at every depot such that the share of
    replications without a stock-out there is at least ``service_level``; with the purchase
    list and rotation plan dated ``as_of`` (default: the scenario's start date)."""
    if not 0.0 < service_level <= 1.0:
        raise ValueError("the service level is a share: more than 0 and at most 1")
    frames = [supply_frame(source, i) for i, source in enumerate(traces_or_frames)]
    if not frames:
        raise ValueError("sizing needs at least one replication")
    n = len(frames)
    needed = math.ceil(service_level * n - 1e-9)
    network = supply_network(scenario)
    order = points_bottom_up(network)
    rows: list[StockpileRow] = []
    for item_id in sized_items(scenario):
        by_community = [community_demand(scenario, frame, item_id) for frame in frames]
        up: list[dict[str, Curve]] = [{} for _ in frames]
        for point in order:
            times = [point_times(network, frame, point) for frame in frames]
            presented = []
            for r in range(n):
                curve = Curve()
                for community, demand in by_community[r].items():
                    if network.serving[community] == point:
                        curve = curve + demand
                for child in network.children.get(point, ()):
                    if child in up[r]:
                        curve = curve + up[r][child]
                presented.append(curve)
            if network.depot[point] is None:
                for r in range(n):
                    up[r][point] = passed_up(presented[r], None, times[r])
                continue
            sizer = _DepotSizer(
                scenario,
                point,
                item_id,
                frames,
                times,
                presented,
                parentless=network.parent[point] is None,
            )
            row, outcomes = sizer.solve(needed, service_level)
            rows.append(row)
            for r in range(n):
                up[r][point] = passed_up(presented[r], outcomes[r].served, times[r])
    return priced(scenario, service_level, n, rows, as_of)


def priced(
    scenario: Scenario,
    service_level: float,
    replications: int,
    rows: Sequence[StockpileRow],
    as_of: dt.date | None,
    depots: dict | None = None,
    items: dict | None = None,
) -> StockpileSizing:
    """The sizing of ``rows`` with its total cost, purchase list and rotation plan."""
    as_of = as_of or scenario.start.date()
    depots = depots if depots is not None else {d.id: d for d in scenario.depots}
    items = items if items is not None else {i.id: i for i in scenario.items}
    purchases = purchase_list(
        depots, items, scenario, [(r.depot, r.item, r.quantity) for r in rows], as_of
    )
    return StockpileSizing(
        service_level,
        replications,
        tuple(rows),
        math.fsum(row.cost for row in rows),
        tuple(rotation_plan(scenario, purchases, as_of, depots, items)),
        as_of,
        tuple(purchases),
    )


class _DepotSizer:
    """Bisection over pack counts for one depot and item, given the demand presented."""

    def __init__(
        self,
        scenario: Scenario,
        depot: str,
        item: str,
        frames: list[SupplyFrame],
        times: list[PointTimes],
        presented: list[Curve],
        *,
        parentless: bool,
    ):
        self.scenario, self.depot, self.item = scenario, depot, item
        self.frames, self.times, self.presented = frames, times, presented
        self.parentless = parentless
        self.pack = scenario.item(item).pack_size
        self._cache: dict[int, list[Served]] = {}

    def outcomes(self, packs: int) -> list[Served]:
        if packs not in self._cache:
            quantity = packs * self.pack
            self._cache[packs] = [
                serve(
                    self.presented[r],
                    depot_lots(
                        self.scenario,
                        self.depot,
                        self.item,
                        times,
                        quantity,
                        parentless=self.parentless,
                    ),
                    opened=None if times.opened is None else times.opened[0],
                    horizon=frame.horizon,
                    window_end=times.window_end,
                )
                for r, (frame, times) in enumerate(zip(self.frames, self.times, strict=True))
            ]
        return self._cache[packs]

    def successes(self, packs: int) -> int:
        return sum(1 for outcome in self.outcomes(packs) if not outcome.stockouts)

    def least(self, target: int, high: int) -> int:
        """The least pack count in ``[0, high]`` with at least ``target`` successes (the
        count is non-decreasing in the packs held; ``high`` is known to reach it)."""
        low = 0
        while low < high:
            mid = (low + high) // 2
            if self.successes(mid) >= target:
                high = mid
            else:
                low = mid + 1
        return low

    def solve(self, needed: int, service_level: float) -> tuple[StockpileRow, list[Served]]:
        n = len(self.frames)
        worst = max(
            curve.at(frame.horizon)
            for curve, frame in zip(self.presented, self.frames, strict=True)
        )
        high = math.ceil(max(0.0, worst - tolerance(worst)) / self.pack)
        reachable, reason = True, None
        best = self.successes(high)
        if best >= needed:
            packs = self.least(needed, high)
        else:
            packs = self.least(best, high)
            reachable, reason = False, self._why(high, best, needed)
        item = self.scenario.item(self.item)
        quantity = packs * self.pack
        share = share_with_ci(self.successes(packs), n)
        low_rank, high_rank = quantile_ranks(n, service_level)
        low = self.least(low_rank, high) * self.pack if low_rank else 0
        if high_rank is None or self.successes(high) < high_rank:
            upper = None
        else:
            upper = self.least(high_rank, high) * self.pack
        row = StockpileRow(
            self.depot,
            self.item,
            quantity,
            packs,
            item.unit,
            item.unit_cost,
            quantity * item.unit_cost,
            share,
            n,
            reachable,
            reason,
            (min(low, quantity), None if upper is None else max(upper, quantity))
            if reachable
            else None,
        )
        return row, self.outcomes(packs)

    def _why(self, high: int, best: int, needed: int) -> str:
        """Why holding everything ever presented still misses the target."""
        n = len(self.frames)
        shelf = self.scenario.item(self.item).shelf_life
        late = short = 0
        for outcome, times in zip(self.outcomes(high), self.times, strict=True):
            if not outcome.stockouts:
                continue
            if shelf is not None and times.opened is not None and times.opened[0] >= shelf:
                late += 1
            else:
                short += 1
        head = (
            f"not reachable: at most {best} of {n} replications without a stock-out "
            f"({best / n:.1%}) at any quantity; {needed} needed"
        )
        if shelf is None:
            return head + " (stock-outs remain with all demand in stock)"
        life = describe_span(shelf)
        parts = []
        if late:
            parts.append(
                f"in {late} the depot opens only after stock stocked at the start "
                f"has expired (shelf life {life})"
            )
        if short:
            parts.append(
                f"in {short} demand continues after stock stocked at the start "
                f"expires (shelf life {life}, shorter than the need)"
            )
        return head + ": " + "; ".join(parts)

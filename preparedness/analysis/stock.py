"""Stock over time at every depot, replayed exactly from one replication's supply events.

The engine only records when depots open and when trucks and restocks arrive; this module
turns that into stock. Items are independent. Each point of the supply network (a depot,
or a community without one: a *virtual point* holding nothing) is settled from the leaves
up: the demand presented to it is its community's demand plus, from each child's resupply
arrival on, whatever the child could not serve itself (the whole backlog at that moment,
then continuously: the resupply link is a pipeline after its first run). A point serves
from its opening (``serving.serve``); its overflow waits as backlog until its own resupply
arrives and then passes up. Before a child is served, a sibling community depot with no
demand of its own sends it its whole stock at the lateral transfer's arrival if the child
would otherwise run short before its resupply. Deliveries are then traced back down (first
come, first served at every point) to tell each incident when its first supply came, from
which event, and how much it still lacked at the horizon.

Ledger per depot and item: ``initial + received == used + transferred_out + expired +
remaining``, where ``received`` counts restocks and lateral receipts; stock that a parent
pipes through a child to a community is ``used`` at the parent.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..engine.trace import Trace
from ..scenario.models import Scenario
from ..scenario.supply_network import SupplyNetwork, supply_network
from .cumulative import Curve, compose, fifo_share
from .demand import MINUTES_PER_DAY, community_demand, incident_demand
from .serving import Lot, Served, serve, tolerance
from .supply_frame import Stamp, SupplyFrame, supply_frame

__all__ = [
    "DepotStock",
    "IncidentSupply",
    "Ledger",
    "PointTimes",
    "StockReplay",
    "depot_lots",
    "lot_expiry",
    "passed_up",
    "point_times",
    "points_bottom_up",
    "replay",
    "sized_items",
]

Quantities = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Ledger:
    """Where a depot's units of one item went over the run."""

    initial: float
    received: float
    used: float
    transferred_out: float
    expired: float
    remaining: float

    @property
    def imbalance(self) -> float:
        """``initial + received - (used + transferred_out + expired + remaining)``: 0 up to
        rounding."""
        return math.fsum(
            [
                self.initial,
                self.received,
                -self.used,
                -self.transferred_out,
                -self.expired,
                -self.remaining,
            ]
        )


@dataclass(frozen=True)
class DepotStock:
    """One depot and item over one replication."""

    depot: str
    item: str
    ledger: Ledger
    presented: float
    """Demand presented to the depot by the horizon (its community's and its children's)."""
    first_stockout: float | None
    """Minutes from the scenario start; None: no stock-out."""
    stockout_minutes: float
    shortfall: float
    """The largest backlog the depot could not serve during its stock-outs."""
    days_of_supply: float | None
    """Initial holding over the mean daily demand presented (None: no demand)."""
    expiring_within_horizon: float
    expired_at_start: float
    stockouts: tuple[tuple[float, float], ...]
    level: Curve
    """Stock on hand over time."""
    horizon: float

    @property
    def stocked_out(self) -> bool:
        return bool(self.stockouts)

    def level_at(self, times: Sequence[float] | np.ndarray) -> np.ndarray:
        """Stock on hand at ``times`` (minutes from the start; later than the horizon reads
        as the horizon)."""
        return self.level.at_many(np.minimum(np.asarray(times, dtype=float), self.horizon))


@dataclass(frozen=True)
class IncidentSupply:
    """One incident and item over one replication."""

    incident: str
    item: str
    community: str
    demand: float
    """Demand by the horizon."""
    delivered: float
    unmet: float
    """``demand - delivered`` at the horizon."""
    first_delivery: float | None
    """Minutes from the scenario start (None: nothing arrived)."""
    first_delivery_event: int | None
    """The serving depot's opening if it had stock, else the transfer (lateral or resupply)
    or restock that brought what was delivered first."""
    since_start: float | None
    """``first_delivery`` from the incident's start."""


@dataclass(frozen=True)
class StockReplay:
    """Stock at every depot and supply to every incident, for one replication."""

    horizon: float
    depots: dict[tuple[str, str], DepotStock]
    incidents: dict[tuple[str, str], IncidentSupply]


@dataclass(frozen=True)
class PointTimes:
    """When a point opens, is resupplied, restocked; and until when a stock-out counts."""

    opened: Stamp | None
    resupply: Stamp | None
    restock: Stamp | None
    window_end: float
    passes_up_from: float | None
    """From when its overflow goes to its parent (None: never within the run)."""


# ------------------------------------------------------------------------- building blocks


def sized_items(scenario: Scenario) -> list[str]:
    """Items any plan demands, in scenario order."""
    wanted = {rule.item for plan in scenario.plans for rule in plan.supplies}
    return [item.id for item in scenario.items if item.id in wanted]


def points_bottom_up(network: SupplyNetwork) -> list[str]:
    """Every point, each after all the points it resupplies."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(point: str) -> None:
        if point in seen:
            return
        seen.add(point)
        for child in network.children.get(point, ()):
            visit(child)
        order.append(point)

    for point, parent in network.parent.items():
        if parent is None:
            visit(point)
    for point in network.parent:  # points caught in a cycle of supplied_by
        visit(point)
    return order


def point_times(network: SupplyNetwork, frame: SupplyFrame, point: str) -> PointTimes:
    horizon = frame.horizon
    is_depot = network.depot[point] is not None
    opened = frame.opened.get(point) if is_depot else None
    if opened is not None and opened[0] >= horizon:
        opened = None
    parent = network.parent[point]
    resupply = frame.transfers.get((parent, point)) if parent is not None else None
    if resupply is not None and resupply[0] >= horizon:
        resupply = None
    restock = frame.restocked.get(point) if is_depot and parent is None else None
    if restock is not None and restock[0] >= horizon:
        restock = None
    passes = None
    if resupply is not None:
        # The engine sends nothing before the point opens; if it ever did, the point's own
        # backlog would still be its own until then.
        passes = resupply[0] if opened is None else max(resupply[0], opened[0])
    window_end = horizon if resupply is None else resupply[0]
    return PointTimes(opened, resupply, restock, window_end, passes)


def lot_expiry(scenario: Scenario, stocked_on: dt.date | None, shelf_life: float | None) -> float:
    """Minutes from the scenario start at which a lot stocked on ``stocked_on`` (midnight,
    scenario time zone; None: at the start) expires (inf: never)."""
    if shelf_life is None:
        return math.inf
    if stocked_on is None:
        return shelf_life
    stocked = dt.datetime.combine(stocked_on, dt.time(0), tzinfo=scenario.start.tzinfo)
    return (stocked - scenario.start).total_seconds() / 60.0 + shelf_life


def depot_lots(
    scenario: Scenario,
    depot: str,
    item: str,
    times: PointTimes,
    quantity: float | None = None,
    *,
    parentless: bool = False,
) -> list[Lot]:
    """A depot's own lots of ``item``: its stock as written, or ``quantity`` as one fresh lot
    stocked at the start; plus, for a depot nobody resupplies, its restock (the same
    holding again, fresh at arrival)."""
    shelf = scenario.item(item).shelf_life
    opened = times.opened[1] if times.opened is not None else None
    if quantity is None:
        lots = [
            Lot(float(lot.quantity), 0.0, lot_expiry(scenario, lot.stocked_on, shelf), opened)
            for lot in scenario.depot(depot).stock
            if lot.item == item
        ]
    else:
        lots = [Lot(float(quantity), 0.0, lot_expiry(scenario, None, shelf), opened)]
    holding = math.fsum(lot.quantity for lot in lots)
    if parentless and times.restock is not None and holding > 0.0:
        arrival, event = times.restock
        lots.append(
            Lot(holding, arrival, math.inf if shelf is None else arrival + shelf, event, "restock")
        )
    return lots


def passed_up(presented: Curve, served: Curve | None, times: PointTimes) -> Curve:
    """What a point hands to its parent: its overflow, from its resupply's arrival on."""
    if times.passes_up_from is None:
        return Curve()
    overflow = presented if served is None else presented - served
    return overflow.from_time(times.passes_up_from)


# ------------------------------------------------------------------------- the replay


def replay(
    scenario: Scenario,
    source: Trace | SupplyFrame,
    quantities: Quantities | None = None,
    lateral: bool = True,
    items: Sequence[str] | None = None,
) -> StockReplay:
    """Stock at every depot and supply to every incident in one replication.

    ``quantities[depot][item]``, when given, replaces every depot's stock by one fresh lot
    per item stocked at the start (a depot or item left out holds none). ``lateral=False``
    ignores lateral transfers. ``items`` limits the replay to those items (default: every
    item a plan demands or a depot holds); items never affect each other.
    """
    frame = supply_frame(source)
    network = supply_network(scenario)
    if items is None:
        items = sized_items(scenario)
        held = {lot.item for depot in scenario.depots for lot in depot.stock}
        if quantities is not None:
            held = {item for per_item in quantities.values() for item in per_item}
        items += [item.id for item in scenario.items if item.id in held and item.id not in items]
    depots: dict[tuple[str, str], DepotStock] = {}
    incidents: dict[tuple[str, str], IncidentSupply] = {}
    for item in items:
        _replay_item(scenario, network, frame, item, quantities, lateral, depots, incidents)
    return StockReplay(frame.horizon, depots, incidents)


@dataclass
class _Point:
    times: PointTimes
    presented: Curve
    lots: list[Lot]
    served: Served | None = None
    up: Curve = Curve()


def _replay_item(
    scenario: Scenario,
    network: SupplyNetwork,
    frame: SupplyFrame,
    item: str,
    quantities: Quantities | None,
    lateral: bool,
    depots: dict[tuple[str, str], DepotStock],
    incidents: dict[tuple[str, str], IncidentSupply],
) -> None:
    horizon = frame.horizon
    by_incident = incident_demand(scenario, frame, item)
    by_community = community_demand(scenario, frame, item, by_incident)
    own_demand: dict[str, Curve] = {}
    for community, curve in by_community.items():
        point = network.serving[community]
        own_demand[point] = own_demand[point] + curve if point in own_demand else curve
    points: dict[str, _Point] = {}
    visiting: set[str] = set()

    def settle(group: list[str]) -> None:
        visiting.update(group)
        for point in group:
            children = [
                c for c in network.children.get(point, ()) if c not in points and c not in visiting
            ]
            settle(children)
        for point in group:
            times = point_times(network, frame, point)
            presented = own_demand.get(point, Curve())
            for child in network.children.get(point, ()):
                if child in points:
                    presented = presented + points[child].up
            lots: list[Lot] = []
            if network.depot[point] is not None:
                quantity = None
                if quantities is not None:
                    quantity = float(quantities.get(point, {}).get(item, 0.0))
                lots = depot_lots(
                    scenario, point, item, times, quantity, parentless=network.parent[point] is None
                )
            points[point] = _Point(times, presented, lots)
        if lateral:
            _lateral_transfers(scenario, network, frame, group, points)
        for point in group:
            state = points[point]
            if network.depot[point] is not None:
                state.served = serve(
                    state.presented,
                    state.lots,
                    opened=None if state.times.opened is None else state.times.opened[0],
                    horizon=horizon,
                    window_end=state.times.window_end,
                )
            state.up = passed_up(
                state.presented, None if state.served is None else state.served.served, state.times
            )

    roots = [p for p in points_bottom_up(network) if network.parent[p] is None]
    settle(roots)
    for point in points_bottom_up(network):  # points in a supplied_by cycle, if any
        if point not in points:
            settle([point])

    for point, state in points.items():
        if state.served is None:
            continue
        served, presented = state.served, state.presented.at(horizon)
        daily = presented / (horizon / MINUTES_PER_DAY) if horizon > 0 else 0.0
        depots[(point, item)] = DepotStock(
            depot=point,
            item=item,
            ledger=Ledger(
                served.initial,
                served.received,
                served.used,
                served.transferred_out,
                served.expired,
                served.remaining,
            ),
            presented=presented,
            first_stockout=served.first_stockout,
            stockout_minutes=served.stockout_minutes,
            shortfall=served.shortfall,
            days_of_supply=served.initial / daily if daily > 0.0 else None,
            expiring_within_horizon=served.expired - served.expired_at_start,
            expired_at_start=served.expired_at_start,
            stockouts=served.stockouts,
            level=served.level,
            horizon=horizon,
        )
    _deliveries(scenario, network, frame, item, points, by_incident, by_community, incidents)


def _lateral_transfers(scenario, network, frame, group, points) -> None:
    """Apply lateral transfers among sibling points (in arrival order) before they serve."""
    horizon = frame.horizon
    candidates = []
    for target in group:
        if network.depot[target] is None:
            continue
        for source in network.neighbours(target):
            arrival = frame.transfers.get((source, target))
            if arrival is not None and source in points:
                candidates.append((arrival[0], arrival[1], source, target))
    for time, event, source, target in sorted(candidates):
        donor, receiver = points[source], points[target]
        resupply = receiver.times.resupply
        if time >= horizon or (resupply is not None and time >= resupply[0]):
            continue
        if not scenario.depot(source).lateral:
            continue
        if donor.presented.at(horizon) > 0.0 or receiver.presented.at(horizon) <= 0.0:
            continue  # a donor with demand of its own keeps its stock; nobody needs it
        opened = receiver.times.opened
        trial = serve(
            receiver.presented,
            receiver.lots,
            horizon=horizon,
            opened=None if opened is None else opened[0],
            window_end=receiver.times.window_end,
        )
        if not trial.stockouts:
            continue
        for index, lot in enumerate(donor.lots):
            if lot.leaves is None and lot.arrival <= time < lot.expiry and lot.quantity > 0:
                donor.lots[index] = replace(lot, leaves=time)
                receiver.lots.append(Lot(lot.quantity, time, lot.expiry, event, "lateral"))


def _deliveries(
    scenario, network, frame, item, points, by_incident, by_community, incidents
) -> None:
    """Trace deliveries down the network, first come first served at every point."""
    horizon = frame.horizon
    reached: dict[str, Curve] = {}  # point -> units of its queue served, here or above
    for point in reversed(points_bottom_up(network)):
        state = points.get(point)
        if state is None:
            continue
        own = state.served.served if state.served is not None else Curve()
        parent = network.parent[point]
        above = Curve()
        if parent is not None and parent in reached and state.up.times:
            share = fifo_share(points[parent].presented, state.up)
            above = compose(share, reached[parent])
        reached[point] = own + above
    for incident in scenario.incidents:
        demand = by_incident.get(incident.id)
        if demand is None:
            continue
        community = incident.community
        point = network.serving[community]
        state = points[point]
        to_community = fifo_share(state.presented, by_community[community])
        to_incident = fifo_share(by_community[community], demand)
        delivered = compose(to_incident, compose(to_community, reached[point]))
        total = demand.at(horizon)
        eps = tolerance(total)
        first = delivered.first_rise(eps)
        if first is not None and first >= horizon:
            first = None
        event = None
        if first is not None:
            first_unit = compose(to_incident, to_community).first_rise(eps)
            own = state.served
            if own is not None and first_unit is not None and first_unit < own.used - eps:
                event = own.origin_of(first_unit)
            elif state.times.resupply is not None:
                event = state.times.resupply[1]
        got = min(total, delivered.at(horizon))
        start = frame.incident_starts[incident.id]
        incidents[(incident.id, item)] = IncidentSupply(
            incident=incident.id,
            item=item,
            community=community,
            demand=total,
            delivered=got,
            unmet=max(0.0, total - got),
            first_delivery=first,
            first_delivery_event=event,
            since_start=None if first is None else first - start,
        )

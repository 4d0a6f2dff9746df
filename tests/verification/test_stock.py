"""Stock replay against answers worked out by hand, and conservation on a whole township.

Most stories use hand-made traces (the replay is a pure function of a trace, so a test can
state every time it relies on); a few run the engine to check what the replay reads from it.
Unless a test says otherwise the incident in c1 affects 144 people who each need 15 L a day:
1.5 L a minute from the incident's start.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from preparedness.analysis.demand import community_demand, daily_amount, incident_demand
from preparedness.analysis.stock import replay
from preparedness.analysis.supply_frame import supply_frame
from preparedness.engine.run import simulate_replication
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import Trace
from preparedness.scenario.resources import Content, Item, SupplyRule
from tests.builders import (
    _role,
    add_depots,
    add_team,
    build,
    community,
    first,
    incident,
    minimal_scenario,
    plan,
    stochastic,
    township,
)

H = 720.0  # the tiny township's horizon, 12 h


def _trace(
    *events: tuple[float, K, str], starts: dict[str, float] | None = None, horizon: float = H
) -> tuple[Trace, dict[str, int]]:
    """A trace of (time, kind, info) supply events; returns it and the event ids by info."""
    trace = Trace(horizon=horizon)
    trace.incident_starts = dict(starts or {"flood": 0.0})
    ids = {}
    for time, kind, info in events:
        ids[info] = trace.emit(time, kind, None, None, info=info)
    return trace, ids


def _depot(
    depot_id: str, level: str, place: str, stock: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    keeper = "township_keeper" if level == "township" else "community_keeper"
    data = {
        "id": depot_id,
        "name": depot_id,
        "level": level,
        "place": place,
        "keepers": [keeper],
        "keeper_channel": "phone",
        "loading_time": "30m",
        "stock": stock,
    }
    data.update(extra)
    return data


def _township(
    c1: list | None,
    c2: list | None = None,
    t1: list | None = None,
    *,
    incidents: tuple[str, ...] = ("c1",),
    items: list | None = None,
    supplies: list | None = None,
    **depot_extra: Any,
) -> dict[str, Any]:
    """Communities c1, c2, c3 under township t1; a depot wherever a stock list is given (None:
    no depot); an incident at the start in each of ``incidents``, 144 people each."""
    d = minimal_scenario()
    township(d)["communities"] = [community("c1"), community("c2"), community("c3")]
    d["incidents"] = [incident("flood" if c == "c1" else f"flood_{c}", c) for c in incidents]
    for item in d["incidents"]:
        item["affected"] = {"people": 144}
    d["roles"] += [_role("community_keeper", "community"), _role("township_keeper", "township")]
    d["items"] = items or [{"id": "water", "name": "water", "unit": "L", "unit_cost": 1.0}]
    d["depots"] = []
    for depot_id, level, place, stock in (
        ("c1_depot", "community", "c1", c1),
        ("c2_depot", "community", "c2", c2),
        ("t1_depot", "township", "t1", t1),
    ):
        if stock is not None:
            d["depots"].append(
                _depot(depot_id, level, place, stock, **depot_extra.get(depot_id, {}))
            )
    plan(d)["supplies"] = supplies or [{"item": "water", "per_person_per_day": 15.0}]
    return d


def water(quantity: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"item": "water", "quantity": quantity, **extra}]


# ----------------------------------------------------------------------------- depletion


@pytest.mark.parametrize(
    "start, opened, q, people",
    [
        (7.0, 33.3, 100, 100),  # r = 1500/1440, not a round number
        (0.0, 0.0, 250, 144),
        (120.0, 150.0, 37, 77),
    ],
)
def test_constant_demand_runs_out_at_exactly_t0_plus_q_over_r(start, opened, q, people):
    d = _township(water(q), t1=water(10_000))
    d["incidents"][0]["affected"] = {"people": people}
    d["incidents"][0]["start_after"] = f"{start:g}m"
    scenario = build(d)
    trace, _ = _trace(
        (opened, K.DEPOT_OPENED, "c1_depot"),
        (opened, K.DEPOT_OPENED, "t1_depot"),
        (700.0, K.TRANSFER_ARRIVED, "t1_depot>c1_depot"),
        starts={"flood": start},
    )
    r = people * 15.0 / 1440.0
    stock = replay(scenario, trace).depots[("c1_depot", "water")]
    assert stock.first_stockout == start + q / r
    assert stock.stockouts == ((start + q / r, 700.0),)
    assert stock.ledger.used == q
    assert stock.level_at([start + q / r])[0] == pytest.approx(0.0, abs=1e-9)
    # The largest backlog: everything demanded from the depletion to the truck's arrival.
    assert stock.shortfall == pytest.approx(r * (700.0 - start) - q)


def test_depot_opening_after_depletion_point_is_out_at_once():
    scenario = build(_township(water(60), t1=water(10_000)))
    trace, _ = _trace(
        (50.0, K.DEPOT_OPENED, "c1_depot"), (200.0, K.TRANSFER_ARRIVED, "t1_depot>c1_depot")
    )
    stock = replay(scenario, trace).depots[("c1_depot", "water")]
    # 75 L wait at the opening and 60 are there: short from the moment it opens.
    assert stock.stockouts == ((50.0, 200.0),)
    assert stock.shortfall == pytest.approx(1.5 * 200.0 - 60)


def test_an_empty_depot_is_short_only_once_demand_comes():
    """Per-task demand starts when the team arrives at 30, after the empty depot opened."""
    d = _township(water(0), t1=water(1000), supplies=[{"item": "water", "per_task_unit": 1}])
    add_team(d, task={"name": "wall", "duration": "1h", "size": 60, "unit": "m"})
    scenario = build(d)
    trace, _ = _trace(
        (10.0, K.DEPOT_OPENED, "c1_depot"),
        (10.0, K.DEPOT_OPENED, "t1_depot"),
        (45.0, K.TRANSFER_ARRIVED, "t1_depot>c1_depot"),
    )
    trace.tasks[("flood", "volunteers")] = (30.0, 90.0)
    stock = replay(scenario, trace).depots[("c1_depot", "water")]
    assert stock.stockouts == ((30.0, 45.0),)
    assert stock.shortfall == pytest.approx(15.0)


def test_engine_run_depletes_at_q_over_r():
    """With the engine's own times: the community keeper opens before q / r = 40 min and the
    township's truck (keeper, then 30 min loading) arrives after it."""
    data = minimal_scenario()
    add_depots(data, community_stock=60, township_stock=1000)
    scenario = build(data)
    trace = simulate_replication(scenario, 0)
    opened = first(trace, K.DEPOT_OPENED, info="c1_depot").time
    arrived = first(trace, K.TRANSFER_ARRIVED, info="t1_depot>c1_depot").time
    assert opened < 60 / 1.5 < arrived
    stock = replay(scenario, trace).depots[("c1_depot", "water")]
    assert stock.first_stockout == 60 / 1.5
    assert stock.stockout_minutes == pytest.approx(arrived - 40.0)


# ----------------------------------------------------------------------------- conservation


def _whole_township() -> dict[str, Any]:
    """Four communities: c1 (depot, incident), c2 (depot, no incident: a lateral donor),
    c3 (no depot: served straight from the township), c4 (small depot, incident); the
    township depot restocks. Masks expire: an old lot before the start, one mid-run."""
    d = minimal_scenario(horizon="24h")
    township(d)["communities"] = [community(c) for c in ("c1", "c2", "c3", "c4")]
    d["incidents"] = [
        incident("flood", "c1"),
        incident("flood3", "c3", start_after="1h"),
        incident("flood4", "c4", start_after="30m"),
    ]
    for item in d["incidents"]:
        item["affected"] = {"people": 200, "growth_per_hour": 0.05, "max_people": 400}
    d["roles"] += [_role("community_keeper", "community"), _role("township_keeper", "township")]
    add_team(d, task={"name": "wall", "duration": "3h", "size": 150, "unit": "m"})
    d["items"] = [
        {"id": "water", "name": "water", "unit": "L", "unit_cost": 1.0},
        {"id": "masks", "name": "masks", "unit": "piece", "unit_cost": 2.0, "shelf_life": "30d"},
        {"id": "sandbags", "name": "sandbags", "unit": "bag", "unit_cost": 3.0},
    ]
    d["depots"] = [
        _depot(
            "c1_depot",
            "community",
            "c1",
            [
                {"item": "water", "quantity": 300},
                {"item": "masks", "quantity": 40, "stocked_on": "2026-05-01"},  # expired
                {"item": "masks", "quantity": 30, "stocked_on": "2026-06-15"},  # expires at 14 h
                {"item": "sandbags", "quantity": 100},
            ],
        ),
        _depot(
            "c2_depot",
            "community",
            "c2",
            [
                {"item": "water", "quantity": 500},
                {"item": "masks", "quantity": 50},
                {"item": "sandbags", "quantity": 80},
            ],
        ),
        _depot("c4_depot", "community", "c4", [{"item": "water", "quantity": 100}]),
        _depot(
            "t1_depot",
            "township",
            "t1",
            [
                {"item": "water", "quantity": 3000},
                {"item": "masks", "quantity": 200, "stocked_on": "2026-06-20"},
                {"item": "sandbags", "quantity": 150},
            ],
            loading_time="2h",
            restock_lead_time="8h",
        ),
    ]
    plan(d)["supplies"] = [
        {"item": "water", "per_person_per_day": "sphere_water"},
        {"item": "masks", "per_responder_per_shift": 1, "shift": "4h"},
        {"item": "sandbags", "per_task_unit": 2},
    ]
    return stochastic(d)


def test_stock_is_conserved_in_every_replication():
    scenario = build(_whole_township())
    seen = {"lateral": 0, "expired mid-run": 0, "expired at start": 0, "restock": 0}
    for index in range(40):
        result = replay(scenario, simulate_replication(scenario, index))
        for (depot, item), stock in result.depots.items():
            ledger = stock.ledger
            scale = ledger.initial + ledger.received
            assert abs(ledger.imbalance) <= 1e-9 * max(1.0, scale), (index, depot, item)
            assert (
                min(ledger.used, ledger.transferred_out, ledger.expired, ledger.remaining) >= -1e-9
            )
            seen["lateral"] += ledger.transferred_out > 0
            seen["expired mid-run"] += stock.expiring_within_horizon > 0
            seen["expired at start"] += stock.expired_at_start > 0
            seen["restock"] += depot == "t1_depot" and ledger.received > 0
        # Every unit a depot hands out reaches some incident, and no incident gets more
        # than it asked for.
        for item in ("water", "masks", "sandbags"):
            used = math.fsum(s.ledger.used for (_, i), s in result.depots.items() if i == item)
            delivered = math.fsum(
                x.delivered for (_, i), x in result.incidents.items() if i == item
            )
            assert delivered == pytest.approx(used, rel=1e-9, abs=1e-6), (index, item)
        for supply in result.incidents.values():
            assert supply.delivered <= supply.demand * (1 + 1e-9) + 1e-9
    assert all(seen.values()), seen  # the scenario exercised every kind of flow


# ----------------------------------------------------------------------------- restock


def test_restock_arrives_exactly_after_its_lead_time():
    data = minimal_scenario()
    add_depots(data, community_stock=50, township_stock=1000, restock="6h")
    scenario = build(stochastic(data))
    for index in range(5):
        trace = simulate_replication(scenario, index)
        opened = first(trace, K.DEPOT_OPENED, info="t1_depot")
        ordered = first(trace, K.RESTOCK_ORDERED, info="t1_depot")
        arrived = first(trace, K.RESTOCK_ARRIVED, info="t1_depot")
        assert ordered.time == opened.time and ordered.cause == opened.id
        assert arrived.time == ordered.time + 360.0 and arrived.cause == ordered.id
        stock = replay(scenario, trace).depots[("t1_depot", "water")]
        assert stock.ledger.received == 1000
        # The level jumps by the whole holding at the restock's arrival (no backlog then).
        assert stock.level.at(arrived.time) - stock.level.left(arrived.time) == pytest.approx(
            1000.0
        )


def test_restock_lot_refills_a_parentless_depot_and_later_stockouts_count():
    """c1 has no depot: the township serves it from the truck's arrival at 40 (a 60 L jump,
    then 1.5 L/min). 300 L last until t = 200; the restock of 300 L at 300 clears the 150 L
    backlog and lasts until 1.5 t = 600, t = 400; nothing comes after."""
    scenario = build(_township(None, t1=water(300), **{"t1_depot": {"restock_lead_time": "5h"}}))
    trace, ids = _trace(
        (0.0, K.DEPOT_OPENED, "t1_depot"),
        (40.0, K.TRANSFER_ARRIVED, "t1_depot>c1"),
        (300.0, K.RESTOCK_ARRIVED, "t1_depot"),
    )
    result = replay(scenario, trace)
    stock = result.depots[("t1_depot", "water")]
    assert stock.stockouts == ((200.0, 300.0), (400.0, H))
    assert stock.ledger.received == 300 and stock.ledger.used == 600
    assert stock.shortfall == pytest.approx(1.5 * H - 600)
    supply = result.incidents[("flood", "water")]
    # The virtual point never serves: the first water comes with the township's truck.
    assert supply.first_delivery == 40.0
    assert supply.first_delivery_event == ids["t1_depot>c1"]
    assert supply.unmet == pytest.approx(1.5 * H - 600)


# ----------------------------------------------------------------------------- lateral


def _lateral_case(
    c1: int,
    c2: int = 500,
    *,
    lateral_at: float = 60.0,
    resupply: float = 200.0,
    incidents: tuple[str, ...] = ("c1",),
    flag: bool = True,
):
    extra = {"c2_depot": {"lateral": flag}}
    scenario = build(_township(water(c1), water(c2), water(5000), incidents=incidents, **extra))
    trace, ids = _trace(
        (10.0, K.DEPOT_OPENED, "c1_depot"),
        (10.0, K.DEPOT_OPENED, "c2_depot"),
        (10.0, K.DEPOT_OPENED, "t1_depot"),
        (lateral_at, K.TRANSFER_ARRIVED, "c2_depot>c1_depot"),
        (resupply, K.TRANSFER_ARRIVED, "t1_depot>c1_depot"),
        (resupply, K.TRANSFER_ARRIVED, "t1_depot>c2_depot"),
        starts={f"flood_{c}" if c != "c1" else "flood": 0.0 for c in incidents},
    )
    return scenario, trace, ids


def test_lateral_transfer_sends_the_neighbours_whole_stock_when_short():
    scenario, trace, _ = _lateral_case(50)  # 50 L last until 33 min; the truck comes at 200
    result = replay(scenario, trace)
    receiver, donor = result.depots[("c1_depot", "water")], result.depots[("c2_depot", "water")]
    assert donor.ledger.transferred_out == 500 and donor.ledger.remaining == 0
    assert receiver.ledger.received == 500
    # Short from 50 / 1.5 until the neighbour's stock arrives at 60; then enough.
    assert receiver.stockouts == ((50 / 1.5, 60.0),)
    assert donor.level_at([59.0, 60.0]).tolist() == [500.0, 0.0]
    unaided = replay(scenario, trace, lateral=False).depots[("c1_depot", "water")]
    assert unaided.stockouts == ((50 / 1.5, 200.0),)
    assert unaided.ledger.received == 0


@pytest.mark.parametrize(
    "case",
    [
        dict(c1=1000),  # would last until the truck: no need
        dict(c1=50, lateral_at=250.0),  # arrives after the resupply
        dict(c1=50, incidents=("c1", "c2")),  # the neighbour has demand of its own
        dict(c1=50, flag=False),  # the neighbour may not send
    ],
)
def test_no_lateral_transfer(case):
    scenario, trace, _ = _lateral_case(**case)
    result = replay(scenario, trace)
    assert result.depots[("c2_depot", "water")].ledger.transferred_out == 0
    assert result.depots[("c1_depot", "water")].ledger.received == 0


def test_first_delivery_names_the_event_that_made_it_possible():
    # Stock at the opening: the opening.
    scenario, trace, ids = _lateral_case(50)
    supply = replay(scenario, trace).incidents[("flood", "water")]
    assert (supply.first_delivery, supply.first_delivery_event) == (10.0, ids["c1_depot"])
    # An empty depot helped by its neighbour: the lateral transfer.
    scenario, trace, ids = _lateral_case(0)
    supply = replay(scenario, trace).incidents[("flood", "water")]
    assert (supply.first_delivery, supply.first_delivery_event) == (60.0, ids["c2_depot>c1_depot"])
    # Without it: the township's truck.
    supply = replay(scenario, trace, lateral=False).incidents[("flood", "water")]
    assert (supply.first_delivery, supply.first_delivery_event) == (200.0, ids["t1_depot>c1_depot"])
    assert supply.since_start == 200.0


def test_nothing_opens_nothing_delivered():
    scenario = build(_township(water(100), t1=water(100)))
    trace, _ = _trace()
    result = replay(scenario, trace)
    supply = result.incidents[("flood", "water")]
    assert supply.first_delivery is None and supply.first_delivery_event is None
    assert supply.unmet == supply.demand == 1.5 * H
    stock = result.depots[("c1_depot", "water")]
    assert stock.stockouts == () and stock.ledger.remaining == 100  # closed is not short


# ----------------------------------------------------------------------------- levels


def test_child_overflow_reaches_the_parent_from_the_resupply_arrival():
    """c1 holds 100 L, opens at 30 and is out at 100 / 1.5; the township's truck at 120 takes
    over the backlog (1.5 x 120 - 100 = 80 L at once) and then the flow of 1.5 L/min."""
    scenario = build(_township(water(100), t1=water(1000)))
    trace, _ = _trace(
        (30.0, K.DEPOT_OPENED, "c1_depot"),
        (40.0, K.DEPOT_OPENED, "t1_depot"),
        (120.0, K.TRANSFER_ARRIVED, "t1_depot>c1_depot"),
    )
    result = replay(scenario, trace)
    child, parent = result.depots[("c1_depot", "water")], result.depots[("t1_depot", "water")]
    assert child.stockouts == ((100 / 1.5, 120.0),)  # later backlog is the parent's to serve
    assert child.shortfall == pytest.approx(80.0)
    assert parent.level_at([119.0, 120.0, 200.0]).tolist() == pytest.approx([1000.0, 920.0, 800.0])
    assert parent.presented == pytest.approx(1.5 * H - 100)
    assert parent.first_stockout is None
    assert parent.days_of_supply == pytest.approx(1000 / ((1.5 * H - 100) / 0.5))
    assert child.days_of_supply == pytest.approx(100 / (1.5 * H / 0.5))
    assert result.incidents[("flood", "water")].unmet == pytest.approx(0.0, abs=1e-9)


def test_expiry_first_expiry_first_out_and_write_offs():
    """A lot expired before the start (40), one expiring 14 h after the 10:00 start (30) and
    one stocked at the start (100); 0.01 L/min from the start, the depot open at 0."""
    d = _township(
        [
            {"item": "water", "quantity": 40, "stocked_on": "2026-05-01"},
            {"item": "water", "quantity": 30, "stocked_on": "2026-06-15"},
            {"item": "water", "quantity": 100},
        ],
        items=[{"id": "water", "name": "water", "unit": "L", "shelf_life": "30d"}],
        supplies=[{"item": "water", "per_person_per_day": 0.1}],
    )
    d["horizon"] = "24h"
    scenario = build(d)
    trace, _ = _trace((0.0, K.DEPOT_OPENED, "c1_depot"), horizon=1440.0)
    stock = replay(scenario, trace).depots[("c1_depot", "water")]
    rate = 144 * 0.1 / 1440  # 0.01 L/min
    used_before = rate * 840.0  # from the lot expiring at 14 h, used first
    assert stock.expired_at_start == 40
    assert stock.expiring_within_horizon == pytest.approx(30 - used_before)
    assert stock.ledger.used == pytest.approx(rate * 1440.0)
    assert stock.ledger.remaining == pytest.approx(100 - rate * 600.0)
    assert stock.level_at([0.0, 839.0, 840.0]).tolist() == pytest.approx(
        [130.0, 130 - rate * 839.0, 100.0]
    )
    assert abs(stock.ledger.imbalance) < 1e-9


# ----------------------------------------------------------------------------- demand


def _demand(d: dict[str, Any], trace: Trace, item: str = "water"):
    scenario = build(d)
    frame = supply_frame(trace)
    return incident_demand(scenario, frame, item), community_demand(scenario, frame, item)


def test_affected_people_grow_each_whole_hour_until_controlled():
    d = _township(water(1))
    d["incidents"][0]["affected"] = {"people": 100, "growth_per_hour": 0.5, "max_people": 300}
    trace, _ = _trace()
    trace.emit(150.0, K.INCIDENT_CONTROLLED, "flood", None)
    by_incident, _ = _demand(d, trace)
    per_minute = 15.0 / 1440.0
    curve = by_incident["flood"]
    # 100 people in hour 0, 150 in hour 1, 225 from 120 on, frozen at the control at 150
    # (hour 3 would have brought 337.5, capped at 300).
    expected = per_minute * (100 * 60 + 150 * 60 + 225 * 300)
    assert curve.at(420.0) == pytest.approx(expected)
    assert curve.slope_at(400.0) == pytest.approx(225 * per_minute)
    # Never controlled: capped at max_people from hour 3.
    trace2, _ = _trace()
    curve2 = _demand(d, trace2)[0]["flood"]
    assert curve2.slope_at(200.0) == pytest.approx(300 * per_minute)
    # Without max_people the cap is the community's population (1000).
    d["incidents"][0]["affected"] = {"people": 100, "growth_per_hour": 1.0}
    assert _demand(d, trace2)[0]["flood"].slope_at(700.0) == pytest.approx(1000 * per_minute)


def test_standards_convert_to_the_items_units():
    kit = Item(id="kit", name="food kit", unit="kit", contains=Content(amount=2100, of="kcal"))
    assert daily_amount(SupplyRule(item="kit", per_person_per_day="sphere_food"), kit) == 1.0
    litre = Item(id="water", name="water", unit="L")
    assert daily_amount(SupplyRule(item="water", per_person_per_day="sphere_water"), litre) == 15.0
    assert daily_amount(SupplyRule(item="water", per_person_per_day="fema_water"), litre) == 3.8
    with pytest.raises(ValueError, match="contains"):
        daily_amount(SupplyRule(item="kit", per_person_per_day="sphere_water"), kit)


def test_per_responder_and_per_task_demand_follow_the_teams():
    d = _township(
        water(1), supplies=[{"item": "water", "per_responder_per_shift": 1, "shift": "4h"}]
    )
    add_team(d, task={"name": "wall", "duration": "3h", "size": 150, "unit": "m"})
    trace, _ = _trace()
    trace.tasks[("flood", "volunteers")] = (30.0, 210.0)
    trace.team_members[("flood", "volunteers")] = 4
    curve = _demand(d, trace)[0]["flood"]
    # One shift started (180 min < 4 h): each of the 4 members draws one kit on arrival.
    assert curve.at(29.0) == 0 and curve.at(30.0) == 4 and curve.at(600.0) == 4
    trace.tasks[("flood", "volunteers")] = (30.0, None)  # stays on scene: until the horizon
    # Shifts start at 30, 270 and 510 (750 is after the 720-minute horizon).
    assert _demand(d, trace)[0]["flood"].at(H) == 4 * 3

    plan(d)["supplies"] = [{"item": "water", "per_task_unit": 2}]
    trace.tasks[("flood", "volunteers")] = (30.0, 210.0)
    curve = _demand(d, trace)[0]["flood"]
    assert curve.at(120.0) == pytest.approx(150.0)  # 300 bags spread over the 180 minutes
    assert curve.at(210.0) == pytest.approx(300.0)


def test_incidents_in_one_community_add_up():
    d = _township(water(1))
    d["incidents"].append(incident("flood_b", "c1", start_after="1h", affected={"people": 96}))
    trace, _ = _trace(starts={"flood": 0.0, "flood_b": 60.0})
    by_incident, by_community = _demand(d, trace)
    assert by_community["c1"].at(120.0) == pytest.approx(1.5 * 120 + 1.0 * 60)
    assert set(by_incident) == {"flood", "flood_b"}

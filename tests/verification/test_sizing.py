"""Stockpile sizing against brute force, re-simulation, unreachable targets and rotation."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import pytest

from preparedness.analysis.stock import replay
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import Trace
from preparedness.experiment.executor import PoolExecutor, SerialExecutor
from preparedness.planning.rotation import describe_span
from preparedness.planning.stock_runs import collect_frames, resimulate, with_stock
from preparedness.planning.stockpiles import size_stockpiles
from tests.builders import add_depots, add_team, build, minimal_scenario, plan, stochastic

SEED = 2026


def _two_depots_two_items() -> dict[str, Any]:
    """c1's depot under the township's, holding water (packs of 50 L, 1 yuan a litre) and
    masks (pairs, 2 yuan each). 144 people need 15 L a day, 10% more each hour until the
    volunteers finish their wall (random duration); the four volunteers wear a mask an
    hour each. Every delay is random (``stochastic``), so the township's truck reaches c1
    between about 1 and 2 hours in; the township's restock comes 3 hours after it opens."""
    data = minimal_scenario(horizon="6h")
    add_depots(data, community_stock=0, township_stock=0, restock="3h")
    data["incidents"][0]["affected"] = {"people": 144, "growth_per_hour": 0.1}
    add_team(
        data,
        task={
            "name": "wall",
            "size": 100,
            "unit": "m",
            "duration": {"lognormal": {"median": "2h", "p90": "4h"}},
        },
    )
    data["items"][0]["pack_size"] = 50
    data["items"].append(
        {
            "id": "masks",
            "name": "masks",
            "unit": "piece",
            "unit_cost": 2.0,
            "pack_size": 2,
            "shelf_life": "180d",
        }
    )
    plan(data)["supplies"].append({"item": "masks", "per_responder_per_shift": 1, "shift": "1h"})
    return stochastic(data)


@pytest.fixture(scope="module")
def small():
    scenario = build(_two_depots_two_items())
    return scenario, collect_frames(scenario, 20, SEED)


def test_sizing_equals_brute_force(small):
    """Every combination of pack counts up to a bound, at both depots and for both items,
    evaluated with the replay; the cheapest that meets the target everywhere costs what
    the bottom-up sizing costs, and the sizing's own choice is one of them."""
    scenario, frames = small
    level = 0.8
    needed = math.ceil(level * len(frames))
    depots = ("c1_depot", "t1_depot")
    packs = {"water": 50, "masks": 2}
    cost = {"water": 1.0, "masks": 2.0}
    bound = {
        item: math.ceil(
            max(replay(scenario, f).incidents[("flood", item)].demand for f in frames) / packs[item]
        )
        for item in packs
    }
    # No stock-out counts per (item, c1 packs, t1 packs). Items are replayed independently,
    # so one table per item gives every joint combination.
    ok: dict[tuple[str, int, int], bool] = {}
    for item in packs:
        for a, b in itertools.product(range(bound[item] + 1), repeat=2):
            quantities = {"c1_depot": {item: a * packs[item]}, "t1_depot": {item: b * packs[item]}}
            free = {d: 0 for d in depots}
            for frame in frames:
                result = replay(scenario, frame, quantities, lateral=False, items=[item])
                for d in depots:
                    free[d] += not result.depots[(d, item)].stocked_out
            ok[(item, a, b)] = all(free[d] >= needed for d in depots)
    best = math.inf
    grid = [itertools.product(range(bound[i] + 1), repeat=2) for i in packs]
    for (wa, wb), (ma, mb) in itertools.product(*grid):
        if ok[("water", wa, wb)] and ok[("masks", ma, mb)]:
            best = min(
                best,
                (wa + wb) * packs["water"] * cost["water"]
                + (ma + mb) * packs["masks"] * cost["masks"],
            )

    sizing = size_stockpiles(scenario, frames, level)
    assert sizing.total_cost == best
    chosen = sizing.quantities()
    for item in packs:
        a, b = (chosen[d][item] // packs[item] for d in depots)
        assert ok[(item, a, b)]
        assert all(chosen[d][item] % packs[item] == 0 for d in depots)
    for row in sizing.rows:
        assert row.reachable and row.service.share >= level
        assert row.cost == row.quantity * cost[row.item]
        assert row.replications == len(frames)


def test_resimulation_meets_the_service_level_within_its_ci():
    scenario = build(_two_depots_two_items())
    sizing = size_stockpiles(scenario, collect_frames(scenario, 60, SEED), 0.9)
    checked = resimulate(scenario, sizing, 60, SEED)  # replications 60..119
    assert [(r.depot, r.item) for r in checked] == [(r.depot, r.item) for r in sizing.rows]
    for row in checked:
        assert row.meets_target, row
        assert row.service.ci[0] <= row.service.share <= row.service.ci[1]


def test_with_stock_replaces_the_sized_lots_and_validates_again():
    data = _two_depots_two_items()
    data["depots"][1]["stock"].append({"item": "masks", "quantity": 7, "stocked_on": "2026-07-01"})
    stocked = with_stock(build(data), {"c1_depot": {"water": 300}})
    lots = {
        d.id: [(lot.item, lot.quantity, lot.stocked_on) for lot in d.stock] for d in stocked.depots
    }
    # Water is sized: c1 holds the recommendation, fresh; t1, left out, holds none. Masks
    # are not sized, so t1 keeps its lot as it was.
    assert lots["c1_depot"] == [("water", 300, None)]
    assert [lot[0] for lot in lots["t1_depot"]] == ["masks"]
    assert lots["t1_depot"][0][1] == 7


def test_frames_are_the_same_on_any_executor():
    scenario = build(_two_depots_two_items())
    serial = collect_frames(scenario, 6, SEED, SerialExecutor(), start=3)
    with PoolExecutor(2) as pool:
        parallel = collect_frames(scenario, 6, SEED, pool, start=3)
    assert [f.replication for f in serial] == list(range(3, 9))
    assert serial == parallel


# ----------------------------------------------------------------------------- unreachable


def _short_lived(opened: float) -> tuple[Any, list[Trace]]:
    """Water that keeps 2 hours; c1's depot opens at ``opened`` and the township's truck
    comes at 400 (after the water would have expired)."""
    data = minimal_scenario()
    add_depots(data)
    data["items"][0]["shelf_life"] = "2h"
    scenario = build(data)
    traces = []
    for _ in range(5):
        trace = Trace(horizon=720.0)
        trace.incident_starts = {"flood": 0.0}
        trace.emit(opened, K.DEPOT_OPENED, None, None, info="c1_depot")
        trace.emit(opened, K.DEPOT_OPENED, None, None, info="t1_depot")
        trace.emit(400.0, K.TRANSFER_ARRIVED, None, None, info="t1_depot>c1_depot")
        traces.append(trace)
    return scenario, traces


def test_shelf_life_shorter_than_the_need_is_not_reachable():
    scenario, traces = _short_lived(10.0)
    row = size_stockpiles(scenario, traces, 0.9).row("c1_depot", "water")
    assert not row.reachable
    assert "demand continues after stock stocked at the start expires" in row.reason
    assert "shelf life 2h" in row.reason
    assert row.service.share == 0.0 and row.quantity == 0  # nothing helps, so buy nothing


def test_opening_after_the_stock_expired_is_not_reachable():
    scenario, traces = _short_lived(150.0)
    row = size_stockpiles(scenario, traces, 0.9).row("c1_depot", "water")
    assert not row.reachable
    assert "opens only after stock stocked at the start has expired" in row.reason


# ----------------------------------------------------------------------------- rotation


def test_rotation_plan():
    data = minimal_scenario()
    add_depots(data)
    data["items"].append({"id": "masks", "name": "masks", "unit": "piece", "shelf_life": "30d"})
    depot = data["depots"][0]  # c1_depot
    depot["stock"] += [
        {"item": "masks", "quantity": 40, "stocked_on": "2026-05-01"},
        {"item": "masks", "quantity": 30, "stocked_on": "2026-06-15"},
    ]
    plan(data)["supplies"].append({"item": "masks", "per_person_per_day": 1.0})
    scenario = build(data)
    trace = Trace(horizon=720.0)
    trace.incident_starts = {"flood": 0.0}
    trace.emit(10.0, K.DEPOT_OPENED, None, None, info="c1_depot")
    sizing = size_stockpiles(scenario, [trace], 1.0)
    lines = [(line.depot, line.quantity, line.action) for line in sizing.rotation]
    needed = sizing.row("c1_depot", "masks").quantity
    assert needed == math.ceil(144 * 1.0 / 2)  # half a day of one mask a person
    # Dated from the scenario's start (2026-07-14): the 30 still usable are counted, so only
    # 72 - 30 = 42 are bought.
    assert lines == [
        ("c1_depot", 40, "expired on 2026-05-31: replace now"),
        ("c1_depot", 30, "replace by 2026-07-15"),
        ("c1_depot", 42, "buy on 2026-07-14; replace every 30 days (next by 2026-08-13)"),
    ]
    # A week later both lots are out of date: all 72 are bought.
    later = size_stockpiles(scenario, [trace], 1.0, as_of=dt.date(2026, 7, 21))
    assert [(line.quantity, line.action) for line in later.rotation] == [
        (40, "expired on 2026-05-31: replace now"),
        (30, "expired on 2026-07-15: replace now"),
        (72, "buy on 2026-07-21; replace every 30 days (next by 2026-08-20)"),
    ]
    masks = [line for line in later.purchases if (line.depot, line.item) == ("c1_depot", "masks")]
    assert [(m.recommended, m.usable, m.replaced, m.buy, m.cost) for m in masks] == [
        (72, 0, 70, 72, 0.0)
    ]


def test_service_level_must_be_a_share(small):
    scenario, frames = small
    with pytest.raises(ValueError):
        size_stockpiles(scenario, frames, 1.5)


@pytest.mark.parametrize(
    "minutes, words",
    [
        (1095 * 1440, "3 years"),
        (365 * 1440, "1 year"),
        (30 * 1440, "30 days"),
        (1440, "1 day"),
        (3 * 1440 + 60, "3 days 1 hour"),
        (1440 + 90, "1 day 1h30m"),
        (120, "2h"),
    ],
)
def test_shelf_lives_read_as_planners_write_them(minutes, words):
    assert describe_span(minutes) == words

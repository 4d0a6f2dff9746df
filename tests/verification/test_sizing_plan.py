"""Micro-stories of a stock plan an office can buy from: a shift's kit for every member of a
team, quantities with their uncertainty, and what to buy given what is on the shelf."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest

from preparedness import api
from preparedness.analysis.demand import incident_demand, shift_starts
from preparedness.analysis.supply_frame import SupplyFrame
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import Trace
from preparedness.errors import UsageError
from preparedness.planning.stock_runs import collect_frames
from preparedness.planning.stockpiles import quantile_ranks, size_stockpiles
from preparedness.reports.exports import purchase_csv
from preparedness.reports.sizing_purchase import purchase_lines
from preparedness.reports.sizing_results import sizing_results
from tests.builders import (
    add_depots,
    add_team,
    build,
    community,
    incident,
    minimal_scenario,
    plan,
    township,
)


def _mask_team(task: str = "1h", shift: str = "12h", members: int = 16) -> dict[str, Any]:
    """A 16-person team on scene for ``task``, each member using one gas mask per shift; one
    community depot that nobody resupplies, so it must cover the whole need."""
    data = minimal_scenario(horizon="1d")
    add_depots(data, community_stock=0, township_stock=0, item="gas_masks")
    data["depots"] = [d for d in data["depots"] if d["level"] == "community"]
    data["items"][0].update(unit="piece", unit_cost=80.0)
    add_team(data, members=(members,), task={"name": "pump out", "duration": task})
    plan(data)["supplies"] = [
        {"item": "gas_masks", "per_responder_per_shift": 1, "shift": shift},
    ]
    return data


@pytest.mark.parametrize(
    "task, shift, masks",
    [("1h", "12h", 16), ("13h", "12h", 32), ("12h", "12h", 16), ("25h", "8h", 16 * 2)],
)
def test_every_started_shift_of_every_member_draws_a_kit(task, shift, masks):
    """16 members on scene for 1 hour use 16 masks, for 13 hours with 12-hour shifts 32 (a
    mask put on for the last hour of a shift is used all the same). The last case runs past
    the one-day horizon: shifts that start after the run ends are not counted."""
    scenario = build(_mask_team(task, shift))
    frame = SupplyFrame(
        horizon=scenario.horizon,
        incident_starts={"flood": 0.0},
        tasks={
            ("flood", "volunteers"): (600.0, 600.0 + scenario.plans[0].teams[0].task.duration.mean)
        },
        team_members={("flood", "volunteers"): 16},
    )
    curve = incident_demand(scenario, frame, "gas_masks")["flood"]
    assert curve.at(scenario.horizon) == masks
    assert curve.at(600.0) == 16  # the whole team's first kit when it arrives


def test_shift_starts_count_started_shifts_only():
    assert shift_starts(0.0, 60.0, 720.0, 1440.0) == [0.0]
    assert shift_starts(0.0, 780.0, 720.0, 1440.0) == [0.0, 720.0]
    assert shift_starts(0.0, 720.0, 720.0, 1440.0) == [0.0]
    assert shift_starts(100.0, None, 480.0, 1440.0) == [100.0, 580.0, 1060.0]
    assert shift_starts(1440.0, None, 480.0, 1440.0) == []


def test_sixteen_masks_for_a_sixteen_person_team():
    """Sized on simulated runs, the depot holds one mask for every member, not the 2 that
    spreading a 12-hour shift's masks over one hour on scene gives."""
    scenario = build(_mask_team())
    frames = collect_frames(scenario, 5, 7)
    assert all(f.team_members[("flood", "volunteers")] == 16 for f in frames)
    sizing = size_stockpiles(scenario, frames, 0.95)
    assert sizing.row("c1_depot", "gas_masks").quantity == 16


# ----------------------------------------------------------------------------- several hazards


def two_hazards() -> tuple[dict[str, Any], dict[str, Any]]:
    """A flood in c1 (depots c1_depot, t1_depot) and a chemical spill in c2, whose file also
    describes c2's depot: only the spill draws on it. Both files describe c1_depot and t1_depot
    alike, as one office's files do."""
    flood = minimal_scenario(horizon="12h")
    township(flood)["communities"] = [community("c1"), community("c2")]
    add_depots(flood, community_stock=0, township_stock=0, item="water")
    spill = copy.deepcopy(flood)
    spill["name"] = "Spill"
    spill["incidents"] = [incident("spill", "c2", affected={"people": 288})]
    c2_depot = copy.deepcopy(flood["depots"][0])
    c2_depot.update(id="c2_depot", name="Community depot c2", place="c2")
    spill["depots"].append(c2_depot)
    return flood, spill


def test_one_plan_for_two_hazards_sizes_the_depot_only_the_second_uses():
    flood, spill = (build(d) for d in two_hazards())
    plan = api.size_stockpiles([flood, spill], 0.95, 4, 1, as_of="2026-07-01", workers=0)
    quantities = plan.quantities()
    alone = [hazard.own.quantities() for hazard in plan.hazards]
    assert "c2_depot" not in alone[0] and alone[1]["c2_depot"]["water"] > 0
    assert quantities["c2_depot"]["water"] == alone[1]["c2_depot"]["water"]
    for depot in ("c1_depot", "t1_depot"):
        assert quantities[depot]["water"] == max(a[depot]["water"] for a in alone)
    # Each hazard's own depots reach the target with the plan, on its runs and on new ones.
    for hazard in plan.hazards:
        assert all(s.service.share >= 0.95 for s in hazard.service)
        assert hazard.check is not None and all(r.meets_target for r in hazard.check)
    summary = plan.summary()
    assert [h["name"] for h in summary["hazards"]] == ["Tiny township", "Spill"]
    row = next(r for r in summary["rows"] if r["depot"] == "c2_depot")
    assert row["hazards"] == ["Spill"] and row["quantity"] == quantities["c2_depot"]["water"]


def test_one_depot_id_with_two_definitions_is_refused():
    flood, spill = two_hazards()
    spill["depots"][0]["loading_time"] = "1h"
    with pytest.raises(UsageError) as caught:
        api.size_stockpiles([build(flood), build(spill)], 0.95, 2, 1, workers=0)
    assert "depot 'c1_depot' differs" in str(caught.value)
    assert "loading_time" in str(caught.value)


def test_a_bad_plan_date_is_refused_plainly():
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        api.size_stockpiles(build(two_hazards()[0]), 0.95, 2, 1, as_of="14/07/2026", workers=0)


# ----------------------------------------------------------------------------- quantity intervals


@pytest.mark.parametrize(
    "n, level, ranks",
    # Published order-statistic ranks for the median (n = 20: 6th and 15th) and the
    # binomial tails for the 95th percentile.
    [(20, 0.5, (6, 15)), (100, 0.5, (40, 61)), (20, 0.95, (17, None)), (100, 0.95, (90, 100))],
)
def test_quantile_ranks(n, level, ranks):
    assert quantile_ranks(n, level) == ranks


def test_order_statistic_interval_covers_the_quantile():
    """Over 2,000 samples of 100 uniform draws the interval holds the 0.9 quantile in at
    least 95% of them (it is conservative: exact binomial tails)."""
    rng = np.random.default_rng(5)
    low, high = quantile_ranks(100, 0.9)
    assert high is not None
    draws = np.sort(rng.random((2000, 100)), axis=1)
    covered = (draws[:, low - 1] <= 0.9) & (draws[:, high - 1] >= 0.9)
    assert covered.mean() >= 0.95


# ----------------------------------------------------------------------------- purchase list


def _masks_on_the_shelf():
    """c1's depot needs 1,080 L of water (it holds 100 L, undated) and 80 masks (half a
    day of one mask for each of 144 people, in packs of 10); it holds 40 masks stocked on
    1 May and 30 on 15 June, with a 30-day shelf life."""
    data = minimal_scenario()
    add_depots(data)
    data["items"].append(
        {
            "id": "masks",
            "name": "口罩 masks",
            "unit": "piece",
            "shelf_life": "30d",
            "unit_cost": 2.5,
            "pack_size": 10,
        }
    )
    data["depots"][0]["stock"] += [
        {"item": "masks", "quantity": 40, "stocked_on": "2026-05-01"},
        {"item": "masks", "quantity": 30, "stocked_on": "2026-06-15"},
    ]
    plan(data)["supplies"].append({"item": "masks", "per_person_per_day": 1.0})
    scenario = build(data)
    trace = Trace(horizon=720.0)
    trace.incident_starts = {"flood": 0.0}
    trace.emit(10.0, K.DEPOT_OPENED, None, None, info="c1_depot")
    return scenario, trace


def _results(as_of: dt.date) -> dict:
    scenario, trace = _masks_on_the_shelf()
    sizing = size_stockpiles(scenario, [trace], 1.0, as_of=as_of)
    return sizing_results(scenario, sizing, None, scenario_file="t.yaml", sha256="0" * 64, seed=1)


def test_purchase_list_counts_the_usable_stock_on_the_plan_date():
    results = _results(dt.date(2026, 7, 10))
    assert purchase_csv(results) == (
        "depot,depot_name,item,item_name,unit,recommended,usable,replaced,buy,packs,"
        "pack_size,unit_cost,cost\n"
        "c1_depot,Community depot,water,water,L,1080,100,0,980,980,1,1.0,980.00\n"
        "c1_depot,Community depot,masks,口罩 masks,piece,80,30,40,50,5,10,2.5,125.00\n"
    )
    assert results["purchase_cost"] == 1105.0 and results["total_cost"] == 1280.0
    assert "\n".join(purchase_lines(results)) == "\n".join(
        [
            "## What to buy on 2026-07-10",
            "",
            "To buy = the recommended quantity less the usable stock on the shelf on "
            "2026-07-10, in whole packs. A lot counts as usable when it does not expire "
            "before an emergency starting that day is over; lots that have expired or "
            "would expire during it are replaced (see the rotation plan).",
            "",
            "| Depot | Item | Recommended | Usable on the shelf | Expired or expiring | Buy | "
            "Packs | Cost (yuan) |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            "| Community depot | water | 1,080 | 100 | 0 | **980 L** | 980 × 1 | 980.00 |",
            "| Community depot | 口罩 masks | 80 | 30 | 40 | **50 pieces** | 5 × 10 | 125.00 |",
            "| **Total** | | | | | | | **1,105.00** |",
            "",
            "Buying only this costs **1,105.00 yuan** (everything new would cost 1,280.00 yuan).",
            "",
        ]
    )


def test_a_lot_expiring_during_an_emergency_on_the_plan_date_is_replaced():
    """On 14 July the 30 masks of 15 June expire the next day, after the 12-hour emergency
    is over: still usable. On 15 July they expire that very day: replaced, all 80 bought;
    the rotation plan is dated from the same day."""
    assert purchase_csv(_results(dt.date(2026, 7, 14))).splitlines()[2] == (
        "c1_depot,Community depot,masks,口罩 masks,piece,80,30,40,50,5,10,2.5,125.00"
    )
    later = _results(dt.date(2026, 7, 15))
    assert purchase_csv(later).splitlines()[2] == (
        "c1_depot,Community depot,masks,口罩 masks,piece,80,0,70,80,8,10,2.5,200.00"
    )
    assert [(r["status"], r["quantity"], r["action"]) for r in later["rotation"]] == [
        ("expired", 40, "expired on 2026-05-31: replace now"),
        ("expired", 30, "expired on 2026-07-15: replace now"),
        ("recommended", 80, "buy on 2026-07-15; replace every 30 days (next by 2026-08-14)"),
    ]


def test_nothing_to_buy_is_said_plainly():
    scenario, trace = _masks_on_the_shelf()
    data = scenario.model_dump(by_alias=True)
    data["depots"][0]["stock"] = [
        {"item": "water", "quantity": 2000},
        {"item": "masks", "quantity": 100, "stocked_on": "2026-07-01"},
    ]
    scenario = type(scenario).model_validate(data)
    sizing = size_stockpiles(scenario, [trace], 1.0, as_of=dt.date(2026, 7, 10))
    results = sizing_results(scenario, sizing, None, scenario_file="t", sha256="0" * 64, seed=1)
    assert results["purchases"] == [] and results["purchase_cost"] == 0
    assert purchase_lines(results)[2] == (
        "Nothing: every depot already holds its recommended quantity in usable stock."
    )

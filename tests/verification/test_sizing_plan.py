"""Micro-stories of a stock plan an office can buy from: a shift's kit for every member of a
team, quantities with their uncertainty, and what to buy given what is on the shelf."""

from __future__ import annotations

from typing import Any

import pytest

from preparedness.analysis.demand import incident_demand, shift_starts
from preparedness.analysis.supply_frame import SupplyFrame
from preparedness.planning.stock_runs import collect_frames
from preparedness.planning.stockpiles import size_stockpiles
from tests.builders import add_depots, add_team, build, minimal_scenario, plan


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

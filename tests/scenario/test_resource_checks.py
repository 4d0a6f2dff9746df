"""Cross-checks of teams, supplies and depots on scenarios built in Python (tests/builders.py):
a scenario using all of them is accepted, and the size limits are enforced."""

from __future__ import annotations

import copy

import pytest

from preparedness.scenario import check_limits
from preparedness.scenario.crosscheck import cross_check
from preparedness.scenario.models import Scenario
from preparedness.scenario.supply_network import supply_network
from tests.builders import add_depots, add_team, build, minimal_scenario, plan

ROADS = [
    {"from": "c1", "to": "t1", "length_km": 4.0},
    {"from": "t1", "to": "junction_7", "time": "5m", "one_way": True},
    {"from": "junction_7", "to": "c1", "time": "6m"},
    {"from": "c1_depot", "to": "c1", "time": "2m"},
    {"from": "t1_depot", "to": "t1", "time": "3m"},
]


def _full() -> dict:
    """The tiny township with a team, two depots, a food item and a road network."""
    data = minimal_scenario()
    add_team(
        data,
        members=(4, 6),
        level=2,
        task={"name": "sandbag wall", "duration": "2h", "size": 50, "unit": "metre"},
    )
    add_depots(data, restock="1d", per_person_per_day="sphere_water")
    data["items"].append(
        {
            "id": "food_kit",
            "name": "food kit",
            "unit": "kit",
            "contains": {"amount": 2100, "of": "kcal"},
        }
    )
    data["items"].append({"id": "sandbags", "name": "sandbags", "unit": "bag"})
    plan(data)["supplies"] += [
        {"item": "food_kit", "per_person_per_day": "sphere_food"},
        {"item": "sandbags", "per_task_unit": 30},
    ]
    data["travel"] = {"roads": copy.deepcopy(ROADS)}
    data["incidents"][0]["cuts_roads"] = [
        {"from": "c1", "to": "t1", "after": "30m"},
        {"from": "t1", "to": "junction_7"},
    ]
    return data


def _problems(data: dict) -> list[tuple[tuple, str]]:
    return cross_check(Scenario.model_validate(copy.deepcopy(data)))


def test_teams_items_depots_and_roads_validate():
    scenario = build(_full())
    assert [t.id for t in scenario.teams] == ["volunteers"]
    assert [d.id for d in scenario.depots] == ["c1_depot", "t1_depot"]
    assert supply_network(scenario).chain("c1") == ["c1_depot", "t1_depot"]


def test_straight_line_travel_needs_no_roads():
    data = _full()
    del data["travel"]
    del data["incidents"][0]["cuts_roads"]
    assert build(data).travel.roads == []


def test_a_two_way_road_may_be_cut_from_either_end():
    data = _full()
    data["incidents"][0]["cuts_roads"] = [{"from": "t1", "to": "c1"}]
    build(data)


def test_a_district_depot_takes_over_the_restock():
    data = _full()
    data["roles"].append({"id": "district_keeper", "name": "district keeper", "level": "district"})
    data["depots"].append(
        {
            "id": "district_depot",
            "name": "District depot",
            "level": "district",
            "place": "district",
            "keepers": ["district_keeper"],
            "keeper_channel": "phone",
        }
    )
    data["travel"]["roads"].append({"from": "district_depot", "to": "t1", "length_km": 12})
    assert _problems(data) == [
        (
            ("depots", 1, "restock_lead_time"),
            "depot 't1_depot' is resupplied by 'district_depot', so it does not restock on its "
            "own; remove restock_lead_time (or give it to 'district_depot', which nobody "
            "resupplies)",
        )
    ]
    data["depots"][2]["restock_lead_time"] = data["depots"][1].pop("restock_lead_time")
    build(data)


def test_stock_of_the_start_day_is_not_in_the_future():
    data = _full()
    data["depots"][0]["stock"][0]["stocked_on"] = "2026-07-14"  # the builders' start date
    build(data)


def test_team_members_in_all_are_limited(monkeypatch):
    monkeypatch.setattr(check_limits, "MAX_TEAM_MEMBERS", 15)
    data = _full()
    add_team(data, "second", members=(6,))
    assert _problems(data) == [
        (
            ("teams", 1, "levels"),
            "the teams would call out more than 15 members in all; lower levels[].members",
        )
    ]


def test_depots_are_limited(monkeypatch):
    monkeypatch.setattr(check_limits, "MAX_DEPOTS", 1)
    assert _problems(_full()) == [(("depots",), "2 depots; a scenario may have at most 1")]


def test_lots_per_depot_are_limited(monkeypatch):
    monkeypatch.setattr(check_limits, "MAX_LOTS", 1)
    data = _full()
    data["depots"][1]["stock"].append({"item": "food_kit", "quantity": 10})
    assert _problems(data) == [
        (
            ("depots", 1, "stock"),
            "2 lots; a depot may hold at most 1: merge lots of one item stocked on the same date",
        )
    ]


@pytest.mark.parametrize("level", ["district", "city"])
def test_a_higher_role_may_keep_a_lower_depot(level):
    data = _full()
    data["roles"].append({"id": "reserve_office", "name": "reserve office", "level": level})
    data["depots"][0]["keepers"] = ["reserve_office"]
    build(data)


def test_warning_areas_name_real_communities_cells_and_buildings():
    from preparedness.scenario.crosscheck import cross_check
    from preparedness.scenario.models import Scenario
    from tests.builders import minimal_scenario, plan

    data = minimal_scenario()
    plan(data)["warn"] = {
        "area": [
            "c9",
            {"community": "c1", "grid_cells": [1, 3]},
            {"community": "c1", "buildings": [2]},
        ]
    }
    assert cross_check(Scenario.model_validate(data)) == [
        (("plans", 0, "warn", "area", 0), "no community 'c9'"),
        (
            ("plans", 0, "warn", "area", 1, "grid_cells", 1),
            "c1 has 1 grid cells; there is no number 3",
        ),
        (
            ("plans", 0, "warn", "area", 2, "buildings", 0),
            "c1 has 1 buildings; there is no number 2",
        ),
    ]

"""Warning every household: door-knocking and group-message coverage against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from preparedness.analysis.coverage import warning_coverage
from preparedness.engine.run import simulate_replication
from preparedness.experiment.replicate import run_replication
from tests.builders import build, minimal_scenario, plan, role


def _warning_scenario(
    *, households=60, buildings=6, knocking=None, group=None, staff=1, grid_cells=1
):
    data = minimal_scenario()
    community = data["places"]["townships"][0]["communities"][0]
    community.update(
        households=households,
        population=households * 3,
        buildings=buildings,
        grid_cells=grid_cells,
        share_without_smartphone=0.5,
    )
    warns = {}
    if knocking:
        warns["door_knocking"] = knocking
    if group:
        data["channels"].append({"id": "wechat", "kind": "group_message", **group})
        role(data, "community_secretary")["warns_households"] = {"group_message": "wechat"}
    if warns:
        role(data, "grid_worker").update(warns_households=warns, staff=staff)
    plan(data)["warn"] = {"area": "incident_community", "coverage": 0.9, "within": "6h"}
    return data


def test_door_knocking_with_constant_times_follows_the_closed_form():
    knock, walk = 3.0, 2.0
    data = _warning_scenario(
        knocking={"time_per_household": "3m", "walk_between_buildings": "2m", "nobody_home": 0.0}
    )
    scenario = build(data)
    trace = simulate_replication(scenario, 0)
    batches = [b for b in trace.warnings if b.method == "door_knocking"]
    assert len(batches) == 1
    batch = batches[0]
    start = trace[batch.cause].time
    per_building = 30 / 6  # 30 households without smartphones in 6 buildings
    k = np.arange(1, 31)
    expected = start + k * knock + np.ceil(k / per_building) * walk
    assert np.asarray(batch.times) == pytest.approx(expected, abs=1e-9)


def test_two_knockers_split_the_list_and_each_follows_the_closed_form():
    data = _warning_scenario(
        knocking={"time_per_household": "3m", "walk_between_buildings": "0s", "nobody_home": 0.0}
    )
    data["roles"] = [r for r in data["roles"]]
    role(data, "grid_worker").update(staff=2)
    trace = simulate_replication(build(data), 0)
    batches = sorted(
        (b for b in trace.warnings if b.method == "door_knocking"), key=lambda b: b.start
    )
    assert [b.start for b in batches] == [0, 15]
    for batch in batches:
        start = trace[batch.cause].time
        assert np.asarray(batch.times) == pytest.approx(start + 3.0 * np.arange(1, 16))


def test_group_message_coverage_matches_the_read_delay_distribution():
    data = _warning_scenario(
        households=4000,
        buildings=40,
        group={
            "read_delay": {"exponential": {"mean": "20m"}},
            "never_read_share": 0.1,
            "post_time": "0s",
            "confirm_within": "1h",
        },
    )
    trace = simulate_replication(build(data), 0)
    batch = next(b for b in trace.warnings if b.method == "group_message")
    posted = trace[batch.cause].time
    times = np.asarray(batch.times)
    read = np.isfinite(times)
    # Never-read share within a 99% binomial interval.
    n = len(times)
    lo, hi = stats.binom.interval(0.99, n, 0.1)
    assert lo <= (~read).sum() <= hi
    # Read delays follow the exponential(20 min) distribution (KS test at 1%).
    assert stats.kstest(times[read] - posted, "expon", args=(0, 20.0)).pvalue > 0.01


def _t90(data, replications=12):
    scenario = build(data)
    values = []
    for replication in range(replications):
        result = run_replication(scenario, replication, scenario.seed)
        values.append(result.milestones["flood"].get("warned:90", math.inf))
    return np.array(values)


def test_more_grid_workers_never_make_t90_later():
    knocking = {
        "time_per_household": {"lognormal": {"median": "3m", "p90": "6m"}},
        "walk_between_buildings": "2m",
        "nobody_home": 0.0,
    }
    base = _warning_scenario(households=200, buildings=10, knocking=knocking)
    base["places"]["townships"][0]["communities"][0]["share_without_smartphone"] = 1.0
    fewer = _t90(base)
    role(base, "grid_worker")["staff"] = 3
    more = _t90(base)
    assert np.all(more <= fewer + 1e-9)
    assert np.median(more) < np.median(fewer)


def test_coverage_counts_every_household_once():
    data = _warning_scenario(
        households=100,
        buildings=5,
        knocking={
            "time_per_household": "1m",
            "walk_between_buildings": "0s",
            "nobody_home": 0.0,
            "cohorts": "all",
        },
    )
    trace = simulate_replication(build(data), 0)
    coverage = warning_coverage(trace, "flood")
    assert coverage.households == {"smartphone": 50, "without_smartphone": 50}
    assert coverage.reached == {"smartphone": 50, "without_smartphone": 50}
    assert ("all", 100) in coverage.levels


def test_forwarding_reaches_a_share_of_those_who_never_read():
    group = {
        "read_delay": "10m",
        "never_read_share": 0.5,
        "post_time": "0s",
        "confirm_within": "1h",
        "forwarded_share": 0.4,
        "forward_delay": "30m",
    }
    data = _warning_scenario(households=4000, buildings=40, group=group)
    trace = simulate_replication(build(data), 0)
    batch = next(b for b in trace.warnings if b.method == "group_message")
    delays = np.asarray(batch.times) - trace[batch.cause].time
    n = len(delays)
    read = np.isclose(delays, 10.0)
    forwarded = np.isclose(delays, 40.0)
    never = ~np.isfinite(delays)
    assert read.sum() + forwarded.sum() + never.sum() == n
    # Expected shares 0.5 read, 0.5 x 0.4 = 0.2 forwarded, 0.3 never: 99% binomial intervals.
    for count, p in ((read.sum(), 0.5), (forwarded.sum(), 0.2), (never.sum(), 0.3)):
        lo, hi = stats.binom.interval(0.99, n, p)
        assert lo <= count <= hi


# --------------------------------------------------------------------------- warning areas


def _area_scenario(area, *, leaders=False):
    """Two communities of 4 grid cells and 8 buildings; grid workers (or building leaders)
    knock on every door of their own cell (or building) in one minute each."""
    knocking = {
        "time_per_household": "1m",
        "walk_between_buildings": "0s",
        "nobody_home": 0.0,
        "cohorts": "all",
    }
    data = _warning_scenario(households=80, buildings=8, grid_cells=4, knocking=knocking)
    township = data["places"]["townships"][0]
    township["communities"].append(
        {**township["communities"][0], "id": "c2", "name": "Community c2"}
    )
    if leaders:
        role(data, "grid_worker").pop("warns_households")
        data["roles"].append(
            {
                "id": "building_leader",
                "name": "building leader",
                "level": "building",
                "decision_time": "1m",
                "warns_households": {"door_knocking": knocking},
            }
        )
        data["command"]["links"].append(
            {"from": "building_leader", "to": "grid_worker", "channel": "phone"}
        )
    plan(data)["warn"] = {"area": area, "coverage": 0.9}
    return data


def test_a_list_of_communities_warns_exactly_those_communities():
    trace = simulate_replication(build(_area_scenario(["c2"])), 0)
    coverage = warning_coverage(trace, "flood")
    assert coverage.households == {"smartphone": 40, "without_smartphone": 40}
    assert {b.community for b in trace.warnings} == {"c2"}
    both = warning_coverage(simulate_replication(build(_area_scenario(["c1", "c2"])), 0), "flood")
    assert both.households == {"smartphone": 80, "without_smartphone": 80}


def test_grid_cells_warn_only_their_households_and_only_their_grid_workers_are_called():
    trace = simulate_replication(
        build(_area_scenario([{"community": "c1", "grid_cells": [2, 4]}])), 0
    )
    coverage = warning_coverage(trace, "flood")
    # Cells 2 and 4 of 4 hold half of each cohort's list: 20 + 20 of 40 each.
    assert coverage.households == {"smartphone": 20, "without_smartphone": 20}
    assert coverage.reached == coverage.households
    knockers = {b.warner for b in trace.warnings}
    assert knockers == {"grid_worker@c1/grid2", "grid_worker@c1/grid4"}
    starts = sorted({(b.cohort, b.start) for b in trace.warnings})
    assert starts == [
        ("smartphone", 10),
        ("smartphone", 30),
        ("without_smartphone", 10),
        ("without_smartphone", 30),
    ]


def test_single_buildings_are_warned_by_their_own_building_leader():
    trace = simulate_replication(
        build(_area_scenario([{"community": "c1", "buildings": [3]}], leaders=True)), 0
    )
    coverage = warning_coverage(trace, "flood")
    assert coverage.households == {"smartphone": 5, "without_smartphone": 5}
    assert coverage.reached == coverage.households
    assert {b.warner for b in trace.warnings} == {"building_leader@c1/building3"}
    # Building 3 of 8 covers households [10, 15) of each 40-household cohort list.
    assert {(b.start, len(b.times)) for b in trace.warnings} == {(10, 5)}


def test_more_building_leaders_never_make_t90_later():
    knocking = {
        "time_per_household": {"lognormal": {"median": "3m", "p90": "6m"}},
        "walk_between_buildings": "1m",
        "nobody_home": 0.0,
    }
    base = _area_scenario("incident_community", leaders=True)
    role(base, "building_leader")["warns_households"] = {"door_knocking": knocking}
    base["places"]["townships"][0]["communities"][0]["share_without_smartphone"] = 1.0
    fewer = _t90(base)
    role(base, "building_leader")["staff"] = 2
    more = _t90(base)
    assert np.all(more <= fewer + 1e-9)
    assert np.median(more) < np.median(fewer)

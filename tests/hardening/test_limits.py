"""Limits: size, posts, horizon, people and households are bounded, at the boundary.

Each limit is tested on both sides: the largest allowed value loads (and, where cheap, runs),
one more is refused before anything is built, with a message naming the number to lower.
The hostile-file tests cover the far side (3 million grid cells, a 50 MB file, ...).
"""

from __future__ import annotations

import copy
import tracemalloc
from typing import Any

import pytest

from preparedness import simulate_replication
from preparedness.experiment.replicate import run_replication
from preparedness.scenario.check_limits import (
    MAX_HORIZON,
    MAX_POSTS,
    MAX_STAFF,
    MAX_WARNED_HOUSEHOLDS,
)
from preparedness.scenario.crosscheck import cross_check
from preparedness.scenario.models import Scenario
from preparedness.scenario.yaml_source import MAX_BYTES, MAX_DEPTH, MAX_NODES
from tests.builders import build, minimal_scenario, plan, role, township


def _problems(data: dict[str, Any]) -> list[tuple[tuple, str]]:
    return cross_check(Scenario.model_validate(copy.deepcopy(data)))


def test_the_limits_are_what_the_notes_and_the_issue_say() -> None:
    assert (MAX_BYTES, MAX_DEPTH, MAX_NODES) == (5_000_000, 64, 200_000)
    assert MAX_POSTS == 2_000_000
    assert MAX_HORIZON == 30 * 1440
    assert MAX_STAFF == 10_000
    assert MAX_WARNED_HOUSEHOLDS == 5_000_000


@pytest.mark.parametrize(("horizon", "ok"), [("30d", True), ("30d1s", False), ("720h", True)])
def test_horizon_is_bounded(horizon: str, ok: bool) -> None:
    problems = _problems(minimal_scenario(horizon=horizon))
    assert (problems == []) is ok
    if not ok:
        assert problems == [(("horizon",), "a run may last at most 30 days; lower horizon")]


@pytest.mark.parametrize(("cells", "ok"), [(MAX_POSTS - 10, True), (MAX_POSTS + 1, False)])
def test_grid_posts_are_bounded_and_built_lazily(cells: int, ok: bool) -> None:
    data = minimal_scenario()
    township(data)["communities"][0]["grid_cells"] = cells
    problems = _problems(data)
    if not ok:
        ((loc, message),) = problems
        assert loc == ("roles", 0, "level")
        assert "lower the communities' grid_cells" in message
        return
    assert problems == []
    # Allowed, and cheap: only the posts an incident touches are ever built.
    trace = simulate_replication(build(data), 0)
    assert len(trace.posts) < 20


@pytest.mark.parametrize(("buildings", "ok"), [(MAX_POSTS - 10, True), (MAX_POSTS, False)])
def test_building_posts_are_counted(buildings: int, ok: bool) -> None:
    data = minimal_scenario()
    township(data)["communities"][0]["buildings"] = buildings
    data["roles"].append(
        {
            "id": "building_leader",
            "name": "building leader",
            "level": "building",
            "decision_time": "1m",
        }
    )
    data["command"]["links"].append(
        {"from": "building_leader", "to": "grid_worker", "channel": "phone"}
    )
    problems = _problems(data)
    assert (problems == []) is ok, problems
    if not ok:
        assert "lower the communities' buildings" in problems[0][1]


def _ratio(population: int, per_1000: float) -> dict[str, Any]:
    data = minimal_scenario()
    township(data)["communities"][0].update(population=population, households=population // 3)
    role(data, "grid_worker")["per_1000_residents"] = per_1000
    return data


@pytest.mark.parametrize(("population", "ok"), [(1_000_000, True), (1_000_001, False)])
def test_staff_from_a_ratio_is_bounded(population: int, ok: bool) -> None:
    problems = _problems(_ratio(population, 10))  # 10 per 1,000: 10,000 people at 1 million
    assert (problems == []) is ok, problems
    if not ok:
        assert problems == [
            (
                ("roles", 0, "per_1000_residents"),
                "10 per 1,000 residents gives community 'c1' 10,001 grid_worker staff on one "
                "post; at most 10,000: lower per_1000_residents",
            )
        ]


def test_staff_from_a_community_override_points_at_the_override() -> None:
    data = _ratio(1_000_000, 1)
    township(data)["communities"][0]["staff_per_1000"] = {"grid_worker": 11}
    ((loc, message),) = _problems(data)
    assert loc == ("places", "townships", 0, "communities", 0, "staff_per_1000", "grid_worker")
    assert message.endswith("lower its staff_per_1000")


def _warning(households: int, area: str) -> dict[str, Any]:
    data = minimal_scenario()
    first = township(data)["communities"][0]
    first.update(population=households, households=households)
    data["channels"].append({"id": "wechat", "kind": "group_message"})
    role(data, "community_secretary")["warns_households"] = {"group_message": "wechat"}
    plan(data)["warn"] = {"area": area, "coverage": 0.9}
    return data


@pytest.mark.parametrize(
    ("households", "area", "ok"),
    [
        (MAX_WARNED_HOUSEHOLDS, "incident_community", True),
        (MAX_WARNED_HOUSEHOLDS + 1, "incident_community", False),
        (MAX_WARNED_HOUSEHOLDS + 1, "township", False),
    ],
)
def test_households_to_warn_are_bounded(households: int, area: str, ok: bool) -> None:
    problems = _problems(_warning(households, area))
    assert (problems == []) is ok, problems
    if not ok:
        ((loc, message),) = problems
        assert loc == ("plans", 0, "warn", "area")
        assert f"would warn {households:,} households" in message
        assert "lower the communities' households" in message
        assert ("warn the incident_community only" in message) is (area == "township")


def test_township_warning_counts_every_community_of_the_township() -> None:
    data = _warning(3_000_000, "township")
    township(data)["communities"].append(
        {"id": "c2", "name": "c2", "population": 2_500_000, "households": 2_500_000}
    )
    ((_loc, message),) = _problems(data)
    assert "would warn 5,500,000 households in township 't1'" in message
    plan(data)["warn"]["area"] = "incident_community"
    assert _problems(data) == []


def test_warning_memory_grows_about_100_bytes_per_household() -> None:
    """The figure behind MAX_WARNED_HOUSEHOLDS: a replication (simulation and coverage
    analysis) warning 1 million households peaks well under 200 bytes per household, so the
    limit of 5 million stays under about 1 GB per worker."""
    scenario = build(_warning(1_000_000, "incident_community"))
    tracemalloc.start()
    try:
        result = run_replication(scenario, 0, 1)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.milestones["flood"]  # the warning did happen
    assert 8 * 1_000_000 < peak < 200 * 1_000_000

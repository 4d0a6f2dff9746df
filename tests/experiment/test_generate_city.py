"""The city generator writes a valid scenario of the size asked for, and the engine runs it."""

from __future__ import annotations

import math

import pytest

from preparedness.experiment.replicate import run_replication
from preparedness.scenario.generate_city import CHENGDU, CitySize, city_scenario_text
from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import parse_yaml_text


def _load(text: str):
    return validate_document(parse_yaml_text(text, "city.yaml"))


def _communities(scenario):
    return [c for t in scenario.places.townships for c in t.communities]


def _grid_workers(scenario) -> int:
    role = scenario.role("grid_worker")
    return sum(
        max(
            1,
            math.ceil(
                c.population / 1000 * c.staff_per_1000.get("grid_worker", role.per_1000_residents)
            ),
        )
        for c in _communities(scenario)
    )


def test_the_default_city_is_chengdu_and_validates():
    scenario = _load(city_scenario_text())
    communities = _communities(scenario)
    assert len(communities) == CHENGDU.communities == 4351
    assert sum(c.population for c in communities) == 21_200_000
    assert sum(c.grid_cells for c in communities) == 15_329
    assert sum(c.buildings for c in communities) == 20_000
    assert _grid_workers(scenario) == 13_445  # exactly, as the engine staffs them
    assert len(scenario.places.townships) == 256
    # The engine runs it, building posts only where the incidents and warnings reach.
    result = run_replication(scenario, 0, scenario.seed)
    assert len(result.posts) < 200  # of 2 x 4,351 + 4 x 256 + 4 possible posts
    households = sum(sum(w["households"].values()) for w in result.warnings.values())
    assert 50_000 < households < 150_000  # three sub-districts, as cohorts


def test_an_unequal_city_spans_the_seed_004_range():
    scenario = _load(city_scenario_text(unequal=True, seed=4))
    sizes = [c.population for c in _communities(scenario)]
    assert min(sizes) == 1522 and max(sizes) == 150_400
    assert sum(sizes) == 21_200_000
    assert _grid_workers(scenario) == 13_445
    ratios = {c.id: c.staff_per_1000["grid_worker"] for c in _communities(scenario)}
    smallest = min(_communities(scenario), key=lambda c: c.population)
    largest = max(_communities(scenario), key=lambda c: c.population)
    assert ratios[smallest.id] > ratios[largest.id]  # small communities: more per 1,000


def test_the_same_seed_writes_the_same_file():
    small = CHENGDU.scaled(0.01)
    assert city_scenario_text(small, unequal=True, seed=9) == city_scenario_text(
        small, unequal=True, seed=9
    )
    assert city_scenario_text(small, unequal=True, seed=9) != city_scenario_text(
        small, unequal=True, seed=10
    )


@pytest.mark.parametrize("unequal", [False, True])
def test_one_percent_of_chengdu_runs_a_replication(unequal):
    size = CHENGDU.scaled(0.01)
    assert size == CitySize(44, 153, 134, 200, 212_000)
    scenario = _load(city_scenario_text(size, unequal=unequal))
    result = run_replication(scenario, 0, scenario.seed)
    assert set(result.milestones) == {"flood_largest", "flood_middle", "landslide_smallest"}
    for reached in result.milestones.values():
        assert "detected" in reached
    assert set(result.warnings) == set(result.milestones)  # every sub-district warned


def test_sizes_that_cannot_fill_every_community_are_refused():
    with pytest.raises(ValueError, match="grid workers .* must be at least the number"):
        city_scenario_text(CitySize(10, 10, 5, 10, 10_000))

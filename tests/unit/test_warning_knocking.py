"""Door-knocking's shared arrays: the same values as computing them afresh, and read-only."""

from __future__ import annotations

import numpy as np
import pytest

from preparedness.engine.warning import _buildings_walked, _walks
from preparedness.scenario.distributions import ConstantSpec, LogNormalSpec


@pytest.mark.parametrize(("count", "per_building"), [(1, 1.0), (14, 14.4), (100, 7.5), (37, 1.0)])
def test_building_index_is_the_floor_of_household_over_households_per_building(
    count: int, per_building: float
) -> None:
    building_of, buildings = _buildings_walked(count, per_building)
    expected = np.floor(np.arange(count) / per_building).astype(int)
    assert np.array_equal(building_of, expected)
    assert buildings == expected[-1] + 1
    with pytest.raises(ValueError):
        building_of[0] = 5  # shared between knockers: nobody may change it


def test_a_constant_walk_draws_nothing_and_sums_like_the_drawn_walk() -> None:
    rng = np.random.default_rng(8)
    before = rng.bit_generator.state
    walks = _walks(ConstantSpec(constant="90s"), rng, 6)
    assert rng.bit_generator.state == before
    assert np.array_equal(walks, np.full(6, 1.5).cumsum())
    with pytest.raises(ValueError):
        walks[0] = 0.0


def test_a_random_walk_is_drawn_from_the_knockers_stream_and_cumulated() -> None:
    walk = LogNormalSpec(lognormal={"median": "1m", "p90": "3m"})
    got = _walks(walk, np.random.default_rng(9), 5)
    expected = np.cumsum(walk.sample(np.random.default_rng(9), size=5))
    assert np.array_equal(got, expected)

"""Coverage's vectorised earliest-batch rule against the one-batch-at-a-time rule it replaced."""

from __future__ import annotations

import math

import numpy as np

from preparedness.analysis.coverage import _earliest, _stable_position
from preparedness.engine.trace import WarningBatch


def _one_by_one(batches: list[WarningBatch], count: int) -> tuple[np.ndarray, np.ndarray]:
    best = np.full(count, math.inf)
    source = np.full(count, -1, dtype=np.int64)
    for index, batch in enumerate(batches):
        times = np.asarray(batch.times, dtype=float)
        segment = slice(batch.start, batch.start + len(times))
        better = times < best[segment]
        best[segment] = np.where(better, times, best[segment])
        source[segment] = np.where(better, index, source[segment])
    return best, source


def _batch(start: int, times: list[float]) -> WarningBatch:
    return WarningBatch("i", "c", "smartphone", start, np.array(times), 0, "door_knocking", "p")


def test_ties_go_to_the_batch_recorded_first_and_inf_or_nan_reach_nobody() -> None:
    batches = [
        _batch(0, [5.0, math.inf, 3.0, math.nan]),
        _batch(1, [math.inf, 3.0, 2.0]),
        _batch(2, [3.0, math.nan]),
    ]
    best, source = _earliest(batches, [0, 1, 2], 5)
    assert best.tolist() == [5.0, math.inf, 3.0, 2.0, math.inf]
    assert source.tolist() == [0, -1, 0, 1, -1]


def test_overlapping_batches_with_many_ties_match_the_one_by_one_rule() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        count = int(rng.integers(1, 40))
        batches = []
        for _ in range(int(rng.integers(0, 8))):
            start = int(rng.integers(0, count))
            length = int(rng.integers(1, count - start + 1))
            times = rng.integers(0, 5, length).astype(float)
            times[rng.random(length) < 0.2] = math.inf
            batches.append(_batch(start, times.tolist()))
        best, source = _earliest(batches, list(range(len(batches))), count)
        expected_best, expected_source = _one_by_one(batches, count)
        assert np.array_equal(best, expected_best)
        assert np.array_equal(source, expected_source)


def test_stable_position_is_the_stable_argsort_at_that_rank() -> None:
    rng = np.random.default_rng(4)
    for _ in range(50):
        times = rng.integers(0, 6, int(rng.integers(1, 30))).astype(float)
        times[rng.random(len(times)) < 0.2] = math.inf
        ordered = np.sort(times)
        order = np.argsort(times, kind="stable")
        for rank in range(len(times)):
            if math.isfinite(ordered[rank]):
                assert _stable_position(times, ordered, rank) == order[rank]

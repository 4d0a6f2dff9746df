"""Collection tuned for a replication: thresholds raised and objects frozen, then restored."""

from __future__ import annotations

import gc

from preparedness.engine.collector import THRESHOLDS, tuned_collection


def test_thresholds_and_frozen_objects_are_restored_after_nested_use() -> None:
    before = gc.get_threshold()
    with tuned_collection():
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
        with tuned_collection():
            assert gc.get_threshold() == THRESHOLDS
        assert gc.get_threshold() == THRESHOLDS  # the outer replication still runs
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_during_a_replication_are_still_collected() -> None:
    with tuned_collection():
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1

"""Loading pauses the cyclic garbage collector and leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from preparedness.scenario.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner pause must not switch it back on"
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_it_is_switched_back_on_when_loading_fails() -> None:
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("bad scenario")
    assert gc.isenabled()


def test_objects_built_meanwhile_are_old_and_still_collected() -> None:
    with paused_gc():
        kept = [[] for _ in range(1000)]
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
    assert gc.get_count()[0] < 1000, "the young generation was handed on, not left full"
    assert gc.collect() >= 1, "the cycle made during the pause is still collected"
    assert len(kept) == 1000


def test_objects_frozen_by_someone_else_stay_frozen() -> None:
    gc.freeze()
    try:
        with paused_gc():
            pass
        assert gc.get_freeze_count() > 0, "unfreezing would have emptied the frozen objects"
    finally:
        gc.unfreeze()

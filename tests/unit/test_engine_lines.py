"""Giving a line back: no kernel event when nobody waits, SimPy's release when someone does."""

from __future__ import annotations

import simpy

from preparedness.engine.world import free_line


def test_a_line_nobody_waits_for_is_freed_without_an_event() -> None:
    env = simpy.Environment()
    lines = simpy.Resource(env, capacity=1)
    held = lines.request()
    env.run()
    scheduled = len(env._queue)
    free_line(lines, held)
    assert lines.count == 0
    assert len(env._queue) == scheduled
    again = lines.request()
    assert again.triggered  # the next caller finds the line free at once


def test_a_queued_request_gets_the_line_when_it_is_given_back() -> None:
    env = simpy.Environment()
    lines = simpy.Resource(env, capacity=1)
    log: list[tuple[str, float]] = []

    def user(name: str, hold: float):
        request = lines.request()
        yield request
        log.append((name, env.now))
        yield env.timeout(hold)
        free_line(lines, request)

    env.process(user("first", 2.0))
    env.process(user("second", 1.0))
    env.run()
    assert log == [("first", 0.0), ("second", 2.0)]
    assert lines.count == 0

"""Workload read off hand-made traces (no SimPy): utilisation, time callers held, attempts."""

from __future__ import annotations

import pytest

from preparedness.analysis.workload import link_loads, post_loads
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import PostInfo, Trace

DESK = PostInfo("desk@t1", "desk", "Duty desk", "township", "t1", 2)
SEC = PostInfo("sec@c1", "sec", "Secretary", "community", "c1", 1)
IDLE = PostInfo("idle@t1", "idle", "Idle", "township", "t1", 3)


def _trace(horizon: float = 10.0) -> Trace:
    return Trace(posts={p.id: p for p in (DESK, SEC, IDLE)}, horizon=horizon)


def test_utilisation_with_two_staff_is_person_minutes_over_staffed_minutes() -> None:
    trace = _trace()
    trace.emit(0.0, K.LINE_SEIZED, "A", "desk@t1", cause=0)
    trace.emit(1.0, K.LINE_SEIZED, "A", "desk@t1", cause=0)
    trace.emit(3.0, K.LINE_RELEASED, "A", "desk@t1")
    trace.emit(4.0, K.LINE_RELEASED, "A", "desk@t1")

    load = post_loads(trace)["desk@t1"]

    # One line 0-1, two lines 1-3, one line 3-4: 1 + 4 + 1 = 6 person-minutes of 2 x 10.
    assert load.staff == 2
    assert load.busy == 6.0
    assert load.utilisation == pytest.approx(0.3, abs=1e-12)


def test_lines_still_in_use_count_until_the_horizon() -> None:
    trace = _trace(horizon=10.0)
    trace.emit(6.0, K.LINE_SEIZED, "A", "sec@c1", cause=0)
    trace.emit(8.0, K.LINE_SEIZED, "A", "desk@t1", cause=0)
    trace.emit(8.0, K.LINE_SEIZED, "A", "desk@t1", cause=0)

    loads = post_loads(trace)

    assert loads["sec@c1"].busy == 4.0
    assert loads["sec@c1"].utilisation == pytest.approx(0.4, abs=1e-12)
    assert loads["desk@t1"].busy == 4.0  # two lines for the last 2 minutes
    assert loads["desk@t1"].utilisation == pytest.approx(0.2, abs=1e-12)


def test_a_post_that_never_worked_has_zero_load() -> None:
    trace = _trace()

    load = post_loads(trace)["idle@t1"]

    assert (load.staff, load.calls, load.time_held, load.busy, load.utilisation) == (
        3,
        0,
        0.0,
        0.0,
        0.0,
    )


def test_time_held_sums_waits_until_connected_or_abandoned_at_the_callee() -> None:
    trace = _trace(horizon=30.0)
    first = trace.emit(2.0, K.CALL_DIALLED, "A", "sec@c1", "desk@t1", cause=0, channel="phone")
    trace.emit(5.0, K.CALL_CONNECTED, "A", "sec@c1", "desk@t1", cause=first, channel="phone")
    answered = trace.emit(
        5.25, K.CALL_ANSWERED, "A", "sec@c1", "desk@t1", cause=first, channel="phone"
    )
    trace.emit(
        7.25,
        K.MESSAGE_DELIVERED,
        "A",
        "sec@c1",
        "desk@t1",
        cause=answered,
        channel="phone",
        info="report",
    )
    second = trace.emit(8.0, K.CALL_DIALLED, "B", "sec@c1", "desk@t1", cause=0, channel="phone")
    trace.emit(9.5, K.CALL_ABANDONED, "B", "sec@c1", "desk@t1", cause=second, channel="phone")
    third = trace.emit(10.0, K.CALL_DIALLED, "B", "sec@c1", "desk@t1", cause=0, channel="phone")
    trace.emit(10.0, K.CALL_BUSY, "B", "sec@c1", "desk@t1", cause=third, channel="phone")

    loads = post_loads(trace)

    assert loads["desk@t1"].time_held == 3.0 + 1.5  # the busy tone is not a hold
    assert loads["sec@c1"].time_held == 0.0  # held time belongs to the callee
    assert loads["sec@c1"].calls == 3  # attempts made
    assert loads["desk@t1"].calls == 1  # calls answered


def test_link_loads_count_attempts_and_each_kind_of_failure() -> None:
    trace = _trace(horizon=100.0)
    for minute, outcome in (
        (1.0, K.CALL_UNANSWERED),
        (3.0, K.CALL_FAILED),
        (5.0, K.CALL_ABANDONED),
        (7.0, K.CALL_BUSY),
        (9.0, None),
    ):
        dialled = trace.emit(
            minute, K.CALL_DIALLED, "A", "sec@c1", "desk@t1", cause=0, channel="phone"
        )
        if outcome is not None:
            trace.emit(
                minute + 0.5, outcome, "A", "sec@c1", "desk@t1", cause=dialled, channel="phone"
            )
    posted = trace.emit(20.0, K.MESSAGE_POSTED, "A", "sec@c1", "desk@t1", cause=0, channel="wechat")
    trace.emit(
        50.0, K.MESSAGE_UNCONFIRMED, "A", "sec@c1", "desk@t1", cause=posted, channel="wechat"
    )
    trace.emit(60.0, K.CALL_DIALLED, "A", "desk@t1", "sec@c1", cause=0, channel="phone")

    loads = link_loads(trace)

    assert set(loads) == {
        ("sec@c1", "desk@t1", "phone"),
        ("sec@c1", "desk@t1", "wechat"),
        ("desk@t1", "sec@c1", "phone"),
    }
    phone = loads[("sec@c1", "desk@t1", "phone")]
    assert (phone.attempts, phone.failures) == (5, 4)
    wechat = loads[("sec@c1", "desk@t1", "wechat")]
    assert (wechat.attempts, wechat.failures) == (1, 1)
    back = loads[("desk@t1", "sec@c1", "phone")]
    assert (back.attempts, back.failures) == (1, 0)

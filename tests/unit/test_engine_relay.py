"""Micro-stories of the phone relay: who heard what when, with every delay a constant.

Times are computed by hand from ``CONSTANTS``: detection D = 5, decision d = 1, ring g = 0.25
(15 s), talk t = 2, so one answered phone hop takes g + t = 2.25 minutes.
"""

from __future__ import annotations

from preparedness import simulate_replication
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.trace import EventKind as K
from tests.builders import (
    CONSTANTS,
    NIGHT_START,
    build,
    minimal_scenario,
    role,
    story,
)

D = CONSTANTS["detection"]
d = CONSTANTS["decision"]
g = CONSTANTS["ring"]
t = CONSTANTS["talk"]

GRID = "grid_worker@c1/grid1"
SEC = "community_secretary@c1"
DUTY = "township_duty_officer@t1"
HEAD = "township_head@t1"
OFFICE = "district_office@district"

KEY = (
    K.INCIDENT_STARTED,
    K.INCIDENT_DETECTED,
    K.TASK_STARTED,
    K.DECISION_MADE,
    K.CALL_DIALLED,
    K.CALL_ANSWERED,
    K.MESSAGE_DELIVERED,
    K.PLAN_ACTIVATED,
)


def _until(rows, kind: str):
    """Rows up to and including the first row of ``kind``."""
    index = next(i for i, row in enumerate(rows) if row[0] == kind)
    return rows[: index + 1]


def test_three_hop_phone_relay_exact_times() -> None:
    trace = simulate_replication(build(minimal_scenario()), 0)

    rows = _until(story(trace, KEY), "plan_activated")

    assert rows == [
        ("incident_started", None, None, 0.0),
        ("incident_detected", GRID, None, D),
        ("task_started", GRID, None, D),
        ("decision_made", GRID, None, D + d),  # 6
        ("call_dialled", GRID, SEC, D + d),
        ("call_answered", GRID, SEC, D + d + g),  # 6.25
        ("message_delivered", GRID, SEC, D + d + g + t),  # 8.25
        ("task_started", SEC, None, D + d + g + t),
        ("decision_made", SEC, None, D + 2 * d + g + t),  # 9.25
        ("call_dialled", SEC, DUTY, D + 2 * d + g + t),
        ("call_answered", SEC, DUTY, D + 2 * d + 2 * g + t),  # 9.5
        ("message_delivered", SEC, DUTY, D + 2 * d + 2 * (g + t)),  # 11.5
        ("task_started", DUTY, None, D + 2 * d + 2 * (g + t)),
        ("decision_made", DUTY, None, D + 3 * d + 2 * (g + t)),  # 12.5
        ("call_dialled", DUTY, HEAD, D + 3 * d + 2 * (g + t)),
        ("call_answered", DUTY, HEAD, D + 3 * d + 3 * g + 2 * t),  # 12.75
        ("message_delivered", DUTY, HEAD, D + 3 * d + 3 * (g + t)),  # 14.75
        ("task_started", HEAD, None, D + 3 * d + 3 * (g + t)),
        ("decision_made", HEAD, None, D + 4 * d + 3 * (g + t)),  # 15.75
        ("plan_activated", HEAD, None, D + 4 * d + 3 * (g + t)),
    ]
    assert rows[-1][3] == 15.75  # the same sum, written out once


def test_relay_milestones_are_first_deliveries_per_level() -> None:
    trace = simulate_replication(build(minimal_scenario()), 0)

    reached = {key: r.time for key, r in milestone_times(trace)["flood"].items()}

    assert reached["detected"] == D
    assert reached["report:community"] == D + d + (g + t)
    assert reached["report:township"] == D + 2 * d + 2 * (g + t)
    assert reached["plan_activated"] == D + 4 * d + 3 * (g + t)
    assert reached["report:district"] == D + 4 * d + 4 * (g + t)


def test_siloed_order_holds_while_the_district_office_decides_on_the_report() -> None:
    # The head reports (delivered at 18.0) and then phones the order to the same office,
    # which has just taken its only line to decide on the report: the order call holds
    # exactly one decision time.
    trace = simulate_replication(build(minimal_scenario()), 0)

    rows = story(
        trace, (K.CALL_DIALLED, K.CALL_CONNECTED, K.CALL_ANSWERED, K.MESSAGE_DELIVERED), actor=HEAD
    )

    reported = D + 4 * d + 4 * (g + t)  # 18.0
    assert rows[-4:] == [
        ("call_dialled", HEAD, OFFICE, reported),
        ("call_connected", HEAD, OFFICE, reported + d),  # 19.0
        ("call_answered", HEAD, OFFICE, reported + d + g),
        ("message_delivered", HEAD, OFFICE, reported + d + g + t),  # 21.25
    ]


def _decision_minutes(trace, actor: str) -> float:
    """From the actor's first task start to the decision it led to (following causes)."""
    started = next(e for e in trace.events if e.kind is K.TASK_STARTED and e.actor == actor)
    decided = next(e for e in trace.events if e.kind is K.DECISION_MADE and e.actor == actor)
    assert started.id in [e.id for e in trace.path_to(decided.id)]
    return decided.time - started.time


def test_night_decision_time_is_used_at_night() -> None:
    data = minimal_scenario(start=NIGHT_START)  # 02:00, inside the default 22:00-06:00 night
    role(data, "community_secretary")["decision_time"] = {"day": "1m", "night": "7m"}

    trace = simulate_replication(build(data), 0)

    assert _decision_minutes(trace, SEC) == 7.0
    assert _decision_minutes(trace, GRID) == d


def test_day_decision_time_is_used_by_day() -> None:
    data = minimal_scenario()  # 10:00
    role(data, "community_secretary")["decision_time"] = {"day": "1m", "night": "7m"}

    trace = simulate_replication(build(data), 0)

    assert _decision_minutes(trace, SEC) == 1.0


def test_night_answer_probability_is_used_at_night() -> None:
    data = minimal_scenario(start=NIGHT_START)
    data["channels"][0]["answer_probability"] = {"day": 1.0, "night": 0.0}

    trace = simulate_replication(build(data), 0)

    rows = story(
        trace, (K.CALL_DIALLED, K.CALL_UNANSWERED, K.RETRY_DUE, K.MESSAGE_LOST), actor=GRID
    )
    w, r = CONSTANTS["no_answer"], CONSTANTS["retry"]
    start = D + d
    assert rows == [
        ("call_dialled", GRID, SEC, start),
        ("call_unanswered", GRID, SEC, start + w),
        ("retry_due", GRID, SEC, start + w + r),
        ("call_dialled", GRID, SEC, start + w + r),
        ("call_unanswered", GRID, SEC, start + 2 * w + r),
        ("retry_due", GRID, SEC, start + 2 * (w + r)),
        ("call_dialled", GRID, SEC, start + 2 * (w + r)),
        ("call_unanswered", GRID, SEC, start + 3 * w + 2 * r),
        ("message_lost", GRID, SEC, start + 3 * w + 2 * r),
    ]


def _off_duty_secretary(**off_duty) -> dict:
    data = minimal_scenario(start=NIGHT_START)
    sec = role(data, "community_secretary")
    sec["on_duty"] = [{"from": "08:30", "to": "17:30"}]
    sec["off_duty"] = off_duty
    return data


def test_off_duty_adds_the_response_delay_to_the_decision() -> None:
    data = _off_duty_secretary(answer_factor=1.0, response_delay="20m")

    trace = simulate_replication(build(data), 0)

    assert _decision_minutes(trace, SEC) == d + 20.0
    assert _decision_minutes(trace, GRID) == d  # always on duty


def test_on_shift_there_is_no_response_delay() -> None:
    data = _off_duty_secretary(answer_factor=1.0, response_delay="20m")
    data["start"] = "2026-07-14T09:00:00+08:00"  # inside the 08:30-17:30 shift

    trace = simulate_replication(build(data), 0)

    assert _decision_minutes(trace, SEC) == d


def test_off_duty_answer_factor_scales_the_answer_probability() -> None:
    data = _off_duty_secretary(answer_factor=0.0, response_delay="20m")

    trace = simulate_replication(build(data), 0)

    kinds = [e.kind for e in trace.events if e.actor == GRID and e.subject == SEC]
    assert kinds.count(K.CALL_UNANSWERED) == 3  # max_attempts, each unanswered
    assert K.CALL_ANSWERED not in kinds
    assert "report:community" not in milestone_times(trace)["flood"]

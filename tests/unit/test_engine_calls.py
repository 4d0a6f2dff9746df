"""Micro-stories of one phone call: no answer, retry, fallback, a busy callee, a dead line.

Constants (``tests.builders.CONSTANTS``): decision d = 1, ring g = 0.25, talk t = 2,
no-answer timeout w = 0.5, retry interval r = 1, hold patience 3; the grid worker notices
the incident at D = 5 and decides by 6, so its first call is dialled at 6.
"""

from __future__ import annotations

from preparedness import simulate_replication
from preparedness.analysis.milestones import milestone_times
from preparedness.analysis.workload import link_loads, post_loads
from preparedness.engine.trace import EventKind as K
from tests.builders import (
    CONSTANTS,
    add_phone,
    build,
    community,
    first,
    incident,
    link,
    minimal_scenario,
    plan,
    role,
    story,
    township,
)

D = CONSTANTS["detection"]
d = CONSTANTS["decision"]
g = CONSTANTS["ring"]
t = CONSTANTS["talk"]
w = CONSTANTS["no_answer"]
r = CONSTANTS["retry"]

GRID = "grid_worker@c1/grid1"
SEC = "community_secretary@c1"
SEC2 = "community_secretary@c2"
DUTY = "township_duty_officer@t1"

CALL_KINDS = (
    K.CALL_DIALLED,
    K.CALL_CONNECTED,
    K.CALL_BUSY,
    K.CALL_ABANDONED,
    K.CALL_ANSWERED,
    K.CALL_UNANSWERED,
    K.CALL_FAILED,
    K.RETRY_DUE,
    K.FALLBACK,
    K.MESSAGE_DELIVERED,
    K.MESSAGE_LOST,
)


def _dead_mobile(*, fallback: bool, **mobile) -> dict:
    """Grid worker -> secretary runs over 'mobile' (never answered, 2 attempts)."""
    data = minimal_scenario()
    add_phone(data, "mobile", answer_probability=0.0, max_attempts=2, **mobile)
    link(data, "grid_worker")["channel"] = "mobile"
    if fallback:
        add_phone(data, "backup")
        role(data, "grid_worker")["fallback"] = ["backup"]
    return data


def test_unanswered_attempt_is_retried_then_falls_back() -> None:
    trace = simulate_replication(build(_dead_mobile(fallback=True)), 0)

    rows = [row for row in story(trace, CALL_KINDS, actor=GRID)]
    start = D + d
    assert rows == [
        ("call_dialled", GRID, SEC, start),
        ("call_unanswered", GRID, SEC, start + w),
        ("retry_due", GRID, SEC, start + w + r),
        ("call_dialled", GRID, SEC, start + w + r),
        ("call_unanswered", GRID, SEC, start + 2 * w + r),
        ("fallback", GRID, SEC, start + 2 * w + r),  # 8.0: no retry after the last attempt
        ("call_dialled", GRID, SEC, start + 2 * w + r),
        ("call_answered", GRID, SEC, start + 2 * w + r + g),
        ("message_delivered", GRID, SEC, start + 2 * w + r + g + t),  # 10.25
    ]
    channels = [e.channel for e in trace.events if e.actor == GRID and e.kind in CALL_KINDS]
    assert channels == ["mobile"] * 5 + ["backup"] * 4
    assert milestone_times(trace)["flood"]["report:community"].time == 10.25


def test_fallback_event_is_caused_by_the_last_failure() -> None:
    trace = simulate_replication(build(_dead_mobile(fallback=True)), 0)

    fallback = first(trace, K.FALLBACK)
    assert trace[fallback.cause].kind is K.CALL_UNANSWERED
    assert trace[fallback.cause].time == fallback.time


def test_without_fallback_the_message_is_lost_and_never_delivered() -> None:
    trace = simulate_replication(build(_dead_mobile(fallback=False)), 0)

    lost = first(trace, K.MESSAGE_LOST)
    assert (lost.actor, lost.subject, lost.time) == (GRID, SEC, D + d + 2 * w + r)
    assert not any(e.kind is K.MESSAGE_DELIVERED for e in trace.events)
    reached = milestone_times(trace)["flood"]
    assert set(reached) == {"detected", "report:grid"}


def test_link_loads_count_attempts_and_failures_per_channel() -> None:
    trace = simulate_replication(build(_dead_mobile(fallback=True)), 0)

    loads = link_loads(trace)

    assert (loads[(GRID, SEC, "mobile")].attempts, loads[(GRID, SEC, "mobile")].failures) == (2, 2)
    assert (loads[(GRID, SEC, "backup")].attempts, loads[(GRID, SEC, "backup")].failures) == (1, 0)


def test_a_dead_channel_fails_each_attempt_after_the_timeout() -> None:
    data = minimal_scenario()
    add_phone(data, "mobile", failure_probability=1.0, max_attempts=2)
    link(data, "grid_worker")["channel"] = "mobile"

    trace = simulate_replication(build(data), 0)

    start = D + d
    assert story(trace, CALL_KINDS, actor=GRID) == [
        ("call_dialled", GRID, SEC, start),
        ("call_failed", GRID, SEC, start + w),
        ("retry_due", GRID, SEC, start + w + r),
        ("call_dialled", GRID, SEC, start + w + r),
        ("call_failed", GRID, SEC, start + 2 * w + r),
        ("message_lost", GRID, SEC, start + 2 * w + r),
    ]


# --- a callee busy with another incident's call ---------------------------------------------


def _two_communities(second_detection: str, **duty) -> dict:
    """Incident A in c1 (noticed at 5) and B in c2; both secretaries phone the duty officer.

    The report stops at the township, so the duty officer's only work is these two calls and
    one decision each. A's secretary dials at D + d + (g + t) + d = 9.25 and talks till 11.5.
    """
    data = minimal_scenario()
    township(data)["communities"].append(community("c2"))
    data["incidents"] = [incident("A", "c1"), incident("B", "c2", detection_delay=second_detection)]
    plan(data)["report_up_to"] = "township"
    role(data, "township_duty_officer").update(duty)
    return data


A_DIALS = D + 2 * d + (g + t)  # 9.25
A_ENDS = A_DIALS + g + t  # 11.5
B_DIALS = 10.75  # B noticed at 6.5, so 6.5 + d + (g + t) + d


def test_caller_holds_until_the_callee_hangs_up() -> None:
    trace = simulate_replication(build(_two_communities("6m30s")), 0)

    rows = story(trace, CALL_KINDS, actor=SEC2)
    assert rows == [
        ("call_dialled", SEC2, DUTY, B_DIALS),
        ("call_connected", SEC2, DUTY, A_ENDS),  # held 0.75 minutes
        ("call_answered", SEC2, DUTY, A_ENDS + g),
        ("message_delivered", SEC2, DUTY, A_ENDS + g + t),  # 13.75
    ]
    connected = first(trace, K.CALL_CONNECTED)
    assert trace[connected.cause].kind is K.CALL_DIALLED
    assert post_loads(trace)[DUTY].time_held == A_ENDS - B_DIALS


def test_held_call_is_taken_before_the_duty_officer_decides_on_the_first() -> None:
    # B's call was queued for the line at 10.75, before A's decision asked for it at 11.5:
    # one line, first come first served.
    trace = simulate_replication(build(_two_communities("6m30s")), 0)

    tasks = story(trace, (K.TASK_STARTED, K.DECISION_MADE), actor=DUTY)
    b_delivered = A_ENDS + g + t  # 13.75
    assert tasks == [
        ("task_started", DUTY, None, b_delivered),  # A's decision, after B's call
        ("decision_made", DUTY, None, b_delivered + d),
        ("task_started", DUTY, None, b_delivered + d),  # B's decision, after A's
        ("decision_made", DUTY, None, b_delivered + 2 * d),
    ]
    assert [e.incident for e in trace.events if e.kind is K.DECISION_MADE and e.actor == DUTY] == [
        "A",
        "B",
    ]


def test_call_back_gives_a_busy_tone_and_the_caller_retries() -> None:
    trace = simulate_replication(build(_two_communities("6m30s", when_busy="call_back")), 0)

    rows = story(trace, CALL_KINDS, actor=SEC2)
    assert rows == [
        ("call_dialled", SEC2, DUTY, B_DIALS),
        ("call_busy", SEC2, DUTY, B_DIALS),  # A's call still on the line
        ("retry_due", SEC2, DUTY, B_DIALS + r),
        ("call_dialled", SEC2, DUTY, B_DIALS + r),
        ("call_busy", SEC2, DUTY, B_DIALS + r),  # 11.75: deciding on A until 12.5
        ("retry_due", SEC2, DUTY, B_DIALS + 2 * r),
        ("call_dialled", SEC2, DUTY, B_DIALS + 2 * r),  # 12.75: free
        ("call_answered", SEC2, DUTY, B_DIALS + 2 * r + g),
        ("message_delivered", SEC2, DUTY, B_DIALS + 2 * r + g + t),  # 15.0
    ]
    assert post_loads(trace)[DUTY].time_held == 0.0


def test_caller_abandons_after_hold_patience_then_retries() -> None:
    data = _two_communities("6m30s")
    data["channels"][0]["hold_patience"] = "30s"

    trace = simulate_replication(build(data), 0)

    rows = story(trace, CALL_KINDS, actor=SEC2)
    assert rows == [
        ("call_dialled", SEC2, DUTY, B_DIALS),
        ("call_abandoned", SEC2, DUTY, B_DIALS + 0.5),  # 11.25
        ("retry_due", SEC2, DUTY, B_DIALS + 0.5 + r),  # 12.25, duty officer deciding on A
        ("call_dialled", SEC2, DUTY, B_DIALS + 0.5 + r),
        ("call_connected", SEC2, DUTY, A_ENDS + d),  # 12.5, A decided
        ("call_answered", SEC2, DUTY, A_ENDS + d + g),
        ("message_delivered", SEC2, DUTY, A_ENDS + d + g + t),
    ]
    # Held 0.5 before abandoning, then 0.25 on the second attempt.
    assert post_loads(trace)[DUTY].time_held == 0.75


def test_a_second_line_means_nobody_holds() -> None:
    trace = simulate_replication(build(_two_communities("6m30s", staff=2)), 0)

    rows = story(trace, CALL_KINDS, actor=SEC2)
    assert rows == [
        ("call_dialled", SEC2, DUTY, B_DIALS),
        ("call_answered", SEC2, DUTY, B_DIALS + g),
        ("message_delivered", SEC2, DUTY, B_DIALS + g + t),
    ]
    assert post_loads(trace)[DUTY].time_held == 0.0


def test_overlapping_incidents_compete_for_the_duty_officer() -> None:
    # Both noticed at 5: both secretaries dial the one duty officer at 9.25. One gets
    # through; the other holds for exactly the first call's ring and talk.
    trace = simulate_replication(build(_two_communities("5m")), 0)

    dials = {e.incident: e for e in trace.events if e.kind is K.CALL_DIALLED and e.subject == DUTY}
    assert {e.time for e in dials.values()} == {A_DIALS}
    connected = {
        trace[e.cause].incident: e.time - trace[e.cause].time
        for e in trace.events
        if e.kind is K.CALL_CONNECTED
    }
    assert list(connected.values()) == [g + t]  # exactly one caller held, for 2.25
    waited = next(iter(connected))
    other = ({"A", "B"} - {waited}).pop()
    reached = milestone_times(trace)
    assert reached[other]["report:township"].time == A_DIALS + g + t  # 11.5
    assert reached[waited]["report:township"].time == A_DIALS + 2 * (g + t)  # 13.75
    assert post_loads(trace)[DUTY].time_held == g + t


def test_overlapping_incidents_do_not_wait_with_two_duty_officers() -> None:
    trace = simulate_replication(build(_two_communities("5m", staff=2)), 0)

    reached = milestone_times(trace)
    assert reached["A"]["report:township"].time == A_DIALS + g + t
    assert reached["B"]["report:township"].time == A_DIALS + g + t
    assert not any(e.kind is K.CALL_CONNECTED for e in trace.events)


def test_a_shift_handover_holds_callers_until_it_is_over() -> None:
    # The community secretary's shift starts at 10:02 with a 5-minute handover; the grid
    # worker's call (dialled at 10:06 = detection 5 + decision 1) waits until 10:07. The
    # post is built when first called, at 10:06, and joins the handover then.
    from preparedness.engine.run import simulate_replication
    from preparedness.engine.trace import EventKind
    from tests.builders import build, minimal_scenario, role

    data = minimal_scenario()
    role(data, "community_secretary").update(
        on_duty=[{"from": "10:02", "to": "18:00"}], handover="5m"
    )
    trace = simulate_replication(build(data), 0)
    handovers = [e for e in trace.events if e.kind is EventKind.SHIFT_HANDOVER]
    assert [(e.time, e.actor) for e in handovers] == [(6.0, "community_secretary@c1")]
    connected = next(e for e in trace.events if e.kind is EventKind.CALL_CONNECTED)
    assert connected.time == 7.0
    assert connected.subject == "community_secretary@c1"


def test_a_post_built_before_its_shift_starts_hands_over_at_the_shift_start() -> None:
    from preparedness.engine.run import simulate_replication
    from preparedness.engine.trace import EventKind
    from tests.builders import build, minimal_scenario, role

    data = minimal_scenario()
    role(data, "grid_worker").update(on_duty=[{"from": "10:03", "to": "18:00"}], handover="1m")
    trace = simulate_replication(build(data), 0)
    handovers = [(e.time, e.actor) for e in trace.events if e.kind is EventKind.SHIFT_HANDOVER]
    assert handovers == [(3.0, "grid_worker@c1/grid1")]

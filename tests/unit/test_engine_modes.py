"""Micro-stories of the three command modes: which route the police order takes, and when.

Constants: D = 5, d = 1, phone hop g + t = 2.25, radio talk 0.5 (no ring), centre activation
10 (day) / 40 (night), liaison decision 1, police report-in 10.
"""

from __future__ import annotations

from preparedness import simulate_replication
from preparedness.engine.trace import EventKind as K
from tests.builders import (
    CONSTANTS,
    NIGHT_START,
    build,
    community,
    first,
    incident,
    joint_centre,
    minimal_scenario,
    plan,
    story,
    township,
    whistle,
)

D = CONSTANTS["detection"]
d = CONSTANTS["decision"]
g = CONSTANTS["ring"]
t = CONSTANTS["talk"]
R = CONSTANTS["report_in"]
RADIO = CONSTANTS["radio_talk"]

SEC = "community_secretary@c1"
DUTY = "township_duty_officer@t1"
STATION = "police_station@t1"
LIAISON = "liaison_police@t1"

ORDER_KINDS = (
    K.WHISTLE_BLOWN,
    K.CENTRE_ACTIVATION_STARTED,
    K.CENTRE_ACTIVE,
    K.CALL_DIALLED,
    K.CALL_ANSWERED,
    K.MESSAGE_DELIVERED,
    K.DECISION_MADE,
    K.DEPARTMENT_ORDERED,
    K.DEPARTMENT_REPORTED_IN,
)


def _order_receivers(trace) -> list[str]:
    return [
        e.subject
        for e in trace.events
        if e.kind is K.MESSAGE_DELIVERED and e.info == "order:police"
    ]


def test_siloed_order_goes_up_to_the_district_and_down_the_police_chain() -> None:
    trace = simulate_replication(build(minimal_scenario()), 0)

    assert _order_receivers(trace) == [
        "district_office@district",
        "district_police@district",
        STATION,
    ]
    ordered = first(trace, K.DEPARTMENT_ORDERED)
    assert (ordered.actor, ordered.info, ordered.time) == (STATION, "police", 28.75)


def test_whistle_summons_the_police_station_directly() -> None:
    trace = simulate_replication(build(whistle(minimal_scenario())), 0)

    secretary_decides = D + 2 * d + (g + t)  # 9.25
    rows = [
        row
        for row in story(trace, ORDER_KINDS)
        if row[1] in (SEC, STATION) and row[3] >= secretary_decides
    ]
    assert rows[:9] == [
        ("decision_made", SEC, None, secretary_decides),
        ("whistle_blown", SEC, None, secretary_decides),
        ("call_dialled", SEC, STATION, secretary_decides),
        ("call_answered", SEC, STATION, secretary_decides + g),
        ("message_delivered", SEC, STATION, secretary_decides + g + t),  # 11.5
        # Only then does the secretary phone the report on to the township.
        ("call_dialled", SEC, DUTY, secretary_decides + g + t),
        ("call_answered", SEC, DUTY, secretary_decides + 2 * g + t),
        ("decision_made", STATION, None, secretary_decides + g + t + d),
        ("department_ordered", STATION, None, secretary_decides + g + t + d),  # 12.5
    ]
    assert _order_receivers(trace) == [STATION]
    reported = first(trace, K.DEPARTMENT_REPORTED_IN)
    assert reported.time == 12.5 + R
    assert trace[reported.cause].kind is K.DEPARTMENT_ORDERED


def test_whistle_is_blown_once_and_plan_activation_does_not_summon_again() -> None:
    trace = simulate_replication(build(whistle(minimal_scenario())), 0)

    assert [e.kind for e in trace.events].count(K.WHISTLE_BLOWN) == 1
    assert [e.kind for e in trace.events].count(K.DEPARTMENT_ORDERED) == 1
    assert any(e.kind is K.PLAN_ACTIVATED for e in trace.events)


def test_joint_centre_convenes_then_the_liaison_radios_the_station() -> None:
    trace = simulate_replication(build(joint_centre(minimal_scenario())), 0)

    duty_decides = D + 3 * d + 2 * (g + t)  # 12.5
    active = duty_decides + 10.0
    rows = [
        row
        for row in story(trace, ORDER_KINDS)
        if row[0]
        in (
            "centre_activation_started",
            "centre_active",
            "department_ordered",
            "department_reported_in",
        )
        or LIAISON in (row[1], row[2])
    ]
    assert rows == [
        ("centre_activation_started", None, None, duty_decides),
        ("centre_active", None, None, active),  # 22.5
        ("message_delivered", DUTY, LIAISON, active),  # every liaison hears at once
        ("decision_made", LIAISON, None, active + 1.0),
        ("call_dialled", LIAISON, STATION, active + 1.0),
        ("call_answered", LIAISON, STATION, active + 1.0),  # a radio does not ring
        ("message_delivered", LIAISON, STATION, active + 1.0 + RADIO),  # 24.0
        ("department_ordered", STATION, None, active + 1.0 + RADIO + d),  # 25.0
        ("department_reported_in", STATION, None, active + 1.0 + RADIO + d + R),
    ]
    started = first(trace, K.CENTRE_ACTIVATION_STARTED)
    assert trace[started.cause].kind is K.DECISION_MADE
    assert trace[started.cause].actor == DUTY
    assert _order_receivers(trace) == [LIAISON, STATION]


def test_joint_centre_takes_its_night_activation_time_at_night() -> None:
    data = joint_centre(
        minimal_scenario(start=NIGHT_START), activation_time={"day": "10m", "night": "40m"}
    )

    trace = simulate_replication(build(data), 0)

    started = first(trace, K.CENTRE_ACTIVATION_STARTED)
    active = first(trace, K.CENTRE_ACTIVE)
    assert (started.time, active.time) == (12.5, 12.5 + 40.0)


def test_overlapping_incidents_share_one_centre() -> None:
    # A (c1) and B (c2, noticed at 6.5) both reach the one duty officer, who decides on A at
    # 14.75 (after holding B's call) and on B at 15.75. The centre convenes once, for A;
    # B joins it when it is up, and B's chain records its own trigger.
    data = joint_centre(minimal_scenario())
    township(data)["communities"].append(community("c2"))
    data["incidents"] = [incident("A", "c1"), incident("B", "c2", detection_delay="6m30s")]
    plan(data)["report_up_to"] = "township"

    trace = simulate_replication(build(data), 0)

    starts = [e for e in trace.events if e.kind is K.CENTRE_ACTIVATION_STARTED]
    assert [(e.incident, e.time) for e in starts] == [("A", 14.75)]
    active = {e.incident: e for e in trace.events if e.kind is K.CENTRE_ACTIVE}
    assert active["A"].time == active["B"].time == 24.75
    joined_cause = trace[active["B"].cause]
    assert (joined_cause.kind, joined_cause.incident, joined_cause.actor, joined_cause.time) == (
        K.DECISION_MADE,
        "B",
        DUTY,
        15.75,
    )
    ordered = {e.incident for e in trace.events if e.kind is K.DEPARTMENT_ORDERED}
    assert ordered == {"A", "B"}

"""Micro-stories of asynchronous channels: a group post read after a delay, or followed up.

The grid worker reports over a WeChat-style group (writing 30 s, read receipt awaited for
30 min) and falls back to the phone. It decides at 6, so the post is up at 6.5; an unread
post is given up at 6.5 + 30 = 36.5, and a phone call then takes ring 0.25 + talk 2.
"""

from __future__ import annotations

from preparedness import simulate_replication
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.trace import EventKind as K
from tests.builders import build, first, link, minimal_scenario, role, story

GRID = "grid_worker@c1/grid1"
SEC = "community_secretary@c1"
KINDS = (
    K.MESSAGE_POSTED,
    K.MESSAGE_DELIVERED,
    K.MESSAGE_UNCONFIRMED,
    K.FALLBACK,
    K.CALL_DIALLED,
    K.CALL_ANSWERED,
    K.MESSAGE_LOST,
)
POSTED = 6.5
GIVEN_UP = POSTED + 30.0


def _group(read_delay: str, never_read_share: float, fallback: list[str]) -> dict:
    data = minimal_scenario()
    data["channels"].append(
        {
            "id": "wechat",
            "kind": "group_message",
            "post_time": "30s",
            "read_delay": read_delay,
            "never_read_share": never_read_share,
            "confirm_within": "30m",
        }
    )
    link(data, "grid_worker")["channel"] = "wechat"
    role(data, "grid_worker")["fallback"] = fallback
    return data


def test_a_post_read_in_time_is_delivered_after_the_read_delay() -> None:
    trace = simulate_replication(build(_group("4m", 0.0, ["phone"])), 0)

    assert story(trace, KINDS, actor=GRID) == [
        ("message_posted", GRID, SEC, POSTED),
        ("message_delivered", GRID, SEC, POSTED + 4.0),
    ]
    delivered = first(trace, K.MESSAGE_DELIVERED, actor=GRID)
    assert trace[delivered.cause].kind is K.MESSAGE_POSTED
    assert milestone_times(trace)["flood"]["report:community"].time == POSTED + 4.0


def test_the_writer_holds_a_line_only_while_writing() -> None:
    trace = simulate_replication(build(_group("4m", 0.0, ["phone"])), 0)

    lines = [
        (e.kind.value, e.time)
        for e in trace.events
        if e.actor == GRID and e.kind in (K.LINE_SEIZED, K.LINE_RELEASED)
    ]
    assert lines[-2:] == [("line_seized", 6.0), ("line_released", POSTED)]


def test_an_unread_post_is_followed_up_on_the_phone() -> None:
    trace = simulate_replication(build(_group("4m", 1.0, ["phone"])), 0)

    rows = [row for row in story(trace, KINDS, actor=GRID) if row[0] != "fallback"]
    assert rows == [
        ("message_posted", GRID, SEC, POSTED),
        ("message_unconfirmed", GRID, SEC, GIVEN_UP),
        ("call_dialled", GRID, SEC, GIVEN_UP),
        ("call_answered", GRID, SEC, GIVEN_UP + 0.25),
        ("message_delivered", GRID, SEC, GIVEN_UP + 2.25),
    ]
    assert milestone_times(trace)["flood"]["report:community"].time == GIVEN_UP + 2.25


def test_following_up_on_another_channel_is_recorded_as_a_fallback() -> None:
    # Switching channel after a failed one is a FALLBACK (EventKind docs; the synchronous path
    # records one), whether the failed channel was a call or an unconfirmed post.
    trace = simulate_replication(build(_group("4m", 1.0, ["phone"])), 0)

    unconfirmed = first(trace, K.MESSAGE_UNCONFIRMED)
    fallback = first(trace, K.FALLBACK)
    assert (fallback.actor, fallback.subject, fallback.time, fallback.channel) == (
        GRID,
        SEC,
        GIVEN_UP,
        "phone",
    )
    assert fallback.cause == unconfirmed.id
    dialled = first(trace, K.CALL_DIALLED, actor=GRID)
    assert dialled.cause == fallback.id


def test_a_late_read_after_the_follow_up_changes_nothing() -> None:
    # Read after 40 min: the phone follow-up delivered at 38.75, the post is read at 46.5,
    # and the secretary acts on the report once.
    trace = simulate_replication(build(_group("40m", 0.0, ["phone"])), 0)

    deliveries = [
        (e.channel, e.time)
        for e in trace.events
        if e.kind is K.MESSAGE_DELIVERED and e.actor == GRID
    ]
    assert deliveries == [("phone", GIVEN_UP + 2.25), ("wechat", POSTED + 40.0)]
    tasks = [e for e in trace.events if e.kind is K.TASK_STARTED and e.actor == SEC]
    assert len(tasks) == 1
    assert milestone_times(trace)["flood"]["report:community"].time == GIVEN_UP + 2.25


def test_an_unread_post_without_fallback_is_lost() -> None:
    trace = simulate_replication(build(_group("4m", 1.0, [])), 0)

    assert story(trace, KINDS, actor=GRID) == [
        ("message_posted", GRID, SEC, POSTED),
        ("message_unconfirmed", GRID, SEC, GIVEN_UP),
        ("message_lost", GRID, SEC, GIVEN_UP),
    ]
    assert "report:community" not in milestone_times(trace)["flood"]

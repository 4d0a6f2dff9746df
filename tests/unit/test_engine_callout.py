"""Micro-stories of call-outs: who called whom when, with every delay a constant.

The tree is a district ``desk`` (top-down: the activation order reaches it at D = 5 and it
activates the plan at 6) that calls community ``leader`` posts, who call their grid-level
``member`` posts. Decision d = 1, ring g = 0.25, talk t = 2, no-answer u = 0.5, retry 1.
The desk reaches the leader at 6 + g + t = 8.25; the leader decides and starts at T0 = 9.25.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import ValidationError

from preparedness import simulate_replication
from preparedness.analysis.callouts import callout_outcomes
from preparedness.engine.callout import REDIAL_POLICIES
from preparedness.engine.trace import EventKind as K
from preparedness.scenario.callouts import CallOut, RedialName
from preparedness.scenario.crosscheck import cross_check
from preparedness.scenario.models import Scenario
from tests.builders import add_phone, build, minimal_scenario, role, story, township

LEADER = "leader@c1"
DESK = "desk@district"
CALLS = (K.CALL_DIALLED, K.CALL_UNANSWERED, K.MESSAGE_DELIVERED, K.CONTACT_UNREACHED)


def calltree(*, members: int = 2, absentee: bool = False, **callout: Any) -> dict[str, Any]:
    """The tiny tree as a dict: desk -> leader@c1 -> member (and absentee) per grid cell."""
    data = minimal_scenario()
    township(data)["communities"][0]["grid_cells"] = members
    data["roles"] += [
        {
            "id": "desk",
            "name": "desk",
            "level": "district",
            "decision_time": "1m",
            "authority": {"activate_plans": ["calldown"]},
        },
        {"id": "leader", "name": "leader", "level": "community", "decision_time": "1m"},
        {"id": "member", "name": "member", "level": "grid", "decision_time": "1m"},
    ]
    links = data["command"]["links"]
    if absentee:
        data["roles"].append(
            {
                "id": "absentee",
                "name": "absentee",
                "level": "grid",
                "decision_time": "1m",
                "away_share": 1.0,
            }
        )
        links.append({"from": "absentee", "to": "leader", "channel": "phone"})
    links += [
        {"from": "member", "to": "leader", "channel": "phone"},
        {"from": "leader", "to": "desk", "channel": "phone"},
    ]
    data["plans"].append(
        {
            "id": "calldown",
            "name": "Call-down",
            "category": "public_health",
            "levels": ["IV"],
            "report_up_to": "district",
            "callout": callout,
        }
    )
    data["incidents"] = [
        {
            "id": "order",
            "name": "Order",
            "category": "public_health",
            "level": "IV",
            "at": "district",
            "detected_by": "desk",
            "detection_delay": "5m",
        }
    ]
    return data


def _calls(data: dict[str, Any], actor: str) -> list[tuple]:
    return story(simulate_replication(build(data), 0), CALLS, actor=actor)


def test_wait_and_redial_stalls_the_list_behind_an_absent_member() -> None:
    rows = _calls(calltree(members=1, absentee=True), LEADER)
    away, member = "absentee@c1/grid1", "member@c1/grid1"
    assert rows == [
        ("call_dialled", LEADER, away, 9.25),
        ("call_unanswered", LEADER, away, 9.75),
        ("call_dialled", LEADER, away, 10.75),  # after the 1-minute retry interval
        ("call_unanswered", LEADER, away, 11.25),
        ("call_dialled", LEADER, away, 12.25),
        ("call_unanswered", LEADER, away, 12.75),
        ("contact_unreached", LEADER, away, 12.75),
        ("call_dialled", LEADER, member, 12.75),
        ("message_delivered", LEADER, member, 15.0),
    ]


def test_pass_then_call_back_reaches_the_rest_first() -> None:
    data = calltree(
        members=1, absentee=True, redial="pass_then_call_back", passes=3, call_back_after="5m"
    )
    rows = _calls(data, LEADER)
    away, member = "absentee@c1/grid1", "member@c1/grid1"
    assert rows == [
        ("call_dialled", LEADER, away, 9.25),
        ("call_unanswered", LEADER, away, 9.75),
        ("call_dialled", LEADER, member, 9.75),
        ("message_delivered", LEADER, member, 12.0),
        ("call_dialled", LEADER, away, 17.0),  # pass 2, five minutes after pass 1 ended
        ("call_unanswered", LEADER, away, 17.5),
        ("call_dialled", LEADER, away, 22.5),  # pass 3
        ("call_unanswered", LEADER, away, 23.0),
        ("contact_unreached", LEADER, away, 23.0),
    ]


def _away_leader(**callout: Any) -> dict[str, Any]:
    data = calltree(members=2, **callout)
    role(data, "leader")["away_share"] = 1.0
    return data


def test_drop_loses_the_branch_of_an_unreached_leader() -> None:
    rows = _calls(_away_leader(), DESK)
    assert rows[-1] == ("contact_unreached", DESK, LEADER, 9.5)
    assert not [row for row in rows if row[0] == "message_delivered"]


def test_skip_level_has_the_caller_call_the_leaders_people() -> None:
    rows = _calls(_away_leader(unreached="skip_level"), DESK)
    assert rows[-5:] == [
        ("contact_unreached", DESK, LEADER, 9.5),  # three attempts: 6, 7.5, 9
        ("call_dialled", DESK, "member@c1/grid1", 9.5),
        ("message_delivered", DESK, "member@c1/grid1", 11.75),
        ("call_dialled", DESK, "member@c1/grid2", 11.75),
        ("message_delivered", DESK, "member@c1/grid2", 14.0),
    ]


def test_skip_level_with_a_backup_hands_the_list_to_the_deputy() -> None:
    data = _away_leader(unreached="skip_level", backup="deputy")
    data["roles"].append(
        {"id": "deputy", "name": "deputy", "level": "community", "decision_time": "1m"}
    )
    trace = simulate_replication(build(data), 0)
    assert story(trace, CALLS, actor="deputy@c1") == [
        ("call_dialled", "deputy@c1", "member@c1/grid1", 12.75),  # reached 11.75, decided
        ("message_delivered", "deputy@c1", "member@c1/grid1", 15.0),
        ("call_dialled", "deputy@c1", "member@c1/grid2", 15.0),
        ("message_delivered", "deputy@c1", "member@c1/grid2", 17.25),
    ]
    outcome = callout_outcomes(trace)["order"]
    assert (outcome.roster, outcome.reached) == (3, 2)  # the leader and two members


def _voicemail(data: dict[str, Any]) -> dict[str, Any]:
    add_phone(
        data,
        "vm",
        answer_probability=0.0,
        voicemail={"share": 1.0, "leave_time": "30s", "acts_after": "30m"},
    )
    for link in data["command"]["links"]:
        if link["from"] in ("member", "absentee"):
            link["channel"] = "vm"
    return data


def test_a_voicemail_is_acted_on_later_and_the_caller_moves_on() -> None:
    trace = simulate_replication(build(_voicemail(calltree(members=1))), 0)
    member = "member@c1/grid1"
    assert story(trace, (*CALLS, K.VOICEMAIL_LEFT, K.TASK_STARTED), actor=None)[-5:] == [
        ("call_dialled", LEADER, member, 9.25),
        ("call_unanswered", LEADER, member, 9.75),
        ("voicemail_left", LEADER, member, 10.25),
        ("message_delivered", LEADER, member, 40.25),  # heard 30 minutes later
        ("task_started", member, None, 40.25),
    ]


def test_nobody_away_hears_a_voicemail() -> None:
    trace = simulate_replication(build(_voicemail(calltree(members=1, absentee=True))), 0)
    delivered = {e.subject for e in trace.events if e.kind is K.MESSAGE_DELIVERED}
    assert "absentee@c1/grid1" not in delivered
    assert "member@c1/grid1" in delivered


def test_top_down_start_and_roster() -> None:
    trace = simulate_replication(build(calltree(members=3)), 0)
    assert story(trace, (K.INCIDENT_DETECTED, K.PLAN_ACTIVATED, K.CALLOUT_STARTED)) == [
        ("incident_detected", DESK, None, 5.0),
        ("plan_activated", DESK, None, 6.0),
        ("callout_started", DESK, None, 6.0),
    ]
    roster = trace.callouts["order"]
    assert roster.members == (LEADER, "member@c1/grid1", "member@c1/grid2", "member@c1/grid3")
    outcome = callout_outcomes(trace)["order"]
    assert outcome.reached_share == 1.0
    # leader reached 8.25; members 11.5, 13.75, 16.0; last dial 13.75 (minutes from start)
    assert outcome.shares == {
        50: (11.5, outcome.shares[50][1]),
        90: (16.0, outcome.shares[90][1]),
        100: (16.0, outcome.shares[100][1]),
    }
    assert outcome.last_call == 13.75


def test_redial_names_in_the_schema_are_the_engine_policies() -> None:
    assert set(get_args(RedialName)) == set(REDIAL_POLICIES)


def test_backup_needs_skip_level() -> None:
    with pytest.raises(ValidationError, match="only with unreached: skip_level"):
        CallOut.model_validate({"backup": "deputy"})


def test_top_down_place_must_match_the_post_level() -> None:
    data = calltree()
    data["incidents"][0]["at"] = "t1"
    problems = cross_check(Scenario.model_validate(data))
    assert problems == [
        (
            ("incidents", 0, "at"),
            "'desk' has one post per district, so 'at' must name a district, not the township 't1'",
        )
    ]


def test_incident_needs_community_or_at() -> None:
    data = calltree()
    data["incidents"][0]["community"] = "c1"
    with pytest.raises(ValidationError, match="not both or neither"):
        Scenario.model_validate(data)

"""Why a milestone was missed: hand-built traces for each reason, and one engine story."""

from __future__ import annotations

import numpy as np

from preparedness.analysis.aggregate import aggregate
from preparedness.analysis.missed import Miss, why_missed
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import Trace, WarningBatch
from preparedness.experiment.replicate import run_replications
from preparedness.reports.exports import replications_csv
from preparedness.reports.markdown import not_reached_sentence
from tests.builders import build, channel, minimal_scenario

GW, CS, TD = "grid_worker@c1/grid1", "community_secretary@c1", "township_duty_officer@t1"


def _started(horizon: float = 720.0) -> tuple[Trace, int]:
    trace = Trace(horizon=horizon)
    trace.incident_starts["flood"] = 0.0
    start = trace.emit(0.0, K.INCIDENT_STARTED, "flood", None)
    return trace, trace.emit(5.0, K.INCIDENT_DETECTED, "flood", GW, cause=start)


def _lost_after_unanswered(trace: Trace, cause: int, calls: int, info: str = "report") -> int:
    for attempt in range(calls):
        dialled = trace.emit(
            6.0 + attempt,
            K.CALL_DIALLED,
            "flood",
            GW,
            CS,
            cause,
            "phone",
            f"{info};attempt={attempt + 1}",
        )
        cause = trace.emit(
            6.5 + attempt, K.CALL_UNANSWERED, "flood", GW, CS, dialled, "phone", info
        )
        if attempt < calls - 1:
            cause = trace.emit(7.0 + attempt, K.RETRY_DUE, "flood", GW, CS, cause, "phone", info)
    return trace.emit(9.0, K.MESSAGE_LOST, "flood", GW, CS, cause, None, info)


EXPECTED = {"flood": [("detected", None), ("report:community", 30.0), ("plan_activated", 60.0)]}


def test_a_message_given_up_after_three_unanswered_calls_explains_every_later_milestone() -> None:
    trace, detected = _started()
    _lost_after_unanswered(trace, detected, 3)
    missed = why_missed(trace, EXPECTED, {"flood": {"detected": 5.0}})
    expected = Miss(
        "message_given_up", f"{GW}>{CS}", "3 unanswered calls on phone", "report", "phone"
    )
    assert missed.milestones == {
        "flood": {"report:community": expected, "plan_activated": expected}
    }
    assert missed.given_up == {(GW, CS, "phone"): 1}


def test_a_message_delivered_another_way_is_not_the_reason() -> None:
    trace, detected = _started(horizon=20.0)
    _lost_after_unanswered(trace, detected, 2)
    trace.emit(12.0, K.MESSAGE_DELIVERED, "flood", "someone_else", CS, detected, "radio", "report")
    trace.emit(12.0, K.TASK_STARTED, "flood", CS, cause=detected, info="report")
    missed = why_missed(
        trace,
        {"flood": [("plan_activated", None)]},
        {"flood": {"detected": 5.0, "report:community": 12.0}},
    )
    # The secretary got it by radio and was still deciding when the 20-minute run ended.
    assert missed.milestones["flood"]["plan_activated"] == Miss(
        "post_not_ready", CS, "not yet at their desk, or still deciding", "report"
    )
    assert missed.given_up == {(GW, CS, "phone"): 1}


def test_a_post_still_queued_when_the_run_ended() -> None:
    trace, detected = _started()
    trace.emit(8.0, K.MESSAGE_DELIVERED, "flood", GW, CS, detected, "phone", "report")
    missed = why_missed(trace, {"flood": [("plan_activated", None)]}, {"flood": {"detected": 5.0}})
    assert missed.milestones["flood"]["plan_activated"] == Miss(
        "post_not_ready", CS, "still queued for a free line", "report"
    )


def test_a_post_not_yet_at_their_desk_when_the_run_ended() -> None:
    trace, detected = _started()
    delivered = trace.emit(8.0, K.MESSAGE_DELIVERED, "flood", GW, CS, detected, "phone", "report")
    trace.emit(8.0, K.TASK_STARTED, "flood", CS, cause=delivered, info="report")
    missed = why_missed(trace, {"flood": [("plan_activated", None)]}, {"flood": {"detected": 5.0}})
    assert missed.milestones["flood"]["plan_activated"].detail == (
        "not yet at their desk, or still deciding"
    )


def test_deadline_after_the_run_and_run_ended_and_not_started() -> None:
    trace, _ = _started(horizon=45.0)
    expected = {
        "flood": [("plan_activated", 60.0), ("report:community", 30.0)],
        "later": [("detected", None)],
    }
    missed = why_missed(trace, expected, {"flood": {}})
    assert missed.milestones["flood"]["plan_activated"] == Miss("deadline_after_run")
    assert missed.milestones["flood"]["report:community"] == Miss("run_ended")
    assert missed.milestones["later"]["detected"] == Miss("not_started")


def test_a_cohort_no_channel_reaches() -> None:
    trace, detected = _started()
    trace.warning_area["flood"] = {"c1": {"smartphone": 300, "without_smartphone": 100}}
    # The group message was never read by anyone; nobody knocked on doors.
    trace.warnings.append(
        WarningBatch(
            "flood", "c1", "smartphone", 0, np.full(300, np.inf), detected, "group_message", CS
        )
    )
    missed = why_missed(trace, {"flood": [("warned:90", None), ("warned:50", None)]}, {"flood": {}})
    assert missed.milestones["flood"]["warned:90"] == Miss(
        "cohort_unreachable",
        "c1/smartphone",
        "never read the group message, and nobody knocked on their doors",
        "warning",
    )
    # Door knocking reaching 100 of 400 would not make T50 either: the smartphone cohort
    # alone (75%) keeps it out of reach.
    assert missed.milestones["flood"]["warned:50"].reason == "cohort_unreachable"


def test_t100_missed_because_some_households_never_read_and_nobody_was_home() -> None:
    trace, detected = _started()
    trace.warning_area["flood"] = {"c1": {"smartphone": 10, "without_smartphone": 4}}
    read = np.array([10.0] * 9 + [np.inf])  # one household never reads the group message
    trace.warnings.append(
        WarningBatch("flood", "c1", "smartphone", 0, read, detected, "group_message", CS)
    )
    knocked = np.array([30.0, 31.0, 32.0, 33.0])  # every door answered
    trace.warnings.append(
        WarningBatch("flood", "c1", "without_smartphone", 0, knocked, detected, "door_knocking", CS)
    )
    missed = why_missed(
        trace,
        {"flood": [("warned:100", None), ("warned:100:without_smartphone", None)]},
        {"flood": {"warned:100:without_smartphone": 33.0}},
    )
    assert missed.milestones["flood"] == {
        "warned:100": Miss(
            "cohort_unreachable",
            "c1/smartphone",
            "never read the group message, and nobody knocked on their doors",
            "warning",
        )
    }


def test_households_knocked_after_the_run_ended_are_not_unreachable() -> None:
    trace, detected = _started(horizon=20.0)
    trace.warning_area["flood"] = {"c1": {"without_smartphone": 4}}
    knocked = np.array([10.0, 15.0, 25.0, 30.0])  # the last two after the 20-minute run
    trace.warnings.append(
        WarningBatch("flood", "c1", "without_smartphone", 0, knocked, detected, "door_knocking", CS)
    )
    missed = why_missed(trace, {"flood": [("warned:100", None)]}, {"flood": {}})
    assert missed.milestones["flood"]["warned:100"] == Miss("run_ended")


def _unanswered_phone_scenario():
    data = minimal_scenario(seed=4242)
    channel(data, "phone")["answer_probability"] = 0.0
    return build(data)


def test_engine_story_lost_messages_are_the_reason_with_the_right_count() -> None:
    scenario = _unanswered_phone_scenario()
    experiment = run_replications(scenario, 5, scenario.seed)
    results = aggregate(scenario, experiment.results, scenario.seed)
    rows = {row["id"]: row for row in results["incidents"][0]["milestones"]}
    row = rows["plan_activated"]
    assert row["n_reached"] == 0
    assert row["not_reached"] == [
        {
            "reason": "message_given_up",
            "link": {
                "from": GW,
                "to": CS,
                "from_name": "grid worker (Community c1 grid1)",
                "to_name": "community secretary (Community c1)",
                "channel": "phone",
            },
            "post": None,
            "cohort": None,
            "message": "report",
            "detail": "3 unanswered calls on phone",
            "count": 5,
            "share": 1.0,
        }
    ]
    assert not_reached_sentence(row) == (
        "Plan 'Flood plan' activated: not reached in 5 of 5 runs: in 5 the report to "
        "community secretary (Community c1) from grid worker (Community c1 grid1) was given "
        "up after 3 unanswered calls on phone, with no other channel left."
    )
    link = next(r for r in results["links"] if (r["from"], r["to"]) == (GW, CS))
    assert (link["given_up_mean"], link["given_up_total"]) == (1.0, 5)
    csv_text = replications_csv(scenario, experiment.results)
    assert csv_text.splitlines()[0].endswith(",deadline_met,reason")
    assert f"plan_activated,,,message_given_up:{GW}>{CS}" in csv_text


def test_attempts_that_failed_in_different_ways_are_counted_together() -> None:
    trace, detected = _started()
    dialled = trace.emit(6.0, K.CALL_DIALLED, "flood", GW, CS, detected, "phone", "report")
    cause = trace.emit(6.5, K.CALL_UNANSWERED, "flood", GW, CS, dialled, "phone", "report")
    cause = trace.emit(7.5, K.RETRY_DUE, "flood", GW, CS, cause, "phone", "report")
    dialled = trace.emit(7.5, K.CALL_DIALLED, "flood", GW, CS, cause, "phone", "report")
    cause = trace.emit(10.5, K.CALL_ABANDONED, "flood", GW, CS, dialled, "phone", "report")
    trace.emit(10.5, K.MESSAGE_LOST, "flood", GW, CS, cause, None, "report")
    missed = why_missed(trace, {"flood": [("plan_activated", None)]}, {"flood": {}})
    assert missed.milestones["flood"]["plan_activated"].detail == (
        "2 attempts on phone (unanswered, abandoned on hold)"
    )

"""Milestones read off hand-made traces (no SimPy): first reach, per incident, from its start."""

from __future__ import annotations

from preparedness.analysis.milestones import (
    milestone_definitions,
    milestone_times,
    report_levels,
)
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import PostInfo, Trace
from preparedness.scenario.models import Level
from tests.builders import build, joint_centre, minimal_scenario, plan, whistle

POSTS = {
    "gw@c1/grid1": PostInfo("gw@c1/grid1", "gw", "Grid worker", "grid", "c1/grid1", 1),
    "sec@c1": PostInfo("sec@c1", "sec", "Secretary", "community", "c1", 1),
    "sec@c2": PostInfo("sec@c2", "sec", "Secretary", "community", "c2", 1),
    "duty@t1": PostInfo("duty@t1", "duty", "Duty officer", "township", "t1", 2),
    "office@d": PostInfo("office@d", "office", "District office", "district", "d", 1),
    "station@t1": PostInfo("station@t1", "station", "Police station", "township", "t1", 1),
}


def _trace() -> tuple[Trace, dict[str, int]]:
    """Incident A starts at 10, B at 20; ids of the events the milestones should point at."""
    trace = Trace(posts=dict(POSTS), horizon=200.0)
    trace.incident_starts = {"A": 10.0, "B": 20.0}
    ids = {}
    a0 = trace.emit(10.0, K.INCIDENT_STARTED, "A", None)
    ids["A.detected"] = trace.emit(15.0, K.INCIDENT_DETECTED, "A", "gw@c1/grid1", cause=a0)
    trace.emit(15.0, K.LINE_RELEASED, None, "gw@c1/grid1")  # no incident: ignored
    ids["A.community"] = trace.emit(
        18.0,
        K.MESSAGE_DELIVERED,
        "A",
        "gw@c1/grid1",
        "sec@c1",
        ids["A.detected"],
        "phone",
        "report",
    )
    b0 = trace.emit(20.0, K.INCIDENT_STARTED, "B", None)
    ids["B.detected"] = trace.emit(21.0, K.INCIDENT_DETECTED, "B", "sec@c2", cause=b0)
    # A's order reaches a district post before any report does: not a report milestone.
    trace.emit(
        22.0,
        K.MESSAGE_DELIVERED,
        "A",
        "duty@t1",
        "office@d",
        ids["A.community"],
        "phone",
        "order:police",
    )
    # An unconfirmed report does not count as reaching the township.
    trace.emit(
        23.0,
        K.MESSAGE_UNCONFIRMED,
        "A",
        "sec@c1",
        "duty@t1",
        ids["A.community"],
        "wechat",
        "report",
    )
    ids["A.township"] = trace.emit(
        25.0, K.MESSAGE_DELIVERED, "A", "sec@c1", "duty@t1", ids["A.community"], "phone", "report"
    )
    # A second, later report to the same level (another community) does not move it.
    trace.emit(
        26.0, K.MESSAGE_DELIVERED, "A", "sec@c2", "duty@t1", ids["A.community"], "phone", "report"
    )
    ids["B.township"] = trace.emit(
        27.0, K.MESSAGE_DELIVERED, "B", "sec@c2", "duty@t1", ids["B.detected"], "phone", "report"
    )
    ids["A.activated"] = trace.emit(
        30.0, K.PLAN_ACTIVATED, "A", "duty@t1", cause=ids["A.township"], info="flood_plan"
    )
    ids["A.centre"] = trace.emit(
        36.0, K.CENTRE_ACTIVE, "A", None, cause=ids["A.activated"], info="t1"
    )
    ids["A.district"] = trace.emit(
        40.0, K.MESSAGE_DELIVERED, "A", "duty@t1", "office@d", ids["A.township"], "phone", "report"
    )
    ids["A.ordered"] = trace.emit(
        45.0, K.DEPARTMENT_ORDERED, "A", "station@t1", cause=ids["A.centre"], info="police"
    )
    trace.emit(
        50.0, K.DEPARTMENT_ORDERED, "A", "station@t1", cause=ids["A.centre"], info="police"
    )  # a second order of the same department: ignored
    ids["A.reported_in"] = trace.emit(
        60.0, K.DEPARTMENT_REPORTED_IN, "A", "station@t1", cause=ids["A.ordered"], info="police"
    )
    return trace, ids


def test_milestone_times_are_minutes_from_each_incidents_start() -> None:
    trace, _ = _trace()

    reached = milestone_times(trace)

    assert {k: r.time for k, r in reached["A"].items()} == {
        "detected": 5.0,
        "report:grid": 5.0,  # the detector's own level, at detection
        "report:community": 8.0,
        "report:township": 15.0,
        "plan_activated": 20.0,
        "centre_active": 26.0,
        "report:district": 30.0,  # not 12.0: the earlier delivery there was an order
        "ordered:police": 35.0,
        "reported_in:police": 50.0,
    }
    assert {k: r.time for k, r in reached["B"].items()} == {
        "detected": 1.0,
        "report:community": 1.0,  # B was noticed by a secretary
        "report:township": 7.0,
    }


def test_milestones_point_at_the_first_event_reaching_them() -> None:
    trace, ids = _trace()

    reached = milestone_times(trace)

    assert reached["A"]["detected"].event_id == ids["A.detected"]
    assert reached["A"]["report:community"].event_id == ids["A.community"]
    assert reached["A"]["report:township"].event_id == ids["A.township"]
    assert reached["A"]["report:district"].event_id == ids["A.district"]
    assert reached["A"]["plan_activated"].event_id == ids["A.activated"]
    assert reached["A"]["ordered:police"].event_id == ids["A.ordered"]
    assert reached["A"]["reported_in:police"].event_id == ids["A.reported_in"]
    assert reached["B"]["report:township"].event_id == ids["B.township"]


def test_an_incident_without_events_past_its_start_has_no_milestones() -> None:
    trace = Trace(posts=dict(POSTS), horizon=60.0)
    trace.incident_starts = {"A": 0.0}
    trace.emit(0.0, K.INCIDENT_STARTED, "A", None)

    assert milestone_times(trace) == {}


def test_empty_trace_gives_no_milestones() -> None:
    assert milestone_times(Trace()) == {}


# --- which milestones a scenario defines ---------------------------------------------------


def test_report_levels_of_the_minimal_chain() -> None:
    scenario = build(minimal_scenario())

    assert report_levels(scenario, scenario.incidents[0]) == [
        Level.community,
        Level.township,
        Level.district,
    ]


def test_report_levels_stop_at_report_up_to_and_include_a_deadline_on_the_own_level() -> None:
    data = minimal_scenario()
    plan(data)["report_up_to"] = "township"
    plan(data)["notify"] = [{"level": "grid", "within": "10m"}]
    scenario = build(data)

    assert report_levels(scenario, scenario.incidents[0]) == [
        Level.grid,
        Level.community,
        Level.township,
    ]


def test_milestone_definitions_carry_the_plan_deadlines() -> None:
    data = minimal_scenario()
    plan(data).update(
        activate_within="30m",
        notify=[{"level": "township", "within": "20m"}],
        departments=[
            {"department": "police", "ordered_within": "45m", "report_in_within": "1h30m"}
        ],
    )
    scenario = build(data)

    defs = {m.id: m for m in milestone_definitions(scenario, scenario.incidents[0])}

    assert list(defs) == [
        "detected",
        "report:community",
        "report:township",
        "report:district",
        "plan_activated",
        "ordered:police",
        "reported_in:police",
    ]
    assert defs["report:township"].deadline == 20.0
    assert defs["report:community"].deadline is None
    assert defs["plan_activated"].deadline == 30.0
    assert defs["ordered:police"].deadline == 45.0
    assert defs["reported_in:police"].deadline == 90.0


def test_only_a_joint_centre_scenario_has_a_centre_milestone() -> None:
    for data, expected in (
        (minimal_scenario(), False),
        (whistle(minimal_scenario()), False),
        (joint_centre(minimal_scenario()), True),
    ):
        scenario = build(data)
        ids = [m.id for m in milestone_definitions(scenario, scenario.incidents[0])]
        assert ("centre_active" in ids) is expected

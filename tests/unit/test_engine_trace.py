"""The causal trace: every event names an earlier cause, and milestones walk back to the start."""

from __future__ import annotations

import pytest

from preparedness import simulate_replication
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.trace import EventKind as K
from preparedness.engine.trace import Trace
from preparedness.scenario.load import load_scenario
from tests.builders import (
    SCENARIOS,
    build,
    community,
    incident,
    minimal_scenario,
    plan,
    role,
    township,
    with_mode,
)

MODES = ("siloed_relay", "whistle_and_report", "joint_command_centre")
REFERENCES = ("ningbo_relay", "ningbo_joint_centre", "longgang_whistle")


def _stochastic_two_incidents(mode: str) -> dict:
    """Two overlapping incidents, random delays and unreliable phones: causes get tangled."""
    data = with_mode(minimal_scenario(), mode)
    township(data)["communities"].append(community("c2"))
    data["incidents"] = [
        incident("A", "c1", detection_delay={"exponential": {"mean": "5m"}}),
        incident("B", "c2", detection_delay={"exponential": {"mean": "5m"}}),
    ]
    phone = data["channels"][0]
    phone["answer_probability"] = 0.7
    phone["talk_time"] = {"lognormal": {"median": "2m", "p90": "5m"}}
    phone["hold_patience"] = "1m"
    role(data, "township_duty_officer")["when_busy"] = "call_back"
    for item in data["roles"]:
        item["decision_time"] = {"pert": {"min": "30s", "mode": "1m", "max": "5m"}}
        item["fallback"] = ["radio"]
    plan(data)["report_up_to"] = "district"
    return data


def _traces() -> list[tuple[str, Trace]]:
    traces = []
    for mode in MODES:
        traces.append(
            (f"minimal/{mode}", simulate_replication(build(with_mode(minimal_scenario(), mode)), 0))
        )
        scenario = build(_stochastic_two_incidents(mode))
        traces += [(f"two/{mode}/{k}", simulate_replication(scenario, k)) for k in range(5)]
    for name in REFERENCES:
        scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
        traces += [(f"{name}/{k}", simulate_replication(scenario, k)) for k in range(3)]
    return traces


TRACES = _traces()


@pytest.mark.parametrize("label,trace", TRACES, ids=[label for label, _ in TRACES])
def test_every_cause_is_an_earlier_event(label: str, trace: Trace) -> None:
    for event in trace.events:
        if event.cause is None:
            continue
        cause = trace[event.cause]
        assert cause.id < event.id, (label, event)
        assert cause.time <= event.time, (label, event, cause)


@pytest.mark.parametrize("label,trace", TRACES, ids=[label for label, _ in TRACES])
def test_events_are_in_time_order_with_ids_by_position(label: str, trace: Trace) -> None:
    assert [e.id for e in trace.events] == list(range(len(trace)))
    times = [e.time for e in trace.events]
    assert times == sorted(times), label


def test_only_an_incident_start_has_no_cause() -> None:
    # "Every event records what caused it" (DESIGN.md); the Event docstring allows None only
    # for a start: an incident's, or a shift's (a handover is nobody's doing).
    # Collected over every trace so one missing cause is one failure.
    roots = (K.INCIDENT_STARTED, K.SHIFT_HANDOVER)
    uncaused = sorted(
        {
            e.kind.value
            for _, trace in TRACES
            for e in trace.events
            if e.cause is None and e.kind not in roots
        }
    )
    assert uncaused == []


@pytest.mark.parametrize("label,trace", TRACES, ids=[label for label, _ in TRACES])
def test_every_milestone_walks_back_to_its_own_incident_start(label: str, trace: Trace) -> None:
    for incident_id, reached in milestone_times(trace).items():
        for key, milestone in reached.items():
            path = trace.path_to(milestone.event_id)
            root = path[0]
            assert root.kind is K.INCIDENT_STARTED, (label, incident_id, key)
            assert root.incident == incident_id, (label, incident_id, key, root)
            assert path[-1].id == milestone.event_id
            assert milestone.time == path[-1].time - root.time
            assert all(a.time <= b.time for a, b in zip(path, path[1:], strict=False))


def test_path_to_lists_the_chain_root_first() -> None:
    trace = simulate_replication(build(minimal_scenario()), 0)
    activated = next(e for e in trace.events if e.kind is K.PLAN_ACTIVATED)

    path = trace.path_to(activated.id)

    kinds = [e.kind for e in path]
    assert kinds[:2] == [K.INCIDENT_STARTED, K.INCIDENT_DETECTED]
    assert kinds[-2:] == [K.DECISION_MADE, K.PLAN_ACTIVATED]
    # Three answered calls lie on the way: grid -> community -> township -> head.
    assert kinds.count(K.MESSAGE_DELIVERED) == 3
    assert [e.cause for e in path[1:]] == [e.id for e in path[:-1]]

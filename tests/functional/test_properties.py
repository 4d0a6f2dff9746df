"""Properties a planner relies on: a hopeless organisation still gives results, and more staff
or better answering never makes the report reach the district later.

Medians here count a replication that never reached the milestone as later than any that
did. The median over reached replications alone (what results.json reports, with its count)
can rise when an improvement lets a few slow replications reach the milestone at all.
"""

from __future__ import annotations

import math
import statistics

import pytest

from preparedness import simulate_replication
from preparedness.analysis.aggregate import aggregate
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.trace import EventKind as K
from preparedness.experiment.replicate import run_replications
from preparedness.scenario.models import Scenario
from tests.builders import (
    build,
    channel,
    community,
    incident,
    minimal_scenario,
    reference_dict,
    role,
    stochastic,
    township,
    with_mode,
)

REPLICATIONS = 200
BUSY_REPLICATIONS = 100


# --- a hopeless organisation --------------------------------------------------------------


def _hopeless(data: dict) -> dict:
    for item in data["channels"]:
        if "answer_probability" in item:
            item["answer_probability"] = 0.0
    for item in data["roles"]:
        item["fallback"] = []
    return data


@pytest.mark.parametrize("mode", ["siloed_relay", "whistle_and_report", "joint_command_centre"])
def test_hopeless_scenario_runs_to_the_horizon_with_nothing_reached(mode: str) -> None:
    scenario = build(_hopeless(with_mode(minimal_scenario(), mode)))

    experiment = run_replications(scenario, 5, scenario.seed)
    results = aggregate(scenario, experiment.results, scenario.seed)

    rows = {m["id"]: m for m in results["incidents"][0]["milestones"]}
    assert rows["detected"]["n_reached"] == 5
    for key, row in rows.items():
        if key != "detected":
            assert (row["n_reached"], row["median"], row["mean"]) == (0, None, None), key
    trace = experiment.example_trace
    assert trace.horizon == scenario.horizon
    assert [e.kind for e in trace.events].count(K.MESSAGE_LOST) == 1


def test_hopeless_ningbo_reports_missed_deadlines_without_error() -> None:
    scenario = build(_hopeless(reference_dict("ningbo_relay")))

    experiment = run_replications(scenario, 5, scenario.seed)
    results = aggregate(scenario, experiment.results, scenario.seed)

    for item in results["incidents"]:
        for row in item["milestones"]:
            if row["id"] != "detected":
                assert row["n_reached"] == 0, (item["id"], row["id"])
            if row["deadline"] is not None and row["id"] != "detected":
                assert row["deadline_met_share"] == 0.0


# --- monotonicity ----------------------------------------------------------------------------


def _times(
    scenario, incidents, replications: int, key: str = "report:district"
) -> dict[str, list[float]]:
    """Each incident's time to ``key`` per replication, a miss counted as infinitely late."""
    times: dict[str, list[float]] = {incident_id: [] for incident_id in incidents}
    for k in range(replications):
        reached = milestone_times(simulate_replication(scenario, k))
        for incident_id in incidents:
            hit = reached.get(incident_id, {}).get(key)
            times[incident_id].append(math.inf if hit is None else hit.time)
    return times


def _pooled_median(scenario, incidents, replications: int) -> float:
    times = _times(scenario, incidents, replications)
    return statistics.median(t for values in times.values() for t in values)


def _busy_duty_desk() -> dict:
    """Four floods at once in four communities: the one duty officer is the bottleneck.

    Head and district office have four lines each and callers hold as long as it takes, so
    nothing downstream of the duty officer queues. Medians pool the four symmetric
    incidents, since a post's draws follow the order in which it handles them.
    """
    data = minimal_scenario(seed=5)
    township(data)["communities"] += [community("c2"), community("c3"), community("c4")]
    data["incidents"] = [
        incident(i, c) for i, c in (("A", "c1"), ("B", "c2"), ("C", "c3"), ("D", "c4"))
    ]
    stochastic(data)
    channel(data, "phone")["hold_patience"] = "2h"
    for item in ("township_head", "district_office"):
        role(data, item)["staff"] = 4
    return data


def _non_increasing(values: list[float], margin: float = 0.0) -> bool:
    return all(b <= a + margin for a, b in zip(values, values[1:], strict=False))


def test_more_duty_officers_never_make_the_district_report_later() -> None:
    medians = []
    for staff in (1, 2, 3):
        data = _busy_duty_desk()
        role(data, "township_duty_officer")["staff"] = staff
        medians.append(_pooled_median(build(data), "ABCD", BUSY_REPLICATIONS))

    assert _non_increasing(medians), medians
    assert medians[0] - medians[-1] > 5.0  # the desk really was the bottleneck


def test_higher_answer_probability_never_makes_the_district_report_later() -> None:
    medians = []
    for probability in (0.5, 0.7, 1.0):
        data = _busy_duty_desk()
        channel(data, "phone")["answer_probability"] = probability
        medians.append(_pooled_median(build(data), "ABCD", BUSY_REPLICATIONS))

    assert _non_increasing(medians), medians
    assert medians[0] - medians[-1] > 5.0


@pytest.fixture(scope="module")
def ningbo_as_written() -> tuple[Scenario, dict[str, list[float]]]:
    """The Ningbo relay as shipped and its district-report times, computed once: it is the
    night-answering test's middle case and the duty-officer test's first one."""
    scenario = build(reference_dict("ningbo_relay"))
    return scenario, _times(scenario, ["flash_flood", "landslide"], REPLICATIONS)


def _ningbo_times(
    data: dict, as_written: tuple[Scenario, dict[str, list[float]]]
) -> dict[str, list[float]]:
    """District-report times of a Ningbo variant; the shared run when it is the reference."""
    scenario = build(data)
    reference, times = as_written
    return times if scenario == reference else _times(scenario, list(times), REPLICATIONS)


def test_ningbo_better_night_answering_never_makes_the_district_report_later(
    ningbo_as_written,
) -> None:
    medians = {"flash_flood": [], "landslide": []}
    for night in (0.35, 0.55, 0.95):
        data = reference_dict("ningbo_relay")
        channel(data, "phone")["answer_probability"] = {"day": 0.85, "night": night}
        times = _ningbo_times(data, ningbo_as_written)
        for incident_id in medians:
            medians[incident_id].append(statistics.median(times[incident_id]))

    # On the full reference township a freed duty desk can reorder who reaches the township
    # head first, so a median may move by seconds either way: the "with a margin".
    # One minute is well under the run-to-run spread of these medians.
    for incident_id, values in medians.items():
        assert _non_increasing(values, margin=1.0), (incident_id, values)
        assert values[0] > values[-1], (incident_id, values)


def test_ningbo_a_second_duty_officer_never_makes_the_district_report_later(
    ningbo_as_written,
) -> None:
    medians = {"flash_flood": [], "landslide": []}
    for staff in (1, 2):
        data = reference_dict("ningbo_relay")
        role(data, "township_duty_officer")["staff"] = staff
        times = _ningbo_times(data, ningbo_as_written)
        for incident_id in medians:
            medians[incident_id].append(statistics.median(times[incident_id]))

    # On the full reference township a freed duty desk can reorder who reaches the township
    # head first, so a median may move by seconds either way: the "with a margin".
    # One minute is well under the run-to-run spread of these medians.
    for incident_id, values in medians.items():
        assert _non_increasing(values, margin=1.0), (incident_id, values)


def test_a_faster_single_incident_chain_is_faster_in_every_replication() -> None:
    # One incident, nobody shared: with common random numbers each replication's report
    # reaches the district no later when every phone is answered more often.
    scenarios = []
    for probability in (0.6, 0.9):
        data = stochastic(minimal_scenario(seed=11))
        channel(data, "phone")["answer_probability"] = probability
        scenarios.append(build(data))

    for k in range(100):
        slow = simulate_replication(scenarios[0], k)
        fast = simulate_replication(scenarios[1], k)
        slow_t = _district_time(slow)
        fast_t = _district_time(fast)
        assert fast_t <= slow_t, k


def _district_time(trace) -> float:
    for event in trace.events:
        if (
            event.kind is K.MESSAGE_DELIVERED
            and event.info == "report"
            and event.subject == "district_office@district"
        ):
            return event.time
    return math.inf

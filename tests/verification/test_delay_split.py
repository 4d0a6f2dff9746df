"""Where the time went: the delay split adds up, and matches hand computations on known chains."""

from __future__ import annotations

import pytest

from preparedness.analysis.critical_path import split_delay
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.run import simulate_replication
from preparedness.experiment.replicate import run_replication
from preparedness.scenario.load import load_scenario
from tests.builders import CONSTANTS, SCENARIOS, build, channel, minimal_scenario, whistle

C = CONSTANTS
CALL = C["ring"] + C["talk"]


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIOS.glob("*.yaml")))
def test_causes_add_up_to_the_latency_in_every_replication(name):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
    checked = 0
    for replication in range(8):
        result = run_replication(scenario, replication, scenario.seed)
        for incident, milestones in result.milestones.items():
            for key, minutes in milestones.items():
                split = result.splits[incident][key]
                assert split.latency == pytest.approx(minutes, abs=1e-9)
                assert sum(split.by_cause.values()) == pytest.approx(split.latency, abs=1e-9)
                assert all(part >= -1e-12 for part in split.by_cause.values())
                checked += 1
    assert checked > 20


def _split(data, milestone, incident="flood"):
    scenario = build(data)
    trace = simulate_replication(scenario, 0)
    reached = milestone_times(trace)[incident][milestone]
    return split_delay(trace, reached.event_id, siloed=scenario.command.mode == "siloed_relay")


def test_constant_chain_gives_the_hand_computed_split():
    # grid worker -> secretary -> duty officer -> head -> district: 4 calls, 4 decisions
    # before the district has it (the grid worker decides before its first call).
    split = _split(minimal_scenario(), "report:district")
    assert split.by_cause == pytest.approx(
        {
            "detection": C["detection"],
            "queued": 0.0,
            "decision": 4 * C["decision"],
            "answer_wait": 4 * C["ring"],
            "talk": 4 * C["talk"],
        }
    )
    assert split.latency == pytest.approx(C["detection"] + 4 * (C["decision"] + CALL))


def test_answer_probability_one_has_no_retry_time():
    split = _split(minimal_scenario(), "ordered:police")
    assert split.by_cause.get("retries", 0.0) == 0.0


def test_unanswered_attempts_show_up_as_retries():
    data = minimal_scenario()
    channel(data, "phone")["answer_probability"] = 0.5
    channel(data, "phone")["max_attempts"] = 20
    retries = []
    scenario = build(data)
    for replication in range(20):
        trace = simulate_replication(scenario, replication)
        reached = milestone_times(trace)["flood"]["report:district"]
        retries.append(split_delay(trace, reached.event_id).by_cause.get("retries", 0.0))
    assert max(retries) > 0
    # Every retry wait is a whole number of retry intervals.
    for value in retries:
        assert value / C["retry"] == pytest.approx(round(value / C["retry"]))


def test_silo_detour_equals_the_time_of_the_extra_hops():
    # Siloed: head -> district office -> district police -> police station. A direct order
    # would be one call head -> station; the detour is the office's and the district
    # police's decisions plus the two calls they make.
    siloed = _split(minimal_scenario(), "ordered:police")
    assert siloed.by_cause["silo_detour"] == pytest.approx(2 * (C["decision"] + CALL))
    direct = _split(whistle(minimal_scenario()), "ordered:police")
    assert "silo_detour" not in direct.by_cause

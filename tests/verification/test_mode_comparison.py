"""Planner-expected directions between command modes, with common random numbers.

The joint centre removes the trip up to the district bureaus and back, and the whistle
removes even the wait for the township, so with the same seed (the same draws for every
shared link and person) the police are ordered sooner.
"""

from __future__ import annotations

import statistics

import pytest

from preparedness.analysis.stats import paired_difference
from preparedness.experiment.replicate import run_replications
from preparedness.scenario.load import load_scenario
from tests.builders import SCENARIOS, build, minimal_scenario, stochastic, with_mode

REPLICATIONS = 200


def _values(experiment, incident: str, milestone: str) -> list[float | None]:
    return [r.milestones.get(incident, {}).get(milestone) for r in experiment.results]


def _median(values: list[float | None]) -> float:
    reached = [v for v in values if v is not None]
    assert len(reached) >= 0.9 * len(values)  # a median over most replications, not a few
    return statistics.median(reached)


@pytest.fixture(scope="module")
def ningbo():
    relay = load_scenario(SCENARIOS / "ningbo_relay.yaml").scenario
    joint = load_scenario(SCENARIOS / "ningbo_joint_centre.yaml").scenario
    assert relay.seed == joint.seed
    return (
        run_replications(relay, REPLICATIONS, relay.seed),
        run_replications(joint, REPLICATIONS, joint.seed),
    )


@pytest.mark.parametrize("incident", ["flash_flood", "landslide"])
@pytest.mark.parametrize("department", ["police", "fire"])
def test_ningbo_joint_centre_orders_departments_sooner_than_the_relay(
    ningbo, incident: str, department: str
) -> None:
    relay, joint = ningbo
    key = f"ordered:{department}"

    relay_values = _values(relay, incident, key)
    joint_values = _values(joint, incident, key)

    assert _median(joint_values) < _median(relay_values)
    paired = paired_difference(relay_values, joint_values)
    assert paired.median_difference < 0
    assert paired.ci_mean_difference[1] < 0  # faster on average, beyond sampling noise


def test_ningbo_joint_centre_does_not_change_the_report_path(ningbo) -> None:
    # The report climbs the same chain in both; only the orders differ. The report is not
    # slowed by the centre (its staff are the liaisons, not the chain's people).
    relay, joint = ningbo
    for incident in ("flash_flood", "landslide"):
        relay_t = _values(relay, incident, "report:township")
        joint_t = _values(joint, incident, "report:township")
        assert relay_t == joint_t


def _stochastic(mode: str):
    return build(stochastic(with_mode(minimal_scenario(seed=777), mode)))


def test_whistle_orders_police_sooner_than_siloed_relay_on_a_built_scenario() -> None:
    siloed = run_replications(_stochastic("siloed_relay"), REPLICATIONS, 777)
    whistle = run_replications(_stochastic("whistle_and_report"), REPLICATIONS, 777)

    siloed_v = _values(siloed, "flood", "ordered:police")
    whistle_v = _values(whistle, "flood", "ordered:police")

    assert _median(whistle_v) < _median(siloed_v)
    paired = paired_difference(siloed_v, whistle_v)
    assert paired.ci_mean_difference[1] < 0
    assert paired.prob_faster.share > 0.9

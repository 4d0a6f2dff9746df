"""Drill logs as traces: an engine run replayed as a log gives its exact milestones, and logs
generated with known values (answer probability, away share, decision time) are calibrated
back to intervals that contain them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import preparedness as pp
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.run import simulate_replication
from preparedness.planning.drill.away import fit_away
from preparedness.planning.drill.calibrate import calibrate
from preparedness.planning.drill.log import parse_log
from preparedness.planning.drill.observe import Sample, observe
from preparedness.planning.drill.to_trace import log_from_trace, trace_from_log

HERE = Path(__file__).parent
RELAY = HERE.parents[1] / "scenarios" / "ningbo_relay.yaml"


def _as_drill(trace, scenario):
    log = parse_log(log_from_trace(trace).encode("utf-8"), scenario, "engine.csv")
    return trace_from_log(log, scenario)


@pytest.mark.parametrize("variant", ["base", "joint_centre", "whistle", "platform"])
def test_replaying_an_engine_trace_as_a_log_gives_exactly_its_milestones(variant: str) -> None:
    scenario = pp.load_variants(RELAY).scenario(variant)
    for replication in range(3):
        trace = simulate_replication(scenario, replication)
        replayed = _as_drill(trace, scenario)
        expected = {
            incident: {key: reached.time for key, reached in items.items()}
            for incident, items in milestone_times(trace).items()
        }
        got = {
            incident: {key: reached.time for key, reached in items.items()}
            for incident, items in milestone_times(replayed).items()
        }
        assert got == expected


@cache
def _known():
    variants = pp.load_variants(RELAY, interventions=HERE / "known.yaml")
    return variants.scenario("known")


@cache
def _calibration(logs: int):
    """Calibrate from ``logs`` engine runs of the scenario with known values."""
    scenario = _known()
    samples = [
        observe(_as_drill(simulate_replication(scenario, r), scenario), scenario)
        for r in range(logs)
    ]
    return calibrate(scenario, samples)


def _estimates(logs: int):
    return {estimate.key: estimate for estimate in _calibration(logs).estimates}


KNOWN = {
    ("answer_probability", "phone", "night"): 0.6,
    ("away_share", "community_secretary", ""): 0.2,
    # fitted jointly with the away share: the per-attempt answer to people who are there
    ("answer_if_present", "community_secretary", ""): 0.6,
    ("answer_probability", "duty_line", "night"): 0.8,
    ("decision_time", "grid_worker", ""): 4.0,  # the lognormal's median, minutes
}


@pytest.mark.parametrize("logs", [6, 30])
@pytest.mark.parametrize("key", sorted(KNOWN))
def test_calibration_recovers_known_values(logs: int, key) -> None:
    estimate = _estimates(logs)[key]
    assert estimate.fitted.low <= KNOWN[key] <= estimate.fitted.high
    assert estimate.prior_value == pytest.approx(KNOWN[key])


@pytest.mark.parametrize("key", sorted(KNOWN))
def test_intervals_narrow_as_the_logs_grow(key) -> None:
    few, many = _estimates(6)[key], _estimates(30)[key]
    assert many.observed > few.observed
    assert many.fitted.high - many.fitted.low < 0.7 * (few.fitted.high - few.fitted.low)


def test_the_fit_is_an_intervention_the_loader_validates(tmp_path) -> None:
    from preparedness.reports.drill import calibrated_yaml

    path = tmp_path / "calibrated.yaml"
    path.write_text(calibrated_yaml(_calibration(6).document("test")), encoding="utf-8")
    fitted = pp.load_variants(RELAY, interventions=path).scenario("calibrated")
    grid = _estimates(6)[("decision_time", "grid_worker", "")]
    assert fitted.role("grid_worker").decision_time.quantile(0.5) == pytest.approx(
        grid.fitted.value, rel=1e-3
    )
    away = _estimates(6)[("away_share", "community_secretary", "")]
    assert fitted.role("community_secretary").away_share == pytest.approx(
        away.fitted.value, abs=1e-4
    )


def test_away_share_is_not_identifiable_when_nobody_is_called_twice() -> None:
    once = [[(False, "phone", "night", 1.0, True)], [(True, "phone", "night", 1.0, True)]]
    assert fit_away(once) is None
    samples = {("away_share", "community_secretary", ""): Sample(sequences=once)}
    calibration = calibrate(_known(), [samples])
    assert calibration.unidentified == ["community_secretary"]
    assert not calibration.estimates and not calibration.changes


def test_away_share_and_answers_are_told_apart_by_repeated_calls() -> None:
    # Everyone present and answering half their attempts against half the people never
    # answering ten attempts: the same share of unanswered attempts overall, opposite fits.
    missed = [(False, "phone", "night", 1.0, True)]
    answered = [(True, "phone", "night", 1.0, True)]
    present = [missed + answered] * 40
    away = [missed * 10] * 20 + [answered] * 20
    fit_present, fit_away_ = fit_away(present), fit_away(away)
    assert fit_present is not None and fit_away_ is not None
    assert fit_present.away.high < 0.1 and fit_present.answer.value == pytest.approx(0.5, abs=1e-3)
    assert fit_away_.away.value == pytest.approx(0.5, abs=1e-3) and fit_away_.answer.low > 0.85

"""Each incident is observed for the same window after its own start, however late it began.

Stories on the tiny township (``tests/builders.py``): the report reaches the district 18 min
after the incident starts and the police report in at 38.75 min, so the window decides
which of these count.
"""

from __future__ import annotations

from preparedness.analysis.coverage import warning_coverage
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.run import simulate_replication
from preparedness.scenario.check_limits import check_horizon
from preparedness.scenario.models import Scenario
from tests import builders as b

#: Minutes from the incident's start in the tiny township (computed by hand from CONSTANTS).
TIMES = {
    "detected": 5.0,
    "report:township": 11.5,
    "plan_activated": 15.75,
    "report:district": 18.0,
    "reported_in:police": 38.75,
}


def _times(data: dict, incident: str) -> dict[str, float]:
    trace = simulate_replication(b.build(data), 0)
    return {key: r.time for key, r in milestone_times(trace).get(incident, {}).items()}


def test_an_incident_starting_ten_minutes_before_the_horizon_is_observed_for_the_horizon() -> None:
    data = b.minimal_scenario(incidents=[b.incident("late", "c1", start_after="11h50m")])

    times = _times(data, "late")

    assert {key: times[key] for key in TIMES} == TIMES


def test_the_run_lasts_until_the_last_incidents_window_ends() -> None:
    data = b.minimal_scenario(
        incidents=[b.incident("early", "c1"), b.incident("late", "c1", start_after="11h50m")]
    )
    scenario = b.build(data)

    trace = simulate_replication(scenario, 0)

    assert scenario.run_length == trace.horizon == 710.0 + 720.0
    assert trace.window_end("early") == 720.0
    assert trace.window_end("late") == 1430.0


def test_observe_for_cuts_the_incident_window_whatever_the_horizon() -> None:
    data = b.minimal_scenario(
        incidents=[b.incident("flood", "c1", start_after="2h", observe_for="20m")]
    )

    times = _times(data, "flood")

    assert times["report:district"] == TIMES["report:district"]
    assert "reported_in:police" not in times  # 38.75 min: after its 20-minute window


def test_one_incidents_short_window_leaves_anothers_milestones_alone() -> None:
    data = b.minimal_scenario(
        incidents=[
            b.incident("short", "c1", observe_for="12m"),
            b.incident("other", "c1", start_after="1h"),
        ]
    )

    short, other = _times(data, "short"), _times(data, "other")

    assert "report:township" in short and "plan_activated" not in short
    assert other["reported_in:police"] == TIMES["reported_in:police"]


def _knocking(start_after: str, **window: str) -> dict:
    """The tiny township with one grid worker knocking on 400 doors, 3 minutes each."""
    data = b.minimal_scenario(
        incidents=[b.incident("flood", "c1", start_after=start_after, **window)]
    )
    knocking = {"time_per_household": "3m", "walk_between_buildings": "0s", "nobody_home": 0.0}
    b.role(data, "grid_worker")["warns_households"] = {"door_knocking": knocking}
    b.plan(data)["warn"] = {"area": "incident_community", "coverage": 0.9}
    return data


def test_warning_coverage_of_a_late_incident_runs_for_its_whole_window() -> None:
    trace = simulate_replication(b.build(_knocking("11h")), 0)

    coverage = warning_coverage(trace, "flood")

    assert coverage is not None
    assert max(coverage.times["all"]) > 60.0  # past the scenario's 12 h mark


def test_warning_coverage_stops_at_the_incidents_own_window() -> None:
    trace = simulate_replication(b.build(_knocking("1h", observe_for="2h")), 0)

    coverage = warning_coverage(trace, "flood")

    assert coverage is not None
    assert 0 < len(coverage.times["all"]) < 400
    assert max(coverage.times["all"]) <= 120.0


def test_a_window_beyond_the_longest_run_is_refused_at_the_incident() -> None:
    data = b.minimal_scenario(horizon="2d", incidents=[b.incident("late", "c1", start_after="29d")])

    problems = list(check_horizon(Scenario.model_validate(data)))

    assert [path for path, _ in problems] == [("incidents", 0, "start_after")]


def test_the_report_states_each_window_and_trace_csv_names_its_clocks(tmp_path) -> None:
    import csv
    import json

    import preparedness as pp

    data = b.minimal_scenario(
        incidents=[b.incident("early", "c1"), b.incident("late", "c1", start_after="11h50m")]
    )
    path = tmp_path / "late.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")

    folder = pp.write_report(pp.run_experiment(path, replications=2, workers=0), tmp_path)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    report = (folder / "report.md").read_text(encoding="utf-8")
    rows = list(csv.DictReader((folder / "trace.csv").open(encoding="utf-8")))

    assert (results["horizon_minutes"], results["run_minutes"]) == (720.0, 1430.0)
    late = results["incidents"][1]
    assert (late["start_minutes"], late["observed_minutes"]) == (710.0, 720.0)
    police = next(m for m in late["milestones"] if m["id"] == "reported_in:police")
    assert police["n_reached"] == 2
    assert "each incident is observed for 720 min from its own start" in report
    assert "Starts 710 min into the run; observed for 720 min from its start" in report
    detected = next(r for r in rows if r["kind"] == "incident_detected" and r["incident"] == "late")
    assert (detected["scenario_minute"], detected["incident_minute"]) == ("715.0000", "5.0000")
    assert detected["clock"] == "2026-07-14T21:55:00+08:00"

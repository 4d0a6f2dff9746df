"""The MSEL: injects in time order, each traced to an event of the played replication, or a
contingency inject with its probability; the rubric's thresholds are the documented
percentiles."""

from __future__ import annotations

import csv
import json

from preparedness.experiment.story import story
from preparedness.planning.rating import Rating, rate


def test_injects_are_in_time_order_and_numbered(package, folder):
    injects = package.injects
    assert len(injects) >= 10
    assert [i.number for i in injects] == list(range(1, len(injects) + 1))
    exercise = [i.exercise_minutes for i in injects]
    scenario = [i.scenario_minutes for i in injects]
    assert exercise == sorted(exercise) and scenario == sorted(scenario)
    assert exercise[-1] <= package.duration
    with open(folder / "msel.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows[1:]] == [str(i.number) for i in injects]
    assert len(rows[0]) == 12  # the HSEEP MSEL columns


def test_every_inject_traces_to_the_played_run_or_states_its_probability(package, folder):
    trace = story(package.scenario, package.seed, package.choice)
    start = trace.incident_starts[package.incident]
    with open(folder / "msel.csv", encoding="utf-8") as f:
        notes = [r[-1] for r in list(csv.reader(f))[1:]]
    traced = [i for i in package.injects if not i.contingency]
    assert traced and any(i.contingency for i in package.injects)
    for inject, note in zip(package.injects, notes, strict=True):
        if inject.contingency:
            assert 0 < inject.probability <= 1
            assert "备用注入" in note and "%" in note
            continue
        event = trace[inject.event]
        assert event.incident == package.incident
        assert abs(event.time - start - inject.scenario_minutes) < 1e-9
        assert f"#{inject.event}" in note and f"第 {package.choice.replication} 次" in note


def test_the_story_is_the_replication_nearest_the_median(package):
    results = json.loads(json.dumps(package.results))
    key = package.choice.key
    milestone = next(
        m
        for m in results["incidents"][package.incident_index]["milestones"]
        if m["id"] == key.milestone
    )
    assert package.choice.rule == "median"
    assert package.choice.target == milestone["median"]


def test_rubric_thresholds_are_the_documented_percentiles(package, folder):
    milestones = {
        m["id"]: m for m in package.results["incidents"][package.incident_index]["milestones"]
    }
    with open(folder / "eeg.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    assert len(rows) == len(package.objectives) >= 1
    for objective, row in zip(package.objectives, rows, strict=True):
        m = milestones[objective.milestone]
        assert objective.rubric.deadline == m["deadline"]
        assert objective.rubric.median == m["median"]
        assert objective.rubric.p90 == m["p90"]
        p, s, m_max = (float(x) if x else None for x in row[4:7])
        assert p == round(m["deadline"], 2)
        if m["median"] > m["deadline"]:
            assert s == round(m["median"], 2)
        assert m_max == round(m["p90"], 2)
        assert rate(m["deadline"], objective.rubric) is Rating.P
        assert rate(m["p90"] + 0.01, objective.rubric) is Rating.U
        assert rate(None, objective.rubric) is Rating.U


def test_aar_sorts_ratings_into_strengths_and_areas(package):
    aar = package.aar
    assert len(aar.strengths) + len(aar.areas) == len(aar.rated) == len(package.objectives)
    assert all(r.rating in (Rating.P, Rating.S) for r in aar.strengths)
    assert all(r.rating in (Rating.M, Rating.U) for r in aar.areas)
    assert [r.objective for r in package.improvements] == [a.objective for a in aar.areas]

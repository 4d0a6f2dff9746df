"""Assemble a tabletop exercise package from a run: the story played, its modules and MSEL,
questions, evaluation guide, AAR/IP draft and role cards (the parts of HSEEP's exercise
documentation that can be drawn from the model; the report layer writes them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from ...experiment.replicate import ReplicationResult
from ...experiment.story import StoryChoice, choose_replication, key_milestone, story
from ...scenario.models import Scenario
from .aar import AarDraft, ImprovementRow, RatedObjective, draft_aar, improvement_rows
from .contingency import contingency_injects
from .deck import Inject, Module, build_deck, make_inject, module_of
from .eeg import Objective, objectives_of
from .questions import Question, questions_for
from .roles import RoleCard, role_cards

__all__ = ["DIFFICULTIES", "ExercisePackage", "plan_exercise"]

#: Difficulty -> the story rule of ``experiment.story`` (median or 90th percentile run).
DIFFICULTIES = {"typical": "median", "hard": "p90"}


@dataclass(frozen=True)
class ExercisePackage:
    """Everything an exercise folder holds, language-neutral."""

    scenario: Scenario
    results: Mapping[str, Any]  # results.json of the base scenario (with ``comparison``)
    incident: str
    incident_index: int
    choice: StoryChoice
    seed: int
    replications: int
    difficulty: str
    duration: float
    audience: str
    modules: tuple[Module, ...]
    injects: tuple[Inject, ...]
    objectives: tuple[Objective, ...]
    questions: tuple[Question, ...]
    aar: AarDraft
    improvements: tuple[ImprovementRow, ...]
    roles: tuple[RoleCard, ...]
    start_iso: str  # the incident's start, ISO 8601 with offset


def plan_exercise(
    scenario: Scenario,
    seed: int,
    runs: Sequence[ReplicationResult],
    results: Mapping[str, Any],
    *,
    incident: str | None = None,
    duration: float = 120.0,
    difficulty: str = "typical",
    audience: str = "",
) -> ExercisePackage:
    """The package for ``incident`` (default: the first), from the base scenario's runs and
    results.json. ``duration`` is the exercise's length in minutes."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    key = key_milestone(scenario, incident)
    choice = choose_replication(runs, key, DIFFICULTIES[difficulty])
    trace = story(scenario, seed, choice)
    at = next(i for i, x in enumerate(results["incidents"]) if x["id"] == key.incident)
    summary_incident = results["incidents"][at]
    objectives = objectives_of(summary_incident, trace, key.incident)
    by_milestone = {o.milestone: o.id for o in objectives}
    modules, rows = build_deck(scenario, trace, key.incident, duration, by_milestone)
    played = next(r for r in runs if r.replication == choice.replication)
    injects = [
        make_inject(0, scenario, trace, modules, event, milestone, cause, by_milestone)
        for event, milestone, cause in rows
    ]
    injects += contingency_injects(
        scenario, trace, key.incident, runs, played, modules, summary_incident
    )
    injects.sort(key=lambda i: (i.exercise_minutes, i.scenario_minutes, i.contingency))
    numbered = tuple(replace(inject, number=n) for n, inject in enumerate(injects, start=1))
    modules_of = {
        milestone: (
            module_of(modules, trace[event.id].time).id
            if (event := next((e for e, m, _ in rows if m == milestone), None)) is not None
            else modules[-1].id
        )
        for milestone in (m["id"] for m in summary_incident["milestones"])
    }
    questions = questions_for(results, key.incident, modules_of)
    rated = [RatedObjective(o.id, o.milestone, o.rubric, o.played) for o in objectives]
    aar = draft_aar(rated)
    start = scenario.start + timedelta(minutes=trace.incident_starts[key.incident])
    start_iso = start.isoformat()
    return ExercisePackage(
        scenario=scenario,
        results=results,
        incident=key.incident,
        incident_index=at,
        choice=choice,
        seed=seed,
        replications=len(runs),
        difficulty=difficulty,
        duration=duration,
        audience=audience,
        modules=tuple(modules),
        injects=numbered,
        objectives=tuple(objectives),
        questions=tuple(questions),
        aar=aar,
        improvements=tuple(improvement_rows(aar, results, key.incident)),
        roles=tuple(role_cards(scenario, trace, key.incident, objectives)),
        start_iso=start_iso,
    )

"""The exercise package as rows of words in one language: the MSEL, the EEG, the
improvement plan, questions, role cards and the situation manual's parts, shared by the
HTML pages and the CSV files so both say the same."""

from __future__ import annotations

from typing import Any

from ...planning.exercise import ExercisePackage
from ...planning.exercise.deck import Inject
from ...planning.rating import Rating
from ..i18n import Catalogue
from .text import clock, exercise_clock, milestone_words, say

__all__ = [
    "MSEL_COLUMNS",
    "eeg_rows",
    "improvement_rows",
    "inject_figure",
    "msel_rows",
    "objective_text",
    "story_sentence",
]

#: MSEL columns (HSEEP MSEL: number, scenario time, exercise time, inject type, delivery
#: method, from, to, inject, expected player action, objective, capability, notes).
MSEL_COLUMNS = (
    "number",
    "scenario_time",
    "exercise_time",
    "type",
    "delivery",
    "sender",
    "receiver",
    "text",
    "expected",
    "objective",
    "capability",
    "notes",
)


def _milestone(package: ExercisePackage, milestone: str) -> dict[str, Any] | None:
    incident = package.results["incidents"][package.incident_index]
    return next((m for m in incident["milestones"] if m["id"] == milestone), None)


def objective_text(package: ExercisePackage, cat: Catalogue, objective_id: str | None) -> str:
    """An objective as a committee says it: the milestone and its deadline."""
    objective = next((o for o in package.objectives if o.id == objective_id), None)
    if objective is None:
        return cat("value.none")
    label = milestone_words(objective.milestone, objective.label, cat)
    if objective.deadline is None:
        return cat("exercise.objective.no_deadline", id=objective.id, milestone=label)
    return cat(
        "exercise.objective.deadline",
        id=objective.id,
        milestone=label,
        deadline=cat.minutes(objective.deadline),
    )


def inject_figure(package: ExercisePackage, cat: Catalogue, inject: Inject) -> str:
    """The figure that makes an inject realistic: how often and how long, in the model."""
    if inject.figure is not None:
        return say(cat, inject.figure)
    if inject.probability is not None:
        return cat("exercise.figure.probability", share=cat.share(inject.probability))
    m = _milestone(package, inject.milestone) if inject.milestone else None
    if m is None or m["median"] is None:
        return cat("exercise.figure.story", minutes=cat.minutes(inject.scenario_minutes))
    return cat(
        "exercise.figure.milestone",
        minutes=cat.minutes(inject.scenario_minutes),
        median=cat.minutes(m["median"]),
        p90=cat.minutes(m["p90"]),
    )


def msel_rows(package: ExercisePackage, cat: Catalogue) -> list[dict[str, str]]:
    """One row per inject, in time order, keyed by ``MSEL_COLUMNS``."""
    rows = []
    for inject in package.injects:
        if inject.event is None:
            notes = cat("exercise.notes.contingency", share=cat.share(inject.probability))
        else:
            notes = cat(
                "exercise.notes.trace",
                event=str(inject.event),
                replication=str(package.choice.replication),
            )
        rows.append(
            {
                "number": str(inject.number),
                "scenario_time": clock(cat, package.start_iso, inject.scenario_minutes),
                "exercise_time": exercise_clock(cat, inject.exercise_minutes),
                "type": cat(f"exercise.inject_type.{inject.kind}"),
                "delivery": cat(f"exercise.delivery.{inject.delivery}"),
                "sender": say(cat, inject.sender),
                "receiver": say(cat, inject.receiver) if inject.receiver else cat("value.none"),
                "text": say(cat, inject.text),
                "expected": say(cat, inject.expected),
                "objective": objective_text(package, cat, inject.objective)
                if inject.objective
                else cat("value.none"),
                "capability": cat(inject.capability),
                "notes": notes,
                "module": cat(f"exercise.module.{inject.module}"),
                "figure": inject_figure(package, cat, inject),
                "contingency": "1" if inject.contingency else "",
            }
        )
    return rows


def _threshold(rubric_steps: list[tuple[Rating, float]], rating: Rating) -> float | None:
    return next((latest for r, latest in rubric_steps if r is rating), None)


def eeg_rows(package: ExercisePackage, cat: Catalogue) -> list[dict[str, Any]]:
    """Per objective: target, critical tasks, the P/S/M thresholds, the model's median and
    p90 and the played run's time; the evaluator fills in the rating."""
    rows = []
    for objective in package.objectives:
        steps = objective.rubric.thresholds()
        names = {
            m["id"]: m["label"]
            for m in package.results["incidents"][package.incident_index]["milestones"]
        }
        tasks = [milestone_words(t, names[t], cat) for t in objective.critical_tasks if t in names]
        rubric = [
            cat(f"exercise.eeg.rule.{rating.value}", minutes=cat.minutes(latest))
            for rating, latest in steps
        ]
        last = steps[-1][1] if steps else None
        rubric.append(cat("exercise.eeg.rule.U", minutes=cat.minutes(last)))
        rows.append(
            {
                "id": objective.id,
                "objective": objective_text(package, cat, objective.id),
                "target": cat.minutes(objective.deadline),
                "tasks": cat("list.separator").join(tasks) if tasks else cat("value.none"),
                "rubric": rubric,
                "P": _threshold(steps, Rating.P),
                "S": _threshold(steps, Rating.S),
                "M": _threshold(steps, Rating.M),
                "median": objective.rubric.median,
                "p90": objective.rubric.p90,
                "played": objective.played,
                "played_text": cat.minutes(objective.played),
            }
        )
    return rows


def improvement_rows(package: ExercisePackage, cat: Catalogue) -> list[dict[str, str]]:
    """The improvement plan's rows in words."""
    return [
        {
            "objective": objective_text(package, cat, row.objective),
            "issue": say(cat, row.issue),
            "action": say(cat, row.action),
            "element": say(cat, row.element),
            "responsible": say(cat, row.responsible) if row.responsible else cat("value.none"),
            "change": say(cat, row.change) if row.change else cat("exercise.ip.change_none"),
        }
        for row in package.improvements
    ]


def story_sentence(package: ExercisePackage, cat: Catalogue) -> str:
    """Which run is played and why, said once on every page."""
    choice = package.choice
    return cat(
        f"exercise.story.{package.difficulty}",
        replication=str(choice.replication),
        replications=package.replications,
        seed=str(package.seed),
        milestone=milestone_words(choice.key.milestone, choice.key.label, cat),
        minutes=cat.minutes(choice.minutes),
        target=cat.minutes(choice.target),
    )

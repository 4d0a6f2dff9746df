"""The After-Action Report / Improvement Plan draft (HSEEP AAR/IP): ratings, strengths, areas
for improvement and improvement-plan rows, from any list of rated objectives.

Usable for an exercise (the observed time is what the played run took, a placeholder the
evaluators overwrite) and for a real drill log (the observed time is what the drill took):
give ``draft_aar`` one ``RatedObjective`` per objective. Improvement rows name the issue by
the cause that cost the milestone most time (results.json ``delay_split``), the corrective
action and its POETE element (planning, organization, equipment, training, exercises: the
HSEEP improvement-plan capability elements), the organisation charged with the most
critical-path minutes, and, where the scenario's interventions measure it on common random
numbers (results.json ``comparison.ranking``), the change in the share meeting the deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..rating import Rating, Rubric, rate
from .words import Minutes, Points, Range, Share, Words, post_words

__all__ = ["AarDraft", "ImprovementRow", "RatedObjective", "draft_aar", "improvement_rows"]

#: Corrective action and POETE element per delay cause (critical_path.CAUSES); other causes
#: fall back to "decision".
ACTIONS = {
    "off_duty": "organization",
    "decision": "planning",
    "answer_wait": "planning",
    "retries": "planning",
    "queued": "organization",
    "silo_detour": "organization",
    "detection": "equipment",
    "fallback": "equipment",
    "talk": "training",
    "mobilisation": "exercises",
    "centre_activation": "training",
    "door_knocking": "organization",
    "muster": "exercises",
    "travel": "equipment",
    "keeper": "organization",
}


@dataclass(frozen=True)
class RatedObjective:
    """An objective, the milestone it is judged by, its rubric and the observed minutes."""

    objective: str
    milestone: str
    rubric: Rubric
    observed: float | None

    @property
    def rating(self) -> Rating:
        return rate(self.observed, self.rubric)


@dataclass(frozen=True)
class AarDraft:
    """Ratings with strengths (rated P or S) and areas for improvement (rated M or U)."""

    rated: tuple[RatedObjective, ...]
    strengths: tuple[RatedObjective, ...]
    areas: tuple[RatedObjective, ...]


def draft_aar(rated: Sequence[RatedObjective]) -> AarDraft:
    """Sort rated objectives into strengths and areas for improvement, in the given order."""
    good = (Rating.P, Rating.S)
    return AarDraft(
        tuple(rated),
        tuple(r for r in rated if r.rating in good),
        tuple(r for r in rated if r.rating not in good),
    )


@dataclass(frozen=True)
class ImprovementRow:
    """One improvement-plan row (HSEEP IP: issue, corrective action, capability element,
    primary responsible organisation) with the change an intervention would buy."""

    objective: str
    milestone: str
    issue: Words
    action: Words
    element: Words
    responsible: str | Words
    change: Words | None
    #: results.json paths and values this row quotes
    quotes: tuple[tuple[tuple[str | int, ...], object], ...]


def improvement_rows(
    draft: AarDraft, results: Mapping[str, Any], incident: str
) -> list[ImprovementRow]:
    """One row per area for improvement, from results.json of the incident (and its
    ``comparison``, when interventions were run)."""
    at = next(i for i, x in enumerate(results["incidents"]) if x["id"] == incident)
    milestones = results["incidents"][at]["milestones"]
    ranking = (results.get("comparison") or {}).get("ranking", [])
    names = {v["id"]: v["name"] for v in (results.get("comparison") or {}).get("variants", [])}
    rows = []
    for area in draft.areas:
        k = next(i for i, m in enumerate(milestones) if m["id"] == area.milestone)
        m = milestones[k]
        base = ("incidents", at, "milestones", k)
        quotes: list[tuple[tuple[str | int, ...], object]] = []
        if m["delay_split"]:
            top = m["delay_split"][0]
            cause = top["cause"] if top["cause"] in ACTIONS else "decision"
            issue = Words.of(
                "exercise.ip.issue",
                cause=Words.of(f"cause.{top['cause']}"),
                share=Share(top["share_of_latency"]),
                minutes=Minutes(top["mean"]),
            )
            quotes += [
                ((*base, "delay_split", 0, "share_of_latency"), top["share_of_latency"]),
                ((*base, "delay_split", 0, "mean"), top["mean"]),
            ]
        else:
            cause = "decision"
            issue = Words.of("exercise.ip.issue_never")
        people = m["critical_people"]
        responsible = post_words(results, people[0]["post"], people[0]["name"]) if people else ""
        change = None
        for j, entry in enumerate(ranking):
            if entry["incident"] == incident and entry["milestone"] == area.milestone:
                change = Words.of(
                    "exercise.ip.change",
                    variant=names.get(entry["best"], entry["best"]),
                    change=Points(entry["change"]),
                    ci=Range(entry["change_ci95"][0], entry["change_ci95"][1], share=True),
                )
                quotes.append((("comparison", "ranking", j, "change"), entry["change"]))
        rows.append(
            ImprovementRow(
                area.objective,
                area.milestone,
                issue,
                Words.of(f"exercise.ip.action.{cause}"),
                Words.of(f"exercise.poete.{ACTIONS[cause]}"),
                responsible,
                change,
                tuple(quotes),
            )
        )
    return rows

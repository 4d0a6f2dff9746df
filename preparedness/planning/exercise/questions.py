"""Discussion questions at the bottlenecks: per module three to five questions, each quoting a
figure of results.json (the delay split, the posts and links on the critical paths, the
share meeting the deadline) with its 95% interval.

Each question keeps the results.json path of every figure it quotes, so a test can check
that the page says exactly what results.json says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .words import Milestone, Minutes, Range, Share, Words, post_words

__all__ = ["MAX_PER_MODULE", "MIN_PER_MODULE", "Question", "questions_for"]

MIN_PER_MODULE, MAX_PER_MODULE = 3, 5

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Question:
    """A question of one module, and the figures (results.json path, value) it quotes."""

    module: str
    milestone: str
    text: Words
    quotes: tuple[tuple[Path, object], ...]


def _candidates(
    results: Mapping[str, Any], module: str, incident_at: int, index: int, m: Mapping[str, Any]
) -> list[tuple[float, Question]]:
    """Questions about one milestone, each with a weight (minutes at stake) for ranking
    (``results`` names the posts)."""
    base: Path = ("incidents", incident_at, "milestones", index)
    label = Milestone(m["id"], m["label"])
    found: list[tuple[float, Question]] = []
    for k, part in enumerate(m["delay_split"][:2]):
        if part["cause"] == "detection" or part["ci95_mean"] is None:
            continue
        text = Words.of(
            f"exercise.question.cause.{part['cause']}"
            if part["cause"] in _CAUSE_QUESTIONS
            else "exercise.question.cause.other",
            milestone=label,
            cause=Words.of(f"cause.{part['cause']}"),
            share=Share(part["share_of_latency"]),
            mean=Minutes(part["mean"]),
            ci=Range(*part["ci95_mean"]),
        )
        quotes: tuple[tuple[Path, object], ...] = (
            ((*base, "delay_split", k, "share_of_latency"), part["share_of_latency"]),
            ((*base, "delay_split", k, "mean"), part["mean"]),
            ((*base, "delay_split", k, "ci95_mean"), part["ci95_mean"]),
        )
        found.append((part["mean"], Question(module, m["id"], text, quotes)))
    for field, key in (("critical_people", "person"), ("critical_links", "link")):
        for k, entry in enumerate(m[field][:1]):
            if entry["ci95_mean"] is None:
                continue
            names = (
                {"who": post_words(results, entry["post"], entry["name"])}
                if key == "person"
                else {
                    "who": post_words(results, entry["to"], entry["to_name"]),
                    "caller": post_words(results, entry["from"], entry["from_name"]),
                }
            )
            text = Words.of(
                f"exercise.question.{key}",
                milestone=label,
                share=Share(entry["on_path_share"]),
                mean=Minutes(entry["mean_minutes"]),
                ci=Range(*entry["ci95_mean"]),
                **names,
            )
            quotes = (
                ((*base, field, k, "on_path_share"), entry["on_path_share"]),
                ((*base, field, k, "mean_minutes"), entry["mean_minutes"]),
                ((*base, field, k, "ci95_mean"), entry["ci95_mean"]),
            )
            found.append((entry["mean_minutes"], Question(module, m["id"], text, quotes)))
    if m["deadline"] is not None and m["deadline_met_ci95"] is not None:
        text = Words.of(
            "exercise.question.deadline",
            milestone=label,
            deadline=Minutes(m["deadline"]),
            share=Share(m["deadline_met_share"]),
            ci=Range(m["deadline_met_ci95"][0], m["deadline_met_ci95"][1], share=True),
            median=Minutes(m["median"]),
        )
        quotes = (
            ((*base, "deadline"), m["deadline"]),
            ((*base, "deadline_met_share"), m["deadline_met_share"]),
            ((*base, "deadline_met_ci95"), m["deadline_met_ci95"]),
            ((*base, "median"), m["median"]),
        )
        weight = (m["median"] or 0.0) - m["deadline"]
        found.append((weight, Question(module, m["id"], text, quotes)))
    return found


#: Causes with a question of their own in the catalogue (``exercise.question.cause.<id>``).
_CAUSE_QUESTIONS = (
    "off_duty",
    "decision",
    "answer_wait",
    "retries",
    "queued",
    "silo_detour",
    "talk",
    "mobilisation",
)


def _kind(question: Question) -> str:
    return question.text.key.split(".")[2]


def questions_for(
    results: Mapping[str, Any], incident: str, modules_of: Mapping[str, str]
) -> list[Question]:
    """Questions per module (``modules_of``: milestone id -> module id): one of each kind
    first, then the heaviest bottlenecks, at most five (at least three where the figures
    allow), in the order they are asked."""
    at = next(i for i, x in enumerate(results["incidents"]) if x["id"] == incident)
    per_module: dict[str, list[tuple[float, int, Question]]] = {}
    for index, m in enumerate(results["incidents"][at]["milestones"]):
        module = modules_of.get(m["id"])
        if module is None or m["n_reached"] == 0:
            continue
        for weight, question in _candidates(results, module, at, index, m):
            per_module.setdefault(module, []).append((weight, index, question))
    chosen: list[Question] = []
    for module in dict.fromkeys(modules_of.values()):
        ranked = sorted(per_module.get(module, []), key=lambda c: (-c[0], c[1]))
        by_text: dict[Words, Question] = {}
        for _, _, question in ranked:
            by_text.setdefault(question.text, question)
        unique = list(by_text.values())
        # The heaviest question of each kind first (cause, post, link, deadline), so a
        # module does not ask only about deadlines; then the rest by weight.
        kinds: dict[str, Question] = {}
        for question in unique:
            kinds.setdefault(_kind(question), question)
        first = list(kinds.values())
        picked = first + [q for q in unique if all(q is not f for f in first)]
        chosen += picked[:MAX_PER_MODULE]
    return chosen

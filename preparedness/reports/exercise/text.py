"""Say the exercise package's language-neutral words (``planning.exercise.words``) in one
language, through the shared catalogue: minutes, shares and intervals in its formats,
milestones in its words, names as the scenario writes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...planning.exercise.words import Milestone, Minutes, Points, Range, Share, Words
from ..i18n import Catalogue, CatalogueError, milestone_label

__all__ = ["clock", "milestone_words", "say"]


def say(cat: Catalogue, value: object) -> str:
    """``value`` in ``cat``'s language (a ``Words``, a number wrapper, or a name)."""
    if isinstance(value, Words):
        return cat(value.key, **{name: say(cat, v) for name, v in value.params})
    if isinstance(value, Milestone):
        return milestone_words(value.id, value.label, cat)
    if isinstance(value, Minutes):
        return cat.minutes(value.value)
    if isinstance(value, Share):
        return cat.share(value.value)
    if isinstance(value, Points):
        return cat("unit.points", value=cat.number(100 * value.value, 0))
    if isinstance(value, Range):
        return cat.interval((value.low, value.high), share=value.share)
    if isinstance(value, str) and value.startswith("exercise."):
        return cat(value)
    if isinstance(value, int | float):
        return cat.number(value)
    return str(value)


def milestone_words(milestone: str, label: str, cat: Catalogue) -> str:
    """A milestone in the catalogue's words; a kind the catalogue has no words for yet keeps
    the label results.json gives it, so a new milestone kind never stops a package."""
    try:
        return milestone_label(milestone, label, cat)
    except CatalogueError:
        return label


def clock(cat: Catalogue, start_iso: str, minutes: float) -> str:
    """Scenario time as wall-clock time and minutes from the incident's start."""
    at = datetime.fromisoformat(start_iso) + timedelta(minutes=minutes)
    return cat(
        "exercise.time.scenario",
        time=f"{at.hour:02d}:{at.minute:02d}",
        minutes=cat.number(round(minutes)),
    )


def exercise_clock(cat: Catalogue, minutes: float) -> str:
    """Exercise time as hours and minutes from the exercise's start (``0:45``)."""
    whole = round(minutes)
    return cat("exercise.time.exercise", time=f"{whole // 60}:{whole % 60:02d}")

"""Language-neutral text of an exercise package: a catalogue key and its parameters.

Planning decides what an inject or a question says; the report layer says it in the
exercise's language through the shared catalogue (``reports/lang``). Numbers keep their type
so the report formats them as minutes, shares or intervals, and a test can compare each
quoted figure with results.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Milestone", "Minutes", "Points", "Range", "Share", "Words", "post_words"]


@dataclass(frozen=True)
class Minutes:
    """A duration in minutes (None: never)."""

    value: float | None


@dataclass(frozen=True)
class Share:
    """A share between 0 and 1, shown as a percentage."""

    value: float | None


@dataclass(frozen=True)
class Points:
    """A difference of two shares, shown in percentage points."""

    value: float


@dataclass(frozen=True)
class Range:
    """A 95% interval, of minutes or (``share``) of shares."""

    low: float
    high: float
    share: bool = False


@dataclass(frozen=True)
class Milestone:
    """A milestone by its results.json id and English label (its words come from both)."""

    id: str
    label: str


@dataclass(frozen=True)
class Words:
    """The message ``key`` of the catalogue with its parameters, in a fixed order."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @staticmethod
    def of(key: str, **params: object) -> Words:
        return Words(key, tuple(sorted(params.items())))


def post_words(results: Mapping[str, Any], post_id: str, name: str) -> str | Words:
    """A post results.json names ``name``: a department liaison (listed under ``liaisons``,
    named in English there) in the package's words (``post.liaison``), any other as named."""
    liaison = results.get("liaisons", {}).get(post_id)
    if liaison is None:
        return name
    return Words.of(
        "post.liaison", department=liaison["department_name"], place=liaison["place_name"]
    )

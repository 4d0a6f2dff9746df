"""Language-neutral text of an exercise package: a catalogue key and its parameters.

Planning decides what an inject or a question says; the report layer says it in the
exercise's language through the shared catalogue (``reports/lang``). Numbers keep their type
so the report formats them as minutes, shares or intervals, and a test can compare each
quoted figure with results.json.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Milestone", "Minutes", "Points", "Range", "Share", "Words"]


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

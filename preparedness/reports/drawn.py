"""A drawn figure and a report's set of them: plain data, so the pages can be written, and
a report without figures rendered, without importing matplotlib (most of a second)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Figure", "ReportFigures"]


@dataclass(frozen=True)
class Figure:
    """One drawn figure: its id, files, one-sentence caption and the numbers it drew."""

    id: str
    title: str
    svg: str
    png: bytes
    caption: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportFigures:
    """A report's figures: per incident id, then those about the whole run, in page order."""

    incidents: Mapping[str, list[Figure]] = field(default_factory=dict)
    overall: list[Figure] = field(default_factory=list)

    def all(self) -> list[Figure]:
        return [f for figures in self.incidents.values() for f in figures] + list(self.overall)

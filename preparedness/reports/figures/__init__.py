"""Figures of the reports: each a deterministic SVG and PNG with a caption and the data drawn.

:func:`run_figures` draws every figure a run report has from results.json, given the two
inputs results.json does not carry: per-replication minutes (replications.csv) and the trace
of the replication the swimlane draws (trace.csv; which one is results.json ``story``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...engine.trace import Trace
from ...experiment.story import RULES as STORY_RULES
from ..i18n import catalogue
from .compare import ServiceCurves, forest_figure, sizing_figure
from .graph import graph_figure
from .milestones import (
    ReplicationMinutes,
    delay_figure,
    ecdf_figure,
    experiment_minutes,
    replication_minutes,
)
from .render import CAUSE_COLOURS, Figure
from .supplies import coverage_figure, stock_figure
from .swimlane import swimlane_figure

__all__ = [
    "CAUSE_COLOURS",
    "Figure",
    "ReportFigures",
    "ServiceCurves",
    "SwimlaneInput",
    "experiment_minutes",
    "replication_minutes",
    "run_figures",
    "sizing_figures",
]


@dataclass(frozen=True)
class SwimlaneInput:
    """The replication the swimlane draws, and how it was chosen (median, p90, worst, index)."""

    trace: Trace
    replication: int
    choice: str

    @classmethod
    def from_story(cls, trace: Trace, story: Mapping[str, Any]) -> SwimlaneInput:
        """From results.json ``story``: a rule that is a number is said as "index"."""
        rule = story["rule"]
        return cls(trace, story["replication"], rule if rule in STORY_RULES else "index")


@dataclass(frozen=True)
class ReportFigures:
    """A report's figures: per incident id, then those about the whole run, in page order."""

    incidents: Mapping[str, list[Figure]] = field(default_factory=dict)
    overall: list[Figure] = field(default_factory=list)

    def all(self) -> list[Figure]:
        return [f for figures in self.incidents.values() for f in figures] + list(self.overall)


def run_figures(
    results: Mapping[str, Any],
    lang: str,
    *,
    minutes: ReplicationMinutes,
    swimlane: SwimlaneInput | None = None,
) -> ReportFigures:
    """Every figure of a run report, numbered in page order; without ``swimlane`` the
    timeline is left out rather than guessed."""
    cat = catalogue(lang)
    number = 0
    incidents: dict[str, list[Figure]] = {}
    for incident in results["incidents"]:
        figures: list[Figure] = []
        if not any(m["n_reached"] for m in incident["milestones"]):
            incidents[incident["id"]] = figures
            continue
        number += 1
        figures.append(ecdf_figure(incident, minutes, cat, number))
        number += 1
        figures.append(delay_figure(incident, cat, number))
        if swimlane is not None and incident["id"] in swimlane.trace.incident_starts:
            number += 1
            figures.append(
                swimlane_figure(
                    results,
                    incident,
                    swimlane.trace,
                    swimlane.replication,
                    swimlane.choice,
                    cat,
                    number,
                )
            )
        if incident.get("warning"):
            number += 1
            figures.append(coverage_figure(incident, cat, number))
        incidents[incident["id"]] = figures
    overall: list[Figure] = []
    if results["people"]:
        number += 1
        overall.append(graph_figure(results, cat, number))
    if results.get("stock") and results["stock"]["depots"]:
        number += 1
        overall.append(stock_figure(results["stock"], cat, number))
    if results.get("comparison"):
        number += 1
        overall.append(forest_figure(results["comparison"], cat, number))
    return ReportFigures(incidents, overall)


def sizing_figures(sizing: Mapping[str, Any], curves: ServiceCurves, lang: str) -> ReportFigures:
    """The sizing report's figure: service level against quantity per depot and item."""
    return ReportFigures({}, [sizing_figure(sizing, curves, catalogue(lang), 1)])

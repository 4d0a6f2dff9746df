"""Figures of the reports: each a deterministic SVG and PNG with a caption and the data drawn.

:func:`run_figures` draws every figure a run report has, given results.json and the inputs
results.json does not carry (per-replication minutes, the drawn replication's trace, post
levels, link minutes, per-variant deadline shares).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...engine.trace import Trace
from ..i18n import catalogue
from .compare import MetShares, ServiceCurves, forest_figure, met_shares, sizing_figure
from .graph import graph_figure, link_minutes, post_levels
from .milestones import (
    ReplicationMinutes,
    delay_figure,
    ecdf_figure,
    experiment_minutes,
    replication_minutes,
)
from .render import CAUSE_COLOURS, Figure
from .supplies import coverage_figure, stock_figure
from .swimlane import choose_replication, swimlane_figure

__all__ = [
    "CAUSE_COLOURS",
    "Figure",
    "ReportFigures",
    "SwimlaneInput",
    "choose_replication",
    "experiment_minutes",
    "link_minutes",
    "met_shares",
    "post_levels",
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
    levels: Mapping[str, str] | None = None,
    links: Mapping[tuple[str, str], float] | None = None,
    met_shares: MetShares | None = None,
) -> ReportFigures:
    """Every figure of a run report, numbered in page order.

    The command graph needs ``levels`` and ``links``, the forest plot's deadline panel
    ``met_shares``; a figure whose input is missing is left out rather than guessed.
    """
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
    if levels is not None and links is not None and results["people"]:
        number += 1
        overall.append(graph_figure(results, levels, links, cat, number))
    if results.get("stock") and results["stock"]["depots"]:
        number += 1
        overall.append(stock_figure(results["stock"], cat, number))
    if results.get("comparison"):
        number += 1
        overall.append(forest_figure(results["comparison"], met_shares or {}, cat, number))
    return ReportFigures(incidents, overall)


def sizing_figures(sizing: Mapping[str, Any], curves: ServiceCurves, lang: str) -> ReportFigures:
    """The sizing report's figure: service level against quantity per depot and item."""
    return ReportFigures({}, [sizing_figure(sizing, curves, catalogue(lang), 1)])

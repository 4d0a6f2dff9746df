"""Figures of the reports: each a deterministic SVG and PNG with a caption and the data drawn.

:func:`run_figures` draws every figure a run report has from results.json, given the two
inputs results.json does not carry: per-replication minutes (replications.csv) and the trace
of the replication the swimlane draws (trace.csv; which one is results.json ``story``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ...engine.trace import Trace
from ...experiment.story import RULES as STORY_RULES
from ..drawn import Figure, ReportFigures
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
from .render import CAUSE_COLOURS
from .supplies import coverage_figure, stock_figure
from .swimlane import has_lanes, swimlane_figure

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


#: One figure to draw: the incident it belongs to (None: about the whole run), the function
#: and its arguments, so figures can be drawn in separate processes.
_Job = tuple[str | None, Callable[..., Figure], tuple[Any, ...]]


def run_figures(
    results: Mapping[str, Any],
    lang: str,
    *,
    minutes: ReplicationMinutes,
    swimlane: SwimlaneInput | None = None,
    workers: int | None = None,
) -> ReportFigures:
    """Every figure of a run report, numbered in page order; without ``swimlane`` the
    timeline is left out rather than guessed.

    Figures are independent, so they are drawn on up to ``workers`` forked processes
    (default: every core; 0 or 1 draws them here): the same files either way.
    """
    cat = catalogue(lang)
    number = 0
    jobs: list[_Job] = []
    incidents: dict[str, list[Figure]] = {}
    for incident in results["incidents"]:
        incidents[incident["id"]] = []
        if not any(m["n_reached"] for m in incident["milestones"]):
            continue
        key = incident["id"]
        number += 1
        jobs.append((key, ecdf_figure, (incident, minutes, cat, number)))
        number += 1
        jobs.append((key, delay_figure, (incident, cat, number)))
        if swimlane is not None and has_lanes(incident, swimlane.trace):
            number += 1
            args = (results, incident, swimlane.trace, swimlane.replication, swimlane.choice)
            jobs.append((key, swimlane_figure, (*args, cat, number)))
        if incident.get("warning"):
            number += 1
            jobs.append((key, coverage_figure, (incident, cat, number)))
    if results["people"]:
        number += 1
        jobs.append((None, graph_figure, (results, cat, number)))
    if results.get("stock") and results["stock"]["depots"]:
        number += 1
        jobs.append((None, stock_figure, (results["stock"], cat, number)))
    if results.get("comparison"):
        number += 1
        jobs.append((None, forest_figure, (results["comparison"], cat, number)))
    overall: list[Figure] = []
    for (key, _, _), drawn in zip(jobs, _draw(jobs, workers), strict=True):
        (overall if key is None else incidents[key]).append(drawn)
    return ReportFigures(incidents, overall)


#: Which figures take longest to draw (panels and texts), longest first.
_COST_RANK: dict[Callable[..., Figure], int] = {
    ecdf_figure: -4,
    delay_figure: -3,
    swimlane_figure: -2,
    coverage_figure: -1,
}


def _call(job: _Job) -> Figure:
    _, draw, args = job
    return draw(*args)


def _draw(jobs: list[_Job], workers: int | None) -> list[Figure]:
    """Draw every job, in order: on forked processes when there are cores to share them.

    Fork, not spawn: a forked child has matplotlib imported and its fonts loaded already,
    which a spawned one would spend most of a figure's time redoing.
    """
    count = min(len(jobs), (os.cpu_count() or 1) if workers is None else workers)
    if count <= 1 or "fork" not in mp.get_all_start_methods():
        return [_call(job) for job in jobs]
    # The costliest figures first, so no worker is left drawing a long one alone at the end.
    order = sorted(range(len(jobs)), key=lambda index: _COST_RANK.get(jobs[index][1], 0))
    drawn: list[Figure | None] = [None] * len(jobs)
    with ProcessPoolExecutor(count, mp_context=mp.get_context("fork")) as pool:
        for index, figure in zip(order, pool.map(_call, [jobs[i] for i in order]), strict=True):
            drawn[index] = figure
    return [figure for figure in drawn if figure is not None]


def sizing_figures(sizing: Mapping[str, Any], curves: ServiceCurves, lang: str) -> ReportFigures:
    """The sizing report's figure: service level against quantity per depot and item."""
    return ReportFigures({}, [sizing_figure(sizing, curves, catalogue(lang), 1)])

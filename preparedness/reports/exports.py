"""Machine-readable exports: results.json, per-replication CSV and the event trace CSV.

Strings that came from a scenario are guarded against spreadsheet formula injection in
CSV (``escape.csv_cell``); JSON is written as UTF-8 with names intact.
"""

from __future__ import annotations

import csv
import io
import json

from ..engine.trace import Trace
from .escape import csv_cell


def results_json(results: dict) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def replications_csv(scenario, replication_results) -> str:
    """One row per replication, incident and milestone; empty minutes = not reached, and then
    ``reason`` says why (``analysis/missed.py``: ``reason`` or ``reason:link-or-post``)."""
    from ..analysis.milestones import milestone_definitions

    definitions = {
        incident.id: milestone_definitions(scenario, incident) for incident in scenario.incidents
    }

    def rows():
        for result in replication_results:
            for incident in scenario.incidents:
                reached = result.milestones.get(incident.id, {})
                for definition in definitions[incident.id]:
                    value = reached.get(definition.id)
                    met = "" if definition.deadline is None else (
                        value is not None and value <= definition.deadline + 1e-9
                    )
                    miss = result.missed.milestones.get(incident.id, {}).get(definition.id)
                    reason = "" if miss is None else (
                        f"{miss.reason}:{miss.where}" if miss.where else miss.reason)
                    yield [result.replication, incident.id, definition.id,
                           "" if value is None else f"{value:.4f}", met, reason]

    return _csv(["replication", "incident", "milestone", "minutes", "deadline_met", "reason"],
                rows())


def trace_csv(trace: Trace) -> str:
    """Every event of one replication, with the id of the event that caused it."""
    rows = (
        [e.id, f"{e.time:.4f}", e.kind.value, e.incident or "", e.actor or "", e.subject or "",
         "" if e.cause is None else e.cause, e.channel or "", e.info]
        for e in trace.events
    )
    return _csv(
        ["event", "minute", "kind", "incident", "actor", "subject", "cause", "channel", "info"],
        rows,
    )


def coverage_csv(results: dict) -> str:
    """Mean share of households warned over time, per incident and cohort, with p10 and p90."""

    def rows():
        for incident in results["incidents"]:
            warning = incident.get("warning")
            if not warning:
                continue
            for group, curve in warning["curves"].items():
                for i, minute in enumerate(warning["curve_minutes"]):
                    yield [incident["id"], group, f"{minute:g}", f"{curve['mean'][i]:.4f}",
                           f"{curve['p10'][i]:.4f}", f"{curve['p90'][i]:.4f}"]

    return _csv(["incident", "cohort", "minute", "share_warned_mean", "p10", "p90"], rows())


def stock_csv(results: dict) -> str:
    """Stock on hand over time at each depot and item: mean, p10 and p90 over the runs."""

    def rows():
        for row in results["stock"]["depots"]:
            for i, minute in enumerate(row["level_minutes"]):
                yield [row["depot"], row["depot_name"], row["item"], row["unit"], f"{minute:g}",
                       f"{row['level_mean'][i]:.2f}", f"{row['level_p10'][i]:.2f}",
                       f"{row['level_p90'][i]:.2f}"]

    return _csv(["depot", "depot_name", "item", "unit", "minute", "stock_mean", "p10", "p90"],
                rows())


def variants_csv(experiments) -> str:
    """Compared variants side by side: one row per variant, replication, incident, milestone.

    Rows of the same replication number share their random draws (common random numbers),
    so differences can be taken row by row.
    """
    from ..analysis.milestones import milestone_definitions

    def rows():
        for name, experiment in experiments.items():
            scenario = experiment.scenario
            for result in experiment.results:
                for incident in scenario.incidents:
                    reached = result.milestones.get(incident.id, {})
                    for definition in milestone_definitions(scenario, incident):
                        value = reached.get(definition.id)
                        met = "" if definition.deadline is None else (
                            value is not None and value <= definition.deadline + 1e-9
                        )
                        yield [name, result.replication, incident.id, definition.id,
                               "" if value is None else f"{value:.4f}", met]

    return _csv(["variant", "replication", "incident", "milestone", "minutes", "deadline_met"],
                rows())

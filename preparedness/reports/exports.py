"""Machine-readable exports: results.json, per-replication CSV, the event trace CSV, and a
stockpile sizing's sizing.csv, purchase.csv, rotation.csv and sizing.json.

Strings that came from a scenario are guarded against spreadsheet formula injection in
CSV (``escape.csv_cell``); JSON is written as UTF-8 with names intact.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ..engine.trace import Trace
from .escape import csv_cell


def results_json(results: dict) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV document (``\\n`` line ends) whose every cell is guarded by ``csv_cell``."""
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
                    met = (
                        ""
                        if definition.deadline is None
                        else (value is not None and value <= definition.deadline + 1e-9)
                    )
                    miss = result.missed.milestones.get(incident.id, {}).get(definition.id)
                    reason = (
                        ""
                        if miss is None
                        else (f"{miss.reason}:{miss.where}" if miss.where else miss.reason)
                    )
                    yield [
                        result.replication,
                        incident.id,
                        definition.id,
                        "" if value is None else f"{value:.4f}",
                        met,
                        reason,
                    ]

    return csv_text(
        ["replication", "incident", "milestone", "minutes", "deadline_met", "reason"], rows()
    )


def trace_csv(trace: Trace, start: datetime | None = None) -> str:
    """Every event of one replication, with the id of the event that caused it.

    Each time is given on every clock a reader may hold it against: ``scenario_minute``
    (minutes from the scenario start), ``incident_minute`` (minutes from the start of the
    event's incident, the clock of report.md and results.json) and ``clock`` (the local
    date and time, when the scenario's ``start`` is given).
    """

    def since_incident(e) -> str:
        began = trace.incident_starts.get(e.incident) if e.incident else None
        return "" if began is None else f"{e.time - began:.4f}"

    def wall(e) -> str:
        return (
            "" if start is None else (start + timedelta(minutes=e.time)).isoformat("T", "seconds")
        )

    rows = (
        [
            e.id,
            f"{e.time:.4f}",
            since_incident(e),
            wall(e),
            e.kind.value,
            e.incident or "",
            e.actor or "",
            e.subject or "",
            "" if e.cause is None else e.cause,
            e.channel or "",
            e.info,
        ]
        for e in trace.events
    )
    return csv_text(
        [
            "event",
            "scenario_minute",
            "incident_minute",
            "clock",
            "kind",
            "incident",
            "actor",
            "subject",
            "cause",
            "channel",
            "info",
        ],
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
                    yield [
                        incident["id"],
                        group,
                        f"{minute:g}",
                        f"{curve['mean'][i]:.4f}",
                        f"{curve['p10'][i]:.4f}",
                        f"{curve['p90'][i]:.4f}",
                    ]

    return csv_text(["incident", "cohort", "minute", "share_warned_mean", "p10", "p90"], rows())


def stock_csv(results: dict) -> str:
    """Stock on hand over time at each depot and item: mean, p10 and p90 over the runs."""

    def rows():
        for row in results["stock"]["depots"]:
            for i, minute in enumerate(row["level_minutes"]):
                yield [
                    row["depot"],
                    row["depot_name"],
                    row["item"],
                    row["unit"],
                    f"{minute:g}",
                    f"{row['level_mean'][i]:.2f}",
                    f"{row['level_p10'][i]:.2f}",
                    f"{row['level_p90'][i]:.2f}",
                ]

    return csv_text(
        ["depot", "depot_name", "item", "unit", "minute", "stock_mean", "p10", "p90"], rows()
    )


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
                        met = (
                            ""
                            if definition.deadline is None
                            else (value is not None and value <= definition.deadline + 1e-9)
                        )
                        yield [
                            name,
                            result.replication,
                            incident.id,
                            definition.id,
                            "" if value is None else f"{value:.4f}",
                            met,
                        ]

    return csv_text(
        ["variant", "replication", "incident", "milestone", "minutes", "deadline_met"], rows()
    )


# ----------------------------------------------------------------------------- sizing

SIZING_COLUMNS = [
    "depot",
    "depot_name",
    "depot_level",
    "item",
    "item_name",
    "unit",
    "quantity",
    "quantity_ci95_low",
    "quantity_ci95_high",
    "packs",
    "pack_size",
    "unit_cost",
    "cost",
    "held_now",
    "service_level",
    "service_ci95_low",
    "service_ci95_high",
    "replications",
    "reachable",
    "reason",
    "check_service_level",
    "check_ci95_low",
    "check_ci95_high",
    "check_meets_target",
]
PURCHASE_COLUMNS = [
    "depot",
    "depot_name",
    "item",
    "item_name",
    "unit",
    "recommended",
    "usable",
    "replaced",
    "buy",
    "packs",
    "pack_size",
    "unit_cost",
    "cost",
]
ROTATION_COLUMNS = [
    "status",
    "depot",
    "depot_name",
    "item",
    "item_name",
    "unit",
    "quantity",
    "stocked_on",
    "expires_on",
    "action",
]


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def sizing_csv(results: dict) -> str:
    """One row per depot and item; shares to four decimals, empty when not checked."""

    def rows():
        for row in results["rows"]:
            low, high = row["service_ci95"] or (None, None)
            check = row["check"] or {}
            c_low, c_high = check.get("service_ci95") or (None, None)
            q_low, q_high = row["quantity_ci95"] or (None, None)
            yield [
                row["depot"],
                row["depot_name"],
                row["depot_level"],
                row["item"],
                row["item_name"],
                row["unit"],
                row["quantity"],
                "" if q_low is None else q_low,
                "" if q_high is None else q_high,
                row["packs"],
                row["pack_size"],
                row["unit_cost"],
                f"{row['cost']:.2f}",
                row["held_now"],
                _share(row["service_level"]),
                _share(low),
                _share(high),
                row["replications"],
                row["reachable"],
                row["reason"] or "",
                _share(check.get("service_level")),
                _share(c_low),
                _share(c_high),
                "" if not check else check["meets_target"],
            ]

    return csv_text(SIZING_COLUMNS, rows())


def purchase_csv(results: dict) -> str:
    """What to buy on the plan date: one row per depot and item with something to buy or
    replace; cost to two decimals."""
    return csv_text(
        PURCHASE_COLUMNS,
        (
            [f"{line[c]:.2f}" if c == "cost" else line[c] for c in PURCHASE_COLUMNS]
            for line in results["purchases"]
        ),
    )


def rotation_csv(results: dict) -> str:
    return csv_text(
        ROTATION_COLUMNS,
        ([line[c] or "" for c in ROTATION_COLUMNS] for line in results["rotation"]),
    )


def sizing_json(results: dict) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n"

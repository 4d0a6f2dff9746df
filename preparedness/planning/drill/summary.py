"""Read the summary form of a staff call-down drill (YAML or CSV) and derive its measures.

Public-health staff notification and assembly drills (CDC Public Health Emergency
Preparedness program, operational readiness review) report a summary rather than a log:
drill start and end, the platforms used, whether calling was automated, manual or hybrid,
when the first and last person was notified, the last acknowledgement, and how many staff
there are, acknowledged and assembled. The form is a YAML mapping of those fields, or a CSV
of ``field,value`` rows (platforms separated by ``;``). Every problem is reported with its
line, all at once, as for a drill log.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ...scenario.diagnostics import ScenarioError, did_you_mean, locate
from ...scenario.yaml_source import read_yaml
from .log import DrillLogError, LogProblem

__all__ = ["FIELDS", "CallDown", "read_summary"]

#: The fields of the summary form, and whether a form must have them.
FIELDS: dict[str, bool] = {
    "drill_start": True,
    "drill_end": False,
    "platforms": False,
    "calling_process": False,
    "first_notified": False,
    "last_notified": False,
    "last_acknowledged": False,
    "staff_total": True,
    "staff_acknowledged": False,
    "staff_assembled": False,
}
_TIMES = ("drill_start", "first_notified", "last_notified", "last_acknowledged", "drill_end")
_COUNTS = ("staff_total", "staff_acknowledged", "staff_assembled")
PROCESSES = ("automated", "manual", "hybrid")


@dataclass(frozen=True)
class CallDown:
    """A checked call-down summary; times in minutes from the drill start."""

    file: str
    platforms: tuple[str, ...]
    calling_process: str | None
    minutes: dict[str, float]  # every time given, from drill_start
    staff_total: int
    staff_acknowledged: int | None
    staff_assembled: int | None

    def measures(self) -> dict[str, float | None]:
        """Time to notify everyone, to the last acknowledgement, and the shares reached."""
        first, last = self.minutes.get("first_notified"), self.minutes.get("last_notified")
        return {
            "minutes_to_first_notified": first,
            "minutes_to_notify_all": None if first is None or last is None else last - first,
            "minutes_to_last_acknowledged": self.minutes.get("last_acknowledged"),
            "acknowledged_share": None
            if self.staff_acknowledged is None
            else self.staff_acknowledged / self.staff_total,
            "assembled_share": None
            if self.staff_assembled is None
            else self.staff_assembled / self.staff_total,
        }


def read_summary(path: str | Path, *, display_name: str | None = None) -> CallDown:
    """Read and check a summary form; ``.yaml``/``.yml`` as YAML, anything else as CSV."""
    name = display_name or str(path)
    values: dict[str, tuple[Any, int]] = {}
    problems: list[LogProblem] = []
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        try:
            document = read_yaml(path, display_name=name)
        except ScenarioError as error:
            raise DrillLogError(
                LogProblem(name, d.line, d.field, d.message) for d in error.diagnostics
            ) from None
        data = document.data if isinstance(document.data, dict) else {}
        if not isinstance(document.data, dict):
            problems.append(LogProblem(name, 1, "", "the summary must be a mapping of fields"))
        for key, value in data.items():
            values[str(key)] = (value, locate(document.root, (key,), want_key=True)[0])
    else:
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DrillLogError(
                [LogProblem(name, 1, "", "not UTF-8 text; save it as UTF-8")]
            ) from None
        for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not row or (line == 1 and row[:2] == ["field", "value"]):
                continue
            if len(row) != 2:
                problems.append(LogProblem(name, line, "", "write two cells: field,value"))
                continue
            cell: Any = row[1].strip()
            if row[0].strip() == "platforms":
                cell = [p.strip() for p in cell.split(";") if p.strip()]
            values[row[0].strip()] = (cell, line)
    return _check(name, values, problems)


def _check(name: str, values: dict[str, tuple[Any, int]], problems: list[LogProblem]) -> CallDown:
    def problem(field: str, message: str) -> None:
        problems.append(
            LogProblem(name, values[field][1] if field in values else 1, field, message)
        )

    for field in values:
        if field not in FIELDS:
            problem(field, f"unknown field{did_you_mean(field, FIELDS)}")
    for field, required in FIELDS.items():
        if required and field not in values:
            problems.append(LogProblem(name, 1, "", f"no '{field}'"))
    moments: dict[str, datetime] = {}
    for field in _TIMES:
        if field in values:
            try:
                moment = datetime.fromisoformat(str(values[field][0]))
            except ValueError:
                problem(field, f"'{values[field][0]}' is not an ISO 8601 date and time")
                continue
            if moment.utcoffset() is None:
                problem(field, "add the UTC offset, e.g. +08:00")
                continue
            moments[field] = moment
    for earlier, later in zip(_TIMES, _TIMES[1:], strict=False):
        if earlier in moments and later in moments and moments[later] < moments[earlier]:
            problem(later, f"is before {earlier}")
    counts: dict[str, int] = {}
    for field in _COUNTS:
        if field in values:
            raw = str(values[field][0])
            if not raw.isdigit():
                problem(field, f"'{raw}' is not a whole number")
                continue
            counts[field] = int(raw)
    for field in ("staff_acknowledged", "staff_assembled"):
        if field in counts and "staff_total" in counts and counts[field] > counts["staff_total"]:
            problem(field, f"{counts[field]} is more than staff_total ({counts['staff_total']})")
    process = values.get("calling_process", (None, 0))[0]
    if process is not None and process not in PROCESSES:
        problem("calling_process", f"'{process}' is not one of {', '.join(PROCESSES)}")
    platforms = values.get("platforms", ([], 0))[0]
    if not isinstance(platforms, list):
        problem("platforms", "write a list of platforms")
        platforms = []
    if problems:
        raise DrillLogError(problems)
    start = moments["drill_start"]
    minutes = {f: (moments[f] - start).total_seconds() / 60 for f in moments}
    return CallDown(
        name,
        tuple(str(p) for p in platforms),
        process,
        minutes,
        counts["staff_total"],
        counts.get("staff_acknowledged"),
        counts.get("staff_assembled"),
    )

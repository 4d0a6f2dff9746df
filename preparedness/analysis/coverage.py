"""Warning coverage of households over time, from the warning batches a trace recorded.

Each household of the warning area hears the warning at the earliest time any warner
reached it; households reached after the incident's observation window, or never, count as
not reached. From that come the coverage curve and T50/T90/T100 (the minutes, from the
incident's start, until 50%, 90% and every household of the area was warned), overall and
per cohort.
Pure functions of a ``Trace``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine.trace import Trace

COHORT_LABELS = {
    "smartphone": "smartphone users",
    "without_smartphone": "households without smartphones (many elderly)",
}
QUANTILES = (50, 90, 100)


@dataclass(frozen=True)
class Reach:
    """When a coverage level was reached, and by which batch (for the critical path)."""

    minutes: float
    cause: int  # event id that set the reaching warner going
    method: str  # "group_message" | "door_knocking"


@dataclass(frozen=True)
class Coverage:
    """One incident's warning coverage in one replication."""

    households: dict[str, int]  # cohort -> households in the area
    reached: dict[str, int]  # cohort -> households warned within the observation window
    #: (cohort or "all", percent) -> when that share was warned; absent: never
    levels: dict[tuple[str, int], Reach]
    #: minutes from the incident's start of every household reached, sorted, per cohort
    times: dict[str, np.ndarray]


def warning_coverage(
    trace: Trace, incident: str, extra_percent: int | None = None
) -> Coverage | None:
    """Coverage of ``incident``'s warning area, or None when it had no warning."""
    area = trace.warning_area.get(incident)
    if area is None:
        return None
    start = trace.incident_starts[incident]
    best: dict[tuple[str, str], np.ndarray] = {}
    source: dict[tuple[str, str], np.ndarray] = {}
    batches = [b for b in trace.warnings if b.incident == incident]
    for community, sizes in area.items():
        for cohort, count in sizes.items():
            best[(community, cohort)] = np.full(count, math.inf)
            source[(community, cohort)] = np.full(count, -1, dtype=np.int64)
    for index, batch in enumerate(batches):
        key = (batch.community, batch.cohort)
        if key not in best:
            continue
        times = np.asarray(batch.times, dtype=float)
        segment = slice(batch.start, batch.start + len(times))
        better = times < best[key][segment]
        best[key][segment] = np.where(better, times, best[key][segment])
        source[key][segment] = np.where(better, index, source[key][segment])
    for (community, cohort), ranges in _partial(trace, incident).items():
        # Only part of this community is in the area: keep just its households.
        keep = np.concatenate([np.arange(lo, hi) for lo, hi in ranges] or [np.arange(0)])
        best[(community, cohort)] = best[(community, cohort)][keep]
        source[(community, cohort)] = source[(community, cohort)][keep]
    percents = sorted({*QUANTILES, *([extra_percent] if extra_percent else [])})
    households, reached, levels, by_cohort = {}, {}, {}, {}
    groups = {
        cohort: [k for k in best if k[1] == cohort]
        for cohort in ("smartphone", "without_smartphone")
    }
    groups["all"] = list(best)
    for group, keys in groups.items():
        if not keys:
            continue
        times = np.concatenate([best[k] for k in keys])
        owners = np.concatenate([source[k] for k in keys])
        observed = times <= trace.window_end(incident)
        times = np.where(observed, times, math.inf)
        order = np.argsort(times, kind="stable")
        ordered = times[order]
        total = len(times)
        if group != "all":
            households[group] = total
            reached[group] = int(np.isfinite(times).sum())
        by_cohort[group] = ordered[np.isfinite(ordered)] - start
        for percent in percents:
            if total == 0:
                continue
            needed = max(1, math.ceil(percent / 100 * total - 1e-9))
            moment = ordered[needed - 1]
            if math.isfinite(moment):
                batch = batches[owners[order[needed - 1]]]
                levels[(group, percent)] = Reach(moment - start, batch.cause, batch.method)
    return Coverage(households, reached, levels, by_cohort)


def _partial(trace: Trace, incident: str) -> dict[tuple[str, str], list[tuple[int, int]]]:
    slices = getattr(trace, "warning_slices", {}).get(incident, {})
    return {
        (c, cohort): ranges
        for c, by_cohort in slices.items()
        for cohort, ranges in by_cohort.items()
    }


def coverage_grid(horizon: float) -> np.ndarray:
    """Times (minutes from the incident's start) at which coverage curves are sampled."""
    return np.arange(0.0, horizon + 1e-9, 5.0)


def coverage_curve(coverage: Coverage, grid: np.ndarray, group: str = "all") -> np.ndarray:
    """Share of the group's households warned by each time in ``grid`` (minutes)."""
    total = (
        sum(coverage.households.values()) if group == "all" else coverage.households.get(group, 0)
    )
    if total == 0:
        return np.zeros(len(grid))
    return np.searchsorted(coverage.times[group], grid, side="right") / total

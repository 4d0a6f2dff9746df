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

from ..engine.trace import Trace, WarningBatch

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
    batches = [b for b in trace.warnings if b.incident == incident]
    by_key: dict[tuple[str, str], list[int]] = {}
    for index, batch in enumerate(batches):
        by_key.setdefault((batch.community, batch.cohort), []).append(index)
    best: dict[tuple[str, str], np.ndarray] = {}
    source: dict[tuple[str, str], np.ndarray] = {}
    for community, sizes in area.items():
        for cohort, count in sizes.items():
            key = (community, cohort)
            best[key], source[key] = _earliest(batches, by_key.get(key, []), count)
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
        ordered = np.sort(times)
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
                batch = batches[owners[_stable_position(times, ordered, needed - 1)]]
                levels[(group, percent)] = Reach(moment - start, batch.cause, batch.method)
    return Coverage(households, reached, levels, by_cohort)


def _stable_position(times: np.ndarray, ordered: np.ndarray, rank: int) -> int:
    """Index in ``times`` of the element a stable sort puts at ``rank`` (``ordered``: sorted).

    Equal times keep their order, so it is the (rank - earlier)-th of the times equal to
    ``ordered[rank]``, where ``earlier`` counts the smaller times: the same answer as
    ``np.argsort(times, kind="stable")[rank]`` without sorting the indices.
    """
    value = ordered[rank]
    earlier = int(np.searchsorted(ordered, value, side="left"))
    return int(np.flatnonzero(times == value)[rank - earlier])


def _earliest(
    batches: list[WarningBatch], indices: list[int], count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per household of one list: the earliest time any batch reached it, and that batch.

    Equal times go to the batch recorded first; a household no batch reached (only ``inf``)
    keeps ``inf`` and no batch (-1). All batches of the list at once, not one by one.
    """
    best = np.full(count, math.inf)
    source = np.full(count, -1, dtype=np.int64)
    if not indices:
        return best, source
    pieces = [np.asarray(batches[i].times, dtype=float) for i in indices]
    lengths = np.array([len(piece) for piece in pieces], dtype=np.int64)
    starts = np.array([batches[i].start for i in indices], dtype=np.int64)
    if np.any(starts < 0) or np.any(starts + lengths > count):
        raise ValueError("a warning batch reaches past the end of its household list")
    times = np.concatenate(pieces)
    offsets = np.cumsum(lengths) - lengths
    households = np.arange(len(times)) - np.repeat(offsets - starts, lengths)
    owners = np.repeat(np.asarray(indices, dtype=np.int64), lengths)
    np.fmin.at(best, households, times)  # fmin: a NaN never counts as reached
    # Only a time below inf counts (the first batch to beat the initial inf wins a tie).
    first = (times == best[households]) & (times < math.inf)
    unset = np.iinfo(np.int64).max
    winner = np.full(count, unset, dtype=np.int64)
    np.minimum.at(winner, households[first], owners[first])
    source = np.where(winner == unset, -1, winner)
    return best, source


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

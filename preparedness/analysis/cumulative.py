"""Cumulative curves: piecewise-linear functions of time with jumps, exact at their knots.

Demand, stock served and stock on hand are all cumulative amounts that grow linearly
between events and jump when a truck arrives or a backlog is handed up. A ``Curve`` holds
them exactly (no time grid): knots ``t[k]`` with the value ``v[k]`` *at* the knot (the
right limit, so a jump at ``t[k]`` is the difference to the left limit) and the slope
``s[k]`` on ``[t[k], t[k+1])``; the last slope runs on forever. Before the first knot a
curve is 0.

Every time this module solves for (where a curve reaches a level) is computed from the
knot a segment was written with, never from a knot added later by merging, so a constant
demand ``r`` from ``t0`` reaches ``q`` at ``t0 + q / r`` to the last bit.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["Curve", "compose", "fifo_share"]


class Curve:
    """A piecewise-linear function of time with jumps; 0 before its first knot."""

    __slots__ = ("times", "values", "slopes")

    def __init__(
        self,
        times: Sequence[float] = (),
        values: Sequence[float] = (),
        slopes: Sequence[float] = (),
    ):
        if not len(times) == len(values) == len(slopes):
            raise ValueError("a curve needs as many values and slopes as knots")
        if any(b <= a for a, b in zip(times, times[1:], strict=False)):
            raise ValueError("knot times must be strictly increasing")
        self.times = tuple(float(t) for t in times)
        self.values = tuple(float(v) for v in values)
        self.slopes = tuple(float(s) for s in slopes)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_knots(cls, knots: Iterable[tuple[float, float, float]]) -> Curve:
        """From ``(time, value, slope)`` triples in time order; a knot that changes nothing
        (same line as the segment before it) is dropped."""
        times: list[float] = []
        values: list[float] = []
        slopes: list[float] = []
        for t, v, s in knots:
            if times:
                if t <= times[-1]:
                    if t < times[-1]:
                        raise ValueError("knots must come in time order")
                    values[-1], slopes[-1] = v, s  # same time: the later knot wins
                    continue
                if s == slopes[-1] and v == values[-1] + slopes[-1] * (t - times[-1]):
                    continue
            elif v == 0.0 and s == 0.0:
                continue  # 0 before the first knot already
            times.append(float(t))
            values.append(float(v))
            slopes.append(float(s))
        return cls._trusted(tuple(times), tuple(values), tuple(slopes))

    @classmethod
    def _trusted(cls, times: tuple, values: tuple, slopes: tuple) -> Curve:
        """Knots already checked (strictly increasing, floats): no copying, no checks."""
        curve = cls.__new__(cls)
        curve.times, curve.values, curve.slopes = times, values, slopes
        return curve

    @classmethod
    def rate(cls, start: float, rate: float) -> Curve:
        """0 until ``start``, then growing at ``rate`` per minute."""
        return cls((start,), (0.0,), (rate,))

    @classmethod
    def step(cls, time: float, amount: float) -> Curve:
        """0 until ``time``, then ``amount``."""
        return cls((time,), (amount,), (0.0,))

    @classmethod
    def ramp(cls, start: float, end: float, total: float) -> Curve:
        """0 until ``start``, rising evenly to ``total`` at ``end`` (a jump if they meet)."""
        if end <= start:
            return cls.step(start, total)
        return cls((start, end), (0.0, total), (total / (end - start), 0.0))

    # ------------------------------------------------------------------ reading

    def _index(self, t: float) -> int:
        """Index of the segment holding ``t`` (-1 before the first knot)."""
        return bisect_right(self.times, t) - 1

    def at(self, t: float) -> float:
        """The value at ``t`` (after any jump at ``t``)."""
        k = self._index(t)
        if k < 0:
            return 0.0
        return self.values[k] + self.slopes[k] * (t - self.times[k])

    __call__ = at

    def left(self, t: float) -> float:
        """The value just before ``t`` (before any jump at ``t``)."""
        k = bisect_left(self.times, t) - 1
        if k < 0:
            return 0.0
        return self.values[k] + self.slopes[k] * (t - self.times[k])

    def slope_at(self, t: float) -> float:
        """The slope just after ``t``."""
        k = self._index(t)
        return 0.0 if k < 0 else self.slopes[k]

    def at_many(self, times: Sequence[float] | np.ndarray) -> np.ndarray:
        """Values at many times at once."""
        ts = np.asarray(times, dtype=float)
        if not self.times:
            return np.zeros_like(ts)
        knots = np.asarray(self.times)
        k = np.searchsorted(knots, ts, side="right") - 1
        safe = np.maximum(k, 0)
        out = np.asarray(self.values)[safe] + np.asarray(self.slopes)[safe] * (ts - knots[safe])
        return np.where(k < 0, 0.0, out)

    def first_above(self, level: float) -> float | None:
        """For a non-decreasing curve, ``inf {t : f(t) > level}`` (None: never)."""
        if level < 0.0:
            return -math.inf
        n = len(self.times)
        for k in range(n):
            v, s, t = self.values[k], self.slopes[k], self.times[k]
            if v > level:
                return t
            if s > 0.0:
                crossing = t + (level - v) / s
                if k + 1 == n or crossing < self.times[k + 1]:
                    return max(crossing, t)
        return None

    def exceeds_from(self, level: float, slack: float, after: float) -> float | None:
        """For a non-decreasing curve, from when (at or after ``after``) it exceeds ``level``
        for real: the first time it is more than ``slack`` above ``level``, moved back to
        where that rise crossed ``level`` (values within ``slack`` of ``level`` are rounding
        noise, not an excess). None: it never does."""
        over = self.first_above(level + slack)
        if over is None:
            return None
        if over <= after:
            return after
        k = self._index(over)
        t, v, s = self.times[k], self.values[k], self.slopes[k]
        if t == over:  # a jump
            return t
        if v <= level:
            return max(t + (level - v) / s, after)
        if (
            k > 0 and self.slopes[k - 1] > 0.0 and self.values[k - 1] <= level and self.left(t) == v
        ):  # the rise began on the segment before
            t0, v0, s0 = self.times[k - 1], self.values[k - 1], self.slopes[k - 1]
            return max(t0 + (level - v0) / s0, after)
        return max(t, after)

    def first_rise(self, tolerance: float = 0.0) -> float | None:
        """For a non-negative, non-decreasing curve, when it starts rising above 0, treating
        values up to ``tolerance`` as rounding noise (None: it never does)."""
        n = len(self.times)
        for k in range(n):
            v, s = self.values[k], self.slopes[k]
            if v > tolerance:
                return self.times[k]
            end = (
                v + s * (self.times[k + 1] - self.times[k])
                if k + 1 < n
                else (math.inf if s > 0 else v)
            )
            if s > 0.0 and end > tolerance:
                return self.times[k]
        return None

    def final(self, horizon: float) -> float:
        """The value at ``horizon``."""
        return self.at(horizon)

    # ------------------------------------------------------------------ arithmetic

    def _merged(self, other: Curve) -> list[float]:
        return sorted(set(self.times) | set(other.times))

    def __add__(self, other: Curve) -> Curve:
        if not other.times:
            return self
        if not self.times:
            return other
        return Curve.from_knots(
            (t, self.at(t) + other.at(t), self.slope_at(t) + other.slope_at(t))
            for t in self._merged(other)
        )

    def __sub__(self, other: Curve) -> Curve:
        if not other.times:
            return self
        return Curve.from_knots(
            (t, self.at(t) - other.at(t), self.slope_at(t) - other.slope_at(t))
            for t in self._merged(other)
        )

    def scaled(self, factor: float) -> Curve:
        return Curve._trusted(
            self.times,
            tuple(v * factor for v in self.values),
            tuple(s * factor for s in self.slopes),
        )

    def from_time(self, start: float) -> Curve:
        """0 before ``start``, this curve from ``start`` on (a jump to its value there)."""
        k = self._index(start)
        knots = [(start, self.at(start), self.slope_at(start))] if k >= 0 else []
        knots += [
            (t, v, s)
            for t, v, s in zip(self.times, self.values, self.slopes, strict=True)
            if t > start
        ]
        return Curve.from_knots(knots)

    def capped(
        self,
        start: float,
        end: float,
        cap: float,
    ) -> tuple[list[tuple[float, float, float]], float | None]:
        """``min(f, cap)`` on ``[start, end)`` for a non-decreasing ``f``, as knots, and the
        first time in ``[start, end)`` at which ``f`` reaches ``cap`` (None: it stays below).

        The crossing inside a segment is solved from the knot the segment was written with:
        ``t[k] + (cap - v[k]) / s[k]``.
        """
        k = self._index(start)
        knots: list[tuple[float, float, float]] = []
        n = len(self.times)
        while True:
            seg_start = start if k < 0 or self.times[k] < start else self.times[k]
            if seg_start >= end:
                return knots, None
            if k < 0:
                v_anchor, s, t_anchor = 0.0, 0.0, seg_start
            else:
                v_anchor, s, t_anchor = self.values[k], self.slopes[k], self.times[k]
            value = v_anchor + s * (seg_start - t_anchor)
            if value >= cap:
                knots.append((seg_start, cap, 0.0))
                return knots, seg_start
            seg_end = self.times[k + 1] if k + 1 < n else math.inf
            if s > 0.0:
                crossing = t_anchor + (cap - v_anchor) / s
                if crossing < min(seg_end, end):
                    knots.append((seg_start, value, s))
                    knots.append((max(crossing, seg_start), cap, 0.0))
                    return knots, max(crossing, seg_start)
            knots.append((seg_start, value, s))
            if seg_end >= end:
                return knots, None
            k += 1

    def __repr__(self) -> str:
        knots = ", ".join(
            f"({t:g}, {v:g}, {s:g})"
            for t, v, s in zip(self.times, self.values, self.slopes, strict=True)
        )
        return f"Curve([{knots}])"


def fifo_share(total: Curve, part: Curve) -> Curve:
    """How much of ``part`` is among the first ``x`` units of ``total``, as a curve in ``x``.

    ``total`` is a queue of demand served first come, first served, and ``part`` one stream
    of it (``part <= total``, both non-decreasing). Units that arrive at the same moment
    (two jumps together, or two streams flowing at once) are shared in proportion.
    """
    points: list[tuple[float, float]] = [(0.0, 0.0)]
    for t in sorted(set(total.times) | set(part.times)):
        for x, y in ((total.left(t), part.left(t)), (total.at(t), part.at(t))):
            if x > points[-1][0]:
                points.append((x, max(y, points[-1][1])))
    last = max(total.times[-1] if total.times else 0.0, part.times[-1] if part.times else 0.0)
    tail_total, tail_part = total.slope_at(last), part.slope_at(last)
    tail = tail_part / tail_total if tail_total > 0.0 else 0.0
    knots = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        knots.append((x0, y0, (y1 - y0) / (x1 - x0)))
    knots.append((points[-1][0], points[-1][1], tail))
    return Curve.from_knots(knots)


def compose(outer: Curve, inner: Curve) -> Curve:
    """``outer(inner(t))`` for a non-decreasing ``inner`` and an ``outer`` with
    ``outer(0) == 0`` (so the result is 0 before ``inner``'s first knot, like ``inner``)."""
    knots: list[tuple[float, float, float]] = []
    n = len(inner.times)
    for k in range(n):
        t0, x0, s = inner.times[k], inner.values[k], inner.slopes[k]
        knots.append((t0, outer.at(x0), outer.slope_at(x0) * s))
        if s <= 0.0:
            continue
        t_end = inner.times[k + 1] if k + 1 < n else math.inf
        x_end = x0 + s * (t_end - t0)
        j = bisect_right(outer.times, x0)
        while j < len(outer.times) and outer.times[j] < x_end:
            x = outer.times[j]
            t = t0 + (x - x0) / s
            if t0 < t < t_end:
                knots.append((t, outer.values[j], outer.slopes[j] * s))
            j += 1
    return Curve.from_knots(knots)

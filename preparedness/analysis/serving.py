"""One supply point serving the demand presented to it from its own lots, exactly.

A point holds lots (a quantity, when it arrived, when it expires, and the trace event that
made it available). From its opening on it serves whatever is presented as long as it has
stock: served(t) = min(presented(t), everything it ever had − write-offs − sent away), so
between two events (a lot arriving, expiring or leaving) the served curve is the presented
curve capped at a constant, and a stock-out starts exactly where presented demand crosses
that cap. Lots are used first-expiry-first-out; at expiry a lot's remainder is written off.
Pure arithmetic on ``Curve``s: no SimPy, no time grid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .cumulative import Curve

__all__ = ["Lot", "Served", "serve"]


@dataclass(frozen=True)
class Lot:
    """Units of one item at one point."""

    quantity: float
    arrival: float = 0.0
    """Minutes from the scenario start; 0 for what the point holds at the start."""
    expiry: float = math.inf
    """Minutes from the scenario start (<= 0: expired before the start)."""
    origin: int | None = None
    """Trace event that made these units available here (the opening, a transfer, a restock)."""
    kind: str = "initial"
    """``initial``, ``restock`` or ``lateral``."""
    leaves: float | None = None
    """When the point sends whatever is left of it to a neighbour (a lateral transfer)."""


@dataclass(frozen=True)
class Served:
    """What a point did with its lots over ``[0, horizon]``."""

    served: Curve
    """Cumulative amount served from the point's own lots."""
    level: Curve
    """Stock on hand (after write-offs and transfers out)."""
    initial: float
    received: float
    used: float
    transferred_out: float
    expired: float
    remaining: float
    expired_at_start: float
    """Written off at time 0: lots already past their expiry when the run starts."""
    stockouts: tuple[tuple[float, float], ...]
    """Intervals inside the window in which presented demand exceeded what was served."""
    shortfall: float
    """Largest backlog left unserved during those intervals."""
    #: (first unit, last unit, origin event) of the served units, in serving order
    served_from: tuple[tuple[float, float, int | None], ...] = ()
    #: lots handed on at their ``leaves`` time: (time, quantity left, the lot)
    sent: tuple[tuple[float, float, Lot], ...] = field(default=())

    @property
    def first_stockout(self) -> float | None:
        return self.stockouts[0][0] if self.stockouts else None

    @property
    def stockout_minutes(self) -> float:
        return math.fsum(end - start for start, end in self.stockouts)

    def origin_of(self, unit: float) -> int | None:
        """The event whose lot served the ``unit``-th unit (the range starting at or
        containing it)."""
        for low, high, origin in self.served_from:
            if low <= unit < high:
                return origin
        return self.served_from[-1][2] if self.served_from else None


def tolerance(scale: float) -> float:
    """Amounts closer than this are equal: sums of curves round at about 1e-16 relative."""
    return 1e-9 * max(1.0, abs(scale))


def serve(
    presented: Curve,
    lots: list[Lot],
    *,
    opened: float | None,
    horizon: float,
    window_end: float | None = None,
) -> Served:
    """Serve ``presented`` from ``lots`` from ``opened`` on (None: never opens).

    Stock-outs are counted in ``[opened, window_end)`` (default: the horizon): moments at
    which presented demand exceeds what has been served. Events at or after the horizon are
    not part of the run, except expiries at the horizon itself (written off in (0, H]).
    """
    window_end = horizon if window_end is None else min(window_end, horizon)
    eps = tolerance(presented.at(horizon) + math.fsum(lot.quantity for lot in lots))
    times = {0.0, horizon}
    if opened is not None and opened < horizon:
        times.add(max(opened, 0.0))
    if 0.0 < window_end < horizon:
        times.add(window_end)
    for lot in lots:
        if 0.0 < lot.arrival < horizon:
            times.add(lot.arrival)
        if 0.0 < lot.expiry < horizon:
            times.add(lot.expiry)
        if lot.leaves is not None and 0.0 < lot.leaves < horizon:
            times.add(lot.leaves)
    order = sorted(times)

    remaining = [0.0] * len(lots)  # on hand per lot
    here = [False] * len(lots)
    arrived = [False] * len(lots)
    initial = math.fsum(lot.quantity for lot in lots if lot.kind == "initial")
    received = math.fsum(
        lot.quantity for lot in lots if lot.kind != "initial" and lot.arrival < horizon
    )
    used = out = expired = at_start = 0.0
    served_prev = 0.0
    s_knots: list[tuple[float, float, float]] = []
    level_knots: list[tuple[float, float, float]] = []
    stockouts: list[tuple[float, float]] = []
    shortfall = 0.0
    served_from: list[tuple[float, float, int | None]] = []
    sent: list[tuple[float, float, Lot]] = []
    fefo = sorted(range(len(lots)), key=lambda i: (lots[i].expiry, lots[i].arrival, i))

    for position, u in enumerate(order):
        # At u, in this order: expiries, lots leaving, lots arriving.
        for i, lot in enumerate(lots):
            if here[i] and lot.expiry <= u:
                expired += remaining[i]
                if u <= 0.0:
                    at_start += remaining[i]
                remaining[i], here[i] = 0.0, False
        if u >= horizon:
            break
        for i, lot in enumerate(lots):
            if here[i] and lot.leaves is not None and lot.leaves <= u:
                out += remaining[i]
                sent.append((u, remaining[i], lot))
                remaining[i], here[i] = 0.0, False
        for i, lot in enumerate(lots):
            if not arrived[i] and lot.arrival <= u:
                arrived[i] = True
                if lot.expiry <= u:  # arrives past its expiry: written off at once
                    expired += lot.quantity
                    if u <= 0.0:
                        at_start += lot.quantity
                else:
                    remaining[i], here[i] = lot.quantity, True
        cap = served_prev + math.fsum(remaining)
        w = order[position + 1]
        if opened is not None and u >= opened:
            knots, _ = presented.capped(u, w, cap)
            if u < window_end and presented.left(w) > cap + eps:
                start = presented.exceeds_from(cap, eps, u)
                if start is not None and start < w:
                    stockouts.append((start, w))
                    shortfall = max(shortfall, presented.left(w) - cap)
            t, v, s = knots[-1]
            end_value = v + s * (w - t)
        else:
            knots, end_value = [(u, served_prev, 0.0)], served_prev
        s_knots.extend(knots)
        level_knots.extend((t, cap - v, -s) for t, v, s in knots)
        # Units served in [u, w), taken first-expiry-first-out.
        need = max(0.0, end_value - served_prev)
        taken = 0.0
        for i in fefo:
            if taken >= need:
                break
            if here[i] and remaining[i] > 0.0:
                take = min(remaining[i], need - taken)
                served_from.append(
                    (served_prev + taken, served_prev + taken + take, lots[i].origin)
                )
                remaining[i] -= take
                taken += take
        used += taken
        served_prev += taken

    left_over = math.fsum(remaining)
    return Served(
        served=Curve.from_knots(s_knots),
        level=Curve.from_knots(level_knots),
        initial=initial,
        received=received,
        used=used,
        transferred_out=out,
        expired=expired,
        remaining=left_over,
        expired_at_start=at_start,
        stockouts=tuple(_merge(stockouts)),
        shortfall=shortfall,
        served_from=tuple(_merge_ranges(served_from)),
        sent=tuple(sent),
    )


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for start, end in intervals:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _merge_ranges(
    ranges: Iterable[tuple[float, float, int | None]],
) -> list[tuple[float, float, int | None]]:
    out: list[tuple[float, float, int | None]] = []
    for low, high, origin in ranges:
        if high <= low:
            continue
        if out and out[-1][2] == origin and out[-1][1] == low:
            out[-1] = (out[-1][0], high, origin)
        else:
            out.append((low, high, origin))
    return out

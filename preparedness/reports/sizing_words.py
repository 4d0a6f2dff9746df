"""Numbers, units, shares and spans in the words a stockpile sizing is read in: ``3,800
bags``, ``91.0–97.3%``, ``8 hours``; shared by the results document and its renderings."""

from __future__ import annotations

import datetime as dt

from ..planning.rotation import describe_span

__all__ = [
    "amount",
    "interval_note",
    "money",
    "pct",
    "pct_ci",
    "service_meaning",
    "span",
    "under_target_note",
    "units",
    "window_words",
]


def amount(value: float) -> str:
    """``3800`` -> ``3,800``; ``2.5`` -> ``2.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def units(quantity: float, unit: str) -> str:
    """``3,800 bags``, ``6,144 L``: English words of three letters or more take a plural."""
    word = unit
    if (
        quantity != 1
        and len(unit) >= 3
        and unit.isascii()
        and unit.isalpha()
        and unit.islower()
        and not unit.endswith("s")
    ):
        word = unit + ("es" if unit.endswith(("x", "ch", "sh")) else "s")
    return f"{amount(quantity)} {word}"


def pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.1f}".removesuffix(".0") + "%"


def pct_ci(ci) -> str:
    """``91.0–97.3%``: both ends to one decimal, except the exact ends 0 and 100."""
    if ci is None:
        return "—"
    low, high = (("0" if v == 0 else "100" if v == 1 else f"{100 * v:.1f}") for v in ci)
    return f"{low}–{high}%"


def span(minutes: float) -> str:
    """``8 hours``, ``1 day``, ``3 years``: as a planner says it."""
    if minutes < 1440 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return describe_span(minutes)


def money(value: float) -> str:
    return f"{value:,.2f}"


def service_meaning(level: float) -> str:
    """What a service level promises, in one sentence."""
    runs = level * 100
    count = f"{runs:.0f}" if runs.is_integer() else f"{runs:g}"
    return (
        f"A service level of {pct(level)} means that in {count} of every 100 emergencies like "
        "the one simulated, the depot does not run out of the item while it is open and "
        "before its own resupply arrives."
    )


def window_words(hazard: str, start: dt.datetime, minutes: float) -> str:
    """``the first 3 days of <hazard> (simulated from 2026-07-14 08:00 to 2026-07-17 08:00)``."""
    end = start + dt.timedelta(minutes=minutes)
    return (
        f"the first {span(minutes)} from the start of {hazard} (simulated from "
        f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M})"
    )


def interval_note(quantity: int, ci, replications: int) -> str | None:
    """Where more replications would change a quantity: its interval has no upper end (too
    few runs to bound the service-level quantile) or spans more than a tenth of it."""
    if ci is None:
        return None
    low, high = ci
    if high is None:
        return (
            f"{replications:,} run{' is' if replications == 1 else 's are'} too few to bound "
            "the quantity from above; more runs (-n) may raise it"
        )
    if high - low > max(1, 0.1 * quantity):
        return "the need varies a lot between runs; more runs (-n) would pin it down"
    return None


def under_target_note(share: float | None, ci, target: float) -> str | None:
    """Why a sampled level just under the target still counts as meeting it."""
    if share is None or share >= target or ci is None or ci[1] < target:
        return None
    return (
        f"{pct(share)} is under {pct(target)} only by the chance of sampling: the target lies "
        f"within its 95% interval ({pct_ci(ci)})"
    )

"""Numbers, units, shares and spans in the words a stockpile sizing is read in: ``3,800
bags``, ``91.0–97.3%``, ``8 hours``; shared by the results document and its renderings."""

from __future__ import annotations

from ..planning.rotation import describe_span

__all__ = ["amount", "money", "pct", "pct_ci", "span", "units"]


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

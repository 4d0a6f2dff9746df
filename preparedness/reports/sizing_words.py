"""Numbers, units, shares, spans and dates in the words a stockpile sizing is read in, in the
report's language: ``3,800 bags``, ``91.0–97.3%``, ``8 hours`` / ``8 小时``; shared by the
results document (English) and its renderings (English or Chinese, from the catalogue)."""

from __future__ import annotations

import datetime as dt

from ..scenario.durations import format_duration
from ..scenario.resources import STANDARDS
from .i18n import Catalogue, catalogue

__all__ = [
    "amount",
    "calendar_date",
    "demand_words",
    "interval_note",
    "money",
    "pct",
    "pct_ci",
    "rotation_action",
    "service_meaning",
    "span",
    "stamp",
    "under_target_note",
    "units",
    "window_words",
]


def _cat(cat: Catalogue | None) -> Catalogue:
    return cat or catalogue("en")


def amount(value: float) -> str:
    """``3800`` -> ``3,800``; ``2.5`` -> ``2.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def units(quantity: float, unit: str, cat: Catalogue | None = None) -> str:
    """``3,800 bags``, ``6,144 L``: in English, words of three letters or more take a plural;
    other languages show the scenario's unit as written."""
    cat = _cat(cat)
    word = unit
    if (
        cat.lang == "en"
        and quantity != 1
        and len(unit) >= 3
        and unit.isascii()
        and unit.isalpha()
        and unit.islower()
        and not unit.endswith("s")
    ):
        word = unit + ("es" if unit.endswith(("x", "ch", "sh")) else "s")
    return cat("sizing.units", quantity=amount(quantity), unit=word)


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


def _count(cat: Catalogue, key: str, n: int) -> str:
    """``1 day`` / ``3 days``: the ``_one`` form for one, as English needs."""
    return cat(f"{key}_one" if n == 1 else key, n=str(n))


def span(minutes: float, cat: Catalogue | None = None) -> str:
    """``8 hours``, ``1 day``, ``3 days 1 hour``, ``3 years`` (a year is 365 days, as shelf
    lives are written), or a duration like ``12h`` under a day: as a planner says it, in the
    words of ``planning.rotation.describe_span``."""
    cat = _cat(cat)
    if minutes < 1440 and minutes % 60 == 0:
        return _count(cat, "sizing.hours", int(minutes // 60))
    days = minutes / 1440.0
    if days >= 365 and days % 365 == 0:
        return _count(cat, "sizing.years", int(days // 365))
    if days >= 1:
        whole = int(days)
        text = _count(cat, "sizing.days", whole)
        rest = minutes - whole * 1440.0
        if rest > 1e-9:
            hours = rest / 60.0
            more = _count(cat, "sizing.hours", int(hours)) if hours == int(hours) else None
            text = cat("sizing.span_and", first=text, second=more or format_duration(rest))
        return text
    return format_duration(minutes)


def money(value: float) -> str:
    return f"{value:,.2f}"


def calendar_date(day: dt.date | str, cat: Catalogue | None = None) -> str:
    """``2026-07-14`` in English (ISO 8601), ``2026年7月14日`` in Chinese."""
    cat = _cat(cat)
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    pad = cat.lang == "en"
    return cat(
        "sizing.date",
        year=str(day.year),
        month=f"{day.month:02d}" if pad else str(day.month),
        day=f"{day.day:02d}" if pad else str(day.day),
    )


def stamp(moment: dt.datetime, cat: Catalogue | None = None) -> str:
    """``2026-07-14 08:00`` / ``2026年7月14日 08:00``: a date with the time of day."""
    cat = _cat(cat)
    return cat("sizing.stamp", date=calendar_date(moment.date(), cat), time=f"{moment:%H:%M}")


def service_meaning(level: float, cat: Catalogue | None = None) -> str:
    """What a service level promises, in one sentence."""
    runs = level * 100
    count = f"{runs:.0f}" if runs.is_integer() else f"{runs:g}"
    return _cat(cat)("sizing.service_meaning", level=pct(level), count=count)


def window_words(
    hazard: str, start: dt.datetime, minutes: float, cat: Catalogue | None = None
) -> str:
    """``the first 3 days from the start of <hazard> (simulated from 2026-07-14 08:00 to
    2026-07-17 08:00)``."""
    cat = _cat(cat)
    end = start + dt.timedelta(minutes=minutes)
    return cat(
        "sizing.window",
        span=span(minutes, cat),
        hazard=hazard,
        start=stamp(start, cat),
        end=stamp(end, cat),
    )


def interval_note(quantity: int, ci, replications: int, cat: Catalogue | None = None) -> str | None:
    """Where more replications would change a quantity: its interval has no upper end (too
    few runs to bound the service-level quantile) or spans more than a tenth of it."""
    cat = _cat(cat)
    if ci is None:
        return None
    low, high = ci
    if high is None:
        key = "sizing.note_unbounded_one" if replications == 1 else "sizing.note_unbounded"
        return cat(key, runs=f"{replications:,}")
    if high - low > max(1, 0.1 * quantity):
        return cat("sizing.note_varies")
    return None


def under_target_note(
    share: float | None, ci, target: float, cat: Catalogue | None = None
) -> str | None:
    """Why a sampled level just under the target still counts as meeting it."""
    if share is None or share >= target or ci is None or ci[1] < target:
        return None
    return _cat(cat)(
        "sizing.note_under_target", share=pct(share), target=pct(target), ci=pct_ci(ci)
    )


def rotation_action(line: dict, as_of: str, cat: Catalogue | None = None) -> str:
    """What to do with a lot (a ``rotation`` row of sizing.json) on the plan date ``as_of``:
    the words of ``planning.rotation``, rebuilt from the row's status and dates."""
    cat = _cat(cat)
    expires = calendar_date(line["expires_on"], cat)
    if line["status"] == "recommended":
        return cat(
            "sizing.action_buy",
            date=calendar_date(as_of, cat),
            span=span(line["shelf_life_minutes"], cat),
            due=expires,
        )
    if line["status"] == "expired":
        return cat("sizing.action_expired", expires=expires)
    if line["status"] == "expires_in_horizon":
        return cat("sizing.action_expiring", expires=expires, date=calendar_date(as_of, cat))
    return cat("sizing.action_replace_by", expires=expires)


def demand_words(rule: dict, cat: Catalogue | None = None) -> str:
    """A plan's supply rule (a ``demand_rules`` row of sizing.json) in words: ``30 bags per
    metre of <task> (120 metres)``, ``3 L per affected person per day``."""
    cat = _cat(cat)
    quantity = units(rule["amount"], rule["unit"], cat)
    if rule["rule"] == "per_person_per_day":
        phrase = cat("sizing.rule_per_person", quantity=quantity)
        standard = rule["standard"]
        if standard is not None and rule.get("contains") is not None:
            figure, unit, _ = STANDARDS[standard]
            if unit != rule["unit"]:
                phrase += cat(
                    "sizing.rule_contains",
                    figure=amount(figure),
                    unit=unit,
                    item_unit=rule["unit"],
                    holds=amount(rule["contains"]),
                )
        return phrase
    if rule["rule"] == "per_responder_per_shift":
        return cat("sizing.rule_per_responder", quantity=quantity, shift=span(rule["shift"], cat))
    per = cat("sizing.rule_separator").join(
        cat(
            "sizing.rule_per_task",
            quantity=quantity,
            unit=task["unit"],
            task=task["name"],
            size=units(task["size"], task["unit"], cat),
        )
        for task in rule.get("tasks") or []
    )
    return per or cat("sizing.rule_per_task_unit", quantity=quantity)


def demand_source(rule: dict, cat: Catalogue | None = None) -> str:
    """Where a rule's figure comes from: a named standard, or the plan itself."""
    cat = _cat(cat)
    if rule["standard"] is not None:
        return cat(f"sizing.standard_{rule['standard']}")
    return cat("sizing.source_plan", plan=rule["plan_name"])

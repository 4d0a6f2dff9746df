"""Turn the durations and clock times planners write (``15m``, ``2h30m``, ``"08:30"``) into minutes.

The simulation clock runs in minutes (float), so every duration in a scenario is converted
here, once, at load time. The format follows the Go ``time.ParseDuration``
convention familiar from Kubernetes and Prometheus files, restricted to the units planners use:
years, days, hours, minutes and seconds, in that order, each at most once (``1d2h``, ``1.5h``,
``90s``). A year is 365 days (``3y`` = 1,095 days), the way shelf lives are printed on stock;
durations are always written back in days (``1095d``).

A unit is always required. pydantic's own ``timedelta`` reads a bare ``90`` as 90 *seconds*,
a trap for planners who mean minutes, so bare numbers are rejected with a fix-it message.
The same regular expression is published as the JSON Schema ``pattern`` so the editor and
the loader agree on what is valid (README, "Writing scenarios").

Model authors declare fields with the annotated types at the bottom of this module::

    muster_time: PositiveDuration = Field(description="Time to gather the team.")
    talk_time: Duration = Field("2m", validate_default=True)
    shift_start: ClockTime = Field("08:00", validate_default=True)
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from .wording import words

__all__ = [
    "CLOCK_TIME_PATTERN",
    "DAYS_PER_YEAR",
    "DURATION_PATTERN",
    "ClockTime",
    "Duration",
    "DurationText",
    "PositiveDuration",
    "format_clock_time",
    "format_duration",
    "parse_clock_time",
    "parse_duration",
]

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"

DURATION_PATTERN = (
    r"^\s*(?=[0-9])"
    rf"(?:({_NUMBER})y)?(?:({_NUMBER})d)?(?:({_NUMBER})h)?(?:({_NUMBER})m)?(?:({_NUMBER})s)?"
    r"\s*$"
)
"""Regex for a duration string; also the JSON Schema ``pattern`` (ECMA 262 compatible).

The look-ahead ``(?=[0-9])`` rules out the empty string; ``[0-9]`` rather than ``\\d``
keeps non-ASCII digits out, which Python's ``\\d`` would otherwise accept.
"""

CLOCK_TIME_PATTERN = r"^\s*(?:(?:[01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)\s*$"
"""Regex for a time of day ``H:MM`` or ``HH:MM`` from ``00:00`` to ``24:00``."""

_DURATION_RE = re.compile(DURATION_PATTERN)
_CLOCK_RE = re.compile(CLOCK_TIME_PATTERN)
_BARE_NUMBER_RE = re.compile(r"^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$")

#: Days in a year: a shelf life of "3y" is 1,095 days (no leap days, as shelf lives are given).
DAYS_PER_YEAR = 365

# Minutes per unit for the pattern's groups y, d, h, m, s.
_MINUTES_PER_UNIT = (
    Fraction(DAYS_PER_YEAR * 1440),
    Fraction(1440),
    Fraction(60),
    Fraction(1),
    Fraction(1, 60),
)

_EXAMPLES = "write e.g. '90s', '15m', '2h30m' or '3d'"

NEEDS_UNIT = words("needs_unit", "write a unit, e.g. '15m' (minutes), '90s' or '2h30m'")
"""Message for a bare number: the clock is in minutes, but the file must say so."""


def _not_a_duration(text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    return words("not_a_duration", f"'{shown}' is not a duration; {_EXAMPLES}", value=shown)


def _describe(value: Any) -> str:
    """Name a wrong value the way it looked in YAML, for messages (worded, ``wording.py``)."""
    if value is None:
        return words("value_empty", "an empty value")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return words("value_mapping", "a mapping")
    if isinstance(value, list | tuple):
        return words("value_list", "a list")
    kind = type(value).__name__
    return words("value_kind", f"a {kind}", kind=kind)


def parse_duration(value: Any) -> float:
    """Return a duration in minutes from a string such as ``'2h30m'`` or ``'3y'`` (365-day
    years), or a ``timedelta``.

    Raises ``ValueError`` with a message written for planners: bare numbers (``15``, ``"15"``)
    are refused because the unit is ambiguous; anything else that does not match
    ``DURATION_PATTERN`` is quoted back with examples of what to write.
    """
    if type(value) is str:  # the usual case first: a big scenario has 100,000 durations
        return _duration_text(value)
    if isinstance(value, bool):
        shown = _describe(value)
        raise ValueError(
            words("not_a_duration_bare", f"{shown} is not a duration; {_EXAMPLES}", value=shown)
        )
    if isinstance(value, timedelta):
        minutes = value.total_seconds() / 60.0
        if minutes < 0:
            raise ValueError(words("not_negative", "must not be negative"))
        return minutes
    if isinstance(value, numbers.Real):
        raise ValueError(NEEDS_UNIT)
    if not isinstance(value, str):
        shown = _describe(value)
        raise ValueError(
            words(
                "expected_duration",
                f"expected a duration such as '15m' or '2h30m', not {shown}",
                value=shown,
            )
        )
    return _duration_text(value)


@functools.lru_cache(maxsize=4096)
def _duration_text(value: str) -> float:
    """Minutes of a duration written as text; cached, as a big scenario repeats a few texts
    (``0s``, ``15s``) tens of thousands of times and exact summing is slow."""
    match = _DURATION_RE.match(value)
    if match is None:
        if _BARE_NUMBER_RE.match(value):
            raise ValueError(NEEDS_UNIT)
        raise ValueError(_not_a_duration(value.strip()))
    # Sum exactly, then round once: '1m30s' is exactly 1.5, '0.1m' exactly float('0.1'), and
    # n seconds give exactly n / 60, so format_duration and parse_duration round-trip.
    try:
        exact = sum(
            Fraction(amount) * scale
            for amount, scale in zip(match.groups(), _MINUTES_PER_UNIT, strict=True)
            if amount is not None
        )
        return float(exact)
    except (OverflowError, ValueError):  # hundreds or thousands of digits: not a duration
        raise ValueError(_not_a_duration(value.strip())) from None


def format_duration(minutes: float) -> str:
    """Write minutes compactly (``2h30m``, ``45m``, ``1m30s``, ``3d4h``), rounded to the second.

    The result is accepted by ``parse_duration``; for whole seconds the round trip is exact.
    """
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"cannot write {minutes!r} minutes as a duration")
    seconds = round(minutes * 60.0)
    if seconds == 0:
        return "0m"
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    mins, seconds = divmod(seconds, 60)
    parts = zip((days, hours, mins, seconds), "dhms", strict=True)
    return "".join(f"{amount}{unit}" for amount, unit in parts if amount)


def parse_clock_time(value: Any) -> float:
    """Return minutes after midnight for a time of day written ``"HH:MM"`` (``"24:00"`` → 1440).

    Only strings are accepted: unquoted ``12:30`` is a sexagesimal number (750) under YAML 1.1,
    so a number arriving here means the time was mangled.
    """
    if not isinstance(value, str):
        raise ValueError(words("clock_quotes", "write the time of day in quotes, e.g. '08:30'"))
    if _CLOCK_RE.match(value) is None:
        raise ValueError(
            words(
                "not_clock_time",
                f"'{value.strip()}' is not a time of day; write HH:MM from 00:00 to 24:00, "
                "e.g. '08:30'",
                value=value.strip(),
            )
        )
    hours, mins = value.strip().split(":")
    return int(hours) * 60.0 + int(mins)


def format_clock_time(minutes: float) -> str:
    """Write minutes after midnight as ``HH:MM`` (rounded to the minute), the inverse of
    ``parse_clock_time``."""
    whole = round(minutes)
    if not 0 <= whole <= 1440:
        raise ValueError(f"{minutes!r} minutes is not a time of day")
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _serialise_duration(minutes: float) -> str:
    """Dump a duration back as text the loader accepts, so dumped models re-validate.

    The compact form is used when it reproduces the float exactly; otherwise (fractions of a
    second) the shortest exact decimal number of minutes is written, e.g. ``0.0083333m``.
    """
    text = format_duration(minutes)
    if parse_duration(text) == minutes:
        return text
    decimal = repr(float(minutes))
    if "e" in decimal:  # very small or large: spell the float's exact value out positionally
        decimal = format(Decimal(minutes), "f")
    return f"{decimal}m"


def _to_minutes(value: Any) -> float:
    return parse_duration(value)


def _to_positive_minutes(value: Any) -> float:
    minutes = parse_duration(value)
    if minutes <= 0:
        raise ValueError(words("longer_than_zero", "must be longer than zero"))
    return minutes


DurationText = Annotated[
    str, Field(pattern=DURATION_PATTERN, examples=["90s", "15m", "2h30m", "1.5h", "3d"])
]
"""The JSON Schema view of a duration (a string matching ``DURATION_PATTERN``), for
``json_schema_input_type`` in types built on ``Duration``."""
_ClockText = Annotated[str, Field(pattern=CLOCK_TIME_PATTERN, examples=["08:30", "22:00"])]
_to_text = PlainSerializer(_serialise_duration, return_type=str)

Duration = Annotated[
    float,
    BeforeValidator(_to_minutes, json_schema_input_type=DurationText),
    _to_text,
]
"""Minutes (≥ 0) written with a unit: ``'90s'``, ``'15m'``, ``'2h30m'``; also a ``timedelta``.

Dumps back to text (``model_dump()`` gives ``'2h30m'``) so a dumped scenario loads again.
"""

PositiveDuration = Annotated[
    float,
    BeforeValidator(_to_positive_minutes, json_schema_input_type=DurationText),
    _to_text,
]
"""Like ``Duration`` but longer than zero, for times that divide or scale something."""

ClockTime = Annotated[
    float,
    BeforeValidator(parse_clock_time, json_schema_input_type=_ClockText),
    PlainSerializer(format_clock_time, return_type=str),
]
"""A time of day written ``"HH:MM"``, held as minutes after midnight (0–1440)."""

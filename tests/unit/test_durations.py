"""Durations and clock times: every accepted form, every refusal's exact message, round trips."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from preparedness.scenario.durations import (
    CLOCK_TIME_PATTERN,
    DURATION_PATTERN,
    ClockTime,
    Duration,
    PositiveDuration,
    format_clock_time,
    format_duration,
    parse_clock_time,
    parse_duration,
)
from preparedness.scenario.resources import Item

NEEDS_UNIT = "write a unit, e.g. '15m' (minutes), '90s' or '2h30m'"


def not_a_duration(text: str) -> str:
    return f"'{text}' is not a duration; write e.g. '90s', '15m', '2h30m' or '3d'"


class Timing(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    talk_time: Duration = Field("2m", validate_default=True)
    muster_time: PositiveDuration = Field("15m", validate_default=True)
    shift_start: ClockTime = Field("08:00", validate_default=True)


def messages(data: dict) -> list[tuple[tuple, str]]:
    """The (loc, message) pairs a planner would see, with pydantic's prefix stripped."""
    with pytest.raises(ValidationError) as caught:
        Timing.model_validate(data)
    return [(e["loc"], e["msg"].removeprefix("Value error, ")) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90s", 1.5),
        ("15m", 15.0),
        ("2h30m", 150.0),
        ("1.5h", 90.0),
        ("3d", 4320.0),
        ("1d2h", 1560.0),
        ("0m", 0.0),
        ("  15m ", 15.0),
        ("1d2h3m30s", 1563.5),
        ("45s", 0.75),
        ("0.1m", 0.1),
        ("1h0m", 60.0),
        ("3y", 1095 * 1440.0),  # a year is 365 days
        ("1y30d", 395 * 1440.0),
        ("0.5y", 182.5 * 1440.0),
    ],
)
def test_valid_forms_give_exact_minutes(text, minutes):
    assert parse_duration(text) == minutes


def test_timedelta_is_accepted():
    assert parse_duration(timedelta(hours=1, seconds=30)) == 60.5


@pytest.mark.parametrize("value", [15, 15.0, 0, "15", " 15 ", "1.5", "-5", "1e3"])
def test_bare_numbers_ask_for_a_unit(value):
    with pytest.raises(ValueError, match=f"^{re.escape(NEEDS_UNIT)}$"):
        parse_duration(value)


@pytest.mark.parametrize(
    "text",
    ["15 minutes", "15min", "abc", "-5m", "15 m", "2m1h", "1h1h", ".5h", "1.h", "", "inf", "1e3m"],
)
def test_unreadable_strings_are_quoted_back(text):
    with pytest.raises(ValueError, match=f"^{re.escape(not_a_duration(text))}$"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "true is not a duration; write e.g. '90s', '15m', '2h30m' or '3d'"),
        (None, "expected a duration such as '15m' or '2h30m', not an empty value"),
        (["15m"], "expected a duration such as '15m' or '2h30m', not a list"),
        (timedelta(minutes=-1), "must not be negative"),
        ("9" * 400 + "d", not_a_duration("9" * 37 + "...")),
    ],
)
def test_other_refusals(value, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_duration(value)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (150, "2h30m"),
        (45, "45m"),
        (1.5, "1m30s"),
        (4560, "3d4h"),
        (0, "0m"),
        (1440 + 5 / 60, "1d5s"),
    ],
)
def test_format_duration(minutes, text):
    assert format_duration(minutes) == text


def test_format_duration_rounds_to_the_second_and_refuses_negative_time():
    assert format_duration(10 + 29.6 / 60) == "10m30s"
    with pytest.raises(ValueError):
        format_duration(-1.0)


@given(st.integers(min_value=0, max_value=30 * 86400))
def test_whole_seconds_round_trip(seconds):
    minutes = seconds / 60
    assert parse_duration(format_duration(minutes)) == minutes


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_dumped_model_loads_back_identically(minutes):
    """model_dump writes durations as text the loader reads back to the very same float."""
    timing = Timing().model_copy(update={"talk_time": minutes})
    dumped = timing.model_dump()
    assert isinstance(dumped["talk_time"], str)
    assert Timing.model_validate(dumped) == timing


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("08:30", 510.0), ("00:00", 0.0), ("23:59", 1439.0), ("24:00", 1440.0), ("8:05", 485.0)],
)
def test_clock_times(text, minutes):
    assert parse_clock_time(text) == minutes
    assert parse_clock_time(format_clock_time(minutes)) == minutes


@pytest.mark.parametrize("text", ["24:01", "25:00", "8:5", "12.30", "", "noon", "08:30:00"])
def test_bad_clock_times(text):
    message = f"'{text}' is not a time of day; write HH:MM from 00:00 to 24:00, e.g. '08:30'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_clock_time(text)


@pytest.mark.parametrize("value", [750, 8.5, None])
def test_clock_time_must_be_a_quoted_string(value):
    with pytest.raises(ValueError, match="^write the time of day in quotes, e.g. '08:30'$"):
        parse_clock_time(value)


def test_model_fields_convert_at_load():
    timing = Timing.model_validate({"talk_time": "90s", "muster_time": "1h", "shift_start": "7:45"})
    assert (timing.talk_time, timing.muster_time, timing.shift_start) == (1.5, 60.0, 465.0)
    assert timing.model_dump() == {
        "talk_time": "1m30s",
        "muster_time": "1h",
        "shift_start": "07:45",
    }


def test_model_field_errors_read_well_once_prefix_is_stripped():
    assert messages({"talk_time": 15, "muster_time": "0m", "shift_start": "25:00"}) == [
        (("talk_time",), NEEDS_UNIT),
        (("muster_time",), "must be longer than zero"),
        (
            ("shift_start",),
            "'25:00' is not a time of day; write HH:MM from 00:00 to 24:00, e.g. '08:30'",
        ),
    ]
    assert messages({"talk_time": "15 minutes"}) == [(("talk_time",), not_a_duration("15 minutes"))]


def test_json_schema_is_a_patterned_string_that_agrees_with_the_parser():
    schema = Timing.model_json_schema()
    assert schema["properties"]["talk_time"]["type"] == "string"
    assert schema["properties"]["talk_time"]["pattern"] == DURATION_PATTERN
    assert schema["properties"]["shift_start"]["pattern"] == CLOCK_TIME_PATTERN
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema)
    for text in [
        "90s",
        "2h30m",
        "1.5h",
        "1d2h",
        "0m",
        "15",
        "15 minutes",
        "-5m",
        "2m1h",
        "",
        "3y",
        "1d1y",
    ]:
        editor_ok = validator.is_valid({"talk_time": text})
        try:
            parse_duration(text)
            loader_ok = True
        except ValueError:
            loader_ok = False
        assert editor_ok == loader_ok, text
    assert not validator.is_valid({"talk_time": 15})
    assert validator.is_valid({"shift_start": "24:00"})
    assert not validator.is_valid({"shift_start": "24:30"})


def test_a_shelf_life_of_three_years_is_1095_days():
    """``3y`` loads as 1,095 days and is written back in days, which load again the same."""
    item = Item(id="masks", name="masks", unit="piece", shelf_life="3y")
    assert item.shelf_life == 1095 * 1440
    assert item.model_dump()["shelf_life"] == "1095d"
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration("3 years")

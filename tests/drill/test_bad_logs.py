# ruff: noqa: E501  (exact messages are compared whole)
"""Malformed drill logs: each is refused with its exact located messages, all of them at once."""

from __future__ import annotations

from pathlib import Path

import pytest

import preparedness as pp
from preparedness.planning.drill.log import DrillLogError, read_log

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
BAD = HERE / "bad"

EXPECTED = {
    "ambiguous_post.csv": [
        "ambiguous_post.csv:2: from: 'grid_worker' names 33 posts; write one as role@place, e.g. 'grid_worker@xiajiancao/grid1'"
    ],
    "answer_without_call.csv": [
        "answer_without_call.csv:3: event: 'answered' with no 'call' from grid_worker@xiajiancao/grid3 to community_secretary@xiajiancao before it"
    ],
    "bad_count.csv": ["bad_count.csv:3: count: 'many' is not a whole number of at least 1"],
    "bad_time.csv": [
        "bad_time.csv:3: time: '02:6x' is not a time: write ISO 8601 with an offset (2026-07-14T02:40:00+08:00) or minutes from the drill start (12.5)"
    ],
    "binary.csv": ["binary.csv:3: a NUL byte: this is not a text file"],
    "duplicate_column.csv": ["duplicate_column.csv:1: column 'to' appears twice"],
    "duplicate_row.csv": ["duplicate_row.csv:4: the same row as line 3"],
    "empty.csv": [
        "empty.csv:1: the file is empty; a drill log needs a header row (time,event,from,to,channel,count,note) and one row per event"
    ],
    "header_only.csv": ["header_only.csv:1: no events after the header row"],
    "latin1.csv": ["latin1.csv:3: not UTF-8 text (byte 0xe9); save the log as UTF-8"],
    "missing_caller.csv": ["missing_caller.csv:3: from: a 'call' row needs a post here"],
    "mixed_times.csv": [
        "mixed_times.csv:3: time: '12' is minutes, but earlier rows use ISO 8601 times; use one form"
    ],
    "negative_time.csv": ["negative_time.csv:2: time: -5 is before the drill start (minute 0)"],
    "no_offset.csv": [
        "no_offset.csv:3: time: '2026-07-14T02:44:00' has no UTC offset; add one, e.g. +08:00"
    ],
    "no_time_column.csv": [
        "no_time_column.csv:1: unknown column 'when'",
        "no_time_column.csv:1: no 'time' column; the header names time,event,from,to,channel,count,note",
    ],
    "ragged_row.csv": ["ragged_row.csv:3: 9 fields, but the header has 7"],
    "time_backwards.csv": [
        "time_backwards.csv:4: time: minute 5 is earlier than line 3 (minute 6) of the same post grid_worker@xiajiancao/grid3"
    ],
    "typo_post.csv": [
        "typo_post.csv:3: to: no post 'comunity_secretary@xiajiancao'; did you mean 'community_secretary@xiajiancao'?"
    ],
    "unknown_channel.csv": [
        "unknown_channel.csv:3: channel: no channel 'fone'; did you mean 'phone'?"
    ],
    "unknown_column.csv": ["unknown_column.csv:1: unknown column 'whom'"],
    "unknown_department.csv": [
        "unknown_department.csv:3: to: no department, team, depot, plan or post 'polise'; did you mean 'police'?"
    ],
    "unknown_event.csv": [
        "unknown_event.csv:4: event: unknown event 'anwsered'; did you mean 'answered'?"
    ],
    "unknown_incident.csv": [
        "unknown_incident.csv:2: incident: no incident 'flash_flod'; did you mean 'flash_flood'?"
    ],
    "unknown_post.csv": ["unknown_post.csv:13: to: no post 'xx'"],
}


@pytest.fixture(scope="module")
def relay() -> pp.Scenario:
    return pp.load_scenario(ROOT / "scenarios" / "ningbo_relay.yaml")


def test_there_are_at_least_twenty_malformed_logs_and_each_is_listed() -> None:
    names = sorted(path.name for path in BAD.glob("*.csv"))
    assert len(names) >= 20
    assert names == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_log_is_refused_with_its_located_messages(name: str, relay) -> None:
    with pytest.raises(DrillLogError) as caught:
        read_log(BAD / name, relay, display_name=name)
    assert [str(problem) for problem in caught.value.problems] == EXPECTED[name]

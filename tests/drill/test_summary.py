"""The summary form of a staff call-down drill: measures from a good form, located problems
from a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from preparedness.planning.drill.log import DrillLogError
from preparedness.planning.drill.summary import read_summary

ROOT = Path(__file__).parents[2]


def test_measures_of_the_example_form() -> None:
    form = read_summary(ROOT / "examples" / "drills" / "staff_calldown.yaml")
    assert form.calling_process == "hybrid"
    assert form.platforms == ("phone tree", "WeChat work group", "SMS")
    assert form.measures() == {
        "minutes_to_first_notified": 2.0,
        "minutes_to_notify_all": 39.0,
        "minutes_to_last_acknowledged": 65.0,
        "acknowledged_share": 44 / 48,
        "assembled_share": 37 / 48,
    }


def test_a_bad_form_reports_every_problem_with_its_line() -> None:
    with pytest.raises(DrillLogError) as caught:
        read_summary(Path(__file__).parent / "summary" / "bad.csv", display_name="bad.csv")
    assert [str(p) for p in caught.value.problems] == [
        "bad.csv:3: first_notified: is before drill_start",
        "bad.csv:4: calling_proces: unknown field; did you mean 'calling_process'?",
        "bad.csv:6: staff_acknowledged: 52 is more than staff_total (48)",
    ]

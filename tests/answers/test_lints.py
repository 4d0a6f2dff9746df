"""Located warnings for valid scenarios that are almost surely not meant (scenario/lints.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from preparedness.scenario.lints import scenario_warnings
from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import read_yaml
from tests.builders import SCENARIOS, incident, minimal_scenario, plan, role


def _warnings(tmp_path: Path, data: dict[str, Any]) -> tuple[list[str], str]:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    document = read_yaml(path, display_name="scenario.yaml")
    scenario = validate_document(document, base_dir=tmp_path)
    return [str(d) for d in scenario_warnings(scenario, document)], path.read_text("utf-8")


def _where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth line containing ``needle``, at its value."""
    hits = [(i, line) for i, line in enumerate(text.splitlines()) if needle in line]
    i, line = hits[nth]
    return i + 1, line.index(needle) + 1


def test_the_minimal_scenario_has_no_warnings(tmp_path: Path) -> None:
    assert _warnings(tmp_path, minimal_scenario())[0] == []


def test_a_fallback_that_repeats_the_links_channel(tmp_path: Path) -> None:
    data = minimal_scenario()
    role(data, "grid_worker")["fallback"] = ["phone"]
    warnings, text = _warnings(tmp_path, data)
    line, _ = _where(text, "fallback:")
    assert warnings == [
        f"scenario.yaml:{line + 1}:5: warning: roles[0].fallback[0]: fallback repeats `phone`, "
        "the channel of this role's link to `community_secretary`: a message that fails on that "
        "link has no other channel to fall back to"
    ]


def test_a_fallback_that_offers_another_channel_is_not_a_repeat(tmp_path: Path) -> None:
    data = minimal_scenario()
    data["channels"].append({"id": "wechat", "kind": "group_message", "read_delay": "5m"})
    role(data, "grid_worker")["fallback"] = ["phone", "wechat"]
    assert _warnings(tmp_path, data)[0] == []


def _warning_plan(data: dict[str, Any], **warn: Any) -> None:
    data["channels"].append({"id": "wechat", "kind": "group_message", "read_delay": "5m"})
    role(data, "community_secretary")["warns_households"] = {"group_message": "wechat"}
    plan(data)["warn"] = warn


def test_a_coverage_deadline_for_a_cohort_no_channel_reaches(tmp_path: Path) -> None:
    data = minimal_scenario()
    _warning_plan(data, coverage=0.9, within="1h")
    warnings, text = _warnings(tmp_path, data)
    line, column = _where(text, "within: 1h")
    assert warnings == [
        f"scenario.yaml:{line}:{column + 8}: warning: plans[0].warn.within: the warning must "
        "reach 90% of households within 1h, but no channel of the warning reaches the 40 "
        "households without smartphones in the area of incident `flood`"
    ]


def test_an_empty_cohort(tmp_path: Path) -> None:
    data = minimal_scenario()
    data["places"]["townships"][0]["communities"][0]["share_without_smartphone"] = 0.0
    _warning_plan(data, coverage=0.9)
    warnings, text = _warnings(tmp_path, data)
    line, column = _where(text, "coverage: 0.9")
    assert warnings == [
        f"scenario.yaml:{line}:{column}: warning: plans[0].warn: the warning area of incident "
        "`flood` has no households without smartphones: their T90 and T100 would be reported "
        "as never reached"
    ]


def test_an_incident_whose_deadlines_fall_after_the_end_of_the_run(tmp_path: Path) -> None:
    data = minimal_scenario(horizon="2h")
    data["incidents"] = [incident("flood", "c1", start_after="1h30m", observe_for="50m")]
    plan(data)["activate_within"] = "1h"
    plan(data)["notify"] = [{"level": "district", "within": "55m"}]
    warnings, text = _warnings(tmp_path, data)
    line, column = _where(text, "observe_for: 50m")
    assert warnings == [
        f"scenario.yaml:{line}:{column + 13}: warning: incidents[0].observe_for: incident "
        "`flood` is observed for 50m from its start (its observe_for), so its plan's deadline "
        "`activate within 1h` (and 1 more) falls after the end of its observation: it can "
        "only be missed"
    ]


def test_a_late_incident_is_observed_for_the_horizon_so_its_deadlines_fit(
    tmp_path: Path,
) -> None:
    data = minimal_scenario(horizon="2h")
    data["incidents"] = [incident("flood", "c1", start_after="1h30m")]
    plan(data)["activate_within"] = "1h"
    assert _warnings(tmp_path, data)[0] == []
    plan(data)["activate_within"] = "3h"
    warnings, text = _warnings(tmp_path, data)
    line, column = _where(text, "horizon: 2h")
    assert warnings == [
        f"scenario.yaml:{line}:{column + 9}: warning: horizon: incident `flood` is observed "
        "for 2h from its start (the horizon), so its plan's deadline `activate within 3h` "
        "falls after the end of its observation: it can only be missed"
    ]


def test_a_role_no_chain_reaches(tmp_path: Path) -> None:
    data = minimal_scenario()
    data["roles"].append({"id": "spare_officer", "name": "spare", "level": "township"})
    warnings, text = _warnings(tmp_path, data)
    line, column = _where(text, "id: spare_officer")
    assert warnings == [
        f"scenario.yaml:{line}:{column + 4}: warning: roles[7].id: role `spare_officer` is in "
        "no chain: no link, department, incident, team or depot names it, so it never takes "
        "part in a run"
    ]


def test_a_depot_no_plan_draws_on(tmp_path: Path) -> None:
    source = SCENARIOS / "ningbo_flood_supplies.yaml"
    data = yaml.safe_load(source.read_text("utf-8"))
    for item in data["plans"]:
        item["supplies"] = []
    warnings, text = _warnings(tmp_path, data)
    depot_warnings = [w for w in warnings if "no plan draws on depot" in w]
    line, column = _where(text, "id: xiajiancao_depot")
    assert depot_warnings[1] == (
        f"scenario.yaml:{line}:{column + 4}: warning: depots[1].id: no plan draws on depot "
        "`xiajiancao_depot` (community depot at `xiajiancao`): no incident with `supplies:` is "
        "served through it, so its stock never moves"
    )
    assert len(depot_warnings) == len(data["depots"])

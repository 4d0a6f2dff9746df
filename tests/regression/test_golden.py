"""The reference scenarios still give the reviewed numbers, and the directions planners expect.

A failure here means results changed. If the change was intended, regenerate with
``python -m tests.regression.regenerate`` (or ``REGENERATE_GOLDEN=1 pytest tests/regression``,
which rewrites the file and then fails, so it is never mistaken for a passing check, and
refuses when ``CI`` is set), review the diff of ``golden.json`` and rerun.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import pytest

from tests.regression import regenerate

HOW = "if intended, run: python -m tests.regression.regenerate"


def regenerate_if_asked(computed: dict, env: Mapping[str, str]) -> None:
    """With ``REGENERATE_GOLDEN=1``, rewrite golden.json and fail; in CI, refuse and fail.

    A run that rewrote the file compared the numbers with themselves: it must not pass.
    """
    if env.get("REGENERATE_GOLDEN") != "1":
        return
    if env.get("CI"):
        pytest.fail(
            "REGENERATE_GOLDEN=1 is refused in CI: regenerate locally with "
            "python -m tests.regression.regenerate and commit the reviewed diff",
            pytrace=False,
        )
    regenerate.write(computed)
    pytest.fail(
        f"regenerated {regenerate.GOLDEN}; review its diff, then rerun without REGENERATE_GOLDEN",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def current() -> dict:
    computed = regenerate.compute()
    regenerate_if_asked(computed, os.environ)
    return computed


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(regenerate.GOLDEN.read_text(encoding="utf-8"))


def test_golden_file_describes_this_run(golden) -> None:
    assert golden["replications"] == regenerate.REPLICATIONS
    assert set(golden["scenarios"]) == set(regenerate.NAMES)


def test_every_reference_scenario_has_a_golden_summary() -> None:
    shipped = {path.stem for path in regenerate.SCENARIOS_DIR.glob("*.yaml")}
    assert shipped == set(regenerate.NAMES)


@pytest.mark.parametrize(
    ("env", "writes", "message"),
    [
        ({"REGENERATE_GOLDEN": "1"}, True, "regenerated"),
        ({"REGENERATE_GOLDEN": "1", "CI": "true"}, False, "refused in CI"),
    ],
    ids=["locally-rewrites-then-fails", "in-ci-refuses"],
)
def test_regenerate_mode_never_passes(monkeypatch, env: dict, writes: bool, message: str) -> None:
    written: list[dict] = []
    monkeypatch.setattr(regenerate, "write", written.append)
    with pytest.raises(pytest.fail.Exception, match=message):
        regenerate_if_asked({"scenarios": {}}, env)
    assert written == ([{"scenarios": {}}] if writes else [])


def test_without_the_variable_nothing_is_rewritten(monkeypatch) -> None:
    written: list[dict] = []
    monkeypatch.setattr(regenerate, "write", written.append)
    regenerate_if_asked({"scenarios": {}}, {"CI": "true", "REGENERATE_GOLDEN": "0"})
    assert written == []


@pytest.mark.parametrize("name", regenerate.NAMES)
def test_reference_scenario_matches_golden_summary(name: str, current, golden) -> None:
    got, want = current["scenarios"][name], golden["scenarios"][name]

    assert (got["seed"], got["command_mode"]) == (want["seed"], want["command_mode"]), HOW
    assert set(got["incidents"]) == set(want["incidents"]), HOW
    for incident_id, milestones in want["incidents"].items():
        assert set(got["incidents"][incident_id]) == set(milestones), (incident_id, HOW)
        for key, summary in milestones.items():
            assert got["incidents"][incident_id][key] == summary, (incident_id, key, HOW)


def _median(current: dict, name: str, incident_id: str, key: str) -> float:
    summary = current["scenarios"][name]["incidents"][incident_id][key]
    assert summary["n_reached"] >= regenerate.REPLICATIONS[name] // 2, (name, incident_id, key)
    return summary["median"]


@pytest.mark.parametrize("incident_id", ["flash_flood", "landslide"])
def test_ningbo_joint_centre_orders_police_sooner_than_relay(current, incident_id) -> None:
    joint = _median(current, "ningbo_joint_centre", incident_id, "ordered:police")
    relay = _median(current, "ningbo_relay", incident_id, "ordered:police")

    assert joint < relay


@pytest.mark.parametrize(
    "incident_id", ["workshop_fire", "gas_smell", "wage_dispute", "main_burst"]
)
def test_longgang_whistle_orders_police_before_the_report_reaches_the_district(
    current, incident_id
) -> None:
    ordered = _median(current, "longgang_whistle", incident_id, "ordered:police")
    district = _median(current, "longgang_whistle", incident_id, "report:district")

    assert ordered < district

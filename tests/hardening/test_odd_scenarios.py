"""Hostile and odd scenarios never crash a run: they run, or are refused with a located message.

Each case was once an internal error (exit 1): incidents that start at or after the end of
the run, or a one-second horizon (an empty example trace taken for a missing one, and an
empty scenario folder left behind); ``size-stockpiles`` recommending more than a depot may
hold (a pydantic ``ValidationError`` on re-simulation); ``true`` taken as 1 for a number;
every role's staff at the allowed 10,000 (a MemoryError after minutes). Last, a property
test mutates the reference scenarios (keys deleted or duplicated, wrong types, extreme
values) and runs ``validate`` and, where valid, a short run, through the command line in
this process: exit 0 or 2, never a traceback, never a folder left behind by a refusal.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preparedness.cli import main
from tests.builders import SCENARIOS

LOCATED = r"^{file}:\d+:\d+: "


@cache
def _tree(name: str) -> dict[str, Any]:
    return yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8"))


def _scenario(name: str) -> dict[str, Any]:
    return copy.deepcopy(_tree(name))


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _run(path: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(path), "-n", "2", "--workers", "0", "-q", "--out", str(out), *extra]


@pytest.mark.parametrize("change", ["incidents after the end", "one-second horizon"])
def test_runs_that_observe_nothing_still_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    data = _scenario("ningbo_relay.yaml")
    if change == "one-second horizon":
        data["horizon"] = "1s"
    else:
        for incident in data["incidents"]:
            incident["start_after"] = data["horizon"]
    path = _write(tmp_path / "odd.yaml", data)
    assert main(_run(path, tmp_path / "out")) == 0, capsys.readouterr().err
    (report,) = (tmp_path / "out").rglob("report.md")
    assert (report.parent / "trace.csv").exists()
    text = report.read_text(encoding="utf-8")
    if change == "one-second horizon":
        assert "never reached in any of the 2 runs" in text
    else:
        # Each incident is observed for the horizon from its own start (README, "Writing
        # scenarios"), so incidents that start when the horizon ends are still observed.
        results = json.loads((report.parent / "results.json").read_text(encoding="utf-8"))
        detected = [
            m for i in results["incidents"] for m in i["milestones"] if m["id"] == "detected"
        ]
        assert detected and all(m["n_reached"] == 2 for m in detected)
        assert f"Starts {results['horizon_minutes']:.0f} min into the run" in text


def test_a_failed_first_run_leaves_no_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> str:
        raise RuntimeError("disk trouble")

    monkeypatch.setattr("preparedness.reports.folder.trace_csv", broken)
    out = tmp_path / "out"
    assert main(_run(SCENARIOS / "ningbo_relay.yaml", out)) == 1
    assert "internal error: RuntimeError: disk trouble" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "item"),
    [("a food kit of 1e-9 kcal", "food_kit"), ("1e9 sandbags per metre of wall", "sandbags")],
)
def test_sizing_beyond_what_a_depot_may_hold_is_refused_at_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, item: str
) -> None:
    text = (SCENARIOS / "ningbo_flood_supplies.yaml").read_text(encoding="utf-8")
    if item == "food_kit":
        text = text.replace(
            "contains: {amount: 2100, of: kcal}", "contains: {amount: 1e-9, of: kcal}"
        )
    else:
        text = text.replace("per_task_unit: 30,", "per_task_unit: 1000000000,")
    path = tmp_path / "huge.yaml"
    path.write_text(text, encoding="utf-8")
    items = text[: text.index("\nitems:")].count("\n") + 2  # the line after "items:"
    out = tmp_path / "out"
    args = ["size-stockpiles", str(path), "-n", "2", "--workers", "0", "-q", "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    line = re.search(rf"huge\.yaml:(\d+):\d+: items\[\d\]: sizing '{item}' would need", err)
    assert line is not None, err
    assert int(line.group(1)) >= items
    assert "ValidationError" not in err and "internal error" not in err
    assert not out.exists()


def test_yes_or_no_is_refused_where_a_number_is_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _scenario("ningbo_flood_supplies.yaml")
    data["replications"], data["seed"] = True, False
    data["depots"][0]["stock"][0]["quantity"] = True
    path = _write(tmp_path / "yes.yaml", data)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    for field in ("replications", "seed", r"depots\[0\]\.stock\[0\]\.quantity"):
        assert re.search(rf"yes\.yaml:\d+:\d+: {field}: must be a whole number, not '", err), err


def test_staff_too_many_to_simulate_are_refused_with_the_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _scenario("beijing_fringe_warning.yaml")
    for role in data["roles"]:
        role.pop("per_1000_residents", None)
        role["staff"] = 10_000
    path = _write(tmp_path / "staff.yaml", data)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.search(
        r"staff\.yaml:\d+:\d+: roles\[\d+\]\.staff: 10,000 staff on each of 270 "
        r"'building_leader' posts .* about 2\.7e\+10 steps .* at most \d+ staff",
        err,
    ), err


# ------------------------------------------------------------------------ mutation property

REFERENCE = sorted(path.name for path in SCENARIOS.glob("*.yaml"))
ODD_VALUES = st.sampled_from(
    [True, False, None, "", "x", "-1", [], {}, 0, -1, 1.5, 10**12, 1e308, "999999d", "0s",
     "\u202e\x1b[2J", "下涧槽社区" * 50, [None], {"x": 1}]
)  # fmt: skip


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a YAML tree a mutation can touch: keys of mappings, items of lists."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((*prefix, index))
            found += _paths(value, (*prefix, index))
    return found


def _parent(tree: Any, path: tuple) -> Any:
    for part in path[:-1]:
        tree = tree[part]
    return tree


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(REFERENCE))
    tree = _scenario(name)
    tree["replications"] = 1
    extra = ""
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(tree)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = _parent(tree, path), path[-1]
        kind = draw(st.sampled_from(["delete", "duplicate", "replace"]))
        if kind == "delete":
            del parent[last]
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif kind == "duplicate" and len(path) == 1:
            # the same key twice in the file: YAML keeps the last, the loader must notice
            extra += yaml.safe_dump({last: parent[last]}, allow_unicode=True)
        else:
            parent[last] = draw(ODD_VALUES)
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False) + extra
    return name, text


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    # capsys is read after every call, so one capture for all examples is what is wanted
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(mutated_scenarios())
def test_mutated_reference_scenarios_run_or_are_refused(
    capsys: pytest.CaptureFixture[str], case: tuple[str, str]
) -> None:
    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / name, Path(folder) / "out"
        path.write_text(text, encoding="utf-8")
        code = main(["validate", str(path)])
        err = capsys.readouterr().err
        assert code in (0, 2), err
        assert "Traceback" not in err and "internal error" not in err, err
        if code == 2:
            assert re.search(LOCATED.format(file=re.escape(str(path))), err, re.M), err
            return
        code = main(["run", str(path), "-n", "1", "--workers", "0", "-q", "--out", str(out)])
        err = capsys.readouterr().err
        assert code in (0, 2), err
        assert "Traceback" not in err and "internal error" not in err, err
        reports = list(out.rglob("report.md")) if out.exists() else []
        assert len(reports) == (1 if code == 0 else 0)
        if out.exists():
            hidden = [p for p in out.rglob(".*")]
            assert not hidden, hidden

"""`preparedness size-stockpiles` end to end: real subprocesses, real files, exit codes.

The sizing itself is verified in ``tests/verification/test_sizing.py``; here the command
must write every file, say the answer in the scenario's own (Chinese) names, agree with
``size_stockpiles`` called directly, be reproducible, and refuse bad input plainly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from preparedness.planning.stock_runs import collect_frames
from preparedness.planning.stockpiles import size_stockpiles
from preparedness.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
NINGBO = "scenarios/ningbo_flood_supplies.yaml"
BAD = "tests/scenario/bad"
N = 20
FILES = {
    "sizing.md",
    "sizing.csv",
    "purchase.csv",
    "rotation.csv",
    "sizing.json",
    "manifest.json",
    "report.html",
    "plots",
}
AS_OF = "2026-07-01"
WRITTEN = re.compile(r"^Report written to (.+)$", re.MULTILINE)


def cli(*args: object, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DASK_SCHEDULER_ADDRESS", None)  # never pick up a cluster from the shell
    return subprocess.run(
        [sys.executable, "-m", "preparedness", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def no_traceback(done: subprocess.CompletedProcess) -> bool:
    return "Traceback" not in done.stdout and "Traceback" not in done.stderr


def folder_of(done: subprocess.CompletedProcess) -> Path:
    found = WRITTEN.findall(done.stdout)
    assert len(found) == 1, done.stdout + done.stderr
    written = Path(found[0])
    assert written.name == "sizing.md"
    return written.parent


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def ningbo(tmp_path_factory):
    """The Ningbo flood scenario sized on 20 replications (checked on 20 more) twice with
    the same seed, on 2 workers and serially: (first folder, second folder)."""
    out = tmp_path_factory.mktemp("sizing") / "reports"
    first = cli(
        "size-stockpiles",
        NINGBO,
        "-n",
        N,
        "--service-level",
        "0.95",
        "--workers",
        2,
        "--out",
        out,
        "--as-of",
        AS_OF,
    )
    assert first.returncode == 0, first.stderr
    assert no_traceback(first)
    second = cli(
        "size-stockpiles",
        NINGBO,
        "-n",
        N,
        "--workers",
        0,
        "--out",
        out,
        "-q",
        "--as-of",
        AS_OF,
        "--no-figures",
    )
    assert second.returncode == 0, second.stderr
    ningbo_console.append(first.stdout)
    return folder_of(first), folder_of(second)


ningbo_console: list[str] = []


@pytest.fixture(scope="module")
def direct():
    scenario = load_scenario(REPO / NINGBO).scenario
    return scenario, size_stockpiles(scenario, collect_frames(scenario, N, scenario.seed), 0.95)


def test_every_file_is_written_in_an_atomic_folder(ningbo):
    folder, _ = ningbo
    assert {p.name for p in folder.iterdir()} == FILES
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_the_csv_quantities_are_those_of_size_stockpiles(ningbo, direct):
    folder, _ = ningbo
    scenario, sizing = direct
    rows = read_csv(folder / "sizing.csv")
    assert {(r["depot"], r["item"]): int(r["quantity"]) for r in rows} == {
        (row.depot, row.item): row.quantity for row in sizing.rows
    }
    names = {d.id: d.name for d in scenario.depots}
    assert all(r["depot_name"] == names[r["depot"]] for r in rows)
    assert all(r["replications"] == str(N) for r in rows)
    assert all(r["check_meets_target"] in ("True", "False") for r in rows)
    total = sum(float(r["cost"]) for r in rows)
    assert total == pytest.approx(sizing.total_cost, abs=0.01)


def test_sizing_md_speaks_in_the_scenarios_names_with_the_total_cost(ningbo, direct):
    folder, _ = ningbo
    scenario, sizing = direct
    text = (folder / "sizing.md").read_text(encoding="utf-8")
    assert "To run out in no more than 5% of emergencies like this one" in text
    for depot in ("下涧槽社区物资储备点", "临江镇应急物资储备库", "石桥村物资储备点"):
        assert depot in text
    assert f"{sizing.total_cost:,.2f} yuan" in text
    quantity = sizing.row("linjiang_depot", "sandbags").quantity
    assert f"编织袋沙袋 sandbags **{quantity:,} bags**" in text
    for section in ("## Recommended stock by depot", "## What it assumes", "## Rotation plan"):
        assert section in text
    assert "Sphere food-transfer standard 1" in text
    assert "**EXPIRED**" in text  # 下涧槽社区's sandbags of 2023


def test_json_and_manifest_say_what_was_sized_and_from_what(ningbo):
    folder, _ = ningbo
    results = json.loads((folder / "sizing.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sha = hashlib.sha256((REPO / NINGBO).read_bytes()).hexdigest()
    assert results["format"] == "preparedness.sizing/1"
    assert results["scenario"]["sha256"] == manifest["scenario_sha256"] == sha
    assert results["replications"] == manifest["replications"] == N
    assert results["service_level"] == manifest["service_level"] == 0.95
    assert manifest["check_replications"] == N
    assert manifest["seed"] == results["seed"]
    assert manifest["package_version"] and manifest["dependencies"]["simpy"]
    assert results["check"]["first_replication"] == N
    statuses = [line["status"] for line in results["rotation"]]
    assert statuses[0] == "expired" and statuses.count("expired") == 1
    assert read_csv(folder / "rotation.csv")[0]["status"] == "expired"


def test_same_seed_gives_an_identical_sizing_on_any_executor(ningbo):
    first, second = ningbo
    assert first != second
    for name in ("sizing.csv", "sizing.json", "rotation.csv", "purchase.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_no_check_leaves_the_check_out(tmp_path):
    done = cli(
        "size-stockpiles",
        NINGBO,
        "-n",
        5,
        "--no-check",
        "--workers",
        0,
        "--out",
        tmp_path,
        "-q",
        "--no-figures",
    )
    assert done.returncode == 0, done.stderr
    folder = folder_of(done)
    assert all(r["check_service_level"] == "" for r in read_csv(folder / "sizing.csv"))
    assert "not checked on new runs (--no-check)" in (folder / "sizing.md").read_text(
        encoding="utf-8"
    )


# -------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5", "must be a share more than 0 and at most 1, e.g. 0.95, not '1.5'"),
        ("0", "must be a share more than 0 and at most 1, e.g. 0.95, not '0'"),
        ("-0.2", "must be a share more than 0 and at most 1, e.g. 0.95, not '-0.2'"),
        ("nan", "must be a share more than 0 and at most 1, e.g. 0.95, not 'nan'"),
        ("95", "must be a share more than 0 and at most 1: for 95% write 0.95"),
        ("95%", "must be a share more than 0 and at most 1: for 95% write 0.95"),
        ("most", "must be a share such as 0.95, not 'most'"),
    ],
)
def test_a_service_level_that_is_not_a_share_exits_2(value, message, tmp_path):
    done = cli("size-stockpiles", NINGBO, "--service-level", value, "--out", tmp_path / "r")
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines()[-1] == (
        f"preparedness size-stockpiles: error: argument --service-level: {message}"
    )
    assert not (tmp_path / "r").exists()


def test_a_scenario_without_depots_exits_2_saying_what_to_add(tmp_path):
    done = cli("size-stockpiles", "scenarios/ningbo_relay.yaml", "--out", tmp_path / "r")
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        "scenarios/ningbo_relay.yaml:6:1: the scenario has no depots to size: add "
        "'items:' and a 'depots:' list (a township depot and the community depots, each "
        "with its keepers)",
        "1 problem found; nothing was run.",
    ]
    assert not (tmp_path / "r").exists()


def test_a_scenario_whose_plans_consume_nothing_exits_2_saying_what_to_add(tmp_path):
    text = (REPO / NINGBO).read_text(encoding="utf-8")
    without = re.sub(r"    supplies:\n(?:      .*\n)+", "", text)
    assert without != text
    (tmp_path / "dry.yaml").write_text(without, encoding="utf-8")
    done = cli("size-stockpiles", "dry.yaml", "--out", "r", cwd=tmp_path)
    assert done.returncode == 2
    assert no_traceback(done)
    (located, summary) = done.stderr.splitlines()
    assert re.fullmatch(
        r"dry\.yaml:\d+:\d+: plans: no plan says what its incidents consume, .*", located
    )
    assert located.endswith(
        "nothing to size: add 'supplies:' to a plan, e.g. {item: drinking_water, "
        "per_person_per_day: sphere_drinking_water}"
    )
    assert summary == "1 problem found; nothing was run."
    assert not (tmp_path / "r").exists()


def test_a_bad_scenario_file_exits_2_with_the_located_messages_of_run(tmp_path):
    done = cli("size-stockpiles", f"{BAD}/zero_staff.yaml", "--out", tmp_path / "r")
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        f"{BAD}/zero_staff.yaml:31:12: roles[2].staff: must be at least 1",
        "1 problem found; nothing was run.",
    ]
    assert not (tmp_path / "r").exists()


def test_a_missing_file_exits_2_with_a_located_message(tmp_path):
    done = cli("size-stockpiles", "missing.yaml", "--out", "r", cwd=tmp_path)
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        "missing.yaml:1:1: cannot read the file: no such file",
        "1 problem found; nothing was run.",
    ]


# -------------------------------------------------------------------------------- plan date


def test_the_purchase_list_is_dated_and_its_sums_agree(ningbo, direct):
    """purchase.csv buys the recommended quantity less the usable stock on the plan date in
    whole packs; sizing.md, the console and sizing.json say the same."""
    folder, _ = ningbo
    scenario, sizing = direct
    results = json.loads((folder / "sizing.json").read_text(encoding="utf-8"))
    assert results["as_of"] == AS_OF
    lines = read_csv(folder / "purchase.csv")
    recommended = {(row.depot, row.item): row.quantity for row in sizing.rows}
    for line in lines:
        buy, usable = int(line["buy"]), int(line["usable"])
        want = recommended[(line["depot"], line["item"])]
        assert int(line["recommended"]) == want
        assert buy % int(line["pack_size"]) == 0
        assert max(0, want - usable) <= buy < max(0, want - usable) + int(line["pack_size"])
    # 下涧槽社区's 600 sandbags of 2023 (shelf life 3 years) are out of date on the plan date.
    sandbags = next(x for x in lines if (x["depot"], x["item"]) == ("xiajiancao_depot", "sandbags"))
    assert (sandbags["usable"], sandbags["replaced"]) == ("0", "600")
    cost = sum(float(x["cost"]) for x in lines)
    assert results["purchase_cost"] == pytest.approx(cost, abs=0.01)
    text = (folder / "sizing.md").read_text(encoding="utf-8")
    assert f"## What to buy on {AS_OF}" in text
    assert f"Buying only this costs **{cost:,.2f} yuan**" in text
    console = ningbo_console[0]
    assert f"To buy on {AS_OF}" in console and f"Purchase cost: {cost:,.2f} yuan" in console


def test_window_and_service_level_are_stated(ningbo):
    folder, _ = ningbo
    text = (folder / "sizing.md").read_text(encoding="utf-8")
    window = (
        # The landslide starts an hour in and is observed for 3 days from its own start.
        "the first 3 days 1 hour from the start of 临江镇 — flood stockpiles and volunteers "
        "(simulated from 2026-07-14 02:10 to 2026-07-17 03:10)"
    )
    meaning = (
        "A service level of 95% means that in 95 of every 100 emergencies like the one "
        "simulated, the depot does not run out of the item while it is open and before its "
        "own resupply arrives."
    )
    assert window in text and meaning in text
    console = " ".join(ningbo_console[0].split())
    assert window in console and meaning in console


@pytest.mark.parametrize("value", ["14/07/2026", "2026-13-01", "today", ""])
def test_a_plan_date_that_is_not_a_date_exits_2(value, tmp_path):
    done = cli("size-stockpiles", NINGBO, "--as-of", value, "--out", tmp_path / "r")
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines()[-1] == (
        "preparedness size-stockpiles: error: argument --as-of: must be a calendar date "
        f"written YYYY-MM-DD, e.g. 2026-07-14, not '{value}'"
    )
    assert not (tmp_path / "r").exists()


# -------------------------------------------------------------------------------- hazards


def _hazard_files(tmp_path: Path) -> tuple[Path, Path]:
    from tests.verification.test_sizing_plan import two_hazards

    flood, spill = two_hazards()
    paths = tmp_path / "flood.yaml", tmp_path / "spill.yaml"
    for path, data in zip(paths, (flood, spill), strict=True):
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return paths


def test_several_scenarios_make_one_plan_with_a_table_per_hazard(tmp_path):
    flood, spill = _hazard_files(tmp_path)
    done = cli(
        "size-stockpiles",
        flood,
        spill,
        "-n",
        4,
        "--workers",
        0,
        "--out",
        tmp_path / "r",
        "--as-of",
        AS_OF,
        "--no-figures",
    )
    assert done.returncode == 0, done.stderr
    assert no_traceback(done)
    folder = folder_of(done)
    results = json.loads((folder / "sizing.json").read_text(encoding="utf-8"))
    assert [h["name"] for h in results["hazards"]] == ["Tiny township", "Spill"]
    rows = {(r["depot"], r["item"]): r for r in read_csv(folder / "sizing.csv")}
    assert int(rows[("c2_depot", "water")]["quantity"]) > 0  # only the spill draws on it
    text = (folder / "sizing.md").read_text(encoding="utf-8")
    assert text.startswith("# Stockpiles for Tiny township + Spill\n")
    assert "## Service level in each hazard" in text
    assert "No stock-out in each hazard with this plan" in done.stdout
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [s["file"] for s in manifest["scenarios"]] == [str(flood), str(spill)]


def test_scenarios_that_describe_one_depot_differently_exit_2(tmp_path):
    flood, spill = _hazard_files(tmp_path)
    data = yaml.safe_load(spill.read_text(encoding="utf-8"))
    data["depots"][0]["keepers"] = ["township_keeper"]
    spill.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = cli("size-stockpiles", flood, spill, "-n", 2, "--workers", 0, "--out", tmp_path / "r")
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        f"preparedness: error: {spill}: depot 'c1_depot' differs from the one in {flood} "
        "(keepers); the same id must describe the same depot in every scenario"
    ]
    assert not (tmp_path / "r").exists()

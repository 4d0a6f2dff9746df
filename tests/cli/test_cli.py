"""The command line end to end, as a planner runs it: real subprocesses, real files, exit codes.

Runs use few replications so the whole file stays well under a minute. Outputs go to
``tmp_path``; nothing is written into the repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from preparedness.cli import default_scenario_path
from preparedness.scenario.load import load_scenario
from preparedness.scenario.yaml_source import read_yaml

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
SCHEMA = REPO / "scenarios" / "scenario.schema.json"
MODELINE = "# yaml-language-server: $schema=./scenario.schema.json"
BAD = "tests/scenario/bad"  # bad-scenario fixtures, named from the repository root

REPORT_FILES = {"report.md", "results.json", "replications.csv", "trace.csv", "manifest.json"}
MILESTONE_FIELDS = (
    "n_reached",
    "mean",
    "median",
    "p90",
    "p95",
    "ci95_mean",
    "deadline",
    "deadline_met_share",
)
RUN_LABEL = re.compile(r"\d{8}-\d{6}(-\d+)?")
WRITTEN = re.compile(r"^Report written to (.+)$", re.MULTILINE)


def cli(*args: object, cwd: Path = REPO, script: bool = False) -> subprocess.CompletedProcess:
    """`python -m preparedness ARGS` (or `python run_sim.py ARGS` from the repository)."""
    command = [sys.executable, "run_sim.py"] if script else [sys.executable, "-m", "preparedness"]
    return subprocess.run(
        [*command, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def no_traceback(done: subprocess.CompletedProcess) -> bool:
    return "Traceback" not in done.stdout and "Traceback" not in done.stderr


def report_folder(done: subprocess.CompletedProcess) -> Path:
    """The folder named by the run's last line, `Report written to <folder>/report.md`."""
    found = WRITTEN.findall(done.stdout)
    assert len(found) == 1, done.stdout + done.stderr
    written = Path(found[0])
    assert written.name == "report.md"
    return written.parent


def results_of(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -------------------------------------------------------------------------------- full runs


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_reference_scenario_runs_end_to_end(scenario, tmp_path):
    out = tmp_path / "reports"
    done = cli("run", scenario.relative_to(REPO), "--replications", 5, "--out", out)
    assert done.returncode == 0, done.stderr
    assert no_traceback(done)
    assert "Report written to" in done.stdout

    loaded = load_scenario(scenario).scenario
    folder = report_folder(done)
    assert folder.parent == out / scenario.stem
    assert RUN_LABEL.fullmatch(folder.name)
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]
    assert REPORT_FILES <= {p.name for p in folder.iterdir()}
    assert not [p for p in out.rglob("*") if p.name.startswith(".partial-")]

    results = results_of(folder)
    assert results["scenario"]["name"] == loaded.name
    assert results["seed"] == loaded.seed
    assert results["replications"] == 5
    assert [i["id"] for i in results["incidents"]] == [i.id for i in loaded.incidents]
    for incident in results["incidents"]:
        assert incident["milestones"], incident["id"]
        for milestone in incident["milestones"]:
            missing = [f for f in MILESTONE_FIELDS if f not in milestone]
            assert not missing, (incident["id"], milestone.get("id"), missing)
            assert 0 <= milestone["n_reached"] <= 5

    # Names in Chinese come through intact (not \u-escaped, not mangled) in both files.
    communities = {c.id: c.name for t in loaded.places.townships for c in t.communities}
    names = {loaded.name} | {communities[i.community] for i in loaded.incidents if i.community}
    report_md = (folder / "report.md").read_text(encoding="utf-8")
    results_text = (folder / "results.json").read_text(encoding="utf-8")
    for name in names:
        assert name in report_md, name
        assert name in results_text, name
    if scenario.stem.startswith("ningbo"):
        assert "下涧槽社区" in names


def test_run_sim_without_a_scenario_uses_the_bundled_default(tmp_path):
    out = tmp_path / "reports"
    done = cli("--replications", 3, "--out", out, script=True)
    assert done.returncode == 0, done.stderr
    assert no_traceback(done)
    default = load_scenario(default_scenario_path()).scenario
    folder = report_folder(done)
    assert folder.parent == out / default_scenario_path().stem
    assert REPORT_FILES <= {p.name for p in folder.iterdir()}
    results = results_of(folder)
    assert results["scenario"]["name"] == default.name
    assert results["replications"] == 3


@pytest.fixture(scope="module")
def seeded_runs(tmp_path_factory):
    """Two runs with seed 7 into the same folder (the first snapshotted before the second
    starts) and one with seed 8: (first folder, its snapshot, second folder, seed-8 folder)."""
    out = tmp_path_factory.mktemp("seeded") / "reports"
    relay = "scenarios/ningbo_relay.yaml"
    plain = ["--out", out, "-q", "--no-figures"]  # the numbers are the subject here
    first = cli("run", relay, "-n", 3, "--seed", 7, *plain)
    assert first.returncode == 0, first.stderr
    first_folder = report_folder(first)
    before = snapshot(first_folder)
    second = cli("run", relay, "-n", 3, "--seed", 7, *plain)
    assert second.returncode == 0, second.stderr
    other = cli("run", relay, "-n", 3, "--seed", 8, *plain)
    assert other.returncode == 0, other.stderr
    return first_folder, before, report_folder(second), report_folder(other)


def test_same_seed_gives_identical_results(seeded_runs):
    first, _, second, _ = seeded_runs
    assert first != second
    assert results_of(first) == results_of(second)
    assert results_of(first)["seed"] == 7


def test_different_seed_gives_different_numbers(seeded_runs):
    first, _, _, other = seeded_runs
    assert results_of(other)["seed"] == 8

    def means(results):
        return [m["mean"] for i in results["incidents"] for m in i["milestones"]]

    assert means(results_of(first)) != means(results_of(other))


def test_an_earlier_report_folder_is_untouched_by_a_later_run(seeded_runs):
    first, before, second, other = seeded_runs
    assert snapshot(first) == before
    assert len({first, second, other}) == 3
    assert first.parent == second.parent == other.parent


# -------------------------------------------------------------------------------- bad input


def test_bad_scenario_exits_2_with_located_messages_and_writes_nothing(tmp_path):
    out = tmp_path / "reports"
    done = cli("run", f"{BAD}/zero_staff.yaml", "-n", 2, "--out", out)
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        f"{BAD}/zero_staff.yaml:31:12: roles[2].staff: must be at least 1",
        "1 problem found; nothing was run.",
    ]
    assert "Report written to" not in done.stdout
    assert not out.exists() or not any(out.rglob("*"))


def test_run_sim_reports_several_problems_together(tmp_path):
    out = tmp_path / "reports"
    done = cli(f"{BAD}/several_problems.yaml", "--replications", 2, "--out", out, script=True)
    assert done.returncode == 2
    assert no_traceback(done)
    lines = done.stderr.splitlines()
    assert lines[-1] == "4 problems found; nothing was run."
    assert [line.split(":")[:3] for line in lines[:-1]] == [
        [f"{BAD}/several_problems.yaml", line, column]
        for line, column in (("13", "23"), ("17", "11"), ("46", "9"), ("65", "15"))
    ]
    assert not out.exists() or not any(out.rglob("*"))


def test_missing_file_exits_2_with_a_located_message(tmp_path):
    done = cli("run", "missing.yaml", "--out", tmp_path / "reports", cwd=tmp_path)
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        "missing.yaml:1:1: cannot read the file: no such file",
        "1 problem found; nothing was run.",
    ]
    assert not (tmp_path / "reports").exists()


def test_a_folder_as_scenario_exits_2(tmp_path):
    (tmp_path / "scenarios").mkdir()
    done = cli("run", "scenarios", "--out", tmp_path / "reports", cwd=tmp_path)
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines() == [
        "scenarios:1:1: cannot read the file: it is a folder, not a file",
        "1 problem found; nothing was run.",
    ]


def test_zero_replications_is_a_usage_error(tmp_path):
    done = cli("--replications", 0, "--out", tmp_path / "reports", script=True)
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.startswith("usage: ")
    assert done.stderr.splitlines()[-1].endswith("argument -n/--replications: must be at least 1")
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [("--replications", "abc", "-n/--replications"), ("--seed", "x", "--seed")],
)
def test_a_word_for_a_number_is_a_usage_error_in_plain_words(option, value, shown, tmp_path):
    """argparse names the type function (`invalid _positive_int value`); say what is wanted."""
    done = cli("run", option, value, "--out", tmp_path / "reports")
    assert done.returncode == 2
    assert no_traceback(done)
    assert done.stderr.splitlines()[-1] == (
        f"preparedness run: error: argument {shown}: must be a whole number, not '{value}'"
    )


def test_validate_several_files_lists_each_files_problems_together(tmp_path):
    """Diagnostics are sorted by line within a file, files kept in command-line order;
    lines of different files are not interleaved."""
    done = cli("validate", f"{BAD}/zero_staff.yaml", f"{BAD}/several_problems.yaml")
    assert done.returncode == 2
    assert no_traceback(done)
    files = [line.split(":")[0] for line in done.stderr.splitlines()[:-1]]
    assert files == [f"{BAD}/zero_staff.yaml"] + [f"{BAD}/several_problems.yaml"] * 4
    assert done.stderr.splitlines()[-1] == "5 problems found; nothing was run."


# -------------------------------------------------------------------------------- validate, schema


def test_validate_accepts_every_reference_scenario():
    names = [str(p.relative_to(REPO)) for p in SCENARIOS]
    done = cli("validate", *names)
    assert done.returncode == 0, done.stderr
    assert no_traceback(done)
    assert done.stderr == ""
    shown = [line.split(": ok (")[0] for line in done.stdout.splitlines()]
    assert shown == names


def test_schema_prints_valid_json():
    done = cli("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["type"] == "object"


def test_committed_schema_is_not_stale(tmp_path):
    """scenarios/scenario.schema.json must be what `preparedness schema` writes today;
    regenerate with `python -m preparedness schema --out scenarios/scenario.schema.json`."""
    written = tmp_path / "scenario.schema.json"
    done = cli("schema", "--out", written)
    assert done.returncode == 0, done.stderr
    assert written.read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_reference_scenario_matches_the_committed_schema(scenario):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(read_yaml(scenario).data)
    ]
    assert errors == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_reference_scenario_opens_with_the_schema_modeline(scenario):
    assert scenario.read_text(encoding="utf-8").splitlines()[0] == MODELINE

"""The public Python API: its names, a cheap import, and numbers that agree with the files
the command line writes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import preparedness as pp
from preparedness import api, cli
from preparedness.cli import EXIT_OK, main
from preparedness.cli import run as cli_run

ROOT = Path(__file__).resolve().parents[2]
RELAY = ROOT / "scenarios" / "ningbo_relay.yaml"
SUPPLIES = ROOT / "scenarios" / "ningbo_flood_supplies.yaml"

#: The documented API (README, "Use from Python"), checked as SimPy checks its own.
DOCUMENTED = [
    "Experiment",
    "ExecutorError",
    "MilestoneRecord",
    "Scenario",
    "ScenarioError",
    "ScenarioVariants",
    "StockpilePlan",
    "UsageError",
    "__version__",
    "calibrate_drill",
    "compare",
    "drill_whatif",
    "load_scenario",
    "load_variants",
    "prepare_exercise",
    "replay_drill",
    "run_experiment",
    "simulate_replication",
    "size_stockpiles",
    "write_drill_report",
    "write_exercise",
    "write_report",
    "write_sizing_report",
]


def test_all_is_the_documented_api_and_every_name_resolves():
    assert pp.__all__ == DOCUMENTED
    for name in pp.__all__:
        assert getattr(pp, name) is not None, name
        assert name in dir(pp)
    assert isinstance(pp.__version__, str)
    with pytest.raises(AttributeError, match="no attribute 'run_replication'"):
        pp.run_replication  # noqa: B018 - the lookup is what is tested


def test_import_preparedness_loads_neither_the_engine_nor_scipy():
    code = (
        "import sys, preparedness; "
        "print(sorted(m for m in ('scipy', 'simpy', 'numpy', 'preparedness.engine') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_command_line_starts_without_the_engine_models_or_plots():
    """Usage errors and --help answer at once; each sub-command imports what it runs."""
    heavy = (
        "scipy",
        "simpy",
        "numpy",
        "networkx",
        "matplotlib",
        "preparedness.engine",
        "preparedness.scenario.models",
    )
    code = f"import sys, preparedness.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_cli_help_states_the_api_defaults():
    assert cli_run.PILOT_REPLICATIONS == api.PILOT_REPLICATIONS
    assert cli_run.DEFAULT_MAX_REPLICATIONS == api.DEFAULT_MAX_REPLICATIONS


def _report(out: Path) -> Path:
    (report,) = out.rglob("report.md")
    return report.parent


@pytest.fixture(scope="module")
def relay_run(tmp_path_factory):
    """The same run from the command line and from Python."""
    out = tmp_path_factory.mktemp("cli")
    assert (
        main(
            ["run", str(RELAY), "-n", "6", "--seed", "7", "--workers", "0", "--out", str(out), "-q"]
        )
        == EXIT_OK
    )
    return _report(out), pp.run_experiment(RELAY, 6, 7, workers=0)


def test_summary_is_the_results_json_the_cli_writes(relay_run):
    folder, exp = relay_run
    written = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert exp.summary() == written
    assert exp.comparison() is None and exp.variants == ("base",)
    assert exp.replications == 6 and exp.seed == 7


def test_records_are_the_rows_of_replications_csv(relay_run):
    folder, exp = relay_run
    rows = list(
        csv.DictReader(io.StringIO((folder / "replications.csv").read_text(encoding="utf-8")))
    )
    records = exp.records()
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert (str(record.replication), record.incident, record.milestone) == (
            row["replication"],
            row["incident"],
            row["milestone"],
        )
        assert row["minutes"] == ("" if record.minutes is None else f"{record.minutes:.4f}")
        assert record.reached == (record.minutes is not None)
        assert row["deadline_met"] == (
            "" if record.deadline_met is None else str(record.deadline_met)
        )
    assert {r.variant for r in records} == {"base"}
    assert any(r.deadline_met is False for r in records)
    assert any(r.deadline_minutes is not None for r in records)


def test_deadline_shares_in_the_summary_follow_from_the_records(relay_run):
    _, exp = relay_run
    incident = exp.summary()["incidents"][0]
    for milestone in incident["milestones"]:
        if milestone["deadline"] is None:
            continue
        met = [
            r.deadline_met
            for r in exp.records()
            if (r.incident, r.milestone) == (incident["id"], milestone["id"])
        ]
        assert milestone["deadline_met_share"] == pytest.approx(sum(met) / len(met))


def test_write_report_writes_the_folder_the_cli_writes(relay_run, tmp_path):
    _, exp = relay_run
    folder = pp.write_report(exp, tmp_path)
    assert folder.parent.parent == tmp_path
    assert json.loads((folder / "results.json").read_text(encoding="utf-8")) == exp.summary()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["executor"] == "serial (in this process)"
    assert manifest["replications"] == 6 and manifest["interventions"] == []


def test_a_loaded_scenario_knows_its_interventions_and_compares_them(tmp_path):
    scenario = pp.load_scenario(RELAY)
    assert isinstance(scenario, pp.Scenario)
    exp = pp.compare(scenario, ["base", "whistle"], replications=4, seed=3, workers=0)
    summary = exp.summary()
    assert summary["scenario"]["file"] == "scenarios/ningbo_relay.yaml" or summary["scenario"][
        "file"
    ].endswith("ningbo_relay.yaml")
    assert [v["id"] for v in exp.comparison()["variants"]] == ["base", "whistle"]
    assert {r.variant for r in exp.records()} == {"base", "whistle"}
    folder = pp.write_report(exp, tmp_path)
    variants = list(
        csv.DictReader(io.StringIO((folder / "variants.csv").read_text(encoding="utf-8")))
    )
    assert [(r["variant"], r["milestone"]) for r in variants] == [
        (r.variant, r.milestone) for r in exp.records()
    ]


def test_a_scenario_built_in_python_runs_and_is_named_in_memory():
    scenario = pp.load_scenario(RELAY).model_copy(update={"name": "copy"})
    exp = pp.run_experiment(scenario, 2, 1, workers=0)
    assert exp.summary()["scenario"]["file"] == "<in memory>"
    assert len(exp.summary()["scenario"]["sha256"]) == 64


def test_progress_is_told_every_replication():
    seen = []
    pp.run_experiment(
        RELAY,
        5,
        1,
        apply="whistle",
        workers=0,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert seen[0] == ("replications", 0, 5) and seen[-1] == ("replications", 5, 5)


def test_requests_that_cannot_be_met_are_usage_errors():
    with pytest.raises(pp.UsageError, match="either apply or compare"):
        pp.run_experiment(RELAY, 2, apply="whistle", compare=["base", "whistle"], workers=0)
    with pytest.raises(pp.UsageError, match="more than max_replications"):
        pp.run_experiment(RELAY, 50, precision="2m", max_replications=10, workers=0)
    with pytest.raises(pp.UsageError, match="has no depots to size"):
        pp.size_stockpiles(RELAY, workers=0)
    with pytest.raises(KeyError, match="did you mean 'whistle'"):
        pp.run_experiment(RELAY, 2, apply="wistle", workers=0)
    with pytest.raises(pp.ScenarioError):
        pp.load_scenario(ROOT / "tests" / "api" / "no-such-file.yaml")


def test_size_stockpiles_gives_the_plan_the_cli_writes(tmp_path):
    plan = pp.size_stockpiles(SUPPLIES, 0.9, 5, check=False, workers=0)
    assert plan.check is None and plan.sizing.replications == 5
    assert plan.quantities() == plan.sizing.quantities()
    folder = pp.write_sizing_report(plan, tmp_path)
    assert json.loads((folder / "sizing.json").read_text(encoding="utf-8")) == plan.summary()
    assert (
        main(
            [
                "size-stockpiles",
                str(SUPPLIES),
                "--service-level",
                "0.9",
                "-n",
                "5",
                "--no-check",
                "--workers",
                "0",
                "--out",
                str(tmp_path / "cli"),
                "-q",
            ]
        )
        == 0
    )
    (written,) = (tmp_path / "cli").rglob("sizing.json")
    assert json.loads(written.read_text(encoding="utf-8")) == plan.summary()


def test_the_cli_package_is_the_entry_point():
    assert cli.main is main
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'preparedness = "preparedness.cli:main"' in text
    assert '"preparedness.cli",' in text

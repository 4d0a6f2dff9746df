"""The command line for what-ifs, precision, executors and the city generator."""

from __future__ import annotations

import json

import pytest

from preparedness.cli import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, main

from .conftest import RELAY


def _report(out):
    (folder,) = [p for p in out.rglob("report.md")]
    return folder.parent


def test_compare_writes_the_comparison(tmp_path, capsys):
    code = main(
        [
            "run",
            str(RELAY),
            "--compare",
            "base,joint_centre,whistle",
            "-n",
            "12",
            "--workers",
            "0",
            "--out",
            str(tmp_path),
            "-q",
            "--no-figures",
        ]
    )
    assert code == EXIT_OK
    folder = _report(tmp_path)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    comparison = results["comparison"]
    assert comparison["reference"] == "base"
    assert [v["id"] for v in comparison["variants"]] == ["base", "joint_centre", "whistle"]
    row = comparison["incidents"][0]["milestones"][0]["interventions"][0]
    for key in (
        "n_pairs",
        "mean_change",
        "mean_change_ci95",
        "median_change",
        "median_change_ci95",
        "p90_change",
        "p90_change_ci95",
        "prob_faster",
        "prob_faster_ci95",
        "only_base_reached",
        "only_alt_reached",
        "base",
        "alt",
    ):
        assert key in row
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "## What the interventions change" in report
    assert "The joint duty command centre cuts the median time to" in report
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interventions"] == ["base", "joint_centre", "whistle"]
    assert manifest["executor"] == "serial (in this process)"
    assert (
        (folder / "variants.csv")
        .read_text(encoding="utf-8")
        .startswith(
            "variant,replication,incident,milestone,minutes,deadline_met\n"
            "base,0,flash_flood,detected,"
        )
    )


def test_results_do_not_depend_on_the_executor(tmp_path):
    outputs = []
    for workers in ("0", "2"):
        out = tmp_path / workers
        assert (
            main(
                [
                    "run",
                    str(RELAY),
                    "--compare",
                    "base,night_duty",
                    "-n",
                    "10",
                    "--workers",
                    workers,
                    "--out",
                    str(out),
                    "-q",
                    "--no-figures",
                ]
            )
            == EXIT_OK
        )
        outputs.append((_report(out) / "results.json").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


def test_precision_reports_how_many_replications_it_took(tmp_path, capsys):
    code = main(
        [
            "run",
            str(RELAY),
            "--precision",
            "10m",
            "-n",
            "10",
            "--workers",
            "0",
            "--out",
            str(tmp_path),
            "-q",
            "--no-figures",
        ]
    )
    assert code == EXIT_OK
    printed = capsys.readouterr().out
    assert "Precision target ±10 min met after" in printed
    results = json.loads((_report(tmp_path) / "results.json").read_text(encoding="utf-8"))
    precision = results["precision"]
    assert precision["met"] is True
    assert results["replications"] == precision["replications"] == precision["rounds"][-1]
    assert precision["widest_half_width"] <= 10
    assert "## Precision" in (_report(tmp_path) / "report.md").read_text(encoding="utf-8")


def test_apply_runs_one_variant(tmp_path):
    assert (
        main(
            [
                "run",
                str(RELAY),
                "--apply",
                "whistle",
                "-n",
                "4",
                "--workers",
                "0",
                "--out",
                str(tmp_path),
                "-q",
                "--no-figures",
            ]
        )
        == EXIT_OK
    )
    results = json.loads((_report(tmp_path) / "results.json").read_text(encoding="utf-8"))
    assert results["command_mode"] == "whistle_and_report"
    assert results["variant"] == {"id": "whistle", "name": "whistle-and-report"}


def test_an_unknown_intervention_is_a_usage_error(tmp_path, capsys):
    code = main(["run", str(RELAY), "--compare", "base,joint_center", "--out", str(tmp_path)])
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "has no intervention 'joint_center'; did you mean 'joint_centre'?" in err
    assert not any(tmp_path.iterdir())


def test_ctrl_c_leaves_no_report(tmp_path, capsys, monkeypatch):
    import preparedness.experiment.replicate as replicate

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(replicate, "run_variants", interrupted)
    code = main(
        [
            "run",
            str(RELAY),
            "--compare",
            "base,whistle",
            "-n",
            "5",
            "--workers",
            "0",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == EXIT_INTERRUPTED
    assert "interrupted; no report was written" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.md"))


def test_the_environment_variable_is_announced(tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    import preparedness.experiment.executor as executor

    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", "1s")
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")  # nothing listens there
    code = main(["run", str(RELAY), "-n", "2", "--out", str(tmp_path), "-q"])
    err = capsys.readouterr().err
    assert "using the Dask scheduler at tcp://127.0.0.1:9 from DASK_SCHEDULER_ADDRESS" in err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert code == EXIT_BAD_INPUT
    assert not any(tmp_path.iterdir())


def test_validate_checks_interventions_too(tmp_path, capsys):
    assert main(["validate", str(RELAY)]) == EXIT_OK
    assert "interventions: joint_centre, whistle, platform, night_duty" in capsys.readouterr().out


def test_generate_city(tmp_path, capsys):
    out = tmp_path / "city.yaml"
    assert main(["generate", "city", "--scale", "0.01", "--unequal", "--out", str(out)]) == EXIT_OK
    assert "44 communities, 212,000 residents" in capsys.readouterr().out
    assert main(["validate", str(out)]) == EXIT_OK

"""Write one run's report folder: every file staged, then the folder renamed into place at once.

A run that fails or is interrupted leaves no folder behind and never touches an earlier one
(``atomic.ReportFolder``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .atomic import ReportFolder, clean_stale_reports, unique_run_label
from .exports import coverage_csv, replications_csv, results_json, stock_csv, trace_csv
from .markdown import render_markdown
from .stages import pause_at


def scenario_folder_name(name: str) -> str:
    """A folder name from a scenario name: keeps letters of any script, drops path syntax."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.strip())
    cleaned = "-".join(part for part in cleaned.split("-") if part)
    return cleaned[:60] or "scenario"


def write_run_report(
    out_root: Path,
    results: dict,
    manifest: dict,
    experiment,
    now: datetime,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Write report.md, results.json, replications.csv, trace.csv and manifest.json.

    ``extra_files`` (name -> text) are written into the same folder, e.g. variants.csv.
    """
    pause_at("writing")
    parent = Path(out_root) / scenario_folder_name(results["scenario"]["name"])
    clean_stale_reports(out_root)  # left by runs of any scenario or command killed here
    made = [folder for folder in (parent, Path(out_root)) if not folder.exists()]
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / unique_run_label(parent, now)
    try:
        _write_folder(final, results, manifest, experiment, extra_files)
    except BaseException:
        _remove_if_empty(made)  # a failed first run leaves no empty folder behind
        raise
    return final


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove the folders this run created, innermost first, where they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty (another run wrote meanwhile) or gone: leave it
            return


def _write_folder(
    final: Path, results: dict, manifest: dict, experiment, extra_files: dict[str, str] | None
) -> None:
    with ReportFolder(final) as staging:
        _write(staging, "report.md", render_markdown(results, manifest))
        _write(staging, "results.json", results_json(results))
        _write(
            staging, "replications.csv", replications_csv(experiment.scenario, experiment.results)
        )
        _write(staging, "trace.csv", trace_csv(experiment.example_trace))
        if any(incident.get("warning") for incident in results["incidents"]):
            _write(staging, "coverage.csv", coverage_csv(results))
        if results.get("stock"):
            _write(staging, "stock.csv", stock_csv(results))
        for name, text in (extra_files or {}).items():
            _write(staging, name, text)
        _write(staging, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def _write(staging: Path, name: str, text: str) -> None:
    """One report file into the staging folder; a test may pause the run just after it."""
    (staging / name).write_text(text, encoding="utf-8")
    pause_at(f"wrote:{name}")

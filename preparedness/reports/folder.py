"""Write one run's report folder: every file staged, then the folder renamed into place at once.

A run that fails or is interrupted leaves no folder behind and never touches an earlier one
(``atomic.ReportFolder``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .atomic import ReportFolder, clean_stale_partials, unique_run_label
from .exports import coverage_csv, replications_csv, results_json, stock_csv, trace_csv
from .markdown import render_markdown


def scenario_folder_name(name: str) -> str:
    """A folder name from a scenario name: keeps letters of any script, drops path syntax."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.strip())
    cleaned = "-".join(part for part in cleaned.split("-") if part)
    return cleaned[:60] or "scenario"


def write_run_report(out_root: Path, results: dict, manifest: dict, experiment,
                     now: datetime, extra_files: dict[str, str] | None = None) -> Path:
    """Write report.md, results.json, replications.csv, trace.csv and manifest.json.

    ``extra_files`` (name -> text) are written into the same folder, e.g. variants.csv.
    """
    parent = Path(out_root) / scenario_folder_name(results["scenario"]["name"])
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(parent)
    final = parent / unique_run_label(parent, now)
    with ReportFolder(final) as staging:
        (staging / "report.md").write_text(render_markdown(results, manifest), encoding="utf-8")
        (staging / "results.json").write_text(results_json(results), encoding="utf-8")
        (staging / "replications.csv").write_text(
            replications_csv(experiment.scenario, experiment.results), encoding="utf-8"
        )
        (staging / "trace.csv").write_text(trace_csv(experiment.example_trace), encoding="utf-8")
        if any(incident.get("warning") for incident in results["incidents"]):
            (staging / "coverage.csv").write_text(coverage_csv(results), encoding="utf-8")
        if results.get("stock"):
            (staging / "stock.csv").write_text(stock_csv(results), encoding="utf-8")
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return final

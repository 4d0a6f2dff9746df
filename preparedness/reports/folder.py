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
from .pages import ReportPages
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
    *,
    trace=None,
    pages: ReportPages | None = None,
) -> Path:
    """Write report.md, results.json, replications.csv, trace.csv and manifest.json.

    ``extra_files`` (name -> text) are written into the same folder, e.g. variants.csv.
    ``trace`` is the replication trace.csv holds (default: the experiment's example, replication
    0); ``pages`` adds report.html, ``plots/`` (linked from report.md) and report.pdf.
    """
    pause_at("writing")
    parent = Path(out_root) / scenario_folder_name(results["scenario"]["name"])
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(parent)
    final = parent / unique_run_label(parent, now)
    with ReportFolder(final) as staging:
        markdown = render_markdown(results, manifest) + (pages.markdown() if pages else "")
        _write(staging, "report.md", markdown)
        _write(staging, "results.json", results_json(results))
        _write(
            staging, "replications.csv", replications_csv(experiment.scenario, experiment.results)
        )
        _write(staging, "trace.csv", trace_csv(trace or experiment.example_trace))
        if any(incident.get("warning") for incident in results["incidents"]):
            _write(staging, "coverage.csv", coverage_csv(results))
        if results.get("stock"):
            _write(staging, "stock.csv", stock_csv(results))
        for name, text in (extra_files or {}).items():
            _write(staging, name, text)
        if pages is not None:
            pages.write(staging)
        _write(staging, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return final


def _write(staging: Path, name: str, text: str) -> None:
    """One report file into the staging folder; a test may pause the run just after it."""
    (staging / name).write_text(text, encoding="utf-8")
    pause_at(f"wrote:{name}")

"""Write one run's report folder: every file staged, then the folder renamed into place at once.

A run that fails or is interrupted leaves no folder behind and never touches an earlier one
(``atomic.ReportFolder``).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePath

from .atomic import ReportFolder, clean_stale_reports, unique_run_label
from .exports import coverage_csv, replications_csv, results_json, stock_csv, trace_csv
from .markdown import render_markdown
from .pages import ReportPages
from .stages import pause_at

#: Longest part of a folder name, in UTF-8 bytes: a scenario, a variant or a label each stay
#: under it, so a whole run label fits the 255-byte name limit of common file systems.
PART_BYTES = 80
#: Names Windows reserves for devices whatever the extension (a folder "con" cannot be made).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
_RESERVED |= {f"LPT{i}" for i in range(1, 10)}
#: What a scenario loaded from no file (the Python API given a ``Scenario``) records as file.
IN_MEMORY = "<in memory>"


def folder_part(text: str, limit: int = PART_BYTES) -> str:
    """Text made safe as (part of) a folder name: letters, marks and digits of any script,
    ``-`` and ``_``; anything else (``/``, ``..``, spaces, control and bidi characters)
    becomes one ``-``. Cut to ``limit`` UTF-8 bytes on a character boundary."""
    text = unicodedata.normalize("NFC", text.strip())
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "-_" else "-" for ch in text)
    cleaned = "-".join(part for part in kept.split("-") if part)
    while len(cleaned.encode("utf-8")) > limit:
        cleaned = cleaned[:-1]
    cleaned = cleaned.rstrip("-")
    if cleaned.upper() in _RESERVED:
        cleaned += "_"
    return cleaned


def scenario_folder_name(name: str, file: str | None = None) -> str:
    """The folder of a scenario's reports: the scenario file's stem (``my-town.yaml`` ->
    ``my-town``), so a copy of a file that kept its ``name:`` writes beside, not into, the
    original's folder; the scenario's name when it came from no file."""
    stem = PurePath(file).stem if file and file != IN_MEMORY else ""
    return folder_part(stem) or folder_part(name) or "scenario"


def run_suffix(variants: Sequence[str] = ("base",), label: str | None = None) -> str:
    """What a run folder holds, after its date and time: the applied intervention, or
    ``compare-`` and the variants compared, then the ``--label`` text (README, "What a run
    writes")."""
    parts = []
    if len(variants) > 1:
        parts.append(folder_part("compare-" + "-".join(variants)))
    elif list(variants) != ["base"]:
        parts.append(folder_part(variants[0]))
    if label:
        parts.append(folder_part(label))
    return "-".join(part for part in parts if part)


def write_run_report(
    out_root: Path,
    results: dict,
    manifest: dict,
    experiment,
    now: datetime,
    extra_files: dict[str, str] | None = None,
    suffix: str = "",
    *,
    trace=None,
    pages: ReportPages | None = None,
    lang: str = "en",
) -> Path:
    """Write report.md, results.json, replications.csv, trace.csv and manifest.json into
    ``<out>/<scenario file stem>/<date-time>[-<suffix>]/`` (``suffix`` from ``run_suffix``).

    ``extra_files`` (name -> text) are written into the same folder, e.g. variants.csv.
    ``trace`` is the replication trace.csv holds (default: the experiment's example, replication
    0); ``pages`` adds report.html, ``plots/`` (linked from report.md) and report.pdf.
    report.md is written in ``lang``.
    """
    pause_at("writing")
    scenario = results["scenario"]
    parent = Path(out_root) / scenario_folder_name(scenario["name"], scenario.get("file"))
    clean_stale_reports(out_root)  # left by runs of any scenario or command killed here
    made = [folder for folder in (parent, Path(out_root)) if not folder.exists()]
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / unique_run_label(parent, now, suffix)
    try:
        _write_folder(final, results, manifest, experiment, extra_files, trace, pages, lang)
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
    final: Path,
    results: dict,
    manifest: dict,
    experiment,
    extra_files: dict[str, str] | None,
    trace,
    pages: ReportPages | None,
    lang: str,
) -> None:
    with ReportFolder(final) as staging:
        markdown = render_markdown(results, manifest, lang) + (pages.markdown() if pages else "")
        _write(staging, "report.md", markdown)
        _write(staging, "results.json", results_json(results))
        _write(
            staging, "replications.csv", replications_csv(experiment.scenario, experiment.results)
        )
        trace = trace or experiment.example_trace
        _write(staging, "trace.csv", trace_csv(trace, experiment.scenario.start))
        if any(incident.get("warning") for incident in results["incidents"]):
            _write(staging, "coverage.csv", coverage_csv(results))
        if results.get("stock"):
            _write(staging, "stock.csv", stock_csv(results))
        for name, text in (extra_files or {}).items():
            _write(staging, name, text)
        if pages is not None:
            pages.write(staging)
        _write(staging, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def _write(staging: Path, name: str, text: str) -> None:
    """One report file into the staging folder; a test may pause the run just after it."""
    (staging / name).write_text(text, encoding="utf-8")
    pause_at(f"wrote:{name}")

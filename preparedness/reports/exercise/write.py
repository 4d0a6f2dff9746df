"""Write ``<out>/<scenario>/exercise/<label>/`` atomically: every page, CSV and CAP alert of
an exercise package, and the situation manual's PDF when Chromium can print it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ...planning.exercise import ExercisePackage
from ..atomic import ReportFolder, clean_stale_partials, unique_run_label
from ..browser import BrowserUnavailable, find_chromium, print_pdf
from ..exports import results_json
from ..folder import scenario_folder_name
from .cap import alerts
from .pages import render_pages
from .tables import eeg_csv, improvement_csv, msel_csv

__all__ = ["write_exercise"]


def write_exercise(
    package: ExercisePackage,
    out: Path,
    lang: str,
    *,
    now: datetime,
    pdf: bool = True,
) -> Path:
    """Write the folder (with the results.json every figure is quoted from) and return its
    path. ``pdf=False`` skips the PDF: it carries the browser's creation date, so it is the
    one file that differs between two writes."""
    parent = Path(out) / scenario_folder_name(package.scenario.name) / "exercise"
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(parent)
    label = unique_run_label(parent, now)
    final = parent / label
    pages = render_pages(package, lang)
    with ReportFolder(final) as staging:
        for name, text in pages.items():
            (staging / name).write_bytes(text.encode("utf-8"))
        (staging / "results.json").write_bytes(results_json(dict(package.results)).encode("utf-8"))
        (staging / "msel.csv").write_bytes(msel_csv(package, lang).encode("utf-8"))
        (staging / "eeg.csv").write_bytes(eeg_csv(package, lang).encode("utf-8"))
        (staging / "improvement-plan.csv").write_bytes(
            improvement_csv(package, lang).encode("utf-8")
        )
        (staging / "alerts").mkdir()
        for name, data in alerts(package, lang).items():
            (staging / "alerts" / name).write_bytes(data)
        if pdf and find_chromium() is not None:
            try:
                print_pdf(staging / "situation-manual.html", staging / "situation-manual.pdf")
            except (BrowserUnavailable, RuntimeError):
                # The HTML is the manual; the command says the PDF is missing and why
                # (``reports.pages.pdf_note``).
                (staging / "situation-manual.pdf").unlink(missing_ok=True)
    return final

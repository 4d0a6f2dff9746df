"""A report folder's pages: report.html with its figures inline, PNG copies of the figures in
``plots/`` for report.md, and, when asked and Chromium is at hand, report.pdf.

The figures are drawn once, before the staging folder is opened, and written into it with
the other files, so the page, the PNGs and the PDF appear with the folder or not at all.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..engine.trace import Trace
from ..experiment.replicate import ReplicationResult
from .browser import BrowserUnavailable, find_chromium, print_pdf
from .drawn import ReportFigures
from .escape import md_cell
from .html import render_run_report, render_sizing_report, story_sentence
from .i18n import catalogue
from .post_names import localise_posts

__all__ = ["PLOTS", "ReportPages", "pdf_note", "run_pages", "sizing_pages"]

#: The folder of PNG copies beside report.md.
PLOTS = "plots"


@dataclass(frozen=True)
class ReportPages:
    """The HTML page of a report, named ``page_name``, its figures, and whether to print it."""

    html: str
    figures: ReportFigures
    lang: str
    pdf: bool = False
    page_name: str = "report.html"
    #: which run the timelines draw and why (run reports)
    story: str | None = None
    #: the figures were left out on request (``--no-figures``), which the pages say
    figures_left_out: bool = False

    def markdown(self) -> str:
        """A Figures section for the Markdown report: each PNG of ``plots/`` with its caption."""
        figures = self.figures.all()
        cat = catalogue(self.lang)
        if self.figures_left_out:
            lines = ["", f"## {cat('section.figures')}", "", cat("page.figures_left_out"), ""]
            return "\n".join(lines)
        if not figures:
            return ""
        lines = ["", f"## {cat('section.figures')}", ""]
        if self.story:
            lines += [md_cell(self.story), ""]
        for figure in figures:
            caption = md_cell(figure.caption)
            lines += [f"![{caption}]({PLOTS}/{figure.id}.png)", "", f"*{caption}*", ""]
        return "\n".join(lines)

    def write(self, folder: Path) -> None:
        """report.html, ``plots/*.png`` and (with ``pdf``) report.pdf into ``folder``."""
        (folder / self.page_name).write_text(self.html, encoding="utf-8")
        figures = self.figures.all()
        if figures:  # none drawn, or left out: no empty plots/ folder
            (folder / PLOTS).mkdir(exist_ok=True)
        for figure in figures:
            (folder / PLOTS / f"{figure.id}.png").write_bytes(figure.png)
        if self.pdf:
            _print(folder / self.page_name, folder / "report.pdf")


def _print(page: Path, out: Path) -> None:
    """Print the page to PDF; a browser that fails leaves the report without it (the
    command then says so with :func:`pdf_note`) rather than losing the whole report."""
    try:
        print_pdf(page, out)
    except (BrowserUnavailable, RuntimeError, OSError, subprocess.TimeoutExpired):
        out.unlink(missing_ok=True)  # pdf_note says so


def pdf_note(lang: str, folder: Path, name: str = "report.pdf") -> str:
    """The console line for a PDF copy of a page: where it is, or why there is none (the
    HTML page beside it is complete either way)."""
    cat = catalogue(lang)
    pdf = folder / name
    if pdf.is_file():
        return cat("console.pdf_written", path=str(pdf))
    if find_chromium() is None:
        return cat("console.pdf_no_browser", name=name)
    return cat("console.pdf_failed", name=name, html=pdf.with_suffix(".html").name)


def run_pages(
    results: Mapping[str, Any],
    replications: list[ReplicationResult],
    trace: Trace,
    lang: str,
    *,
    generated: datetime | None = None,
    pdf: bool = False,
    figures: bool = True,
) -> ReportPages:
    """The run report's page and figures: ``replications`` give the ECDFs' per-run minutes,
    ``trace`` is the replication results.json ``story`` names (the swimlane). Without
    ``figures`` the page says they were left out."""
    results = localise_posts(results, catalogue(lang))
    drawn = None
    if figures:
        from .figures import SwimlaneInput, experiment_minutes, run_figures  # imports matplotlib

        drawn = run_figures(
            results,
            lang,
            minutes=experiment_minutes(results, replications),
            swimlane=SwimlaneInput.from_story(trace, results["story"]),
        )
    html = render_run_report(results, drawn, lang, generated=generated)
    return ReportPages(
        html,
        drawn or ReportFigures(),
        lang,
        pdf,
        story=story_sentence(results, catalogue(lang)),
        figures_left_out=drawn is None,
    )


def sizing_pages(
    sizing: Mapping[str, Any],
    lang: str,
    *,
    generated: datetime | None = None,
    pdf: bool = False,
    figures: bool = True,
) -> ReportPages:
    """The sizing report's page: service level against quantity per depot and item, from
    sizing.json ``rows`` (a row's ``curve`` when it has one, else its chosen point); without
    ``figures`` the page says it was left out."""
    curves = {
        (row["depot"], row["item"]): [tuple(p) for p in row.get("curve") or ()]
        or [(float(row["quantity"]), float(row["service_level"]))]
        for row in sizing["rows"]
    }
    drawn = None
    if figures:
        from .figures import sizing_figures  # imports matplotlib

        drawn = sizing_figures(sizing, curves, lang)
    html = render_sizing_report(sizing, drawn, lang, generated=generated)
    return ReportPages(html, drawn or ReportFigures(), lang, pdf, figures_left_out=drawn is None)

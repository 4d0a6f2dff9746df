"""The console lines after a report is written: where report.html is, where report.pdf is or
why there is none, and the index of reports, in the report's language (the catalogue)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

__all__ = ["print_pages"]


def print_pages(out: Console, args, folder: Path, scenario) -> None:
    """Say where the HTML page, the PDF (with ``--pdf``) and the index are."""
    from ..reports.escape import terminal_text
    from ..reports.i18n import catalogue
    from ..reports.index import INDEX
    from ..reports.pages import pdf_note
    from ..results import report_language

    lang = report_language(scenario, args.lang)
    cat = catalogue(lang)
    lines = [cat("console.html_written", path=str(folder / "report.html"))]
    if args.pdf:
        lines.append(pdf_note(lang, folder))
    if not args.quiet:
        lines.append(cat("console.index_written", path=str(Path(args.out) / INDEX)))
    for line in lines:
        out.print(terminal_text(line), markup=False, soft_wrap=True)

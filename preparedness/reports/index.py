"""The index of report folders, ``<out>/index.html``: every run and sizing report with its
scenario, date, variants and headline figure, newest first, rewritten after each report.

Read from each folder's results.json (or sizing.json) and manifest.json; a folder that
cannot be read (half copied by hand, an older format) is left out rather than failing the
run that writes the index. The file is replaced atomically, so a reader never sees half.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .atomic import PARTIAL_PREFIX, atomic_write_text
from .html import HTML_LANG, format_date, page_template, report_date
from .i18n import Catalogue, catalogue, milestone_label

__all__ = ["INDEX", "IndexRow", "index_rows", "render_index", "write_index"]

INDEX = "index.html"


@dataclass(frozen=True)
class IndexRow:
    """One report folder as the index lists it."""

    folder: Path
    finished: datetime
    scenario: str
    kind: str
    variants: list[str]
    headline: str


def _report_folders(root: Path) -> Iterator[tuple[Path, str]]:
    """``<scenario>/<label>`` run folders and ``<scenario>/sizing/<label>`` sizing folders."""
    for scenario in sorted(p for p in root.iterdir() if p.is_dir()):
        for entry in sorted(scenario.iterdir()):
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            if (entry / "results.json").is_file():
                yield entry, "run"
            elif entry.name == "sizing":
                for label in sorted(entry.iterdir()):
                    if not label.name.startswith(PARTIAL_PREFIX) and label.is_dir():
                        yield label, "sizing"


def _headline_run(results: Mapping[str, Any], cat: Catalogue) -> str:
    """The plan's key milestone (results.json ``story``): its median and deadline share."""
    story = results["story"]
    incident = next(i for i in results["incidents"] if i["id"] == story["incident"])
    row = next(m for m in incident["milestones"] if m["id"] == story["milestone"])
    words = {
        "milestone": milestone_label(row["id"], row["label"], cat),
        "median": cat.minutes(row["median"]),
    }
    if row["deadline"] is None:
        return cat("index.headline_run_no_deadline", **words)
    return cat("index.headline_run", share=cat.share(row["deadline_met_share"]), **words)


def _row(folder: Path, kind: str, cat: Catalogue) -> IndexRow:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    finished = datetime.fromisoformat(manifest["finished_at"])
    if kind == "run":
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        comparison = results.get("comparison")
        if comparison:
            variants = [v["name"] for v in comparison["variants"]]
        elif results.get("variant"):
            variants = [results["variant"]["name"]]
        else:
            variants = [cat("index.variant_base")]
        headline = _headline_run(results, cat)
    else:
        results = json.loads((folder / "sizing.json").read_text(encoding="utf-8"))
        variants = [cat("index.variant_base")]
        headline = cat(
            "index.headline_sizing",
            cost=cat.number(results["total_cost"], 0),
            target=cat.share(results["service_level"]),
        )
    return IndexRow(
        folder, finished, results["scenario"]["name"], kind, [str(v) for v in variants], headline
    )


def index_rows(root: Path, lang: str) -> list[IndexRow]:
    """Every readable report folder under ``root``, newest first (then by folder name)."""
    cat = catalogue(lang)
    rows = []
    for folder, kind in _report_folders(root):
        try:
            rows.append(_row(folder, kind, cat))
        except (OSError, ValueError, KeyError, TypeError, StopIteration):
            continue  # unreadable or of another format: left out, never fatal
    rows.sort(key=lambda r: (r.finished.timestamp(), r.folder.as_posix()), reverse=True)
    return rows


def render_index(root: Path, rows: list[IndexRow], lang: str) -> str:
    """The index page: one table row per report folder, each linking to its report.html."""
    cat = catalogue(lang)
    shown = []
    for row in rows:
        page = row.folder / "report.html"
        target = page if page.is_file() else row.folder
        shown.append(
            {
                "href": target.relative_to(root).as_posix(),
                "date": format_date(lang, row.finished),
                "scenario": row.scenario,
                "kind": cat(f"index.kind_{row.kind}"),
                "variants": row.variants,
                "headline": row.headline,
            }
        )
    return page_template("index.html.j2").render(
        t=cat,
        html_lang=HTML_LANG[lang],
        title=cat("index.title"),
        meta=cat("index.meta", count=len(rows)),
        rows=shown,
        generated=report_date(lang),
    )


def write_index(root: str | Path, lang: str) -> Path:
    """Rewrite ``<root>/index.html`` atomically from the report folders now under ``root``."""
    root = Path(root)
    html = render_index(root, index_rows(root, lang), lang)
    path = root / INDEX
    atomic_write_text(path, html)
    return path

"""The folder of a stockpile sizing report: sizing.md, sizing.csv, purchase.csv, rotation.csv,
sizing.json and manifest.json, written together into a folder that appears only once complete."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .atomic import ReportFolder, clean_stale_partials, unique_run_label
from .exports import purchase_csv, rotation_csv, sizing_csv, sizing_json
from .folder import run_suffix, scenario_folder_name
from .pages import ReportPages
from .sizing_render import sizing_markdown

__all__ = ["write_sizing_report"]


def write_sizing_report(
    out_root: Path,
    results: dict,
    manifest: dict,
    now: datetime,
    label: str | None = None,
    *,
    pages: ReportPages | None = None,
    lang: str = "en",
) -> Path:
    """Write sizing.md, sizing.csv, purchase.csv, rotation.csv, sizing.json and manifest.json
    into a new ``<out>/<scenario file stem>/sizing/<date-time>[-<label>]/`` folder that
    appears only once complete; ``pages`` adds report.html, ``plots/`` (linked from
    sizing.md) and report.pdf; sizing.md is written in ``lang``."""
    scenario = results["scenario"]
    parent = (
        Path(out_root) / scenario_folder_name(scenario["name"], scenario.get("file")) / "sizing"
    )
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(parent)
    final = parent / unique_run_label(parent, now, run_suffix(label=label))
    files = {
        "sizing.md": sizing_markdown(results, manifest, lang) + (pages.markdown() if pages else ""),
        "sizing.csv": sizing_csv(results),
        "purchase.csv": purchase_csv(results),
        "rotation.csv": rotation_csv(results),
        "sizing.json": sizing_json(results),
        "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
    }
    with ReportFolder(final) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if pages is not None:
            pages.write(staging)
    return final

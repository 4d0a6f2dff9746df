"""The exercise package's CSV files: the MSEL, the EEG and the improvement plan, with the
same words as their pages (UTF-8, ``\\n`` line ends, header row first, every cell guarded
against spreadsheet formulas by ``exports.csv_cell``)."""

from __future__ import annotations

from ...planning.exercise import ExercisePackage
from ..exports import csv_text as _csv
from ..i18n import catalogue
from .rows import MSEL_COLUMNS, eeg_rows, improvement_rows, msel_rows

__all__ = ["eeg_csv", "improvement_csv", "msel_csv"]

#: Minute figures in eeg.csv are written to this many decimals.
DIGITS = 2


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.{DIGITS}f}"


def msel_csv(package: ExercisePackage, lang: str) -> str:
    """msel.csv: the MSEL columns, headers in the exercise language."""
    cat = catalogue(lang)
    rows = msel_rows(package, cat)
    return _csv(
        [cat(f"exercise.msel.{c}") for c in MSEL_COLUMNS],
        [[r[c] for c in MSEL_COLUMNS] for r in rows],
    )


def eeg_csv(package: ExercisePackage, lang: str) -> str:
    """eeg.csv: per objective the target and the P/S/M thresholds in minutes, the model's
    median and p90, the played run's time, and empty columns for the evaluator."""
    cat = catalogue(lang)
    keys = ("id", "objective", "target", "tasks", "P", "S", "M", "median", "p90", "played")
    header = [cat(f"exercise.eeg.col.{k}") for k in (*keys, "observed", "rating", "notes")]
    rows = [
        [
            *(str(r[k]) for k in ("id", "objective", "target", "tasks")),
            *(_number(r[k]) for k in ("P", "S", "M", "median", "p90", "played")),
            "",
            "",
            "",
        ]
        for r in eeg_rows(package, cat)
    ]
    return _csv(header, rows)


def improvement_csv(package: ExercisePackage, lang: str) -> str:
    """improvement-plan.csv: HSEEP IP columns, with point of contact and dates left blank."""
    cat = catalogue(lang)
    keys = ("objective", "issue", "action", "element", "responsible", "change")
    header = [cat(f"exercise.ip.col.{k}") for k in (*keys, "contact", "start", "end")]
    rows = [[r[k] for k in keys] + ["", "", ""] for r in improvement_rows(package, cat)]
    return _csv(header, rows)

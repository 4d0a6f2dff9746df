"""argparse value types: each says what is wanted ("must be a whole number, not 'x'")
instead of argparse's "invalid _positive_int value"."""

from __future__ import annotations

import argparse

__all__ = [
    "LANGUAGES",
    "label",
    "minutes",
    "name_list",
    "positive_int",
    "seed",
    "service_level",
    "trace_replication",
    "workers",
]

#: Report languages (as ``reports.i18n.LANGUAGES``; the help text is written without
#: importing the reports, and tests/cli checks they agree).
LANGUAGES = ("en", "zh")
#: As ``experiment.story.RULES``.
TRACE_RULES = ("median", "p90", "worst")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not '{text}'") from None


def positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def workers(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (serial) or more")
    return value


def seed(text: str) -> int:
    value = _whole_number(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("must be between 0 and 2**63-1")
    return value


def minutes(text: str) -> float:
    from ..scenario.durations import parse_duration

    try:
        value = parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than zero")
    return value


def name_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    if any(not name for name in names):
        raise argparse.ArgumentTypeError("give ids separated by commas, e.g. base,joint_centre")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError("each variant may be named once")
    return names


def service_level(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a share such as 0.95, not '{text}'") from None
    percent = text.strip().endswith("%")
    if (percent or 50 <= value) and 0 < value <= 100:  # a percentage, surely
        raise argparse.ArgumentTypeError(
            f"must be a share more than 0 and at most 1: for {value:g}% write {value / 100:g}"
        )
    if percent or not 0 < value <= 1:
        raise argparse.ArgumentTypeError(
            f"must be a share more than 0 and at most 1, e.g. 0.95, not '{text}'"
        )
    return value


def trace_replication(text: str) -> str | int:
    """``median``, ``p90``, ``worst`` or a replication number (0 is the first)."""
    if text in TRACE_RULES:
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be {', '.join(TRACE_RULES)} or a replication number, not '{text}'"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError("replications are numbered from 0")
    return value


def add_report_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--lang``, ``--pdf`` and ``--no-figures``, the same on every command that writes a
    report."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the report: en (English) or zh (Chinese) "
        "(default: the scenario's 'language:', else en)",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print report.pdf (needs Chromium; without it the report is written "
        "without the PDF, and a note says so)",
    )
    parser.add_argument(
        "--no-figures",
        dest="figures",
        action="store_false",
        help="leave the figures out: report.html and report.md keep their tables and "
        "sentences, no plots/ folder is written (drawing them takes most of a small run's "
        "time; for scripts that read results.json)",
    )


def label(text: str) -> str:
    """A ``--label``: some letters or digits must survive in the folder name."""
    from ..reports.folder import folder_part

    if not folder_part(text):
        raise argparse.ArgumentTypeError("must contain letters or digits, e.g. night-drill")
    return text

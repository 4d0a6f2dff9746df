"""``preparedness exercise``: a tabletop exercise package for a trainer, through the API
(``prepare_exercise`` and ``write_exercise``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from ..reports.escape import terminal_text
from ..reports.i18n import catalogue
from . import arguments
from .console import EXIT_OK, ProgressBar, interrupts_held, notes_to

__all__ = ["add_parser", "exercise"]


def add_parser(sub) -> None:
    parser = sub.add_parser(
        "exercise",
        help="write a printable tabletop exercise package (MSEL, inject cards, questions, "
        "evaluation guide, AAR/IP draft, role cards, CAP alerts) from a simulated run",
    )
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--incident", metavar="ID", help="the incident played (default: the first)")
    parser.add_argument(
        "--duration",
        type=arguments.minutes,
        default=120.0,
        metavar="DURATION",
        help="length of the exercise, e.g. 2h or 90m (default: 2h)",
    )
    parser.add_argument(
        "--audience", default="", metavar="TEXT", help="who takes part, in the manual's words"
    )
    parser.add_argument(
        "--difficulty",
        choices=("typical", "hard"),
        default="typical",
        help="typical plays the run nearest the median of the plan's key milestone, hard "
        "the run nearest its 90th percentile (default: typical)",
    )
    parser.add_argument(
        "--seed", type=arguments.seed, help="root seed; another seed gives another deck"
    )
    parser.add_argument(
        "-n",
        "--replications",
        type=arguments.positive_int,
        help="replications of each variant (default: the scenario's)",
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default: zh)")
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), help="folder for reports (default: reports/)"
    )
    parser.add_argument(
        "--workers", type=arguments.workers, metavar="N", help="local worker processes"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def exercise(args, out: Console, err: Console) -> int:
    """Run the scenario and its interventions, plan the exercise, write its folder."""
    from .. import api

    with notes_to(err, args.quiet, args.lang), ProgressBar(err, args.quiet, args.lang) as bar:
        package = api.prepare_exercise(
            args.scenario,
            incident=args.incident,
            duration=args.duration,
            difficulty=args.difficulty,
            audience=args.audience,
            seed=args.seed,
            replications=args.replications,
            workers=args.workers,
            progress=bar,
        )
    with interrupts_held(until_exit=getattr(args, "from_command_line", False)) as held:
        folder = api.write_exercise(package, args.out, lang=args.lang)
    args.report_written, args.report_file = folder, "index.html"
    if held:
        raise KeyboardInterrupt
    from ..reports.pages import pdf_note  # not at import: it loads matplotlib

    said = catalogue(args.lang)("cli.exercise_written", path=terminal_text(folder / "index.html"))
    out.print(said, markup=False, soft_wrap=True)
    out.print(pdf_note(args.lang, folder, "situation-manual.pdf"), markup=False, soft_wrap=True)
    return EXIT_OK

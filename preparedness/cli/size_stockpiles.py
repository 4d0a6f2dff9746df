"""``preparedness size-stockpiles``: size each depot's stock through the API, re-simulate
it, print the table and write the sizing report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console

from ..reports.atomic import clean_stale_reports
from ..reports.escape import terminal_text
from . import arguments
from .console import EXIT_OK, ProgressBar, UsageError, interrupts_held, notes_to
from .pages import print_pages

__all__ = ["add_parser", "plan_date", "size_stockpiles"]


def plan_date(text: str) -> dt.date:
    """``--as-of``: a calendar date, said plainly when it is not one."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a calendar date written YYYY-MM-DD, e.g. 2026-07-14, not '{text}'"
        ) from None


def add_parser(sub) -> None:
    size = sub.add_parser(
        "size-stockpiles",
        help="the least-cost stock of each item at each depot that meets a service level",
        description="For each depot and item, the least-cost quantity (in whole packs) such "
        "that the depot runs out in no more than 1 - SERVICE_LEVEL of the scenario's "
        "replications; checked by re-simulating it on as many new replications. Given "
        "several scenario files (one per hazard, sharing depots and items by id), one plan "
        "that meets the service level in each.",
    )
    size.add_argument(
        "scenario",
        type=Path,
        nargs="+",
        help="scenario YAML file(s) with depots and items; several: one plan for all hazards",
    )
    size.add_argument(
        "--as-of",
        type=plan_date,
        metavar="DATE",
        help="plan date YYYY-MM-DD for the purchase list and rotation plan: stock on the "
        "shelf that day is counted (default: today)",
    )
    size.add_argument(
        "--service-level",
        type=arguments.service_level,
        default=0.95,
        metavar="SHARE",
        help="share of replications without a stock-out at each depot and item, "
        "more than 0 and at most 1 (default 0.95)",
    )
    size.add_argument(
        "-n",
        "--replications",
        type=arguments.positive_int,
        help="replications to size on, and as many new ones to check on (default: the scenario's)",
    )
    size.add_argument("--seed", type=arguments.seed, help="root seed (default: the scenario's)")
    size.add_argument(
        "--workers",
        type=arguments.workers,
        metavar="N",
        help="local worker processes; 0 runs in this process (default: every core)",
    )
    size.add_argument(
        "--cluster", metavar="ADDRESS", help="a Dask scheduler, or 'local' (as for run)"
    )
    size.add_argument(
        "--out", type=Path, default=Path("reports"), help="folder for reports (default: reports/)"
    )
    size.add_argument(
        "--no-check",
        action="store_true",
        help="do not re-simulate the recommendation on new replications",
    )
    size.add_argument("-q", "--quiet", action="store_true", help="no progress or summary table")
    size.add_argument(
        "--label",
        type=arguments.label,
        metavar="TEXT",
        help="words to add to the report folder's name, e.g. --label night-drill",
    )
    arguments.add_report_options(size)
    size.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def size_stockpiles(args, out: Console, err: Console) -> int:
    """Load, size, re-simulate (through the API), report."""
    from .. import api
    from ..experiment.executor import ExecutorError
    from ..reports.i18n import catalogue
    from ..reports.sizing_render import print_sizing
    from ..results import report_language

    variants = [api.load_variants(path) for path in args.scenario]
    args.report_lang = report_language(variants[0].base, args.lang)
    try:
        lang, quiet = args.report_lang, args.quiet
        with notes_to(err, quiet, lang), ProgressBar(err, quiet, lang) as bar:
            plan = api.size_stockpiles(
                variants if len(variants) > 1 else variants[0],
                args.service_level,
                args.replications,
                args.seed,
                as_of=args.as_of,
                check=not args.no_check,
                workers=args.workers,
                cluster=args.cluster,
                progress=bar,
            )
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    clean_stale_reports(args.out)  # left by runs of any scenario or command killed there
    with interrupts_held(until_exit=getattr(args, "from_command_line", False)) as held:
        folder = api.write_sizing_report(
            plan,
            args.out,
            command=["preparedness", *sys.argv[1:]],
            label=args.label,
            lang=args.lang,
            pdf=args.pdf,
            figures=args.figures,
        )
    args.report_written, args.report_file = folder, "sizing.md"
    if held:
        raise KeyboardInterrupt
    lang = report_language(plan.scenario, args.lang)
    if not args.quiet:
        print_sizing(out, plan.summary(), lang)
    said = catalogue(lang)("cli.report_written", path=terminal_text(folder / "sizing.md"))
    out.print(terminal_text(said), markup=False)
    print_pages(out, args, folder, plan.scenario)
    return EXIT_OK

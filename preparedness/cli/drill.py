"""``preparedness drill replay | calibrate | whatif``: a real drill's log through the API.

A log that fails its checks prints every located problem (``drill.csv:12: to: no post
'xx'; did you mean ...``) and exits 2 with nothing written, as a bad scenario does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from ..reports.escape import terminal_text
from ..reports.i18n import catalogue
from . import arguments
from .console import EXIT_BAD_INPUT, EXIT_OK, UsageError, interrupts_held, notes_to

__all__ = ["add_parser", "drill"]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", type=Path, help="scenario YAML file the drill exercised")
    parser.add_argument(
        "-n",
        "--replications",
        type=arguments.positive_int,
        help="simulated runs (default: the scenario's)",
    )
    parser.add_argument("--seed", type=arguments.seed, help="root seed (default: the scenario's)")
    parser.add_argument(
        "--workers",
        type=arguments.workers,
        metavar="N",
        help="local worker processes; 0 runs in this process (default: every core)",
    )
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), help="folder for reports (default: reports/)"
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def add_parser(sub) -> None:
    drill = sub.add_parser(
        "drill",
        help="replay a real drill's log, calibrate the scenario to it, ask what-if",
        description="Read a drill log (docs/guides/drill-logs.md), check it against the "
        "scenario, and set it beside the simulated runs.",
    )
    actions = drill.add_subparsers(dest="drill_command", required=True)
    replay = actions.add_parser(
        "replay", help="place each observed milestone in the simulated distribution"
    )
    _common(replay)
    replay.add_argument("log", type=Path, help="the drill log (CSV)")
    calibrate = actions.add_parser(
        "calibrate", help="fit the scenario's delays to drill logs; writes calibrated.yaml"
    )
    _common(calibrate)
    calibrate.add_argument("logs", type=Path, nargs="+", help="one or more drill logs (CSV)")
    whatif = actions.add_parser(
        "whatif",
        help="an intervention applied to the calibrated scenario, on common random numbers",
    )
    _common(whatif)
    whatif.add_argument("log", type=Path, help="the drill log (CSV)")
    whatif.add_argument(
        "--calibrated",
        type=Path,
        required=True,
        help="the calibrated.yaml that 'drill calibrate' wrote",
    )
    summary = actions.add_parser(
        "summary", help="check a staff call-down drill's summary form and print its measures"
    )
    summary.add_argument("form", type=Path, help="the summary form (YAML or CSV)")
    summary.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    chosen = whatif.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--apply", metavar="ID", help="one intervention, e.g. joint_centre")
    chosen.add_argument(
        "--compare", type=arguments.name_list, metavar="A,B", help="several interventions"
    )


def drill(args, out: Console, err: Console) -> int:
    """Check the log(s), run through the API, write the report."""
    from .. import api
    from ..planning.drill.log import DrillLogError  # here: the engine is not needed to start

    result: object
    try:
        if args.drill_command == "summary":
            return _summary(args, out)
        with notes_to(err, True, args.lang):
            if args.drill_command == "replay":
                result = api.replay_drill(
                    args.scenario, args.log, args.replications, args.seed, workers=args.workers
                )
            elif args.drill_command == "calibrate":
                result = api.calibrate_drill(
                    args.scenario, args.logs, args.replications, args.seed, workers=args.workers
                )
            else:
                names = [args.apply] if args.apply else list(args.compare)
                result = api.drill_whatif(
                    args.scenario,
                    args.log,
                    args.calibrated,
                    names,
                    args.replications,
                    args.seed,
                    workers=args.workers,
                )
    except DrillLogError as error:
        for problem in error.problems:
            err.print(terminal_text(str(problem)), markup=False)
        return EXIT_BAD_INPUT
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None
    with interrupts_held(until_exit=getattr(args, "from_command_line", False)) as held:
        folder = api.write_drill_report(args.drill_command, result, args.out, lang=args.lang)
    args.report_written = folder
    if held:
        raise KeyboardInterrupt
    said = catalogue(args.lang)("cli.report_written", path=terminal_text(folder / "report.html"))
    out.print(said, markup=False)
    return EXIT_OK


def _summary(args, out: Console) -> int:
    from ..planning.drill.summary import read_summary

    form = read_summary(args.form, display_name=str(args.form))
    for measure, value in form.measures().items():
        shown = "—" if value is None else f"{value:.2f}"
        out.print(f"{measure}: {shown}", markup=False)
    return EXIT_OK

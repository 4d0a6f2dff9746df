"""``preparedness run``: run or compare a scenario's variants through the API, print the
summary and write the report folder."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from rich.console import Console

from ..experiment.executor import DASK_ENV
from ..reports.escape import terminal_text
from ..scenario.diagnostics import did_you_mean
from . import arguments
from .console import EXIT_OK, ProgressBar, UsageError, interrupts_held, notes_to
from .pages import print_pages
from .validate import add_strict, print_warnings, refuse_warnings

__all__ = ["DEFAULT_SCENARIO", "add_parser", "default_scenario_path", "run"]

DEFAULT_SCENARIO = "ningbo_relay.yaml"
#: As ``api.PILOT_REPLICATIONS`` and ``api.DEFAULT_MAX_REPLICATIONS`` (the help text is
#: written without importing the engine; tests/api checks they agree).
PILOT_REPLICATIONS = 30
DEFAULT_MAX_REPLICATIONS = 2000


def default_scenario_path() -> Path:
    """The bundled default scenario, found whether the package is installed or checked out."""
    return Path(str(resources.files("preparedness.scenarios").joinpath(DEFAULT_SCENARIO)))


def add_parser(sub) -> None:
    run = sub.add_parser("run", help="run a scenario and write a report (the default command)")
    run.add_argument(
        "scenario",
        nargs="?",
        type=Path,
        help=f"scenario YAML file (default: the bundled {DEFAULT_SCENARIO})",
    )
    run.add_argument(
        "-n",
        "--replications",
        type=arguments.positive_int,
        help="number of replications (default: the scenario's)",
    )
    run.add_argument("--seed", type=arguments.seed, help="root seed (default: the scenario's)")
    run.add_argument(
        "--out", type=Path, default=Path("reports"), help="folder for reports (default: reports/)"
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary table")
    add_strict(run)
    run.add_argument(
        "--label",
        type=arguments.label,
        metavar="TEXT",
        help="words to add to the report folder's name, e.g. --label night-drill",
    )
    run.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    report = run.add_argument_group("the report")
    arguments.add_report_options(report)
    report.add_argument(
        "--trace-replication",
        type=arguments.trace_replication,
        default="median",
        metavar="median|p90|worst|N",
        help="the replication the timelines and trace.csv show: the one nearest the median "
        "(default) or 90th percentile of the plan's key milestone, the slowest, or number N",
    )
    whatif = run.add_argument_group("what-ifs (interventions)")
    whatif.add_argument(
        "--compare",
        type=arguments.name_list,
        metavar="A,B,...",
        help="run these variants with common random numbers and compare each "
        "with the first, e.g. base,joint_centre,whistle ('base' is the scenario "
        "as written)",
    )
    whatif.add_argument("--apply", metavar="ID", help="run the scenario with this intervention")
    whatif.add_argument(
        "--interventions",
        type=Path,
        metavar="FILE",
        help="more interventions, in a YAML file with an 'interventions:' list",
    )
    precision = run.add_argument_group("precision")
    precision.add_argument(
        "--precision",
        type=arguments.minutes,
        metavar="DURATION",
        help="add replications in rounds until the 95%% CI half-width of "
        "every key milestone is within this, e.g. 2m (-n sets the first "
        f"round, default {PILOT_REPLICATIONS})",
    )
    precision.add_argument(
        "--max-replications",
        type=arguments.positive_int,
        default=DEFAULT_MAX_REPLICATIONS,
        metavar="N",
        help=f"stop --precision here (default {DEFAULT_MAX_REPLICATIONS})",
    )
    where = run.add_argument_group("where replications run (results are identical either way)")
    where.add_argument(
        "--workers",
        type=arguments.workers,
        metavar="N",
        help="local worker processes; 0 runs in this process (default: every core)",
    )
    where.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="a Dask scheduler, e.g. tcp://10.0.0.5:8786, or 'local' for a Dask "
        f"cluster on 127.0.0.1 (default: ${DASK_ENV} if set); needs the "
        "'distributed' extra",
    )


def _variant_names(args, variants) -> list[str]:
    names = args.compare or ([args.apply] if args.apply else ["base"])
    if args.compare and args.apply:
        raise UsageError("give either --compare or --apply, not both")
    known = variants.names()
    for name in names:
        if name not in known:
            hint = did_you_mean(name, known)
            raise UsageError(
                f"{variants.file} has no intervention '{name}'{hint} (known: {', '.join(known)})"
            )
    return names


def run(args, out: Console, err: Console) -> int:
    """Check the command line in its own words, run through the API, report."""
    from .. import api
    from ..experiment.executor import ExecutorError
    from ..results import report_language

    variants = api.load_variants(
        args.scenario or default_scenario_path(), interventions=args.interventions
    )
    names = _variant_names(args, variants)
    for name in names:
        variants.scenario(name)  # scenario problems before usage problems; kept for the run
    args.report_lang = report_language(variants.scenario(names[0]), args.lang)
    warnings = print_warnings(err, variants)
    if warnings and getattr(args, "strict", False):
        return refuse_warnings(err, len(warnings), args.report_lang)
    if args.precision:
        first = args.replications or PILOT_REPLICATIONS
        if first > args.max_replications:
            raise UsageError(f"-n {first} is more than --max-replications {args.max_replications}")
        if first < 2:
            raise UsageError("--precision needs a first round of at least 2 replications")
    try:
        lang, quiet = args.report_lang, args.quiet
        with notes_to(err, quiet, lang), ProgressBar(err, quiet, lang) as bar:
            experiment = api.run_experiment(
                variants,
                args.replications,
                args.seed,
                compare=names,
                workers=args.workers,
                cluster=args.cluster,
                precision=args.precision,
                max_replications=args.max_replications,
                progress=bar,
                trace_replication=args.trace_replication,
            )
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    return _report(args, out, experiment)


def _report(args, out: Console, experiment) -> int:
    from .. import api
    from ..reports.comparison import precision_sentence, print_comparison
    from ..reports.console import print_summary
    from ..reports.i18n import catalogue
    from ..results import report_language

    with interrupts_held(until_exit=getattr(args, "from_command_line", False)) as held:
        folder = api.write_report(
            experiment,
            args.out,
            command=["preparedness", *sys.argv[1:]],
            lang=args.lang,
            pdf=args.pdf,
            figures=args.figures,
            label=getattr(args, "label", None),
        )
    args.report_written = folder
    if held:
        raise KeyboardInterrupt
    results = experiment.summary()
    lang = report_language(experiment.scenario, args.lang)
    if not args.quiet:
        print_summary(out, results, lang)
        if "comparison" in results:
            print_comparison(out, results, lang)
    if "precision" in results:
        out.print(precision_sentence(results["precision"], lang), markup=False)
    said = catalogue(lang)("cli.report_written", path=terminal_text(folder / "report.md"))
    out.print(terminal_text(said), markup=False)
    print_pages(out, args, folder, experiment.scenario)
    return EXIT_OK

"""Command line: run or compare scenarios, size stockpiles, validate scenarios, write the
schema, generate a city.

Exit codes: 0 ok, 1 internal error, 2 bad input, 130 interrupted.

Only this module and ``reports/`` print or write files. A scenario problem prints every
located diagnostic and exits 2 with no traceback (``--debug`` shows one for real bugs);
an interrupted run writes nothing.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .experiment.executor import DASK_ENV
from .scenario.diagnostics import ScenarioError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_SCENARIO = "ningbo_relay.yaml"
COMMANDS = ("run", "size-stockpiles", "validate", "schema", "generate")
#: Replications of the first round of a ``--precision`` run when ``-n`` is not given.
PILOT_REPLICATIONS = 30
DEFAULT_MAX_REPLICATIONS = 2000


class UsageError(Exception):
    """A command line that names something that does not exist (exit status 2)."""


def default_scenario_path() -> Path:
    """The bundled default scenario, found whether the package is installed or checked out."""
    return Path(str(resources.files("preparedness.scenarios").joinpath(DEFAULT_SCENARIO)))


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="preparedness",
        description="Replay public-safety incidents through a township's response organisation "
        "and measure where the time goes.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a scenario and write a report (the default command)")
    run.add_argument("scenario", nargs="?", type=Path,
                     help=f"scenario YAML file (default: the bundled {DEFAULT_SCENARIO})")
    run.add_argument("-n", "--replications", type=_positive_int,
                     help="number of replications (default: the scenario's)")
    run.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    run.add_argument("--out", type=Path, default=Path("reports"),
                     help="folder for reports (default: reports/)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary table")
    run.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    whatif = run.add_argument_group("what-ifs (interventions)")
    whatif.add_argument("--compare", type=_name_list, metavar="A,B,...",
                        help="run these variants with common random numbers and compare each "
                        "with the first, e.g. base,joint_centre,whistle ('base' is the scenario "
                        "as written)")
    whatif.add_argument("--apply", metavar="ID", help="run the scenario with this intervention")
    whatif.add_argument("--interventions", type=Path, metavar="FILE",
                        help="more interventions, in a YAML file with an 'interventions:' list")
    precision = run.add_argument_group("precision")
    precision.add_argument("--precision", type=_minutes, metavar="DURATION",
                           help="add replications in rounds until the 95%% CI half-width of "
                           "every key milestone is within this, e.g. 2m (-n sets the first "
                           f"round, default {PILOT_REPLICATIONS})")
    precision.add_argument("--max-replications", type=_positive_int,
                           default=DEFAULT_MAX_REPLICATIONS, metavar="N",
                           help=f"stop --precision here (default {DEFAULT_MAX_REPLICATIONS})")
    where = run.add_argument_group("where replications run (results are identical either way)")
    where.add_argument("--workers", type=_workers, metavar="N",
                       help="local worker processes; 0 runs in this process (default: every "
                       "core)")
    where.add_argument("--cluster", metavar="ADDRESS",
                       help="a Dask scheduler, e.g. tcp://10.0.0.5:8786, or 'local' for a Dask "
                       f"cluster on 127.0.0.1 (default: ${DASK_ENV} if set); needs the "
                       "'distributed' extra")
    _size_stockpiles_arguments(sub)
    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument("--interventions", type=Path, metavar="FILE",
                          help="also check this interventions file against each scenario")
    validate.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    schema = sub.add_parser("schema", help="print (or write) the scenario JSON Schema")
    schema.add_argument("--out", type=Path, help="write to this file instead of printing")
    generate = sub.add_parser("generate", help="write a synthetic scenario")
    kinds = generate.add_subparsers(dest="kind", required=True)
    city = kinds.add_parser("city", help="a whole city (default: Chengdu's size, seed 002)")
    _city_arguments(city)
    return parser


def _size_stockpiles_arguments(sub) -> None:
    size = sub.add_parser(
        "size-stockpiles",
        help="the least-cost stock of each item at each depot that meets a service level",
        description="For each depot and item, the least-cost quantity (in whole packs) such "
        "that the depot runs out in no more than 1 - SERVICE_LEVEL of the scenario's "
        "replications; checked by re-simulating it on as many new replications.")
    size.add_argument("scenario", type=Path, help="scenario YAML file with depots and items")
    size.add_argument("--service-level", type=_service_level, default=0.95, metavar="SHARE",
                      help="share of replications without a stock-out at each depot and item, "
                      "more than 0 and at most 1 (default 0.95)")
    size.add_argument("-n", "--replications", type=_positive_int,
                      help="replications to size on, and as many new ones to check on "
                      "(default: the scenario's)")
    size.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    size.add_argument("--workers", type=_workers, metavar="N",
                      help="local worker processes; 0 runs in this process (default: every "
                      "core)")
    size.add_argument("--cluster", metavar="ADDRESS",
                      help="a Dask scheduler, or 'local' (as for run)")
    size.add_argument("--out", type=Path, default=Path("reports"),
                      help="folder for reports (default: reports/)")
    size.add_argument("--no-check", action="store_true",
                      help="do not re-simulate the recommendation on new replications")
    size.add_argument("-q", "--quiet", action="store_true", help="no progress or summary table")
    size.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def _service_level(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a share such as 0.95, not '{text}'") from None
    percent = text.strip().endswith("%")
    if (percent or 50 <= value) and 0 < value <= 100:  # a percentage, surely
        raise argparse.ArgumentTypeError(
            f"must be a share more than 0 and at most 1: for {value:g}% write {value / 100:g}")
    if percent or not 0 < value <= 1:
        raise argparse.ArgumentTypeError(
            f"must be a share more than 0 and at most 1, e.g. 0.95, not '{text}'")
    return value


def _city_arguments(city: argparse.ArgumentParser) -> None:
    from .scenario.generate_city import CHENGDU

    city.add_argument("--communities", type=_positive_int, default=CHENGDU.communities)
    city.add_argument("--grid-cells", type=_positive_int, default=CHENGDU.grid_cells)
    city.add_argument("--grid-workers", type=_positive_int, default=CHENGDU.grid_workers)
    city.add_argument("--compounds", type=_positive_int, default=CHENGDU.compounds)
    city.add_argument("--population", type=_positive_int, default=CHENGDU.population)
    city.add_argument("--scale", type=float, default=1.0,
                      help="multiply every count above, e.g. 0.01 for 1%% of the city")
    city.add_argument("--unequal", action="store_true",
                      help="communities from 1,522 to over 150,000 residents (seed 004) "
                      "instead of equal ones")
    city.add_argument("--seed", type=_seed, default=2, help="seed of the generator (default 2)")
    city.add_argument("--out", type=Path, required=True, help="scenario file to write")
    city.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def _whole_number(text: str) -> int:
    """argparse would say "invalid _positive_int value"; say what is wanted instead."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not '{text}'") from None


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _workers(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (serial) or more")
    return value


def _minutes(text: str) -> float:
    from .scenario.durations import parse_duration

    try:
        value = parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than zero")
    return value


def _name_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    if any(not name for name in names):
        raise argparse.ArgumentTypeError("give ids separated by commas, e.g. base,joint_centre")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError("each variant may be named once")
    return names


def _seed(text: str) -> int:
    value = _whole_number(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("must be between 0 and 2**63-1")
    return value


def main(argv: list[str] | None = None) -> int:
    from_command_line = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv[:2]) and not {"-h", "--help"} & set(argv[:1]):
        argv = ["run", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    args.from_command_line = from_command_line
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    out = Console(highlight=False, soft_wrap=True)
    try:
        if args.command == "validate":
            return _validate(args, out, err)
        if args.command == "schema":
            return _schema(args, out)
        if args.command == "generate":
            return _generate(args, out)
        if args.command == "size-stockpiles":
            return _size_stockpiles(args, out, err)
        return _run(args, out, err)
    except ScenarioError as error:
        return _print_problems(err, error.diagnostics)
    except UsageError as error:
        err.print(f"{parser.prog}: error: {error}", markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        written = getattr(args, "report_written", None)
        report = getattr(args, "report_file", "report.md")
        err.print(f"interrupted; the report was already written to {written / report}"
                  if written else "interrupted; no report was written", markup=False)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - last resort: a message, not a traceback
        if args.debug:
            raise
        err.print(f"internal error: {type(error).__name__}: {error}", markup=False)
        err.print("rerun with --debug to see the traceback, and report it", markup=False)
        return EXIT_FAILURE
    finally:
        if from_command_line:
            # Done, and said so: a Ctrl-C between here and the process exit could only
            # print a KeyboardInterrupt traceback or kill the interpreter mid-shutdown.
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _print_problems(err: Console, diagnostics) -> int:
    for diagnostic in diagnostics:
        err.print(str(diagnostic), markup=False)
    count = len(diagnostics)
    err.print(f"{count} problem{'s' if count != 1 else ''} found; nothing was run.",
              markup=False)
    return EXIT_BAD_INPUT


def _validate(args, out: Console, err: Console) -> int:
    """Each file's problems sorted by line, files in command-line order."""
    problems: list = []
    for path in args.files:
        try:
            variants = _load_variants(path, args.interventions)
            variants.check_all()
            extra = f"; interventions: {', '.join(variants.interventions)}" \
                if variants.interventions else ""
            out.print(f"{_display_name(path)}: ok ({variants.base.name}{extra})", markup=False)
        except ScenarioError as error:
            problems.extend(error.diagnostics)
    if problems:
        return _print_problems(err, problems)
    return EXIT_OK


def _schema(args, out: Console) -> int:
    from .reports.atomic import atomic_write_text
    from .scenario.schema import scenario_json_schema_text

    text = scenario_json_schema_text()
    if args.out:
        atomic_write_text(args.out, text)
        out.print(f"wrote {args.out}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _load_variants(path: Path, interventions: Path | None):
    from .scenario.interventions import load_variants

    return load_variants(
        path, display_name=_display_name(path), interventions_path=interventions,
        interventions_display_name=_display_name(interventions) if interventions else None,
    )


def _variant_names(args, variants) -> list[str]:
    names = args.compare or ([args.apply] if args.apply else ["base"])
    if args.compare and args.apply:
        raise UsageError("give either --compare or --apply, not both")
    known = variants.names()
    for name in names:
        if name not in known:
            from .scenario.diagnostics import did_you_mean

            hint = did_you_mean(name, known)
            raise UsageError(f"{variants.file} has no intervention '{name}'{hint} "
                             f"(known: {', '.join(known)})")
    return names


def _run(args, out: Console, err: Console) -> int:
    path = args.scenario or default_scenario_path()
    variants = _load_variants(path, args.interventions)
    names = _variant_names(args, variants)
    scenarios = {name: variants.scenario(name) for name in names}  # each re-validated
    reference = scenarios[names[0]]
    seed = reference.seed if args.seed is None else args.seed
    replications = args.replications or (PILOT_REPLICATIONS if args.precision
                                         else reference.replications)
    if args.precision and replications > args.max_replications:
        raise UsageError(f"-n {replications} is more than --max-replications "
                         f"{args.max_replications}")
    if args.precision and replications < 2:
        raise UsageError("--precision needs a first round of at least 2 replications")
    started = datetime.now().astimezone()
    clock = time.perf_counter()
    with _executor(args, err) as executor:
        executor.start()
        experiments, precision = _simulate(args, scenarios, seed, replications, executor, err)
    results = _results(variants, names, experiments, precision, seed)
    return _report(args, out, variants, names, experiments, results, seed, started, clock,
                   executor.description)


def _executor(args: argparse.Namespace, err: Console):
    """The executor ``--workers``/``--cluster`` ask for (usage errors exit 2); the caller
    enters it and starts it inside the ``with``, so it is closed whatever happens."""
    from .experiment.executor import ExecutorError, dask_address, make_executor

    address, note = dask_address(args.cluster)
    if note:
        err.print(note, markup=False)
    try:
        executor, _ = make_executor(args.workers, address)
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    if not args.quiet:
        err.print(f"running on {executor.description}", markup=False)
    return executor


def _simulate(args, scenarios, seed, replications, executor, err):
    from .experiment.precision import run_to_precision
    from .experiment.replicate import Experiment, run_variants

    count = len(scenarios)
    label = "replications" if count == 1 else f"replications of {count} variants"
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  disable=args.quiet, transient=True) as progress:
        task = progress.add_task(label, total=replications * count)

        def advance(k: int) -> None:
            progress.advance(task, k)

        if args.precision:
            def on_round(done: int, planned: int) -> None:
                progress.update(task, total=planned * count,
                                description=f"{label} (round to {planned})")

            return run_to_precision(
                scenarios, seed, args.precision, initial=replications,
                max_replications=args.max_replications, executor=executor, progress=advance,
                on_round=on_round,
            )
        runs = run_variants(scenarios, seed, 0, replications, executor, advance)
    experiments = {name: Experiment(scenarios[name], seed, results, example)
                   for name, (results, example) in runs.items()}
    return experiments, None


def _variant_name(variants, name: str) -> str:
    if name == "base":
        return "the scenario as written"
    return variants.interventions[name].intervention.name


def _results(variants, names, experiments, precision, seed) -> dict:
    from .analysis.aggregate import aggregate
    from .experiment.compare import compare

    reference = experiments[names[0]]
    scenario = reference.scenario
    results = {
        "scenario": {"name": scenario.name, "file": variants.file, "sha256": variants.sha256,
                     "description": scenario.description.strip()},
        **aggregate(scenario, reference.results, seed),
    }
    if names != ["base"]:
        results["variant"] = {"id": names[0], "name": _variant_name(variants, names[0])}
    if precision is not None:
        results["precision"] = precision.as_dict()
    if len(names) > 1:
        labels = {name: _variant_name(variants, name) for name in names}
        results["comparison"] = compare(experiments, names[0], labels, seed)
    return results


def _report(args, out, variants, names, experiments, results, seed, started, clock,
            executor_description) -> int:
    from .reports.comparison import precision_sentence, print_comparison
    from .reports.console import print_summary
    from .reports.exports import variants_csv
    from .reports.folder import write_run_report
    from .reports.manifest import build_manifest

    reference = experiments[names[0]]
    finished = datetime.now().astimezone()
    manifest = build_manifest(
        scenario_file=variants.file, sha256=variants.sha256, seed=seed,
        replications=len(reference.results),
        started_at=started.isoformat(timespec="seconds"),
        finished_at=finished.isoformat(timespec="seconds"),
        elapsed_seconds=time.perf_counter() - clock, command=["preparedness", *sys.argv[1:]],
        interventions=[] if names == ["base"] else names,
        executor=executor_description, interventions_file=variants.interventions_file,
        interventions_sha256=variants.interventions_sha256,
    )
    extra = {}
    if len(names) > 1:
        extra["variants.csv"] = variants_csv(experiments)
    with _interrupts_held(until_exit=getattr(args, "from_command_line", False)) as held:
        folder = write_run_report(args.out, results, manifest, reference, finished,
                                  extra_files=extra)
    args.report_written = folder
    if held:
        raise KeyboardInterrupt
    if not args.quiet:
        print_summary(out, results)
        if "comparison" in results:
            print_comparison(out, results)
    if "precision" in results:
        out.print(precision_sentence(results["precision"]), markup=False)
    out.print(f"Report written to {folder / 'report.md'}", markup=False, soft_wrap=True)
    return EXIT_OK


@contextmanager
def _interrupts_held(until_exit: bool = False):
    """Hold Ctrl-C while the report folder is written and renamed into place.

    Interrupted before, the run writes nothing; once writing has begun, it finishes, so the
    folder is complete and any message can truthfully say where it is. (Without this, a
    Ctrl-C just after the rename said "no report was written".) Yields a list that holds
    the signal number if Ctrl-C was pressed meanwhile. With ``until_exit`` (the command
    line) Ctrl-C stays held until the process ends: the run is as good as done, and a
    KeyboardInterrupt raised later could only print a traceback.
    """
    held: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: held.append(signum))
    except ValueError:  # not the main thread: signals cannot be handled here anyway
        previous = None
    try:
        yield held
    finally:
        if previous is not None and not until_exit:
            signal.signal(signal.SIGINT, previous)
    if until_exit:
        held.clear()  # finishing is what the user gets: the report is complete


def _generate(args, out: Console) -> int:
    from .reports.atomic import atomic_write_text
    from .scenario.generate_city import CitySize, city_scenario_text

    size = CitySize(args.communities, args.grid_cells, args.grid_workers, args.compounds,
                    args.population).scaled(args.scale)
    text = city_scenario_text(size, unequal=args.unequal, seed=args.seed)
    atomic_write_text(args.out, text)
    out.print(f"wrote {args.out}: {size.describe()}", markup=False)
    return EXIT_OK


def _size_stockpiles(args, out: Console, err: Console) -> int:
    """Load, check there is something to size, simulate, size, re-simulate, report."""
    from .analysis.stock import sized_items

    variants = _load_variants(args.scenario, None)
    scenario = variants.base
    if not scenario.depots:
        raise UsageError(f"{variants.file} has no depots to size: add 'items:' and a "
                         "'depots:' list (a township depot and the community depots, each "
                         "with its keepers)")
    if not sized_items(scenario):
        raise UsageError(f"{variants.file}: no plan says what its incidents consume, so "
                         "there is nothing to size: add 'supplies:' to a plan, e.g. "
                         "{item: drinking_water, per_person_per_day: sphere_drinking_water}")
    seed = scenario.seed if args.seed is None else args.seed
    replications = args.replications or scenario.replications
    started = datetime.now().astimezone()
    clock = time.perf_counter()
    with _executor(args, err) as executor:
        executor.start()
        sizing, checked = _sizing(args, scenario, seed, replications, executor, err)
    return _sizing_report(args, out, variants, scenario, sizing, checked, seed, started,
                          clock, executor.description)


def _sizing(args, scenario, seed, replications, executor, err):
    """Frames of replications 0..n-1 in steps (for the progress bar; each replication's
    draws depend only on the seed and its index, so steps change nothing), the sizing, and
    unless --no-check its re-simulation on replications n..2n-1."""
    import math

    from .planning.stock_runs import collect_frames, resimulate
    from .planning.stockpiles import size_stockpiles

    step = max(math.ceil(replications / 10), 8 * max(1, executor.workers))
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  disable=args.quiet, transient=True) as progress:
        task = progress.add_task("replications", total=replications)
        frames = []
        for first in range(0, replications, step):
            count = min(step, replications - first)
            frames += collect_frames(scenario, count, seed, executor, start=first)
            progress.advance(task, count)
        progress.update(task, description="sizing", total=None)
        sizing = size_stockpiles(scenario, frames, args.service_level)
        checked = None
        if not args.no_check:
            progress.update(task, description=f"checking on {replications} new replications")
            checked = resimulate(scenario, sizing, replications, seed, executor)
    return sizing, checked


def _sizing_report(args, out, variants, scenario, sizing, checked, seed, started, clock,
                   executor_description) -> int:
    from .reports.manifest import build_manifest
    from .reports.sizing import write_sizing_report
    from .reports.sizing_render import print_sizing
    from .reports.sizing_results import sizing_results

    results = sizing_results(scenario, sizing, checked, scenario_file=variants.file,
                             sha256=variants.sha256, seed=seed)
    finished = datetime.now().astimezone()
    manifest = build_manifest(
        scenario_file=variants.file, sha256=variants.sha256, seed=seed,
        replications=sizing.replications, started_at=started.isoformat(timespec="seconds"),
        finished_at=finished.isoformat(timespec="seconds"),
        elapsed_seconds=time.perf_counter() - clock, command=["preparedness", *sys.argv[1:]],
        executor=executor_description,
    )
    manifest["service_level"] = sizing.service_level
    manifest["check_replications"] = 0 if checked is None else sizing.replications
    with _interrupts_held(until_exit=getattr(args, "from_command_line", False)) as held:
        folder = write_sizing_report(args.out, results, manifest, finished)
    args.report_written, args.report_file = folder, "sizing.md"
    if held:
        raise KeyboardInterrupt
    if not args.quiet:
        print_sizing(out, results)
    out.print(f"Report written to {folder / 'sizing.md'}", markup=False, soft_wrap=True)
    return EXIT_OK

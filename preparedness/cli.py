"""Command line: run a scenario, validate one, or write the schema. Exit codes: 0 ok, 2 bad input.

Only this module and ``reports/`` print or write files. A scenario problem prints every
located diagnostic and exits 2 with no traceback (``--debug`` shows one for real bugs);
an interrupted run writes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .scenario.diagnostics import ScenarioError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_SCENARIO = "ningbo_relay.yaml"
COMMANDS = ("run", "validate", "schema")


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
    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    schema = sub.add_parser("schema", help="print (or write) the scenario JSON Schema")
    schema.add_argument("--out", type=Path, help="write to this file instead of printing")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seed(text: str) -> int:
    value = int(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("must be between 0 and 2**63-1")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv[:2]) and not {"-h", "--help"} & set(argv[:1]):
        argv = ["run", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    out = Console(highlight=False, soft_wrap=True)
    try:
        if args.command == "validate":
            return _validate(args, out, err)
        if args.command == "schema":
            return _schema(args, out)
        return _run(args, out, err)
    except ScenarioError as error:
        for diagnostic in error.diagnostics:
            err.print(str(diagnostic), markup=False)
        count = len(error.diagnostics)
        err.print(f"{count} problem{'s' if count != 1 else ''} found; nothing was run.",
                  markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err.print("interrupted; no report was written", markup=False)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - last resort: a message, not a traceback
        if args.debug:
            raise
        err.print(f"internal error: {type(error).__name__}: {error}", markup=False)
        err.print("rerun with --debug to see the traceback, and report it", markup=False)
        return EXIT_FAILURE


def _validate(args, out: Console, err: Console) -> int:
    from .scenario.load import load_scenario

    problems: list = []
    for path in args.files:
        try:
            loaded = load_scenario(path, display_name=_display_name(path))
            out.print(f"{_display_name(path)}: ok ({loaded.scenario.name})", markup=False)
        except ScenarioError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise ScenarioError(problems)
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


def _run(args, out: Console, err: Console) -> int:
    from .analysis.aggregate import aggregate
    from .experiment.replicate import run_replications
    from .reports.console import print_summary
    from .reports.folder import write_run_report
    from .reports.manifest import build_manifest
    from .scenario.load import load_scenario

    path = args.scenario or default_scenario_path()
    loaded = load_scenario(path, display_name=_display_name(path))
    scenario = loaded.scenario
    replications = args.replications or scenario.replications
    seed = scenario.seed if args.seed is None else args.seed
    started = datetime.now().astimezone()
    clock = time.perf_counter()
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                  disable=args.quiet, transient=True) as progress:
        task = progress.add_task("replications", total=replications)
        experiment = run_replications(
            scenario, replications, seed, progress=lambda k: progress.advance(task, k)
        )
    results = {
        "scenario": {"name": scenario.name, "file": loaded.file, "sha256": loaded.sha256,
                     "description": scenario.description.strip()},
        **aggregate(scenario, experiment.results, seed),
    }
    finished = datetime.now().astimezone()
    manifest = build_manifest(
        scenario_file=loaded.file, sha256=loaded.sha256, seed=seed, replications=replications,
        started_at=started.isoformat(timespec="seconds"),
        finished_at=finished.isoformat(timespec="seconds"),
        elapsed_seconds=time.perf_counter() - clock, command=["preparedness", *sys.argv[1:]],
    )
    folder = write_run_report(args.out, results, manifest, experiment, finished)
    if not args.quiet:
        print_summary(out, results)
    out.print(f"Report written to {folder / 'report.md'}", markup=False, soft_wrap=True)
    return EXIT_OK

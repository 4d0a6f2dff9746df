"""Command line: run or compare scenarios, size stockpiles, validate scenarios, write the
schema, generate a city. A thin client of the public API (``preparedness.api``), one
module per sub-command.

Exit codes: 0 ok, 1 internal error, 2 bad input, 130 interrupted.

Only this package and ``reports/`` print or write files. A scenario problem prints every
located diagnostic and exits 2 with no traceback (``--debug`` shows one for real bugs);
an interrupted run writes nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from rich.console import Console

from ..reports.escape import terminal_text
from ..reports.i18n import catalogue
from ..scenario.diagnostics import ScenarioError, did_you_mean
from . import drill, exercise, generate, run, schema, size_stockpiles, validate
from .console import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    command_language,
    print_problems,
    terminal_console,
)
from .run import DEFAULT_SCENARIO, default_scenario_path

__all__ = [
    "COMMANDS",
    "DEFAULT_SCENARIO",
    "EXIT_BAD_INPUT",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "UsageError",
    "build_parser",
    "default_scenario_path",
    "main",
]

COMMANDS = ("run", "size-stockpiles", "validate", "schema", "generate", "drill", "exercise")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="preparedness",
        description="Replay public-safety incidents through a township's response organisation "
        "and measure where the time goes.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command")
    run.add_parser(sub)
    size_stockpiles.add_parser(sub)
    validate.add_parser(sub)
    schema.add_parser(sub)
    generate.add_parser(sub)
    drill.add_parser(sub)
    exercise.add_parser(sub)
    return parser


def _dispatch(args, out: Console, err: Console) -> int:
    if args.command == "validate":
        return validate.validate(args, out, err)
    if args.command == "schema":
        return schema.schema(args, out)
    if args.command == "generate":
        return generate.generate(args, out)
    if args.command == "drill":
        return drill.drill(args, out, err)
    if args.command == "exercise":
        return exercise.exercise(args, out, err)
    if args.command == "size-stockpiles":
        return size_stockpiles.size_stockpiles(args, out, err)
    return run.run(args, out, err)


def _looks_like_command(word: str) -> bool:
    """A bare word such as ``exercise``: no folder separator, no extension, no such path.

    ``preparedness flood.yaml`` runs the file (``run`` is the default command), and so does
    ``preparedness flood`` when a file ``flood`` exists; ``preparedness exercise`` is a
    mistyped command, which must not be reported as an unreadable scenario file.
    """
    separators = [sep for sep in ("/", os.sep, os.altsep) if sep]
    return (
        not word.startswith("-")
        and not any(sep in word for sep in separators)
        and "." not in word
        and not os.path.lexists(word)
    )


def _with_command(argv: list[str]) -> list[str]:
    """``argv`` with ``run`` put in where no command is given; a usage error for a word
    that looks like a command but is none."""
    start = 1 if argv[:1] == ["--debug"] else 0
    head = argv[start] if len(argv) > start else None
    if head in COMMANDS or head in ("-h", "--help"):
        return argv
    if head is not None and _looks_like_command(head):
        raise UsageError(
            f"unknown command '{head}'{did_you_mean(head, COMMANDS)} (commands: "
            f"{', '.join(COMMANDS)}; a scenario file runs with 'run', the default)"
        )
    return [*argv[:start], "run", *argv[start:]]


def main(argv: list[str] | None = None) -> int:
    from_command_line = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    err = terminal_console(stderr=True)
    out = terminal_console()
    parser = build_parser()
    try:
        argv = _with_command(argv)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        err.print(f"{parser.prog}: error: {terminal_text(str(error))}")
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    args.from_command_line = from_command_line
    try:
        return _dispatch(args, out, err)
    except ScenarioError as error:
        return print_problems(err, error.diagnostics, command_language(args))
    except UsageError as error:
        err.print(f"{parser.prog}: error: {terminal_text(str(error))}", markup=False)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        cat = catalogue(command_language(args))
        written = getattr(args, "report_written", None)
        report = getattr(args, "report_file", "report.md")
        err.print(
            terminal_text(cat("cli.interrupted_written", path=terminal_text(written / report)))
            if written
            else cat("cli.interrupted_nothing"),
            markup=False,
        )
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - last resort: a message, not a traceback
        if args.debug:
            raise
        cat = catalogue(command_language(args))
        said = cat(
            "cli.internal_error",
            kind=type(error).__name__,
            error=terminal_text(error),
        )
        err.print(terminal_text(said), markup=False)
        err.print(cat("cli.rerun_debug"), markup=False)
        return EXIT_FAILURE
    finally:
        if from_command_line:
            # Done, and said so: a Ctrl-C between here and the process exit could only
            # print a KeyboardInterrupt traceback or kill the interpreter mid-shutdown.
            signal.signal(signal.SIGINT, signal.SIG_IGN)

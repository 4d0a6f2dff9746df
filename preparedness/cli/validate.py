"""``preparedness validate``: load and check scenario files, applying every intervention,
and report every problem with its place."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from ..reports.escape import terminal_text
from ..reports.i18n import catalogue
from ..scenario.diagnostics import Diagnostic, ScenarioError
from .console import EXIT_BAD_INPUT, EXIT_OK, print_problems

__all__ = ["add_parser", "add_strict", "print_warnings", "validate"]


def add_strict(parser) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (valid, but almost surely not meant) as errors: exit 2, run nothing",
    )


def print_warnings(err: Console, variants) -> list[Diagnostic]:
    """Print the scenario's located warnings (README, "Warnings") and return them."""
    from ..scenario.lints import scenario_warnings

    warnings = scenario_warnings(variants.base, variants.document)
    for warning in warnings:
        err.print(terminal_text(str(warning)), markup=False)
    return warnings


def refuse_warnings(err: Console, count: int, lang: str = "en") -> int:
    """``--strict``: say that the warnings stopped the command, and exit with bad input."""
    key = "cli.strict_one" if count == 1 else "cli.strict"
    err.print(catalogue(lang)(key, count=str(count)), markup=False)
    return EXIT_BAD_INPUT


def add_parser(sub) -> None:
    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument(
        "--interventions",
        type=Path,
        metavar="FILE",
        help="also check this interventions file against each scenario",
    )
    add_strict(validate)
    validate.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def validate(args, out: Console, err: Console) -> int:
    """Each file's problems sorted by line, files in command-line order."""
    from .. import api

    problems: list = []
    strict = 0
    for path in args.files:
        try:
            variants = api.load_variants(path, interventions=args.interventions)
            variants.check_all()
            warnings = print_warnings(err, variants)
            if warnings and args.strict:
                strict += len(warnings)
                continue
            extra = (
                f"; interventions: {', '.join(variants.interventions)}"
                if variants.interventions
                else ""
            )
            line = f"{api.display_name(path)}: ok ({variants.base.name}{extra})"
            out.print(terminal_text(line), markup=False)
        except ScenarioError as error:
            problems.extend(error.diagnostics)
    if problems:
        return print_problems(err, problems)
    if strict:
        return refuse_warnings(err, strict)
    return EXIT_OK

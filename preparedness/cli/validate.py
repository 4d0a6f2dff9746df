"""``preparedness validate``: load and check scenario files, applying every intervention,
and report every problem with its place."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from ..reports.escape import terminal_text
from ..scenario.diagnostics import ScenarioError
from .console import EXIT_OK, print_problems

__all__ = ["add_parser", "validate"]


def add_parser(sub) -> None:
    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument(
        "--interventions",
        type=Path,
        metavar="FILE",
        help="also check this interventions file against each scenario",
    )
    validate.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def validate(args, out: Console, err: Console) -> int:
    """Each file's problems sorted by line, files in command-line order."""
    from .. import api

    problems: list = []
    for path in args.files:
        try:
            variants = api.load_variants(path, interventions=args.interventions)
            variants.check_all()
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
    return EXIT_OK

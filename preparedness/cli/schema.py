"""``preparedness schema``: print or write the scenario JSON Schema."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from .console import EXIT_OK

__all__ = ["add_parser", "schema"]


def add_parser(sub) -> None:
    schema = sub.add_parser("schema", help="print (or write) the scenario JSON Schema")
    schema.add_argument("--out", type=Path, help="write to this file instead of printing")


def schema(args, out: Console) -> int:
    from ..reports.atomic import atomic_write_text
    from ..scenario.schema import scenario_json_schema_text

    text = scenario_json_schema_text()
    if args.out:
        atomic_write_text(args.out, text)
        out.print(f"wrote {args.out}", markup=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK

"""``preparedness generate city``: write a synthetic city-sized scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from . import arguments
from .console import EXIT_OK

__all__ = ["add_parser", "generate"]


def add_parser(sub) -> None:
    from ..scenario.generate_city import CHENGDU

    generate = sub.add_parser("generate", help="write a synthetic scenario")
    kinds = generate.add_subparsers(dest="kind", required=True)
    city = kinds.add_parser("city", help="a whole city (default: Chengdu's size)")
    city.add_argument("--communities", type=arguments.positive_int, default=CHENGDU.communities)
    city.add_argument("--grid-cells", type=arguments.positive_int, default=CHENGDU.grid_cells)
    city.add_argument("--grid-workers", type=arguments.positive_int, default=CHENGDU.grid_workers)
    city.add_argument("--compounds", type=arguments.positive_int, default=CHENGDU.compounds)
    city.add_argument("--population", type=arguments.positive_int, default=CHENGDU.population)
    city.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply every count above, e.g. 0.01 for 1%% of the city",
    )
    city.add_argument(
        "--unequal",
        action="store_true",
        help="communities from 1,522 to over 150,000 residents (as in Shenzhen "
        "Longgang) instead of equal ones",
    )
    city.add_argument(
        "--seed", type=arguments.seed, default=2, help="seed of the generator (default 2)"
    )
    city.add_argument("--out", type=Path, required=True, help="scenario file to write")
    city.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def generate(args, out: Console) -> int:
    from ..reports.atomic import atomic_write_text
    from ..scenario.generate_city import CitySize, city_scenario_text

    size = CitySize(
        args.communities, args.grid_cells, args.grid_workers, args.compounds, args.population
    ).scaled(args.scale)
    text = city_scenario_text(size, unequal=args.unequal, seed=args.seed)
    atomic_write_text(args.out, text)
    out.print(f"wrote {args.out}: {size.describe()}", markup=False)
    return EXIT_OK

"""Print every verification check as a Markdown table: closed form, simulated value, 99% CI.

    python -m tests.verification.table            # the checks the test suite runs
    python -m tests.verification.table --long     # plus the slow cases (occupancy 0.8)

Any module in this package that defines ``verification_rows(long: bool) -> list[Check]``
(objects with ``mechanism``, ``quantity``, ``closed_form``, ``simulated``, ``low``,
``high``, ``note`` and ``holds``) contributes rows.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

import tests.verification as package


def collect(long: bool) -> list:
    rows = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rows_of = getattr(module, "verification_rows", None)
        if rows_of is not None:
            rows.extend(rows_of(long=long))
    return rows


def render(rows) -> str:
    lines = [
        "| Mechanism | Quantity | Closed form | Simulated | 99% CI | Inside | Notes |",
        "|---|---|---:|---:|---|:-:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.mechanism} | {row.quantity} | {row.closed_form:.4g} | {row.simulated:.4g} | "
            f"[{row.low:.4g}, {row.high:.4g}] | {'yes' if row.holds else '**NO**'} | {row.note} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="include the slow cases")
    args = parser.parse_args(argv)
    clock = time.perf_counter()
    rows = collect(args.long)
    print(render(rows))
    print(
        f"\n{len(rows)} checks, {sum(not r.holds for r in rows)} outside their interval; "
        f"{time.perf_counter() - clock:.1f} s"
    )
    return 0 if all(row.holds for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

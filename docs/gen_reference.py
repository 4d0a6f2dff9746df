"""Write docs/reference/scenario.md from the scenario models (run after changing a model).

python docs/gen_reference.py          # regenerate the page
python docs/gen_reference.py --check  # exit 1 if the page is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from preparedness.reports.atomic import atomic_write_text
from preparedness.scenario.reference import scenario_reference_markdown

PAGE = Path(__file__).resolve().parent / "reference" / "scenario.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the page is current")
    args = parser.parse_args(argv)
    text = scenario_reference_markdown()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            sys.stderr.write(f"{PAGE} is out of date; run: python docs/gen_reference.py\n")
            return 1
        return 0
    atomic_write_text(PAGE, text)
    sys.stdout.write(f"wrote {PAGE}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time ``import preparedness`` (and the CLI's imports) in a fresh interpreter.

Each figure is the median wall time of several fresh ``python -c`` processes, so it includes
the interpreter's own start-up; the bare start-up (``python -c pass``) is printed next to it.
Target: ``import preparedness`` within 0.3 s.

    python bench/imports.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import load_note, spread, wait_for_quiet

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.3
STATEMENTS = {
    "bare interpreter": "pass",
    "import preparedness": "import preparedness",
    "import preparedness.cli": "import preparedness.cli",
    "import the run path": "import preparedness.cli, preparedness.api, preparedness.engine.run",
}


def fresh(statement: str) -> float:
    """Wall time of one fresh interpreter running ``statement``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS")
    args = parser.parse_args()
    print(f"imports in a fresh interpreter; {load_note()}; {wait_for_quiet(args.wait_quiet)}")
    medians = {}
    for label, statement in STATEMENTS.items():
        times = [fresh(statement) for _ in range(args.repeats)]
        medians[label] = statistics.median(times)
        print(f"{label}: {medians[label]:.3f} s median of {args.repeats} (runs {spread(times)})")
    figure = medians["import preparedness"]
    verdict = "met" if figure <= TARGET_SECONDS else "MISSED"
    print(f"import preparedness: {figure:.3f} s; target <= {TARGET_SECONDS} s: {verdict}")


if __name__ == "__main__":
    main()

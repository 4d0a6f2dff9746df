"""Golden summaries of the reference scenarios: compute them, or rewrite ``golden.json``.

Regenerate after an intended change to the engine or to a reference scenario, and review the
diff of ``golden.json`` like code::

    python -m tests.regression.regenerate          # rewrite tests/regression/golden.json
    REGENERATE_GOLDEN=1 python -m pytest tests/regression   # the same, from pytest

Each summary is the median (over the replications that reached it, rounded to 0.01 min)
and the count of replications reaching each key milestone, from ``REPLICATIONS``
replications with the scenario's own seed, exactly as ``results.json`` reports them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from preparedness.analysis.aggregate import aggregate
from preparedness.experiment.replicate import run_replications
from preparedness.scenario.load import load_scenario

GOLDEN = Path(__file__).with_name("golden.json")
SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
NAMES = ("ningbo_relay", "ningbo_joint_centre", "longgang_whistle")
REPLICATIONS = 20
KEY_PREFIXES = ("detected", "report:township", "report:district", "plan_activated",
                "centre_active", "ordered:", "reported_in:")


def summarise_scenario(name: str) -> dict:
    scenario = load_scenario(SCENARIOS_DIR / f"{name}.yaml").scenario
    experiment = run_replications(scenario, REPLICATIONS, scenario.seed)
    results = aggregate(scenario, experiment.results, scenario.seed)
    incidents = {}
    for item in results["incidents"]:
        incidents[item["id"]] = {
            row["id"]: {
                "median": None if row["median"] is None else round(row["median"], 2),
                "n_reached": row["n_reached"],
            }
            for row in item["milestones"]
            if row["id"].startswith(KEY_PREFIXES)
        }
    return {"seed": scenario.seed, "command_mode": results["command_mode"],
            "incidents": incidents}


def compute() -> dict:
    return {
        "regenerate": "python -m tests.regression.regenerate",
        "replications": REPLICATIONS,
        "scenarios": {name: summarise_scenario(name) for name in NAMES},
    }


def write(golden: dict) -> None:
    GOLDEN.write_text(json.dumps(golden, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                      encoding="utf-8")


def main() -> int:
    write(compute())
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

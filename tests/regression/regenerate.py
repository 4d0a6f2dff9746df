"""Golden summaries of the reference scenarios: compute them, or rewrite ``golden.json``.

Regenerate after an intended change to the engine or to a reference scenario, and review the
diff of ``golden.json`` like code::

    python -m tests.regression.regenerate          # rewrite tests/regression/golden.json
    REGENERATE_GOLDEN=1 python -m pytest tests/regression   # the same, from pytest

The pytest way rewrites the file and then fails ("regenerated; review the diff and rerun"),
and refuses outright when ``CI`` is set, so a regenerating run can never pass as a check.

Each summary is the median (over the replications that reached it, rounded to 0.01 min)
and the count of replications reaching each key milestone, from ``REPLICATIONS[name]``
replications with the scenario's own seed, exactly as ``results.json`` reports them. Every
reference scenario in ``scenarios/`` is covered; the counts are small so the check is fast,
smallest for the warning scenario, whose replications each draw 120,000 households.
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
#: Replications per reference scenario.
REPLICATIONS = {
    "ningbo_relay": 20,
    "ningbo_joint_centre": 20,
    "longgang_whistle": 20,
    "ningbo_flood_supplies": 8,
    "beijing_fringe_epidemic": 8,
    "beijing_fringe_warning": 3,
    "calltree_city_groups": 20,
}
NAMES = tuple(REPLICATIONS)
KEY_PREFIXES = (
    "detected",
    "report:township",
    "report:district",
    "plan_activated",
    "centre_active",
    "ordered:",
    "reported_in:",
    "team_on_scene:",
    "on_scene:",
    "controlled",
    "depot_opened:",
    "supplied:",
    "warned:",
    "callout:",
)


def summarise_scenario(name: str) -> dict:
    scenario = load_scenario(SCENARIOS_DIR / f"{name}.yaml").scenario
    experiment = run_replications(scenario, REPLICATIONS[name], scenario.seed)
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
    return {"seed": scenario.seed, "command_mode": results["command_mode"], "incidents": incidents}


def compute() -> dict:
    return {
        "regenerate": "python -m tests.regression.regenerate",
        "replications": REPLICATIONS,
        "scenarios": {name: summarise_scenario(name) for name in NAMES},
    }


def write(golden: dict) -> None:
    GOLDEN.write_text(
        json.dumps(golden, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def main() -> int:
    write(compute())
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the bundled default scenario and print its milestones as a pandas table.

pip install -e '.[examples]'
python examples/default_scenario_table.py            # 200 replications
python examples/default_scenario_table.py 20         # fewer, for a quick look
"""

from __future__ import annotations

import sys

import pandas as pd

import preparedness as pp
from preparedness.cli import default_scenario_path


def main(replications: int = 200) -> None:
    scenario = pp.load_scenario(default_scenario_path())
    exp = pp.run_experiment(scenario, replications=replications, workers=0)
    records = pd.DataFrame(exp.records())
    table = records.groupby(["incident", "milestone"], sort=False).agg(
        reached=("reached", "mean"),
        median_min=("minutes", "median"),
        p90_min=("minutes", lambda minutes: minutes.quantile(0.9)),
        deadline_met=("deadline_met", lambda met: met.dropna().astype(float).mean()),
    )
    print(f"{scenario.name}: {exp.replications} replications, seed {exp.seed}")
    print(table.round(2).to_string())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

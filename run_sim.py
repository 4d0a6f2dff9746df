"""Run a scenario: ``python run_sim.py [SCENARIO] [--replications N] [--seed S] [--out DIR]``."""

from preparedness.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

"""preparedness: emergency-response simulation and preparedness planning.

Load a scenario, replay its incidents many times, and see how long reporting, plan
activation and department orders take, and where the time goes.
"""

from .engine.run import simulate_replication
from .experiment.replicate import run_replications
from .scenario.diagnostics import ScenarioError
from .scenario.load import load_scenario
from .scenario.models import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario", "run_replications", "simulate_replication"]

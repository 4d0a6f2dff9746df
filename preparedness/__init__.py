"""preparedness: emergency-response simulation and preparedness planning.

Load a scenario, replay its incidents many times, and see how long reporting, plan
activation and department orders take, and where the time goes::

    import preparedness as pp

    exp = pp.run_experiment(pp.load_scenario("scenarios/ningbo_relay.yaml"), workers=0)

The names below are the public API (README, "Use from Python"). They are resolved on first
use (PEP 562), so ``import preparedness`` stays cheap: the engine, SimPy and SciPy load only
when something is run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Experiment",
    "ExecutorError",
    "MilestoneRecord",
    "Scenario",
    "ScenarioError",
    "ScenarioVariants",
    "StockpilePlan",
    "UsageError",
    "__version__",
    "calibrate_drill",
    "compare",
    "drill_whatif",
    "load_scenario",
    "load_variants",
    "prepare_exercise",
    "replay_drill",
    "run_experiment",
    "simulate_replication",
    "size_stockpiles",
    "write_drill_report",
    "write_exercise",
    "write_report",
    "write_sizing_report",
]

#: Public name -> the module that defines it.
_HOMES = {
    "Experiment": ".results",
    "ExecutorError": ".experiment.executor",
    "MilestoneRecord": ".experiment.records",
    "Scenario": ".scenario.models",
    "ScenarioError": ".scenario.diagnostics",
    "ScenarioVariants": ".scenario.interventions",
    "StockpilePlan": ".results",
    "UsageError": ".errors",
    "calibrate_drill": ".api",
    "compare": ".api",
    "drill_whatif": ".api",
    "load_scenario": ".api",
    "load_variants": ".api",
    "prepare_exercise": ".api",
    "replay_drill": ".api",
    "run_experiment": ".api",
    "simulate_replication": ".engine.run",
    "size_stockpiles": ".api",
    "write_drill_report": ".api",
    "write_exercise": ".api",
    "write_report": ".results",
    "write_sizing_report": ".results",
}

if TYPE_CHECKING:
    from .api import (
        calibrate_drill,
        compare,
        drill_whatif,
        load_scenario,
        load_variants,
        prepare_exercise,
        replay_drill,
        run_experiment,
        size_stockpiles,
        write_drill_report,
        write_exercise,
    )
    from .engine.run import simulate_replication
    from .errors import UsageError
    from .experiment.executor import ExecutorError
    from .experiment.records import MilestoneRecord
    from .results import Experiment, StockpilePlan, write_report, write_sizing_report
    from .scenario.diagnostics import ScenarioError
    from .scenario.interventions import ScenarioVariants
    from .scenario.models import Scenario

    __version__: str


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        try:
            value: Any = metadata.version("preparedness")
        except metadata.PackageNotFoundError:
            value = "0+unknown"
    elif name in _HOMES:
        value = getattr(import_module(_HOMES[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

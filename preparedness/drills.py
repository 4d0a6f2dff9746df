"""Drill logs through the public API: replay a drill, calibrate the scenario to it, ask what-if.

The same functions the ``preparedness drill`` commands call (``api`` re-exports them). Each
reads and checks the logs (``DrillLogError`` with every located problem), turns them into
traces, runs the scenario with ``api.run_experiment`` and returns a result the report writer
(``reports/drill.py``) renders; nothing here prints or writes, except that calibration
hands its intervention file to the reports layer to be written and read back, so the
fitted scenario is validated by the loader exactly as a planner's file would be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .engine.run import simulate_replication
from .engine.trace import Trace
from .errors import UsageError
from .experiment.story import choose_replication, key_milestone, story
from .planning.drill.calibrate import CALIBRATED, Calibration, Fit, calibrate, goodness_of_fit
from .planning.drill.log import DrillLog, read_log
from .planning.drill.observe import Key, Sample, merge, observe
from .planning.drill.replay import Replay, replay
from .planning.drill.to_trace import log_from_trace, trace_from_log
from .planning.drill.whatif import Change, calibrated_variants, changes_of
from .results import Experiment
from .scenario.interventions import BASE, ScenarioVariants
from .scenario.models import Scenario

__all__ = [
    "DrillCalibration",
    "DrillReplay",
    "DrillWhatIf",
    "calibrate_drill",
    "drill_whatif",
    "replay_drill",
]

#: Replications of the calibrated scenario whose traces the goodness-of-fit check reads.
FIT_RUNS = 40


@dataclass(frozen=True)
class DrillReplay:
    """A drill set beside the simulated runs of its scenario."""

    variants: ScenarioVariants
    log: DrillLog
    trace: Trace
    replay: Replay
    experiment: Experiment
    #: the simulated run nearest the median of the key milestone, re-simulated
    median_trace: Trace
    median_replication: int

    @property
    def scenario(self) -> Scenario:
        return self.experiment.scenario


@dataclass(frozen=True)
class DrillCalibration:
    """The fit, the intervention file that holds it, and where the drill sits afterwards."""

    calibration: Calibration
    document: dict
    fits: list[Fit]
    replays: list[DrillReplay]
    logs: list[DrillLog] = field(default_factory=list)


@dataclass(frozen=True)
class DrillWhatIf:
    """What the drill would have given under each intervention, on the calibrated scenario."""

    drill: DrillReplay
    changes: list[Change]
    experiment: Experiment
    interventions: list[str]


def _clock_offset(log: DrillLog, scenario: Scenario) -> float:
    """Minutes to add to a drill time to read the scenario's clock (day or night, duty)."""
    if log.start is None:
        return 0.0
    start = scenario.start
    drill_start = log.start.astimezone(start.tzinfo) if start.tzinfo else log.start
    scenario_clock = start.hour * 60 + start.minute + start.second / 60
    drill_clock = drill_start.hour * 60 + drill_start.minute + drill_start.second / 60
    return (drill_clock - scenario_clock) % 1440.0


def _read(
    variants: ScenarioVariants, scenario: Scenario, logs: Sequence[str | Path]
) -> list[DrillLog]:
    from .api import display_name

    if not logs:
        raise UsageError("give at least one drill log")
    return [read_log(path, scenario, display_name=display_name(path)) for path in logs]


def _replay_one(
    variants: ScenarioVariants,
    scenario: Scenario,
    log: DrillLog,
    experiment: Experiment,
) -> DrillReplay:
    trace = trace_from_log(log, scenario)
    incidents = log.incidents()
    results = experiment.reference.results
    placed = replay(scenario, trace, results, incidents)
    key = key_milestone(scenario, incidents[0])
    choice = choose_replication(results, key, "median")
    median = story(scenario, experiment.seed, choice)
    return DrillReplay(variants, log, trace, placed, experiment, median, choice.replication)


def replay_drill(
    scenario: str | Path,
    log: str | Path,
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
) -> DrillReplay:
    """Check the drill ``log`` against ``scenario`` and place each of its milestones in the
    scenario's simulated distribution (docs/guides/drill-logs.md)."""
    from .api import load_variants, run_experiment

    variants = load_variants(scenario)
    (checked,) = _read(variants, variants.base, [log])
    experiment = run_experiment(variants, replications, seed, workers=workers)
    return _replay_one(variants, variants.base, checked, experiment)


def _samples(log: DrillLog, scenario: Scenario) -> dict[Key, Sample]:
    return observe(trace_from_log(log, scenario), scenario, offset=_clock_offset(log, scenario))


def calibrate_drill(
    scenario: str | Path,
    logs: Sequence[str | Path],
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
) -> DrillCalibration:
    """Fit the scenario to the drill ``logs``, validate the fit as the ``calibrated``
    intervention, re-run it and place each drill in the calibrated runs."""
    from .api import load_variants, run_experiment
    from .reports.drill import staged_calibration

    base = load_variants(scenario)
    checked = _read(base, base.base, logs)
    calibration = calibrate(base.base, [_samples(log, base.base) for log in checked])
    names = ", ".join(log.file for log in checked)
    document = calibration.document(f"Fitted by maximum likelihood to the drill logs {names}.")
    with staged_calibration(document) as path:
        variants = load_variants(scenario, interventions=path)
        fitted = variants.scenario(CALIBRATED)  # validated again by the loader
    experiment = run_experiment(variants, replications, seed, apply=CALIBRATED, workers=workers)
    simulated = []
    for replication in range(min(FIT_RUNS, experiment.replications)):
        run = simulate_replication(fitted, replication, experiment.seed)
        as_log = read_log_text(log_from_trace(run), fitted)
        simulated.append(observe(trace_from_log(as_log, fitted), fitted))
    fits = goodness_of_fit(calibration, merge(simulated), base.base)
    replays = [_replay_one(variants, fitted, log, experiment) for log in checked]
    return DrillCalibration(calibration, document, fits, replays, checked)


def read_log_text(text: str, scenario: Scenario) -> DrillLog:
    """A log written by ``log_from_trace``, read back (the simulated runs of the fit check)."""
    from .planning.drill.log import parse_log

    return parse_log(text.encode("utf-8"), scenario, "<simulated>")


def drill_whatif(
    scenario: str | Path,
    log: str | Path,
    calibrated: str | Path,
    interventions: Sequence[str],
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
) -> DrillWhatIf:
    """Each of ``interventions`` applied to the scenario calibrated by ``calibrated`` (the
    file ``calibrate_drill`` wrote), against the calibrated scenario on common random
    numbers, read for the milestones of the drill ``log``."""
    from .api import load_variants, run_experiment

    variants = load_variants(scenario, interventions=calibrated)
    if CALIBRATED not in variants.interventions:
        raise UsageError(f"{calibrated} holds no '{CALIBRATED}' intervention")
    names = [name for name in interventions if name not in (BASE, CALIBRATED)]
    if not names:
        raise UsageError("name at least one intervention to apply, e.g. --apply joint_centre")
    try:
        composed = calibrated_variants(variants, names)
    except KeyError as error:
        raise UsageError(str(error.args[0])) from None
    experiment = run_experiment(
        composed, replications, seed, compare=[BASE, *names], workers=workers
    )
    (checked,) = _read(variants, composed.base, [log])
    drill = _replay_one(composed, composed.base, checked, experiment)
    comparison = experiment.comparison() or {"incidents": []}
    changes = changes_of(comparison, drill.replay.drill.milestones, checked.incidents())
    return DrillWhatIf(drill, changes, experiment, names)

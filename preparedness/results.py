"""What a run gives back: an ``Experiment`` (every variant's replications, its results.json
document and flat records) or a ``StockpilePlan`` (a sizing and its check), and the writers
of their report folders.

The documents are built here once, so ``Experiment.summary()`` is exactly the results.json
the command line writes for the same scenario, seed and replications.
"""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from .engine.trace import Trace
from .errors import UsageError
from .experiment.precision import PrecisionResult
from .experiment.records import MilestoneRecord, milestone_records
from .experiment.replicate import VariantRun
from .experiment.story import RULES, StoryChoice, choose_replication, key_milestone
from .experiment.story import story as retell
from .planning.hazards import Catalogue, HazardRun
from .planning.stock_runs import ResimulatedRow
from .planning.stockpiles import StockpileSizing
from .scenario.interventions import BASE, ScenarioVariants
from .scenario.models import Scenario

__all__ = ["Experiment", "StockpilePlan", "Timer", "write_report", "write_sizing_report"]


class Timer:
    """When a run started and finished (local time, for the manifest) and how long it took."""

    def __init__(self) -> None:
        self.started = datetime.now().astimezone()
        self._clock = time.perf_counter()

    def stop(self) -> tuple[datetime, datetime, float]:
        return self.started, datetime.now().astimezone(), time.perf_counter() - self._clock


def _python_command() -> list[str]:
    """The manifest's ``command`` for a run made from Python: the script that made it."""
    return ["python", *sys.argv]


@dataclass(frozen=True)
class Experiment:
    """One run of a scenario: each variant's replications (``runs``, reference first), and
    when several variants ran, their paired comparison."""

    source: ScenarioVariants
    """The scenario file, its interventions, and their fingerprints."""
    variants: tuple[str, ...]
    """Variant ids run: ``base`` (the scenario as written) or intervention ids."""
    runs: Mapping[str, VariantRun]
    seed: int
    precision: PrecisionResult | None
    """What the precision loop did, when one was asked for."""
    executor: str
    """Where the replications ran, in words (informational: results never depend on it)."""
    started_at: datetime
    finished_at: datetime
    elapsed_seconds: float
    trace_replication: str | int = "median"
    """Which replication the report tells as a story (the swimlane and trace.csv):
    ``median``, ``p90`` or ``worst`` of the plan's key milestone, or a replication number."""

    @property
    def reference(self) -> VariantRun:
        """The first variant's replications: the one every other is compared with."""
        return self.runs[self.variants[0]]

    @property
    def scenario(self) -> Scenario:
        return self.reference.scenario

    @property
    def replications(self) -> int:
        return len(self.reference.results)

    @cached_property
    def story(self) -> StoryChoice:
        """The replication the report draws (``trace_replication`` applied to the reference
        variant's runs of the plan's key milestone), said in results.json ``story``."""
        key = key_milestone(self.scenario)
        try:
            return choose_replication(self.reference.results, key, self.trace_replication)
        except ValueError as error:
            raise UsageError(str(error)) from None

    @cached_property
    def story_trace(self) -> Trace:
        """The trace of the chosen replication (re-simulated unless it is the example run)."""
        reference = self.reference
        if self.story.replication == reference.results[0].replication == 0:
            return reference.example_trace
        return retell(self.scenario, self.seed, self.story)

    def variant_name(self, variant: str) -> str:
        """A variant in words: "the scenario as written", or the intervention's name."""
        if variant == BASE:
            return "the scenario as written"
        return self.source.interventions[variant].intervention.name

    @cached_property
    def _summary(self) -> dict:
        from .analysis.aggregate import aggregate
        from .experiment.compare import compare

        scenario = self.scenario
        results = {
            "scenario": {
                "name": scenario.name,
                "file": self.source.file,
                "sha256": self.source.sha256,
                "description": scenario.description.strip(),
            },
            **aggregate(scenario, self.reference.results, self.seed),
        }
        if list(self.variants) != [BASE]:
            results["variant"] = {
                "id": self.variants[0],
                "name": self.variant_name(self.variants[0]),
            }
        if self.precision is not None:
            results["precision"] = self.precision.as_dict()
        if len(self.variants) > 1:
            labels = {name: self.variant_name(name) for name in self.variants}
            results["comparison"] = compare(self.runs, self.variants[0], labels, self.seed)
        choice = self.story
        results["story"] = {
            "replication": choice.replication,
            "rule": choice.rule if choice.rule in RULES else "number",
            "incident": choice.key.incident,
            "milestone": choice.key.milestone,
            "label": choice.key.label,
            "minutes": choice.minutes,
            "target": choice.target,
        }
        return results

    def summary(self) -> dict:
        """The results.json document (README, "results.json"), as plain Python values."""
        return copy.deepcopy(self._summary)

    def comparison(self) -> dict | None:
        """The paired comparison (results.json ``comparison``), None for one variant."""
        return copy.deepcopy(self._summary.get("comparison"))

    def records(self) -> list[MilestoneRecord]:
        """One row per variant, replication, incident and milestone: the rows of
        replications.csv (variants.csv with several variants), for ``pandas.DataFrame``."""
        return list(milestone_records(self.runs))

    def manifest(self, command: Sequence[str] | None = None) -> dict:
        """manifest.json: what produced the results, so any figure can be traced and rerun."""
        from .reports.manifest import build_manifest

        return build_manifest(
            scenario_file=self.source.file,
            sha256=self.source.sha256,
            seed=self.seed,
            replications=self.replications,
            started_at=self.started_at.isoformat(timespec="seconds"),
            finished_at=self.finished_at.isoformat(timespec="seconds"),
            elapsed_seconds=self.elapsed_seconds,
            command=list(command) if command is not None else _python_command(),
            interventions=[] if list(self.variants) == [BASE] else list(self.variants),
            executor=self.executor,
            interventions_file=self.source.interventions_file,
            interventions_sha256=self.source.interventions_sha256,
        )


def report_language(scenario: Scenario, lang: str | None) -> str:
    """The language a report is written in: ``lang`` if given, else the scenario's
    ``language`` (English unless the scenario says otherwise)."""
    from .reports.i18n import LANGUAGES

    chosen = lang or scenario.language
    if chosen not in LANGUAGES:
        raise UsageError(f"no report language '{chosen}': use {' or '.join(LANGUAGES)}")
    return chosen


def write_report(
    experiment: Experiment,
    out: str | Path = "reports",
    *,
    command: Sequence[str] | None = None,
    label: str | None = None,
    lang: str | None = None,
    pdf: bool = False,
    figures: bool = True,
) -> Path:
    """Write the run's report folder, ``<out>/<scenario file stem>/<date-time>[-<variant,
    applied intervention or compare>][-<label>]/`` (README, "What a run writes"), which
    appears only once complete, then rewrite ``<out>/index.html``; returns the folder.

    The folder holds report.md, report.html (figures inline) with PNG copies in ``plots/``,
    results.json, the CSV files and manifest.json; trace.csv and the timelines are the
    replication ``experiment.story`` names. ``lang`` (``en`` or ``zh``) defaults to the
    scenario's ``language``. With ``pdf``, report.pdf is printed when Chromium is found
    (``reports.browser.find_chromium``); without one the folder is written without it.
    ``figures=False`` leaves the figures and ``plots/`` out (the pages say so).
    """
    from .reports.exports import variants_csv
    from .reports.folder import run_suffix, write_run_report
    from .reports.index import write_index
    from .reports.pages import run_pages

    language = report_language(experiment.scenario, lang)
    extra = {}
    if len(experiment.variants) > 1:
        extra["variants.csv"] = variants_csv(experiment.runs)
    results = experiment._summary
    pages = run_pages(
        results,
        experiment.reference.results,
        experiment.story_trace,
        language,
        generated=experiment.finished_at,
        pdf=pdf,
        figures=figures,
    )
    folder = write_run_report(
        Path(out),
        results,
        experiment.manifest(command),
        experiment.reference,
        experiment.finished_at,
        extra_files=extra,
        suffix=run_suffix(experiment.variants, label),
        trace=experiment.story_trace,
        pages=pages,
        lang=language,
    )
    write_index(out, language)
    return folder


@dataclass(frozen=True)
class StockpilePlan:
    """A stockpile sizing (``sizing``: quantities, cost, service levels, purchase list,
    rotation) and, unless skipped, its re-simulated check on new replications. Sized over
    several scenarios, ``hazards`` holds each one's own sizing, the service it reaches with
    the plan and its check (``check`` then gives, per depot and item, the hazard with the
    lowest re-simulated share); ``source`` is the first scenario."""

    source: ScenarioVariants
    sizing: StockpileSizing
    check: list[ResimulatedRow] | None
    seed: int
    executor: str
    started_at: datetime
    finished_at: datetime
    elapsed_seconds: float
    hazards: tuple[HazardRun, ...] = ()
    catalogue: Catalogue | None = None

    @property
    def scenario(self) -> Scenario:
        return self.source.base

    def quantities(self) -> dict[str, dict[str, int]]:
        """depot id -> item id -> recommended quantity."""
        return self.sizing.quantities()

    @cached_property
    def _summary(self) -> dict:
        from .reports.sizing_results import sizing_results

        return sizing_results(
            self.scenario,
            self.sizing,
            self.check,
            scenario_file=self.source.file,
            sha256=self.source.sha256,
            seed=self.seed,
            hazards=self.hazards,
            catalogue=self.catalogue,
        )

    def summary(self) -> dict:
        """The sizing.json document (README, "Sizing stockpiles")."""
        return copy.deepcopy(self._summary)

    def manifest(self, command: Sequence[str] | None = None) -> dict:
        from .reports.manifest import build_manifest

        manifest = build_manifest(
            scenario_file=self.source.file,
            sha256=self.source.sha256,
            seed=self.seed,
            replications=self.sizing.replications,
            started_at=self.started_at.isoformat(timespec="seconds"),
            finished_at=self.finished_at.isoformat(timespec="seconds"),
            elapsed_seconds=self.elapsed_seconds,
            command=list(command) if command is not None else _python_command(),
            executor=self.executor,
        )
        manifest["service_level"] = self.sizing.service_level
        manifest["check_replications"] = 0 if self.check is None else self.sizing.replications
        manifest["as_of"] = None if self.sizing.as_of is None else self.sizing.as_of.isoformat()
        if len(self.hazards) > 1:
            manifest["scenarios"] = [
                {"file": h.file, "sha256": h.sha256, "seed": h.seed, "name": h.name}
                for h in self.hazards
            ]
        return manifest


def write_sizing_report(
    plan: StockpilePlan,
    out: str | Path = "reports",
    *,
    command: Sequence[str] | None = None,
    label: str | None = None,
    lang: str | None = None,
    pdf: bool = False,
    figures: bool = True,
) -> Path:
    """Write ``<out>/<scenario file stem>/sizing/<date-time>[-<label>]/`` (sizing.md,
    sizing.csv, purchase.csv, rotation.csv, sizing.json, manifest.json, report.html with
    ``plots/``, and with ``pdf`` report.pdf when Chromium is found), which appears only once
    complete, then rewrite ``<out>/index.html``. ``lang`` defaults to the scenario's
    ``language``; ``figures=False`` leaves the figure and ``plots/`` out."""
    from .reports.index import write_index
    from .reports.pages import sizing_pages
    from .reports.sizing import write_sizing_report as write

    language = report_language(plan.scenario, lang)
    pages = sizing_pages(
        plan._summary, language, generated=plan.finished_at, pdf=pdf, figures=figures
    )
    folder = write(
        Path(out),
        plan._summary,
        plan.manifest(command),
        plan.finished_at,
        label,
        pages=pages,
        lang=language,
    )
    write_index(out, language)
    return folder

"""The public Python API: load a scenario, run it (or compare what-ifs), size stockpiles and
write the report folders — the same functions the ``preparedness`` command calls.

A researcher writes::

    import preparedness as pp

    scenario = pp.load_scenario("scenarios/ningbo_relay.yaml")
    exp = pp.run_experiment(scenario, replications=200, seed=7, workers=0)
    exp.summary()["incidents"][0]["milestones"][0]   # results.json, as a dict
    rows = exp.records()                              # flat rows for pandas
    pp.write_report(exp, "reports")

Where replications run (``workers``, ``cluster``) changes nothing in the numbers (README,
"Workers and clusters"); the executor is opened and closed here whatever happens. Notes a
planner should see (a Dask scheduler picked up from the environment, the executor used) go
to the ``preparedness`` logger; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .analysis.supply_frame import SupplyFrame
from .errors import UsageError
from .experiment import replicate
from .experiment.executor import Executor, dask_address, make_executor
from .experiment.precision import PrecisionResult, run_to_precision
from .experiment.replicate import VariantRun
from .experiment.story import RULES
from .planning.stock_runs import ResimulatedRow
from .planning.stockpiles import StockpileSizing
from .results import Experiment, StockpilePlan, Timer, write_report, write_sizing_report
from .scenario.diagnostics import Diagnostic, ScenarioError, format_field_path, locate
from .scenario.interventions import BASE, ScenarioVariants
from .scenario.interventions import load_variants as _read_variants
from .scenario.models import Scenario
from .scenario.yaml_source import YamlDocument

if TYPE_CHECKING:
    from .planning.exercise import ExercisePackage

__all__ = [
    "DEFAULT_MAX_REPLICATIONS",
    "PILOT_REPLICATIONS",
    "Progress",
    "UsageError",
    "calibrate_drill",
    "compare",
    "drill_whatif",
    "load_scenario",
    "load_variants",
    "prepare_exercise",
    "replay_drill",
    "run_experiment",
    "size_stockpiles",
    "write_drill_report",
    "write_exercise",
    "write_report",
    "write_sizing_report",
]

#: Replications of the first round of a precision run when ``replications`` is not given.
PILOT_REPLICATIONS = 30
DEFAULT_MAX_REPLICATIONS = 2000

#: ``progress(stage, done, total)``: what is running in words ("replications", "sizing"),
#: replications done so far, and the total planned (None while nothing is counted).
Progress = Callable[[str, int, int | None], None]


class Stage(str):
    """A stage told to ``progress``: its English words (what a caller prints) and the key and
    values under which a console finds the words in another language (``progress.<key>``
    in the report catalogue)."""

    key: str
    values: dict[str, str]

    def __new__(cls, words: str, key: str, **values: str) -> Stage:
        stage = super().__new__(cls, words)
        stage.key, stage.values = key, values
        return stage


log = logging.getLogger("preparedness")

#: Where each Scenario returned by ``load_scenario`` came from, by object id, so a run of it
#: names its file, SHA-256 and interventions exactly as the command line does. Entries
#: leave with their scenario (``weakref.finalize``).
_SOURCES: dict[int, ScenarioVariants] = {}


def display_name(path: str | Path) -> str:
    """The path diagnostics and reports show: relative to the working folder when inside."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_variants(path: str | Path, *, interventions: str | Path | None = None) -> ScenarioVariants:
    """A scenario file and its interventions (those in the file, then those of the separate
    ``interventions`` file), validated; ``.scenario(id)`` applies one. Raises
    ``ScenarioError`` with every located problem."""
    return _read_variants(
        path,
        display_name=display_name(path),
        interventions_path=interventions,
        interventions_display_name=display_name(interventions) if interventions else None,
    )


def load_scenario(path: str | Path, *, interventions: str | Path | None = None) -> Scenario:
    """The validated scenario in ``path``; raises ``ScenarioError`` with every problem, each
    with its ``file:line:col``. The scenario remembers its file and interventions (and
    those of the ``interventions`` file), so ``run_experiment(scenario, compare=[...])``
    works on it and its report names the file as the command line's does."""
    variants = load_variants(path, interventions=interventions)
    key = id(variants.base)
    _SOURCES[key] = variants
    weakref.finalize(variants.base, _SOURCES.pop, key, None)
    return variants.base


def _variants(
    source: Scenario | ScenarioVariants | str | Path, interventions: str | Path | None
) -> ScenarioVariants:
    if isinstance(source, ScenarioVariants):
        return source
    if isinstance(source, Scenario):
        known = _SOURCES.get(id(source))
        return known if known is not None and known.base is source else _in_memory(source)
    return load_variants(source, interventions=interventions)


def _in_memory(scenario: Scenario) -> ScenarioVariants:
    """A scenario built in Python: named ``<in memory>``, fingerprinted by its JSON form."""
    text = scenario.model_dump_json(by_alias=True)
    document = YamlDocument(
        file="<in memory>",
        data=None,
        root=yaml.MappingNode("tag:yaml.org,2002:map", []),
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return ScenarioVariants(document, scenario, {})


@contextmanager
def _executor(workers: int | None, cluster: str | None) -> Iterator[Executor]:
    """The executor asked for, started, and closed whatever happens."""
    address, note = dask_address(cluster)
    if note:
        log.warning(note, extra={"dask_from_env": address})  # for the console's words
    executor, _ = make_executor(workers, address)
    with executor:
        log.info("running on %s", executor.description, extra={"executor": executor})
        executor.start()  # before a progress bar's thread exists (``Executor.start``)
        yield executor


def _minutes(precision: float | str) -> float:
    from .scenario.durations import parse_duration

    value = parse_duration(precision) if isinstance(precision, str) else float(precision)
    if not (value > 0 and math.isfinite(value)):
        raise UsageError(f"the precision target must be more than zero, not {precision!r}")
    return value


def run_experiment(
    scenario: Scenario | ScenarioVariants | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    *,
    apply: str | None = None,
    compare: Sequence[str] | None = None,
    interventions: str | Path | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    precision: float | str | None = None,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    progress: Progress | None = None,
    trace_replication: str | int = "median",
) -> Experiment:
    """Run a scenario's replications (the scenario as written, one intervention ``apply``-ed,
    or the variants in ``compare`` with common random numbers, the first the reference).

    ``scenario`` is a path, a loaded ``Scenario`` or ``ScenarioVariants``; ``interventions``
    a separate interventions file (with a path). ``replications`` and ``seed`` default to
    the scenario's. ``precision`` (minutes, or a duration such as ``"2m"``) adds
    replications in rounds until every key milestone's 95% CI half-width is within it
    (README, "Precision"); ``replications`` is then the first round (default 30).
    ``workers``: 0 runs in this process, N on N processes, None on every core; ``cluster``
    a Dask scheduler address or ``"local"``. ``trace_replication`` picks the replication the
    report tells as a story (its swimlane timelines and trace.csv; results.json ``story``):
    ``"median"`` (default), ``"p90"`` or ``"worst"`` of the plan's key milestone, or a
    replication number (README, "What a run writes").
    """
    if apply is not None and compare:
        raise UsageError("give either apply or compare, not both")
    variants = _variants(scenario, interventions)
    names = list(compare) if compare else [apply or BASE]
    if len(set(names)) != len(names):
        raise UsageError("each variant may be named once")
    scenarios = {name: variants.scenario(name) for name in names}  # each re-validated
    reference = scenarios[names[0]]
    seed = reference.seed if seed is None else seed
    target = None if precision is None else _minutes(precision)
    count = replications or (PILOT_REPLICATIONS if target else reference.replications)
    if target and count > max_replications:
        raise UsageError(f"replications={count} is more than max_replications={max_replications}")
    if target and count < 2:
        raise UsageError("a precision run needs a first round of at least 2 replications")
    _check_trace_replication(trace_replication, max_replications if target else count)
    timer = Timer()
    with _executor(workers, cluster) as executor:
        runs, result = _simulate(
            scenarios, seed, count, target, max_replications, executor, progress
        )
        description = executor.description
    return Experiment(
        variants,
        tuple(names),
        runs,
        seed,
        result,
        description,
        *timer.stop(),
        trace_replication=trace_replication,
    )


def _check_trace_replication(rule: str | int, most: int) -> None:
    """Refuse a rule or replication number that cannot be drawn, before anything runs."""
    if isinstance(rule, bool) or not isinstance(rule, str | int):
        raise UsageError(f"trace_replication must be {', '.join(RULES)} or a number, not {rule!r}")
    if isinstance(rule, str) and rule not in RULES:
        raise UsageError(
            f"trace_replication must be {', '.join(RULES)} or a replication number, not '{rule}'"
        )
    if isinstance(rule, int) and not 0 <= rule < most:
        raise UsageError(
            f"replication {rule} will not be run: replications are numbered 0 to {most - 1}"
        )


class _Counter:
    """Replications done across every variant, told to ``progress`` as they finish."""

    def __init__(self, progress: Progress | None, stage: str, total: int) -> None:
        self.progress, self.stage, self.done, self.total = progress, stage, 0, total

    def show(self) -> None:
        if self.progress:
            self.progress(self.stage, self.done, self.total)


def _simulate(
    scenarios: dict[str, Scenario],
    seed: int,
    replications: int,
    target: float | None,
    max_replications: int,
    executor: Executor,
    progress: Progress | None,
) -> tuple[dict[str, VariantRun], PrecisionResult | None]:
    count = len(scenarios)
    label = (
        Stage("replications", "replications")
        if count == 1
        else Stage(f"replications of {count} variants", "variant_replications", count=str(count))
    )
    bar = _Counter(progress, label, replications * count)

    def advance(k: int) -> None:
        bar.done += k
        bar.show()

    if target is not None:

        def on_round(done: int, planned: int) -> None:
            bar.total, bar.stage = planned * count, f"{label} (round to {planned})"
            bar.show()

        return run_to_precision(
            scenarios,
            seed,
            target,
            initial=replications,
            max_replications=max_replications,
            executor=executor,
            progress=advance,
            on_round=on_round,
        )
    bar.show()
    # Through the module, so a test can stand in for run_variants.
    batches = replicate.run_variants(scenarios, seed, 0, replications, executor, advance)
    runs = {}
    for name, (results, example) in batches.items():
        assert example is not None
        runs[name] = VariantRun(scenarios[name], seed, results, example)
    return runs, None


def compare(
    scenario: Scenario | ScenarioVariants | str | Path,
    variants: Sequence[str],
    replications: int | None = None,
    seed: int | None = None,
    **options,
) -> Experiment:
    """A paired comparison: each variant (``base`` or an intervention id) run with the same
    seed and replication numbers, every other one compared with the first (README,
    "What-ifs"). ``options`` are those of ``run_experiment``; the figures are in
    ``.comparison()``."""
    if len(variants) < 2:
        raise UsageError("a comparison needs at least two variants, e.g. ['base', 'whistle']")
    return run_experiment(scenario, replications, seed, compare=variants, **options)


def _plan_date(as_of: dt.date | str | None) -> dt.date:
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise UsageError(
            f"the plan date must be a calendar date written YYYY-MM-DD (e.g. 2026-07-14), "
            f"not {str(as_of)!r}"
        ) from None


def size_stockpiles(
    scenario: Scenario
    | ScenarioVariants
    | str
    | Path
    | Sequence[Scenario | ScenarioVariants | str | Path],
    service_level: float = 0.95,
    replications: int | None = None,
    seed: int | None = None,
    *,
    as_of: dt.date | str | None = None,
    check: bool = True,
    workers: int | None = None,
    cluster: str | None = None,
    progress: Progress | None = None,
) -> StockpilePlan:
    """The least-cost stock of every demanded item at every depot such that at least
    ``service_level`` of the replications have no stock-out there (README, "Sizing
    stockpiles"), and unless ``check=False`` that stock re-simulated on as many new
    replications (numbers n to 2n-1). The purchase list and rotation plan are dated
    ``as_of`` (a date or ``YYYY-MM-DD``; default today).

    Given a list of scenarios (one per hazard, sharing depots and items by id), one plan
    whose quantities meet the service level in each: every depot and item holds the most
    any hazard drawing on it needs, each hazard is sized on its own seed and replications
    (unless ``seed`` and ``replications`` are given) and checked with the plan."""
    from .planning.hazards import (
        HazardRun,
        combine,
        hazard_service,
        resimulate_plan,
        shared_catalogue,
        worst_checks,
    )

    date = _plan_date(as_of)
    if not 0.0 < service_level <= 1.0:
        raise UsageError("the service level is a share: more than 0 and at most 1")
    given: Sequence[Scenario | ScenarioVariants | str | Path] = (
        scenario if isinstance(scenario, Sequence) and not isinstance(scenario, str) else [scenario]
    )
    sources = [_variants(s, None) for s in given]
    if not sources:
        raise UsageError("size_stockpiles needs at least one scenario")
    for variants in sources:
        _sizable(variants)
    try:
        catalogue = shared_catalogue([(v.file, v.base) for v in sources])
    except ValueError as error:
        raise UsageError(str(error)) from None
    timer = Timer()
    runs = []
    with _executor(workers, cluster) as executor:
        for variants in sources:
            label = "" if len(sources) == 1 else f"{variants.base.name}: "
            runs.append(
                _size_one(
                    variants,
                    service_level,
                    replications,
                    seed,
                    date,
                    check,
                    executor,
                    progress,
                    label,
                )
            )
        if len(sources) == 1:
            variants, own, frames, checked, used_seed = runs[0]
            plan_sizing = own
        else:
            plan_sizing = combine([(r[0].base, r[1]) for r in runs], catalogue, date)
        hazards = []
        for variants, own, frames, checked, used_seed in runs:
            if len(sources) > 1 and check:
                if progress:
                    words = f"{variants.base.name}: checking the plan"
                    progress(Stage(words, "checking_plan", hazard=variants.base.name), 0, None)
                checked = resimulate_plan(
                    variants.base, own, plan_sizing, seed=used_seed, executor=executor
                )
            hazards.append(
                HazardRun(
                    variants.base.name,
                    variants.file,
                    variants.sha256,
                    used_seed,
                    variants.base,
                    own,
                    tuple(
                        hazard_service(variants.base.name, variants.base, own, plan_sizing, frames)
                    ),
                    None if checked is None else tuple(checked),
                )
            )
        description = executor.description
    first = hazards[0]
    check_rows = runs[0][3] if len(sources) == 1 else worst_checks(plan_sizing, hazards)
    return StockpilePlan(
        sources[0],
        plan_sizing,
        check_rows,
        first.seed,
        description,
        *timer.stop(),
        hazards=tuple(hazards),
        catalogue=catalogue,
    )


class SizingRefused(ScenarioError, UsageError):
    """A scenario that cannot be sized, with the place in its file: a ``ScenarioError``
    (the command line prints it located and exits 2) and, as before, a ``UsageError``."""

    @classmethod
    def at(cls, variants: ScenarioVariants, loc: tuple, message: str) -> SizingRefused:
        line, column, exact = locate(variants.document.root, loc)
        field = format_field_path(loc) if exact else ""
        return cls([Diagnostic(variants.file, line, column, field, message)])


def _refuse_quantities_beyond_the_limit(variants: ScenarioVariants, sizing) -> None:
    """A recommendation above what a scenario may hold is a scenario problem, not a plan.

    An item of 1e-9 kcal, or a rule asking 1e9 units per task, makes the sized quantity
    astronomically large; re-simulating it would fail validation, and buying it is
    meaningless. Say which item, where it is defined, and what to check.
    """
    from .scenario.resources import MAX_LOT_QUANTITY

    items = [item.id for item in variants.base.items]
    names = {depot.id: depot.name for depot in variants.base.depots}
    problems = []
    for item in sorted({row.item for row in sizing.rows if row.quantity > MAX_LOT_QUANTITY}):
        worst = max(row.quantity for row in sizing.rows if row.item == item)
        depots = sorted(
            names[row.depot]
            for row in sizing.rows
            if row.item == item and row.quantity > MAX_LOT_QUANTITY
        )
        loc = ("items", items.index(item)) if item in items else ("items",)
        line, column, exact = locate(variants.document.root, loc)
        problems.append(
            Diagnostic(
                variants.file,
                line,
                column,
                format_field_path(loc) if exact else "",
                f"sizing '{item}' would need up to {worst:,} units at {', '.join(depots)}, "
                f"more than a depot may hold ({MAX_LOT_QUANTITY:,}): check the item's "
                "'contains' amount and the plans' 'supplies' rules that draw on it",
            )
        )
    if problems:
        raise SizingRefused(problems)


def _sizable(variants: ScenarioVariants) -> None:
    from .analysis.stock import sized_items

    base = variants.base
    if not base.depots:
        raise SizingRefused.at(
            variants,
            ("depots",),
            "the scenario has no depots to size: add 'items:' and a 'depots:' list "
            "(a township depot and the community depots, each with its keepers)",
        )
    if not sized_items(base):
        raise SizingRefused.at(
            variants,
            ("plans",),
            "no plan says what its incidents consume, so there is nothing to size: add "
            "'supplies:' to a plan, e.g. "
            "{item: drinking_water, per_person_per_day: sphere_drinking_water}",
        )


def _size_one(
    variants: ScenarioVariants,
    service_level: float,
    replications: int | None,
    seed: int | None,
    as_of: dt.date,
    check: bool,
    executor: Executor,
    progress: Progress | None,
    label: str,
) -> tuple[ScenarioVariants, StockpileSizing, list[SupplyFrame], list[ResimulatedRow] | None, int]:
    """One scenario sized on its replications (and checked on as many new ones)."""
    from .planning.stock_runs import collect_frames, resimulate
    from .planning.stockpiles import size_stockpiles as size

    base = variants.base
    seed = base.seed if seed is None else seed
    count = replications or base.replications
    # In steps for the progress bar: each replication's draws depend only on the seed
    # and its index, so steps change nothing.
    step = max(math.ceil(count / 10), 8 * max(1, executor.workers))
    hazard = {"hazard": base.name} if label else {}  # several scenarios: say which
    frames: list[SupplyFrame] = []
    for first in range(0, count, step):
        if progress:
            progress(Stage(f"{label}replications", "replications", **hazard), first, count)
        frames += collect_frames(base, min(step, count - first), seed, executor, start=first)
    if progress:
        progress(Stage(f"{label}sizing", "sizing", **hazard), count, None)
    sizing = size(base, frames, service_level, as_of)
    _refuse_quantities_beyond_the_limit(variants, sizing)
    checked: list[ResimulatedRow] | None = None
    if check:
        if progress:
            words = f"{label}checking on {count} new replications"
            progress(Stage(words, "checking", count=str(count), **hazard), count, None)
        checked = resimulate(base, sizing, count, seed, executor)
    return variants, sizing, frames, checked, seed


def prepare_exercise(
    scenario: Scenario | ScenarioVariants | str | Path,
    *,
    incident: str | None = None,
    duration: float | str = "2h",
    difficulty: str = "typical",
    audience: str = "",
    seed: int | None = None,
    replications: int | None = None,
    interventions: str | Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ExercisePackage:
    """A tabletop exercise package (README, "Tabletop exercises") for ``incident`` (default:
    the first): the scenario and every one of its interventions are run with common random
    numbers, and the replication nearest the median (``difficulty="typical"``) or the 90th
    percentile (``"hard"``) of the plan's key milestone is played, compressed into
    ``duration`` (minutes, or a duration such as ``"2h"``). Another ``seed`` gives another,
    equally reproducible deck."""
    from .planning.exercise import DIFFICULTIES, plan_exercise

    if difficulty not in DIFFICULTIES:
        raise UsageError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}")
    minutes = _minutes(duration)
    variants = _variants(scenario, interventions)
    if incident is not None and incident not in {i.id for i in variants.base.incidents}:
        known = ", ".join(i.id for i in variants.base.incidents)
        raise UsageError(f"the scenario has no incident {incident!r} (it has: {known})")
    names = [BASE, *variants.interventions]
    experiment = run_experiment(
        variants,
        replications,
        seed,
        compare=names if len(names) > 1 else None,
        workers=workers,
        progress=progress,
    )
    return plan_exercise(
        experiment.scenario,
        experiment.seed,
        experiment.reference.results,
        experiment.summary(),
        incident=incident,
        duration=minutes,
        difficulty=difficulty,
        audience=audience,
    )


def write_exercise(
    package: ExercisePackage, out: str | Path = "reports", *, lang: str = "zh", pdf: bool = True
) -> Path:
    """Write ``<out>/<scenario name>/exercise/<label>/`` (README, "Tabletop exercises"): the
    pages, CSV files and CAP alerts in ``lang`` (``zh`` or ``en``), and the situation manual
    as PDF when Chromium is available and ``pdf`` is set; the folder appears only once
    complete. Returns its path."""
    from datetime import datetime

    from .reports.exercise import write_exercise as write
    from .reports.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise UsageError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return write(package, Path(out), lang, now=datetime.now().astimezone(), pdf=pdf)


# --------------------------------------------------------------------------------------------
# Drill logs (docs/guides/drill-logs.md): replay, calibrate, what-if, and their reports.

from .drills import calibrate_drill, drill_whatif, replay_drill  # noqa: E402


def write_drill_report(kind: str, result, out: str | Path = "reports", *, lang: str = "en") -> Path:
    """Write the report folder of ``replay_drill`` (``kind="replay"``), ``calibrate_drill``
    (``"calibrate"``, with ``calibrated.yaml``) or ``drill_whatif`` (``"whatif"``): HTML,
    Markdown, figures and drill.json, all or nothing; returns the folder."""
    from .reports.drill import write_drill_report as write

    if kind not in ("replay", "calibrate", "whatif"):
        raise UsageError(f"kind must be replay, calibrate or whatif, not {kind!r}")
    return write(kind, result, out, lang)

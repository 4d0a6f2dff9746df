"""One stock plan for several hazards: each depot and item holds the most that any hazard
drawing on it needs, and each hazard's service level is measured with that plan.

A township office keeps one set of depots and buys one set of items, whatever the hazard;
its flood, epidemic and fire scenarios describe the same depots and items. So depots are
matched by id and items by id, and the same id must mean the same thing in every file (a
depot with another keeper or another stock in a second file is refused: which is real?). A
depot or item in only one file is sized by that file's hazards alone.

Why the most any hazard needs is enough for each of them: by the monotonicity and exchange
arguments of ``stockpiles`` (with lateral transfers off), holding more at a depot never adds
a stock-out there and never adds to what it passes up, so a depot above it holding its own
quantity for that hazard still meets the target. The plan is checked per hazard all the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..analysis.stats import ShareEstimate, share_with_ci
from ..analysis.stock import replay
from ..analysis.supply_frame import SupplyFrame
from ..experiment.executor import Executor
from ..scenario.models import Scenario
from ..scenario.resources import Depot, Item
from .stock_runs import ResimulatedRow, resimulate
from .stockpiles import StockpileRow, StockpileSizing, priced

__all__ = [
    "Catalogue",
    "HazardRun",
    "HazardService",
    "combine",
    "hazard_service",
    "resimulate_plan",
    "shared_catalogue",
    "worst_checks",
]


@dataclass(frozen=True)
class Catalogue:
    """The depots and items of several scenarios, by id, in first-seen order."""

    depots: dict[str, Depot]
    items: dict[str, Item]
    #: depot id -> names of the scenarios (hazards) that describe it
    depot_hazards: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class HazardService:
    """A hazard's no-stock-out share at one depot and item with the combined plan."""

    hazard: str
    depot: str
    item: str
    own_quantity: int
    """What this hazard alone would need there."""
    quantity: int
    """What the combined plan holds."""
    service: ShareEstimate
    """On the replications the hazard was sized on."""


def _differences(first: dict, other: dict) -> list[str]:
    return sorted(key for key in first.keys() | other.keys() if first.get(key) != other.get(key))


def shared_catalogue(scenarios: Sequence[tuple[str, Scenario]]) -> Catalogue:
    """Depots and items of ``(file, scenario)`` pairs matched by id; a ``ValueError`` names
    the file, the id and the fields when one id has two definitions."""
    depots: dict[str, Depot] = {}
    items: dict[str, Item] = {}
    where: dict[str, str] = {}
    hazards: dict[str, list[str]] = {}
    problems = []
    for file, scenario in scenarios:
        for kind, found, known in (
            ("depot", scenario.depots, depots),
            ("item", scenario.items, items),
        ):
            for thing in found:
                seen = known.get(thing.id)
                if seen is None:
                    known[thing.id] = thing  # type: ignore[assignment]
                    where[f"{kind}:{thing.id}"] = file
                elif seen != thing:
                    fields = _differences(seen.model_dump(), thing.model_dump())
                    problems.append(
                        f"{file}: {kind} '{thing.id}' differs from the one in "
                        f"{where[f'{kind}:{thing.id}']} ({', '.join(fields)}); the same id "
                        f"must describe the same {kind} in every scenario"
                    )
        for depot in scenario.depots:
            hazards.setdefault(depot.id, []).append(scenario.name)
    if problems:
        raise ValueError("\n".join(problems))
    return Catalogue(depots, items, {k: tuple(v) for k, v in hazards.items()})


def combine(
    sizings: Sequence[tuple[Scenario, StockpileSizing]],
    catalogue: Catalogue,
    as_of: dt.date | None,
) -> StockpileSizing:
    """Per depot and item, the row of the hazard that needs the most (first hazard on a
    tie), with its interval the largest of the hazards' ends; priced and dated as one plan."""
    best: dict[tuple[str, str], StockpileRow] = {}
    lows: dict[tuple[str, str], list[int]] = {}
    highs: dict[tuple[str, str], list[int | None]] = {}
    reachable: dict[tuple[str, str], bool] = {}
    for _scenario, sizing in sizings:
        for row in sizing.rows:
            key = (row.depot, row.item)
            if key not in best or row.quantity > best[key].quantity:
                best[key] = row
            reachable[key] = reachable.get(key, True) and row.reachable
            if row.quantity_ci is not None:
                lows.setdefault(key, []).append(row.quantity_ci[0])
                highs.setdefault(key, []).append(row.quantity_ci[1])
    rows = []
    for key, row in best.items():
        ci = None
        if key in lows and reachable[key]:
            ups = highs[key]
            ci = (max(lows[key]), None if None in ups else max(u for u in ups if u is not None))
        rows.append(replace(row, reachable=reachable[key], quantity_ci=ci))
    first_scenario, first = sizings[0]
    return priced(
        first_scenario,
        first.service_level,
        max(sizing.replications for _s, sizing in sizings),
        rows,
        as_of,
        catalogue.depots,
        catalogue.items,
    )


def hazard_service(
    name: str,
    scenario: Scenario,
    own: StockpileSizing,
    plan: StockpileSizing,
    frames: Sequence[SupplyFrame],
) -> list[HazardService]:
    """Each of the hazard's depots and items: its no-stock-out share on its own sizing
    replications when the depots hold ``plan``'s quantities (no lateral transfers)."""
    quantities = plan.quantities()
    free = {(row.depot, row.item): 0 for row in own.rows}
    items = sorted({row.item for row in own.rows})
    for frame in frames:
        result = replay(scenario, frame, quantities, lateral=False, items=items)
        for key in free:
            stock = result.depots.get(key)
            if stock is None or not stock.stocked_out:
                free[key] += 1
    return [
        HazardService(
            name,
            row.depot,
            row.item,
            row.quantity,
            quantities.get(row.depot, {}).get(row.item, 0),
            share_with_ci(free[(row.depot, row.item)], len(frames)),
        )
        for row in own.rows
    ]


@dataclass(frozen=True)
class HazardRun:
    """One hazard of a plan over several scenarios: its file, its own sizing, the service
    its depots reach with the combined plan, and the re-simulated check (None: skipped)."""

    name: str
    file: str
    sha256: str
    seed: int
    scenario: Scenario
    own: StockpileSizing
    service: tuple[HazardService, ...]
    check: tuple[ResimulatedRow, ...] | None


def resimulate_plan(
    scenario: Scenario,
    own: StockpileSizing,
    plan: StockpileSizing,
    *,
    seed: int,
    executor: Executor | None = None,
) -> list[ResimulatedRow]:
    """The hazard's own depots and items re-simulated with the plan's quantities, on as many
    new replications as it was sized on."""
    quantities = plan.quantities()
    rows = tuple(
        replace(row, quantity=quantities.get(row.depot, {}).get(row.item, 0)) for row in own.rows
    )
    return resimulate(scenario, replace(own, rows=rows), own.replications, seed, executor)


def worst_checks(
    plan: StockpileSizing, hazards: Sequence[HazardRun]
) -> list[ResimulatedRow] | None:
    """Per depot and item of the plan, the re-simulated check of the hazard with the lowest
    share (None when the check was skipped)."""
    worst: dict[tuple[str, str], ResimulatedRow] = {}
    for hazard in hazards:
        if hazard.check is None:
            return None
        for row in hazard.check:
            key = (row.depot, row.item)
            share = row.service.share or 0.0
            if key not in worst or share < (worst[key].service.share or 0.0):
                worst[key] = row
    return [worst[(row.depot, row.item)] for row in plan.rows if (row.depot, row.item) in worst]

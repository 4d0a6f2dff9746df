"""The replications a stockpile sizing runs: supply frames of replications on any executor,
and the re-simulated check of a recommendation on replications not used to size it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..analysis.stats import ShareEstimate, share_with_ci
from ..analysis.stock import replay
from ..analysis.supply_frame import SupplyFrame, supply_frame
from ..engine.run import simulate_replication
from ..experiment.executor import Executor, SerialExecutor, stop_requested
from ..scenario.models import Scenario
from .stockpiles import StockpileSizing

__all__ = [
    "ResimulatedRow",
    "collect_frames",
    "resimulate",
    "supply_frames_batch",
    "with_stock",
]


@dataclass(frozen=True)
class ResimulatedRow:
    """The service level a recommended quantity reaches on fresh replications."""

    depot: str
    item: str
    quantity: int
    service: ShareEstimate
    target: float

    @property
    def meets_target(self) -> bool:
        """The target lies at or below the interval's upper end."""
        return self.service.ci is not None and self.service.ci[1] >= self.target


# ------------------------------------------------------------------------- frames


def supply_frames_batch(scenario: Scenario, seed: int, start: int, stop: int) -> list[SupplyFrame]:
    """Replications ``start`` .. ``stop - 1`` as supply frames: one task for any executor."""
    frames = []
    for index in range(start, stop):
        if stop_requested():
            break
        frames.append(supply_frame(simulate_replication(scenario, index, seed), index))
    return frames


def collect_frames(
    scenario: Scenario,
    replications: int,
    seed: int,
    executor: Executor | None = None,
    start: int = 0,
) -> list[SupplyFrame]:
    """Supply frames of replications ``start`` .. ``start + replications - 1``, in
    replication order whatever the executor (each replication's draws depend only on the
    seed and its index)."""
    executor = executor or SerialExecutor()
    stop = start + replications
    size = executor.batch_size(replications)
    tasks = [(scenario, seed, first, min(first + size, stop)) for first in range(start, stop, size)]
    batches: list[list[SupplyFrame] | None] = [None] * len(tasks)
    try:
        for index, batch in executor.run(supply_frames_batch, tasks):
            batches[index] = batch
    except BaseException:
        executor.abort()
        raise
    frames = [frame for batch in batches for frame in (batch or [])]
    if len(frames) != replications:
        raise RuntimeError("the run was interrupted before every replication finished")
    return frames


# ------------------------------------------------------------------------- re-simulation


def with_stock(scenario: Scenario, quantities: Mapping[str, Mapping[str, int]]) -> Scenario:
    """The scenario with each depot holding ``quantities[depot][item]`` of the sized items
    as one lot stocked at the start (other items' lots kept), validated again."""
    data = scenario.model_dump(by_alias=True)
    sized = {item for per_item in quantities.values() for item in per_item}
    for depot in data["depots"]:
        lots = [lot for lot in depot["stock"] if lot["item"] not in sized]
        for item, quantity in quantities.get(depot["id"], {}).items():
            if quantity > 0:
                lots.append({"item": item, "quantity": int(quantity)})
        depot["stock"] = lots
    return Scenario.model_validate(data)


def resimulate(
    scenario: Scenario,
    sizing: StockpileSizing,
    replications: int,
    seed: int,
    executor: Executor | None = None,
    start: int | None = None,
    lateral: bool = False,
) -> list[ResimulatedRow]:
    """Run the scenario again with the recommended stock on replications not used for
    sizing (by default indices n .. n + replications - 1, n the sizing's count) and give
    each depot and item's share of replications without a stock-out, with its CI."""
    stocked = with_stock(scenario, sizing.quantities())
    first = sizing.replications if start is None else start
    frames = collect_frames(stocked, replications, seed, executor, first)
    free = {(row.depot, row.item): 0 for row in sizing.rows}
    for frame in frames:
        result = replay(stocked, frame, lateral=lateral)
        for key in free:
            stock = result.depots.get(key)
            if stock is None or not stock.stocked_out:
                free[key] += 1
    return [
        ResimulatedRow(
            row.depot,
            row.item,
            row.quantity,
            share_with_ci(free[(row.depot, row.item)], len(frames)),
            sizing.service_level,
        )
        for row in sizing.rows
    ]

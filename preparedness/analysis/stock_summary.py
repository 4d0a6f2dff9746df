"""Stock across replications: how often each depot ran out, when, by how much, and its level.

``replication_stock`` keeps what one replication's stock replay says (small plain data, so a
worker can send it back); ``stock_summary`` turns every replication's into the
``results.json`` ``stock`` and ``supplies`` sections, each figure with its replication
count and 95% confidence interval.
"""

from __future__ import annotations

import numpy as np

from ..engine.trace import Trace
from ..scenario.models import Scenario
from .stats import share_with_ci, summarise
from .stock import StockReplay, replay

#: Minutes between points of the stock-level curves.
LEVEL_STEP = 30.0


def has_supplies(scenario: Scenario) -> bool:
    return bool(scenario.depots) and any(plan.supplies for plan in scenario.plans)


def level_grid(horizon: float) -> np.ndarray:
    """Times (minutes from the scenario start) at which stock levels are sampled."""
    return np.arange(0.0, horizon + 1e-9, LEVEL_STEP)


def replication_stock(scenario: Scenario, trace: Trace) -> tuple[dict, dict, StockReplay]:
    """Per depot and item, and per incident and item, what one replication's stock did."""
    result = replay(scenario, trace)
    grid = level_grid(trace.horizon)
    depots = {
        f"{depot}|{item}": {
            "initial": stock.ledger.initial,
            "presented": stock.presented,
            "stocked_out": stock.stocked_out,
            "first_stockout": stock.first_stockout,
            "stockout_minutes": stock.stockout_minutes,
            "shortfall": stock.shortfall,
            "days_of_supply": stock.days_of_supply,
            "expiring": stock.expiring_within_horizon,
            "expired_at_start": stock.expired_at_start,
            "level": stock.level_at(grid),
        }
        for (depot, item), stock in result.depots.items()
    }
    incidents = {
        f"{incident}|{item}": {"demand": supply.demand, "unmet": supply.unmet}
        for (incident, item), supply in result.incidents.items()
    }
    return depots, incidents, result


def _interval(ci):
    """A CI for a quantity that cannot be negative (the t-interval can dip below 0)."""
    return [max(0.0, ci[0]), max(0.0, ci[1])] if ci is not None else None


def stock_summary(scenario: Scenario, results) -> dict | None:
    """The ``stock`` and ``supplies`` sections of results.json (None without supplies)."""
    runs = [r.stock for r in results if r.stock]
    if not runs:
        return None
    n = len(results)
    grid = level_grid(scenario.run_length)  # the whole run, as each replication's grid
    rows = []
    for key in runs[0]:
        depot_id, item_id = key.split("|")
        depot, item = scenario.depot(depot_id), scenario.item(item_id)
        per_run = [run[key] for run in runs if key in run]
        out = [run for run in per_run if run["stocked_out"]]
        no_stockout = share_with_ci(len(per_run) - len(out), len(per_run))
        first = summarise([run["first_stockout"] for run in out])
        duration = summarise([run["stockout_minutes"] for run in per_run])
        shortfall = summarise([run["shortfall"] for run in per_run])
        levels = np.vstack([run["level"] for run in per_run])
        days = [run["days_of_supply"] for run in per_run if run["days_of_supply"] is not None]
        rows.append(
            {
                "depot": depot_id,
                "depot_name": depot.name,
                "level": depot.level,
                "item": item_id,
                "item_name": item.name,
                "unit": item.unit,
                "initial": per_run[0]["initial"],
                "expired_at_start": per_run[0]["expired_at_start"],
                "expiring_within_horizon": per_run[0]["expiring"],
                "presented_mean": summarise([run["presented"] for run in per_run]).mean,
                "n_replications": len(per_run),
                "no_stockout_share": no_stockout.share,
                "no_stockout_ci95": _interval(no_stockout.ci),
                "stockout_runs": len(out),
                "first_stockout_median": first.median,
                "first_stockout_ci95_median": _interval(first.ci_median),
                "stockout_minutes_mean": duration.mean,
                "stockout_minutes_ci95": _interval(duration.ci_mean),
                "shortfall_mean": shortfall.mean,
                "shortfall_ci95": _interval(shortfall.ci_mean),
                "days_of_supply_median": float(np.median(days)) if days else None,
                "level_minutes": grid.tolist(),
                "level_mean": levels.mean(axis=0).tolist(),
                "level_p10": np.quantile(levels, 0.1, axis=0).tolist(),
                "level_p90": np.quantile(levels, 0.9, axis=0).tolist(),
            }
        )
    supplies = []
    keys = list(dict.fromkeys(k for r in results for k in r.supplies))
    for key in keys:
        incident_id, item_id = key.split("|")
        per_run = [r.supplies[key] for r in results if key in r.supplies]
        unmet = summarise([run["unmet"] for run in per_run])
        short = sum(1 for run in per_run if run["unmet"] > 1e-9)
        supplies.append(
            {
                "incident": incident_id,
                "item": item_id,
                "item_name": scenario.item(item_id).name,
                "unit": scenario.item(item_id).unit,
                "n_replications": len(per_run),
                "demand_mean": summarise([run["demand"] for run in per_run]).mean,
                "unmet_mean": unmet.mean,
                "unmet_ci95": _interval(unmet.ci_mean),
                "unmet_runs": short,
                "unmet_share_ci95": _interval(share_with_ci(short, len(per_run)).ci),
            }
        )
    return {"replications": n, "depots": rows, "supplies": supplies}

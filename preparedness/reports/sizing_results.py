"""The results document of a stockpile sizing: ``sizing_results`` turns a ``StockpileSizing``
(and its re-simulated check) into one JSON-ready dict, the contract of sizing.json (keys
documented in the README, "Sizing stockpiles"); every sizing output is rendered from it, so
the files never disagree.
"""

from __future__ import annotations

from datetime import timedelta

from ..analysis.demand import daily_amount
from ..analysis.stock import lot_expiry
from ..planning.stock_runs import ResimulatedRow
from ..planning.stockpiles import StockpileSizing
from ..scenario.models import Scenario
from ..scenario.resources import STANDARDS
from ..scenario.supply_network import supply_network
from . import sizing_words as words

__all__ = ["FORMAT", "LEVEL_ORDER", "sizing_results"]

FORMAT = "preparedness.sizing/1"
#: Highest level first: the order an official reads depots in.
LEVEL_ORDER = {"district": 0, "township": 1, "community": 2}


def sizing_results(
    scenario: Scenario,
    sizing: StockpileSizing,
    checked: list[ResimulatedRow] | None,
    *,
    scenario_file: str,
    sha256: str,
    seed: int,
) -> dict:
    """Everything the sizing reports say, as plain JSON values (no timestamps: the same
    scenario, seed and replications give the same dict)."""
    network = supply_network(scenario)
    depots = sorted(scenario.depots, key=lambda d: LEVEL_ORDER[d.level])
    order = {depot.id: k for k, depot in enumerate(depots)}
    items = {item.id: k for k, item in enumerate(scenario.items)}
    check = {(row.depot, row.item): row for row in checked or ()}
    rows = []
    for row in sorted(sizing.rows, key=lambda r: (order[r.depot], items[r.item])):
        depot, item = scenario.depot(row.depot), scenario.item(row.item)
        again = check.get((row.depot, row.item))
        rows.append(
            {
                "depot": depot.id,
                "depot_name": depot.name,
                "depot_level": depot.level,
                "item": item.id,
                "item_name": item.name,
                "unit": item.unit,
                "quantity": row.quantity,
                "packs": row.packs,
                "pack_size": item.pack_size,
                "unit_cost": item.unit_cost,
                "cost": round(row.cost, 2),
                "held_now": _held_now(scenario, depot, item),
                "service_level": row.service.share,
                "service_ci95": _ci(row.service.ci),
                "replications": row.replications,
                "reachable": row.reachable,
                "reason": row.reason,
                "check": None
                if again is None
                else {
                    "service_level": again.service.share,
                    "service_ci95": _ci(again.service.ci),
                    "meets_target": again.meets_target,
                },
            }
        )
    n = sizing.replications
    return {
        "format": FORMAT,
        "scenario": {
            "name": scenario.name,
            "file": scenario_file,
            "sha256": sha256,
            "description": scenario.description.strip(),
        },
        "seed": seed,
        "replications": n,
        "service_level": sizing.service_level,
        "horizon_minutes": scenario.horizon,
        "total_cost": round(sizing.total_cost, 2),
        "all_reachable": all(row["reachable"] for row in rows),
        "check": None
        if checked is None
        else {
            "replications": n,
            "first_replication": n,
            "lateral_transfers": False,
            "all_met": all(row.meets_target for row in checked),
        },
        "incidents": [_incident(scenario, incident) for incident in scenario.incidents],
        "depots": [
            {
                "id": depot.id,
                "name": depot.name,
                "level": depot.level,
                "place": depot.place,
                "supplied_by": network.parent.get(depot.id),
                "restock_lead_time_minutes": depot.restock_lead_time,
                "has_incident": any(i.community == depot.place for i in scenario.incidents),
            }
            for depot in depots
        ],
        "demand_rules": _demand_rules(scenario),
        "rows": rows,
        "rotation": _rotation(scenario, sizing),
    }


def _ci(ci) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


def _held_now(scenario: Scenario, depot, item) -> int:
    """Units of ``item`` the depot holds now that have not expired by the scenario start."""
    return sum(
        lot.quantity
        for lot in depot.stock
        if lot.item == item.id and lot_expiry(scenario, lot.stocked_on, item.shelf_life) > 0
    )


def _incident(scenario: Scenario, incident) -> dict:
    plan = scenario.plan_for(incident)
    affected = incident.affected
    return {
        "id": incident.id,
        "name": incident.name,
        "community": incident.community,
        "plan": None if plan is None else plan.id,
        "plan_name": None if plan is None else plan.name,
        "affected_people": None if affected is None else affected.people,
        "growth_per_hour": None if affected is None else affected.growth_per_hour,
        "max_people": None if affected is None else affected.max_people,
    }


def _demand_rules(scenario: Scenario) -> list[dict]:
    """Each plan's supply rules in words, with the standard and source behind the figure."""
    out = []
    for plan in scenario.plans:
        for rule in plan.supplies:
            item = scenario.item(rule.item)
            standard = source = None
            if rule.per_person_per_day is not None:
                amount = daily_amount(rule, item)
                phrase = f"{words.units(amount, item.unit)} per affected person per day"
                if isinstance(rule.per_person_per_day, str):
                    standard = rule.per_person_per_day
                    figure, unit, source = STANDARDS[standard]
                    if unit != item.unit and item.contains is not None:
                        phrase += (
                            f" ({words.amount(figure)} {unit} a day, one {item.unit} "
                            f"holding {words.amount(item.contains.amount)} {unit})"
                        )
            elif rule.per_responder_per_shift is not None:
                amount = rule.per_responder_per_shift
                phrase = (
                    f"{words.units(amount, item.unit)} per team member on scene per shift "
                    f"of {words.span(rule.shift)}"
                )
            else:
                amount = float(rule.per_task_unit or 0.0)
                tasks = [t.task for t in plan.teams if t.task is not None]
                per = "; ".join(
                    f"{words.units(amount, item.unit)} per {t.unit} of {t.name} "
                    f"({words.units(t.size, t.unit)})"
                    for t in tasks
                )
                phrase = per or f"{words.units(amount, item.unit)} per unit of the plan's tasks"
            out.append(
                {
                    "plan": plan.id,
                    "plan_name": plan.name,
                    "item": item.id,
                    "item_name": item.name,
                    "rule": rule.rule,
                    "amount": amount,
                    "unit": item.unit,
                    "standard": standard,
                    "source": source or f"a figure written in the plan {plan.name}",
                    "words": phrase,
                }
            )
    return out


def _rotation(scenario: Scenario, sizing: StockpileSizing) -> list[dict]:
    """Lots already expired first, then by the date they must be replaced."""
    start = scenario.start.date()
    over = (scenario.start + timedelta(minutes=scenario.horizon)).date()
    lines = []
    for line in sizing.rotation:
        depot, item = scenario.depot(line.depot), scenario.item(line.item)
        status = (
            "recommended"
            if line.recommended
            else "expired"
            if line.expires_on <= start
            else "expires_in_horizon"
            if line.expires_on <= over
            else "held"
        )
        lines.append(
            {
                "depot": depot.id,
                "depot_name": depot.name,
                "item": item.id,
                "item_name": item.name,
                "unit": item.unit,
                "quantity": line.quantity,
                "stocked_on": None if line.stocked_on is None else line.stocked_on.isoformat(),
                "expires_on": line.expires_on.isoformat(),
                "status": status,
                "action": line.action,
            }
        )
    lines.sort(key=lambda x: (x["status"] != "expired", x["expires_on"]))
    return lines

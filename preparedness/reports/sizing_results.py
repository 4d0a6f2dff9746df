"""The results document of a stockpile sizing: ``sizing_results`` turns a ``StockpileSizing``
(and its re-simulated check) into one JSON-ready dict, the contract of sizing.json (keys
documented in the README, "Sizing stockpiles"); every sizing output is rendered from it, so
the files never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ..analysis.demand import daily_amount
from ..planning.hazards import Catalogue, HazardRun
from ..planning.stock_runs import ResimulatedRow
from ..planning.stockpiles import StockpileSizing
from ..scenario.models import Scenario
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
    hazards: Sequence[HazardRun] = (),
    catalogue: Catalogue | None = None,
) -> dict:
    """Everything the sizing reports say, as plain JSON values (no timestamps: the same
    scenarios, seed, replications and plan date give the same dict). With several
    ``hazards`` the depots and items are those of the ``catalogue``."""
    scenarios = [h.scenario for h in hazards] if len(hazards) > 1 else [scenario]
    depot_of = catalogue.depots if catalogue else {d.id: d for d in scenario.depots}
    item_of = catalogue.items if catalogue else {i.id: i for i in scenario.items}
    parents: dict[str, str | None] = {}
    for each in scenarios:
        for depot_id, parent in supply_network(each).parent.items():
            parents.setdefault(depot_id, parent)
    depots = sorted(depot_of.values(), key=lambda d: LEVEL_ORDER[d.level])
    order = {depot.id: k for k, depot in enumerate(depots)}
    items = {item_id: k for k, item_id in enumerate(item_of)}
    check = {(row.depot, row.item): row for row in checked or ()}
    bought = {(line.depot, line.item): line for line in sizing.purchases}
    drawn_by: dict[tuple[str, str], list[str]] = {}
    for hazard in hazards:
        for own in hazard.own.rows:
            drawn_by.setdefault((own.depot, own.item), []).append(hazard.name)
    level = sizing.service_level
    rows = []
    for row in sorted(sizing.rows, key=lambda r: (order[r.depot], items[r.item])):
        depot, item = depot_of[row.depot], item_of[row.item]
        again = check.get((row.depot, row.item))
        purchase = bought.get((row.depot, row.item))
        rows.append(
            {
                "depot": depot.id,
                "depot_name": depot.name,
                "depot_level": depot.level,
                "item": item.id,
                "item_name": item.name,
                "unit": item.unit,
                "quantity": row.quantity,
                "quantity_ci95": None if row.quantity_ci is None else list(row.quantity_ci),
                "quantity_note": words.interval_note(
                    row.quantity, row.quantity_ci, row.replications
                ),
                "packs": row.packs,
                "pack_size": item.pack_size,
                "unit_cost": item.unit_cost,
                "cost": round(row.cost, 2),
                "held_now": 0 if purchase is None else purchase.usable,
                "service_level": row.service.share,
                "service_ci95": _ci(row.service.ci),
                "replications": row.replications,
                "reachable": row.reachable,
                "reason": row.reason,
                "hazards": drawn_by.get((row.depot, row.item), [scenario.name]),
                "check": None
                if again is None
                else {
                    "service_level": again.service.share,
                    "service_ci95": _ci(again.service.ci),
                    "meets_target": again.meets_target,
                    "note": words.under_target_note(again.service.share, again.service.ci, level),
                },
            }
        )
    n = sizing.replications
    as_of = sizing.as_of or scenario.start.date()
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
        "service_level": level,
        "service_level_meaning": words.service_meaning(level),
        "horizon_minutes": scenario.horizon,
        "windows": [_window(each) for each in scenarios],
        "as_of": as_of.isoformat(),
        "total_cost": round(sizing.total_cost, 2),
        "purchase_cost": round(sizing.purchase_cost, 2),
        "all_reachable": all(row["reachable"] for row in rows),
        "check": None
        if checked is None
        else {
            "replications": n,
            "first_replication": n,
            "lateral_transfers": False,
            "all_met": all(row.meets_target for row in checked),
        },
        "incidents": [
            _incident(each, incident) | {"hazard": each.name}
            for each in scenarios
            for incident in each.incidents
        ],
        "depots": [
            {
                "id": depot.id,
                "name": depot.name,
                "level": depot.level,
                "place": depot.place,
                "supplied_by": parents.get(depot.id),
                "restock_lead_time_minutes": depot.restock_lead_time,
                "has_incident": any(
                    i.community == depot.place for each in scenarios for i in each.incidents
                ),
            }
            for depot in depots
        ],
        "demand_rules": [
            rule | {"hazard": each.name} for each in scenarios for rule in _demand_rules(each)
        ],
        "rows": rows,
        "purchases": _purchases(sizing, depot_of, item_of, order, items),
        "rotation": _rotation(scenario, sizing, depot_of, item_of),
        "hazards": [_hazard(h, level, depot_of, item_of) for h in hazards]
        if len(hazards) > 1
        else [],
    }


def _window(scenario: Scenario) -> dict:
    """The stretch of an emergency the quantities cover: from the scenario's start, for its
    horizon (a resupplied depot only until its resupply arrives)."""
    start = scenario.start
    end = start + timedelta(minutes=scenario.run_length)
    return {
        "hazard": scenario.name,
        "from": start.isoformat(timespec="minutes"),
        "to": end.isoformat(timespec="minutes"),
        "minutes": scenario.run_length,
        "words": words.window_words(scenario.name, start, scenario.run_length),
    }


def _purchases(sizing: StockpileSizing, depot_of, item_of, order, items) -> list[dict]:
    """The purchase list, highest depot level first; lines with nothing to buy or replace
    left out."""
    out = []
    for line in sorted(sizing.purchases, key=lambda x: (order[x.depot], items[x.item])):
        if line.buy == 0 and line.replaced == 0:
            continue
        depot, item = depot_of[line.depot], item_of[line.item]
        out.append(
            {
                "depot": depot.id,
                "depot_name": depot.name,
                "item": item.id,
                "item_name": item.name,
                "unit": item.unit,
                "recommended": line.recommended,
                "usable": line.usable,
                "replaced": line.replaced,
                "buy": line.buy,
                "packs": line.packs,
                "pack_size": item.pack_size,
                "unit_cost": item.unit_cost,
                "cost": round(line.cost, 2),
            }
        )
    return out


def _hazard(hazard: HazardRun, level: float, depot_of, item_of) -> dict:
    """One hazard's service with the combined plan: per depot and item it draws on."""
    check = {(row.depot, row.item): row for row in hazard.check or ()}
    rows = []
    for service in hazard.service:
        again = check.get((service.depot, service.item))
        rows.append(
            {
                "depot": service.depot,
                "depot_name": depot_of[service.depot].name,
                "item": service.item,
                "item_name": item_of[service.item].name,
                "unit": item_of[service.item].unit,
                "own_quantity": service.own_quantity,
                "quantity": service.quantity,
                "service_level": service.service.share,
                "service_ci95": _ci(service.service.ci),
                "check": None
                if again is None
                else {
                    "service_level": again.service.share,
                    "service_ci95": _ci(again.service.ci),
                    "meets_target": again.meets_target,
                    "note": words.under_target_note(again.service.share, again.service.ci, level),
                },
            }
        )
    return {
        "name": hazard.name,
        "file": hazard.file,
        "sha256": hazard.sha256,
        "seed": hazard.seed,
        "replications": hazard.own.replications,
        "horizon_minutes": hazard.scenario.horizon,
        "own_cost": round(hazard.own.total_cost, 2),
        "rows": rows,
    }


def _ci(ci) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


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
    """Each plan's supply rules, with the standard and source behind the figure and, in
    ``words``, in English (``sizing_words.demand_words`` renders them in any language)."""
    out = []
    for plan in scenario.plans:
        for rule in plan.supplies:
            item = scenario.item(rule.item)
            if rule.per_person_per_day is not None:
                amount = daily_amount(rule, item)
            elif rule.per_responder_per_shift is not None:
                amount = rule.per_responder_per_shift
            else:
                amount = float(rule.per_task_unit or 0.0)
            standard = rule.per_person_per_day if isinstance(rule.per_person_per_day, str) else None
            entry = {
                "plan": plan.id,
                "plan_name": plan.name,
                "item": item.id,
                "item_name": item.name,
                "rule": rule.rule,
                "amount": amount,
                "unit": item.unit,
                "standard": standard,
                "contains": None if item.contains is None else item.contains.amount,
                "shift": rule.shift,
                "tasks": [
                    {"name": t.task.name, "unit": t.task.unit, "size": t.task.size}
                    for t in plan.teams
                    if t.task is not None and rule.rule == "per_task_unit"
                ],
            }
            out.append(
                entry | {"source": words.demand_source(entry), "words": words.demand_words(entry)}
            )
    return out


def _rotation(scenario: Scenario, sizing: StockpileSizing, depot_of, item_of) -> list[dict]:
    """Lots already expired first, then by the date they must be replaced; statuses are
    relative to the plan date."""
    start = sizing.as_of or scenario.start.date()
    over = (
        datetime.combine(start, datetime.min.time()) + timedelta(minutes=scenario.run_length)
    ).date()
    lines = []
    for line in sizing.rotation:
        depot, item = depot_of[line.depot], item_of[line.item]
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
                "shelf_life_minutes": item.shelf_life,
                "action": line.action,
            }
        )
    lines.sort(key=lambda x: (x["status"] != "expired", x["expires_on"]))
    return lines

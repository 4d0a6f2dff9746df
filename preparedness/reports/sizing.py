"""A stockpile sizing for a township official: sizing.md in plain words, sizing.csv,
rotation.csv and sizing.json, the console table, and the report folder they go in.

``sizing_results`` turns a ``StockpileSizing`` (and its re-simulated check) into one
JSON-ready dict, the contract of sizing.json (keys documented in the README); every other
output is rendered from that dict, so the files never disagree. Names from the scenario are
escaped for each medium (``escape``) and kept in UTF-8, Chinese included.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.demand import daily_amount
from ..analysis.stock import lot_expiry
from ..experiment.sizing import ResimulatedRow, StockpileSizing, describe_span
from ..scenario.models import Scenario
from ..scenario.resources import STANDARDS
from ..scenario.supply_network import supply_network
from .atomic import ReportFolder, clean_stale_partials, unique_run_label
from .escape import csv_cell, md_cell, terminal_text
from .folder import scenario_folder_name

__all__ = [
    "FORMAT",
    "print_sizing",
    "rotation_csv",
    "sizing_csv",
    "sizing_json",
    "sizing_markdown",
    "sizing_results",
    "write_sizing_report",
]

FORMAT = "preparedness.sizing/1"
#: Highest level first: the order an official reads depots in.
LEVEL_ORDER = {"district": 0, "township": 1, "community": 2}


# ----------------------------------------------------------------------------- report data


def sizing_results(scenario: Scenario, sizing: StockpileSizing,
                   checked: list[ResimulatedRow] | None, *, scenario_file: str,
                   sha256: str, seed: int) -> dict:
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
        rows.append({
            "depot": depot.id, "depot_name": depot.name, "depot_level": depot.level,
            "item": item.id, "item_name": item.name, "unit": item.unit,
            "quantity": row.quantity, "packs": row.packs, "pack_size": item.pack_size,
            "unit_cost": item.unit_cost, "cost": round(row.cost, 2),
            "held_now": _held_now(scenario, depot, item),
            "service_level": row.service.share, "service_ci95": _ci(row.service.ci),
            "replications": row.replications, "reachable": row.reachable,
            "reason": row.reason,
            "check": None if again is None else {
                "service_level": again.service.share, "service_ci95": _ci(again.service.ci),
                "meets_target": again.meets_target,
            },
        })
    n = sizing.replications
    return {
        "format": FORMAT,
        "scenario": {"name": scenario.name, "file": scenario_file, "sha256": sha256,
                     "description": scenario.description.strip()},
        "seed": seed,
        "replications": n,
        "service_level": sizing.service_level,
        "horizon_minutes": scenario.horizon,
        "total_cost": round(sizing.total_cost, 2),
        "all_reachable": all(row["reachable"] for row in rows),
        "check": None if checked is None else {
            "replications": n, "first_replication": n, "lateral_transfers": False,
            "all_met": all(row.meets_target for row in checked),
        },
        "incidents": [_incident(scenario, incident) for incident in scenario.incidents],
        "depots": [{
            "id": depot.id, "name": depot.name, "level": depot.level, "place": depot.place,
            "supplied_by": network.parent.get(depot.id),
            "restock_lead_time_minutes": depot.restock_lead_time,
            "has_incident": any(i.community == depot.place for i in scenario.incidents),
        } for depot in depots],
        "demand_rules": _demand_rules(scenario),
        "rows": rows,
        "rotation": _rotation(scenario, sizing),
    }


def _ci(ci) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


def _held_now(scenario: Scenario, depot, item) -> int:
    """Units of ``item`` the depot holds now that have not expired by the scenario start."""
    return sum(lot.quantity for lot in depot.stock if lot.item == item.id
               and lot_expiry(scenario, lot.stocked_on, item.shelf_life) > 0)


def _incident(scenario: Scenario, incident) -> dict:
    plan = scenario.plan_for(incident)
    affected = incident.affected
    return {
        "id": incident.id, "name": incident.name, "community": incident.community,
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
                words = f"{_units(amount, item.unit)} per affected person per day"
                if isinstance(rule.per_person_per_day, str):
                    standard = rule.per_person_per_day
                    figure, unit, source = STANDARDS[standard]
                    if unit != item.unit and item.contains is not None:
                        words += (f" ({_amount(figure)} {unit} a day, one {item.unit} holding "
                                  f"{_amount(item.contains.amount)} {unit})")
            elif rule.per_responder_per_shift is not None:
                amount = rule.per_responder_per_shift
                words = (f"{_units(amount, item.unit)} per team member on scene per shift of "
                         f"{_span(rule.shift)}")
            else:
                amount = float(rule.per_task_unit or 0.0)
                tasks = [t.task for t in plan.teams if t.task is not None]
                per = "; ".join(f"{_units(amount, item.unit)} per {t.unit} of {t.name} "
                                f"({_units(t.size, t.unit)})" for t in tasks)
                words = per or f"{_units(amount, item.unit)} per unit of the plan's tasks"
            out.append({"plan": plan.id, "plan_name": plan.name, "item": item.id,
                        "item_name": item.name, "rule": rule.rule, "amount": amount,
                        "unit": item.unit, "standard": standard,
                        "source": source or f"a figure written in the plan {plan.name}",
                        "words": words})
    return out


def _rotation(scenario: Scenario, sizing: StockpileSizing) -> list[dict]:
    """Lots already expired first, then by the date they must be replaced."""
    start = scenario.start.date()
    over = (scenario.start + timedelta(minutes=scenario.horizon)).date()
    lines = []
    for line in sizing.rotation:
        depot, item = scenario.depot(line.depot), scenario.item(line.item)
        status = ("recommended" if line.recommended
                  else "expired" if line.expires_on <= start
                  else "expires_in_horizon" if line.expires_on <= over else "held")
        lines.append({
            "depot": depot.id, "depot_name": depot.name, "item": item.id,
            "item_name": item.name, "unit": item.unit, "quantity": line.quantity,
            "stocked_on": None if line.stocked_on is None else line.stocked_on.isoformat(),
            "expires_on": line.expires_on.isoformat(), "status": status,
            "action": line.action,
        })
    lines.sort(key=lambda x: (x["status"] != "expired", x["expires_on"]))
    return lines


# ----------------------------------------------------------------------------- words


def _amount(value: float) -> str:
    """``3800`` -> ``3,800``; ``2.5`` -> ``2.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _units(quantity: float, unit: str) -> str:
    """``3,800 bags``, ``6,144 L``: English words of three letters or more take a plural."""
    word = unit
    if quantity != 1 and len(unit) >= 3 and unit.isascii() and unit.isalpha() \
            and unit.islower() and not unit.endswith("s"):
        word = unit + ("es" if unit.endswith(("x", "ch", "sh")) else "s")
    return f"{_amount(quantity)} {word}"


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.1f}".removesuffix(".0") + "%"


def _pct_ci(ci) -> str:
    """``91.0–97.3%``: both ends to one decimal, except the exact ends 0 and 100."""
    if ci is None:
        return "—"
    low, high = (("0" if v == 0 else "100" if v == 1 else f"{100 * v:.1f}") for v in ci)
    return f"{low}–{high}%"


def _span(minutes: float) -> str:
    """``8 hours``, ``1 day``, ``3 years``: as a planner says it."""
    if minutes < 1440 and minutes % 60 == 0:
        hours = int(minutes // 60)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return describe_span(minutes)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _level_words(level: str) -> str:
    return f"{level} depot"


def _incident_names(results: dict) -> str:
    names = [md_cell(i["name"]) for i in results["incidents"]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _held_sentence(row: dict) -> str:
    if not row["reachable"] and row["quantity"] == 0:
        return f"{md_cell(row['item_name'])} **no quantity is enough** (see below)"
    text = f"{md_cell(row['item_name'])} **{_units(row['quantity'], row['unit'])}**"
    return text if row["reachable"] else text + " (short of the target at any quantity)"


def _nothing_needed(depot: dict, rows: list[dict]) -> str:
    if not depot["has_incident"] and depot["level"] == "community":
        return ("nothing for these incidents: none of them is in its community. Size it with "
                "a scenario that has an incident there")
    if all(row["service_level"] == 1.0 for row in rows):
        return "nothing: in no run was anything asked of it before its resupply came"
    worst = min(row["service_level"] for row in rows)
    return f"nothing: even holding none it ran out in only {_pct(1 - worst)} of runs"


# ----------------------------------------------------------------------------- sizing.md


def sizing_markdown(results: dict, manifest: dict) -> str:
    level, n = results["service_level"], results["replications"]
    by_depot = _rows_by_depot(results)
    lines = [
        f"# Stockpiles for {md_cell(results['scenario']['name'])}",
        "",
        f"To run out in no more than {_pct(1 - level)} of emergencies like this one "
        f"({_incident_names(results)}, simulated {n:,} times), hold:",
        "",
    ]
    for depot in results["depots"]:
        rows = by_depot.get(depot["id"], [])
        held = [row for row in rows if row["quantity"] > 0 or not row["reachable"]]
        cost = math.fsum(row["cost"] for row in rows)
        what = ("; ".join(_held_sentence(row) for row in held) + f" ({_money(cost)} yuan)"
                if held else _nothing_needed(depot, rows))
        lines.append(f"- **{md_cell(depot['name'])}** ({_level_words(depot['level'])}): "
                     f"{what}.")
    lines += ["", f"Total cost: **{_money(results['total_cost'])} yuan** at the unit costs "
              "in the scenario, bought new now.", ""]
    if any(depot["supplied_by"] is not None for depot in results["depots"]):
        lines += ["A depot resupplied from the depot above it only has to last until that "
                  "depot's first truck arrives (reaching the keepers, the release, loading and "
                  "the drive are all simulated); from then on the depot above serves the "
                  "community's need, which is why it holds most of the stock.", ""]
    lines += _how_sure(results)
    lines += _not_reachable(results)
    lines += _table(results)
    lines += _assumptions(results)
    lines += _rotation_section(results)
    lines += [
        "---",
        "",
        f"Scenario file {md_cell(results['scenario']['file'])} (SHA-256 "
        f"{results['scenario']['sha256'][:12]}…), root seed {results['seed']}; written "
        f"{manifest['finished_at']} by preparedness {manifest['package_version']}. "
        "Every figure is in sizing.json; one row per depot and item in sizing.csv.",
    ]
    return "\n".join(lines).rstrip() + "\n"


def _rows_by_depot(results: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in results["rows"]:
        out.setdefault(row["depot"], []).append(row)
    return out


def _how_sure(results: dict) -> list[str]:
    level, n = results["service_level"], results["replications"]
    widest = max(((row["service_ci95"][1] - row["service_ci95"][0]) / 2
                  for row in results["rows"] if row["service_ci95"]), default=0.0)
    text = (f"**How sure this is.** Each quantity is the least, in whole packs, with which "
            f"the depot did not run out in at least {_pct(level)} of {n:,} simulated runs "
            f"(running out counts while the depot is open and before its own resupply "
            f"arrives; for a depot nobody resupplies, over the whole run). From {n:,} runs "
            f"each of these shares is known to within about "
            f"±{100 * widest:.0f} percentage points (95% confidence intervals in the table).")
    check = results["check"]
    if check is None:
        return [text, "", "The recommendation was not checked on new runs (--no-check).", ""]
    missed = [row for row in results["rows"]
              if row["reachable"] and not row["check"]["meets_target"]]
    text += (f" Checked by simulating {check['replications']:,} new runs with these "
             f"quantities: ")
    if not missed:
        text += ("every depot and item whose target can be met met it within its interval "
                 "(a level a little under the target is within chance)."
                 if not results["all_reachable"] else
                 "every depot and item met the target within its interval (a level a little "
                 "under the target is within chance).")
    else:
        parts = ", ".join(f"{md_cell(r['depot_name'])} — {md_cell(r['item_name'])} "
                          f"{_pct(r['check']['service_level'])} "
                          f"({_pct_ci(r['check']['service_ci95'])})" for r in missed)
        text += (f"{len(missed)} did not reach it even within their interval: {parts}. "
                 "Consider more runs (-n) or a pack more there.")
    return [text, ""]


def _not_reachable(results: dict) -> list[str]:
    rows = [row for row in results["rows"] if not row["reachable"]]
    if not rows:
        return []
    lines = ["## Targets no quantity can meet", ""]
    lines += [f"- **{md_cell(r['depot_name'])}** — {md_cell(r['item_name'])}: "
              f"{md_cell(r['reason'])}. The table keeps the least quantity reaching the best "
              f"share possible ({_pct(r['service_level'])})." for r in rows]
    return [*lines, ""]


def _table(results: dict) -> list[str]:
    check = results["check"]
    lines = [
        "## Recommended stock by depot",
        "",
        "'Held now' is what the depot holds today that has not expired. 'No stock-out' is "
        "the share of runs in which the depot did not run out, with its 95% confidence "
        "interval and the number of runs.",
        "",
        "| Depot | Item | Hold | Packs | Cost (yuan) | Held now | No stock-out (95% CI) | "
        "Checked on new runs (95% CI) |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in results["rows"]:
        service = (f"{_pct(row['service_level'])} ({_pct_ci(row['service_ci95'])}), "
                   f"{row['replications']:,} runs")
        if not row["reachable"]:
            service += ", target not reachable"
        if row["check"] is None:
            again = "not checked"
        else:
            mark = "met" if row["check"]["meets_target"] else "**not met**"
            again = (f"{_pct(row['check']['service_level'])} "
                     f"({_pct_ci(row['check']['service_ci95'])}), "
                     f"{check['replications']:,} runs: {mark}")
        lines.append(
            f"| {md_cell(row['depot_name'])} | {md_cell(row['item_name'])} | "
            f"{md_cell(_units(row['quantity'], row['unit']))} | "
            f"{row['packs']:,} × {row['pack_size']:,} | {_money(row['cost'])} | "
            f"{_amount(row['held_now'])} | {service} | {again} |")
    lines += [f"| **Total** | | | | **{_money(results['total_cost'])}** | | | |", ""]
    return lines


def _assumptions(results: dict) -> list[str]:
    n, level = results["replications"], results["service_level"]
    depots = {d["id"]: d for d in results["depots"]}
    lines = ["## What it assumes", "", "Demand, as the plans state it:", ""]
    for rule in results["demand_rules"]:
        lines.append(f"- {md_cell(rule['item_name'])}: {md_cell(rule['words'])}. Source: "
                     f"{md_cell(rule['source'])}.")
    lines += ["", "People affected:", ""]
    for incident in results["incidents"]:
        if incident["affected_people"] is None:
            lines.append(f"- {md_cell(incident['name'])}: no one counted as affected.")
            continue
        text = f"- {md_cell(incident['name'])}: {incident['affected_people']:,} people"
        if incident["growth_per_hour"]:
            cap = incident["max_people"]
            text += (f", {_pct(incident['growth_per_hour'])} more each hour until the plan's "
                     f"team tasks are done" + (f", at most {cap:,}" if cap else ""))
        lines.append(text + ".")
    lines += ["", "How the quantities were found:", ""]
    for depot in results["depots"]:
        parent = depot["supplied_by"]
        if parent is not None:
            lines.append(f"- {md_cell(depot['name'])} is resupplied from "
                         f"{md_cell(depots[parent]['name']) if parent in depots else parent} "
                         "when that depot's truck arrives (keeper reached, release approved, "
                         "loading and travel all simulated); the depot above holds what it "
                         "sends down.")
        elif depot["restock_lead_time_minutes"] is not None:
            lines.append(f"- {md_cell(depot['name'])} is resupplied by no depot; it orders "
                         f"a restock when it opens, which arrives "
                         f"{_span(depot['restock_lead_time_minutes'])} later and "
                         "refills it once with the same quantity.")
        else:
            lines.append(f"- {md_cell(depot['name'])} is resupplied by no depot and not "
                         "restocked: its quantity must last the whole run "
                         f"({_span(results['horizon_minutes'])}).")
    lines += [
        "- Transfers between neighbouring communities are not counted on: a neighbour's "
        "reserve may be needed at home.",
        "- Stock is bought new now, in whole packs, and lasts its shelf life; quantities "
        "held today are not counted (see 'Held now' and the rotation plan).",
        "- Least cost: depots are sized from the communities up, each holding the least that "
        "meets the target given what the depots below it cannot serve. This is the cheapest "
        "allocation because each item has one unit cost at every depot; with different "
        "costs per depot it would no longer be guaranteed.",
        f"- The target is {_pct(level)} of runs without running out at each depot and item "
        f"separately (the chance that one depot or another runs out is higher); sized on "
        f"runs 0–{n - 1:,} of root seed {results['seed']}"
        + ("" if results["check"] is None else
           f", checked on runs {n:,}–{2 * n - 1:,}") + ".",
        "",
    ]
    return lines


def _rotation_section(results: dict) -> list[str]:
    lines = ["## Rotation plan", ""]
    if not results["rotation"]:
        return [*lines, "No item expires.", ""]
    span = _span(results["horizon_minutes"])
    lines += [
        "What to replace by when: lots already expired first, then by expiry date; a lot "
        f"that expires within {span} would run out of date during an emergency starting "
        "now. "
        "'Recommended' rows are the quantities above, bought new now.",
        "",
        "| | Depot | Item | Quantity | Stocked on | Expires on | What to do |",
        "|---|---|---|---:|---|---|---|",
    ]
    for line in results["rotation"]:
        flag = {"expired": "**EXPIRED**", "recommended": "recommended", "held": "",
                "expires_in_horizon": f"**expires within {span}**"}
        lines.append(
            f"| {flag[line['status']]} | {md_cell(line['depot_name'])} | "
            f"{md_cell(line['item_name'])} | {md_cell(_units(line['quantity'], line['unit']))} "
            f"| {line['stocked_on'] or 'now'} | {line['expires_on']} | "
            f"{md_cell(line['action'])} |")
    return [*lines, ""]


# ----------------------------------------------------------------------------- exports

SIZING_COLUMNS = [
    "depot", "depot_name", "depot_level", "item", "item_name", "unit", "quantity", "packs",
    "pack_size", "unit_cost", "cost", "held_now", "service_level", "service_ci95_low",
    "service_ci95_high", "replications", "reachable", "reason", "check_service_level",
    "check_ci95_low", "check_ci95_high", "check_meets_target",
]
ROTATION_COLUMNS = ["status", "depot", "depot_name", "item", "item_name", "unit", "quantity",
                    "stocked_on", "expires_on", "action"]


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def sizing_csv(results: dict) -> str:
    """One row per depot and item; shares to four decimals, empty when not checked."""
    def rows():
        for row in results["rows"]:
            low, high = row["service_ci95"] or (None, None)
            check = row["check"] or {}
            c_low, c_high = check.get("service_ci95") or (None, None)
            yield [row["depot"], row["depot_name"], row["depot_level"], row["item"],
                   row["item_name"], row["unit"], row["quantity"], row["packs"],
                   row["pack_size"], row["unit_cost"], f"{row['cost']:.2f}", row["held_now"],
                   _share(row["service_level"]), _share(low), _share(high),
                   row["replications"], row["reachable"], row["reason"] or "",
                   _share(check.get("service_level")), _share(c_low), _share(c_high),
                   "" if not check else check["meets_target"]]

    return _csv(SIZING_COLUMNS, rows())


def rotation_csv(results: dict) -> str:
    return _csv(ROTATION_COLUMNS, ([line[c] or "" for c in ROTATION_COLUMNS]
                                   for line in results["rotation"]))


def sizing_json(results: dict) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ----------------------------------------------------------------------------- console


def print_sizing(console: Console, results: dict) -> None:
    """One small table per depot, highest level first, then the total."""
    level = results["service_level"]
    console.print(Text.assemble(
        (terminal_text(results["scenario"]["name"]), "bold"),
        f": stock to run out in no more than {_pct(1 - level)} of runs "
        f"({results['replications']} runs, seed {results['seed']})"))
    by_depot = _rows_by_depot(results)
    for depot in results["depots"]:
        rows = by_depot.get(depot["id"], [])
        cost = math.fsum(row["cost"] for row in rows)
        table = Table(title=Text(f"{terminal_text(depot['name'])} ({depot['level']}), "
                                 f"{_money(cost)} yuan"),
                      title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("Item", ratio=1)
        table.add_column("Hold", justify="right", no_wrap=True)
        table.add_column("No stock-out (95% CI)", justify="right", no_wrap=True)
        table.add_column("Checked on new runs", justify="right", no_wrap=True)
        for row in rows:
            check, style = "—", ""
            if row["check"] is not None:
                met = row["check"]["meets_target"]
                check = (f"{_pct(row['check']['service_level'])} "
                         f"({_pct_ci(row['check']['service_ci95'])}) "
                         f"{'met' if met else 'NOT MET'}")
                style = "" if met else "red"
            table.add_row(Text(terminal_text(row["item_name"])),
                          Text(terminal_text(_units(row["quantity"], row["unit"]))),
                          Text(f"{_pct(row['service_level'])} ({_pct_ci(row['service_ci95'])})",
                               style="" if row["reachable"] else "red"),
                          Text(check, style=style))
        console.print(table)
    console.print(f"Total cost: {_money(results['total_cost'])} yuan", markup=False)
    unreachable = sum(not row["reachable"] for row in results["rows"])
    if unreachable:
        console.print(f"{unreachable} depot and item targets cannot be met at any quantity; "
                      "see sizing.md", markup=False)


# ----------------------------------------------------------------------------- folder


def write_sizing_report(out_root: Path, results: dict, manifest: dict, now: datetime) -> Path:
    """Write sizing.md, sizing.csv, rotation.csv, sizing.json and manifest.json into a new
    ``<out>/<scenario>/sizing/<label>/`` folder that appears only once complete."""
    parent = Path(out_root) / scenario_folder_name(results["scenario"]["name"]) / "sizing"
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(parent)
    final = parent / unique_run_label(parent, now)
    files = {
        "sizing.md": sizing_markdown(results, manifest),
        "sizing.csv": sizing_csv(results),
        "rotation.csv": rotation_csv(results),
        "sizing.json": sizing_json(results),
        "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
    }
    with ReportFolder(final) as staging:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
    return final

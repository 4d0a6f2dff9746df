"""A stockpile sizing rendered for people: sizing.md in plain words for a township official,
and the console table. Both read the results dict (``sizing_results``) only; names from
the scenario are escaped for each medium (``escape``) and kept in UTF-8, Chinese included.
"""

from __future__ import annotations

import math

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import sizing_words as words
from .escape import md_cell, terminal_text
from .sizing_purchase import (
    hazard_lines,
    print_hazards,
    print_purchases,
    print_window,
    purchase_lines,
    quantity_words,
    window_lines,
)

__all__ = ["print_sizing", "sizing_markdown"]


def _level_words(level: str) -> str:
    return f"{level} depot"


def _incident_names(results: dict) -> str:
    names = [md_cell(i["name"]) for i in results["incidents"]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _held_sentence(row: dict) -> str:
    if not row["reachable"] and row["quantity"] == 0:
        return f"{md_cell(row['item_name'])} **no quantity is enough** (see below)"
    text = f"{md_cell(row['item_name'])} **{md_cell(words.units(row['quantity'], row['unit']))}**"
    return text if row["reachable"] else text + " (short of the target at any quantity)"


def _nothing_needed(depot: dict, rows: list[dict]) -> str:
    if not depot["has_incident"] and depot["level"] == "community":
        return (
            "nothing for these incidents: none of them is in its community. Size it with "
            "a scenario that has an incident there"
        )
    if all(row["service_level"] == 1.0 for row in rows):
        return "nothing: in no run was anything asked of it before its resupply came"
    worst = min(row["service_level"] for row in rows)
    return f"nothing: even holding none it ran out in only {words.pct(1 - worst)} of runs"


# ----------------------------------------------------------------------------- sizing.md


def sizing_markdown(results: dict, manifest: dict) -> str:
    level, n = results["service_level"], results["replications"]
    by_depot = _rows_by_depot(results)
    hazards = [h["name"] for h in results["hazards"]]
    title = " + ".join(md_cell(h) for h in hazards) or md_cell(results["scenario"]["name"])
    lines = [
        f"# Stockpiles for {title}",
        "",
        f"To run out in no more than {words.pct(1 - level)} of emergencies like "
        + ("this one" if not hazards else "each of these")
        + f" ({_incident_names(results)}, simulated {n:,} times"
        + ("" if not hazards else " each")
        + "), hold:",
        "",
    ]
    for depot in results["depots"]:
        rows = by_depot.get(depot["id"], [])
        held = [row for row in rows if row["quantity"] > 0 or not row["reachable"]]
        cost = math.fsum(row["cost"] for row in rows)
        what = (
            "; ".join(_held_sentence(row) for row in held) + f" ({words.money(cost)} yuan)"
            if held
            else _nothing_needed(depot, rows)
        )
        lines.append(f"- **{md_cell(depot['name'])}** ({_level_words(depot['level'])}): {what}.")
    lines += [
        "",
        f"Total cost: **{words.money(results['total_cost'])} yuan** at the unit costs "
        "in the scenario, all bought new; "
        f"**{words.money(results['purchase_cost'])} yuan** counting the usable stock already "
        f"on the shelf on {results['as_of']} (see 'What to buy').",
        "",
    ]
    lines += window_lines(results)
    if any(depot["supplied_by"] is not None for depot in results["depots"]):
        lines += [
            "A depot resupplied from the depot above it only has to last until that "
            "depot's first truck arrives (reaching the keepers, the release, loading and "
            "the drive are all simulated); from then on the depot above serves the "
            "community's need, which is why it holds most of the stock.",
            "",
        ]
    lines += _how_sure(results)
    lines += _not_reachable(results)
    lines += _table(results)
    lines += purchase_lines(results)
    lines += hazard_lines(results)
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
    widest = max(
        (
            (row["service_ci95"][1] - row["service_ci95"][0]) / 2
            for row in results["rows"]
            if row["service_ci95"]
        ),
        default=0.0,
    )
    text = (
        f"**How sure this is.** Each quantity is the least, in whole packs, with which "
        f"the depot did not run out in at least {words.pct(level)} of {n:,} simulated runs "
        f"(running out counts while the depot is open and before its own resupply "
        f"arrives; for a depot nobody resupplies, over the whole run). From {n:,} runs "
        f"each of these shares is known to within about "
        f"±{100 * widest:.0f} percentage points (95% confidence intervals in the table)."
    )
    check = results["check"]
    if check is None:
        return [text, "", "The recommendation was not checked on new runs (--no-check).", ""]
    missed = [
        row for row in results["rows"] if row["reachable"] and not row["check"]["meets_target"]
    ]
    text += f" Checked by simulating {check['replications']:,} new runs with these quantities: "
    if not missed:
        text += (
            "every depot and item whose target can be met met it within its interval "
            "(a level a little under the target is within chance)."
            if not results["all_reachable"]
            else "every depot and item met the target within its interval (a level a little "
            "under the target is within chance)."
        )
    else:
        parts = ", ".join(
            f"{md_cell(r['depot_name'])} — {md_cell(r['item_name'])} "
            f"{words.pct(r['check']['service_level'])} "
            f"({words.pct_ci(r['check']['service_ci95'])})"
            for r in missed
        )
        text += (
            f"{len(missed)} did not reach it even within their interval: {parts}. "
            "Consider more runs (-n) or a pack more there."
        )
    return [text, ""]


def _not_reachable(results: dict) -> list[str]:
    rows = [row for row in results["rows"] if not row["reachable"]]
    if not rows:
        return []
    lines = ["## Targets no quantity can meet", ""]
    lines += [
        f"- **{md_cell(r['depot_name'])}** — {md_cell(r['item_name'])}: "
        f"{md_cell(r['reason'])}. The table keeps the least quantity reaching the best "
        f"share possible ({words.pct(r['service_level'])})."
        for r in rows
    ]
    return [*lines, ""]


def _table(results: dict) -> list[str]:
    check = results["check"]
    lines = [
        "## Recommended stock by depot",
        "",
        "'Hold (95% CI)' gives the quantity with the range it could take on other runs: "
        "the 95% order-statistic interval of the service-level quantile of what each run "
        "needed. 'Usable now' is what the depot holds on the plan date that lasts through "
        "an emergency starting then. 'No stock-out' is the share of runs in which the depot "
        "did not run out, with its 95% confidence interval and the number of runs.",
        "",
        "| Depot | Item | Hold (95% CI) | Packs | Cost (yuan) | Usable now | "
        "No stock-out (95% CI) | Checked on new runs (95% CI) |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in results["rows"]:
        service = (
            f"{words.pct(row['service_level'])} ({words.pct_ci(row['service_ci95'])}), "
            f"{row['replications']:,} runs"
        )
        if not row["reachable"]:
            service += ", target not reachable"
        if row["check"] is None:
            again = "not checked"
        else:
            mark = "met" if row["check"]["meets_target"] else "**not met**"
            again = (
                f"{words.pct(row['check']['service_level'])} "
                f"({words.pct_ci(row['check']['service_ci95'])}), "
                f"{check['replications']:,} runs: {mark}"
            )
            if row["check"].get("note"):
                again += f" ({md_cell(row['check']['note'])})"
        hold = f"{words.units(row['quantity'], row['unit'])} ({quantity_words(row)})"
        if row.get("quantity_note"):
            hold += f"; {row['quantity_note']}"
        lines.append(
            f"| {md_cell(row['depot_name'])} | {md_cell(row['item_name'])} | "
            f"{md_cell(hold)} | "
            f"{row['packs']:,} × {row['pack_size']:,} | {words.money(row['cost'])} | "
            f"{words.amount(row['held_now'])} | {service} | {again} |"
        )
    lines += [f"| **Total** | | | | **{words.money(results['total_cost'])}** | | | |", ""]
    return lines


def _assumptions(results: dict) -> list[str]:
    n, level = results["replications"], results["service_level"]
    depots = {d["id"]: d for d in results["depots"]}
    lines = ["## What it assumes", "", "Demand, as the plans state it:", ""]
    for rule in results["demand_rules"]:
        lines.append(
            f"- {md_cell(rule['item_name'])}: {md_cell(rule['words'])}. Source: "
            f"{md_cell(rule['source'])}."
        )
    lines += ["", "People affected:", ""]
    for incident in results["incidents"]:
        if incident["affected_people"] is None:
            lines.append(f"- {md_cell(incident['name'])}: no one counted as affected.")
            continue
        text = f"- {md_cell(incident['name'])}: {incident['affected_people']:,} people"
        if incident["growth_per_hour"]:
            cap = incident["max_people"]
            text += (
                f", {words.pct(incident['growth_per_hour'])} more each hour until the plan's "
                f"team tasks are done" + (f", at most {cap:,}" if cap else "")
            )
        lines.append(text + ".")
    lines += ["", "How the quantities were found:", ""]
    for depot in results["depots"]:
        parent = depot["supplied_by"]
        if parent is not None:
            lines.append(
                f"- {md_cell(depot['name'])} is resupplied from "
                f"{md_cell(depots[parent]['name']) if parent in depots else parent} "
                "when that depot's truck arrives (keeper reached, release approved, "
                "loading and travel all simulated); the depot above holds what it "
                "sends down."
            )
        elif depot["restock_lead_time_minutes"] is not None:
            lines.append(
                f"- {md_cell(depot['name'])} is resupplied by no depot; it orders "
                f"a restock when it opens, which arrives "
                f"{words.span(depot['restock_lead_time_minutes'])} later and "
                "refills it once with the same quantity."
            )
        else:
            lines.append(
                f"- {md_cell(depot['name'])} is resupplied by no depot and not "
                "restocked: its quantity must last the whole run "
                f"({words.span(results['horizon_minutes'])})."
            )
    lines += [
        "- Transfers between neighbouring communities are not counted on: a neighbour's "
        "reserve may be needed at home.",
        "- The recommended stock is sized as bought new, in whole packs, lasting its shelf "
        f"life; the purchase list counts the usable stock on the shelf on {results['as_of']} "
        "(see 'Usable now', 'What to buy' and the rotation plan).",
        "- Least cost: depots are sized from the communities up, each holding the least that "
        "meets the target given what the depots below it cannot serve. This is the cheapest "
        "allocation because each item has one unit cost at every depot; with different "
        "costs per depot it would no longer be guaranteed.",
        f"- The target is {words.pct(level)} of runs without running out at each depot and item "
        f"separately (the chance that one depot or another runs out is higher); sized on "
        f"runs 0–{n - 1:,} of root seed {results['seed']}"
        + ("" if results["check"] is None else f", checked on runs {n:,}–{2 * n - 1:,}")
        + ".",
        "",
    ]
    return lines


def _rotation_section(results: dict) -> list[str]:
    lines = ["## Rotation plan", ""]
    if not results["rotation"]:
        return [*lines, "No item expires.", ""]
    span = words.span(results["horizon_minutes"])
    lines += [
        f"What to replace by when, from the plan date {results['as_of']}: lots already "
        f"expired first, then by expiry date; a lot that expires within {span} would run "
        "out of date during an emergency starting that day. "
        "'Recommended' rows are the lots of the purchase list, bought on the plan date.",
        "",
        "| | Depot | Item | Quantity | Stocked on | Expires on | What to do |",
        "|---|---|---|---:|---|---|---|",
    ]
    for line in results["rotation"]:
        flag = {
            "expired": "**EXPIRED**",
            "recommended": "recommended",
            "held": "",
            "expires_in_horizon": f"**expires within {span}**",
        }
        lines.append(
            f"| {flag[line['status']]} | {md_cell(line['depot_name'])} | "
            f"{md_cell(line['item_name'])} | "
            f"{md_cell(words.units(line['quantity'], line['unit']))} "
            f"| {line['stocked_on'] or 'now'} | {line['expires_on']} | "
            f"{md_cell(line['action'])} |"
        )
    return [*lines, ""]


# ----------------------------------------------------------------------------- console


def print_sizing(console: Console, results: dict) -> None:
    """One small table per depot, highest level first, then the total."""
    level = results["service_level"]
    console.print(
        Text.assemble(
            (terminal_text(results["scenario"]["name"]), "bold"),
            f": stock to run out in no more than {words.pct(1 - level)} of runs "
            f"({results['replications']} runs, seed {results['seed']})",
        )
    )
    print_window(console, results)
    by_depot = _rows_by_depot(results)
    notes: dict[str, list[str]] = {}
    for depot in results["depots"]:
        rows = by_depot.get(depot["id"], [])
        cost = math.fsum(row["cost"] for row in rows)
        table = Table(
            title=Text(
                f"{terminal_text(depot['name'])} ({depot['level']}), {words.money(cost)} yuan"
            ),
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("Item", ratio=1, min_width=12)
        table.add_column("Hold", justify="right", no_wrap=True)
        table.add_column("95% CI", justify="right", no_wrap=True)
        table.add_column("No stock-out (95% CI)", justify="right", no_wrap=True)
        table.add_column("New runs", justify="right", no_wrap=True)
        for row in rows:
            label = f"{terminal_text(depot['name'])}, {terminal_text(row['item_name'])}"
            for note in (row["check"] or {}).get("note"), row.get("quantity_note"):
                if note:
                    notes.setdefault(note, []).append(label)
            check, style = "—", ""
            if row["check"] is not None:
                met = row["check"]["meets_target"]
                check = f"{words.pct(row['check']['service_level'])} {'met' if met else 'NOT MET'}"
                style = "" if met else "red"
            table.add_row(
                Text(terminal_text(row["item_name"])),
                Text(terminal_text(words.units(row["quantity"], row["unit"]))),
                Text(quantity_words(row)),
                Text(
                    f"{words.pct(row['service_level'])} ({words.pct_ci(row['service_ci95'])})",
                    style="" if row["reachable"] else "red",
                ),
                Text(check, style=style),
            )
        console.print(table)
    for note, labels in notes.items():
        where = "; ".join(labels) if len(labels) <= 2 else f"{len(labels)} depots and items"
        console.print(Text(f"Note ({where}): {note}."))
    console.print(f"Total cost: {words.money(results['total_cost'])} yuan", markup=False)
    print_purchases(console, results)
    print_hazards(console, results)
    unreachable = sum(not row["reachable"] for row in results["rows"])
    if unreachable:
        console.print(
            f"{unreachable} depot and item targets cannot be met at any quantity; see sizing.md",
            markup=False,
        )

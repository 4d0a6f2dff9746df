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
from .i18n import Catalogue, catalogue
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


def _level_words(level: str, cat: Catalogue) -> str:
    return cat("sizing.level_depot", level=cat(f"level.{level}"))


def _incident_names(results: dict, cat: Catalogue) -> str:
    names = [md_cell(i["name"]) for i in results["incidents"]]
    if len(names) == 1:
        return names[0]
    return cat("sizing.and", first=cat("list.separator").join(names[:-1]), last=names[-1])


def _held_sentence(row: dict, cat: Catalogue) -> str:
    if not row["reachable"] and row["quantity"] == 0:
        return cat("sizing.md_held_none", item=md_cell(row["item_name"]))
    text = cat(
        "sizing.md_held",
        item=md_cell(row["item_name"]),
        quantity=md_cell(words.units(row["quantity"], row["unit"], cat)),
    )
    return text if row["reachable"] else text + cat("sizing.md_held_short")


def _nothing_needed(depot: dict, rows: list[dict], cat: Catalogue) -> str:
    if not depot["has_incident"] and depot["level"] == "community":
        return cat("sizing.md_nothing_no_incident")
    if all(row["service_level"] == 1.0 for row in rows):
        return cat("sizing.md_nothing_asked")
    worst = min(row["service_level"] for row in rows)
    return cat("sizing.md_nothing_rarely", share=words.pct(1 - worst))


def _quantity_note(row: dict, cat: Catalogue) -> str | None:
    return words.interval_note(row["quantity"], row["quantity_ci95"], row["replications"], cat)


def _check_note(check: dict, results: dict, cat: Catalogue) -> str | None:
    return words.under_target_note(
        check["service_level"], check["service_ci95"], results["service_level"], cat
    )


# ----------------------------------------------------------------------------- sizing.md


def sizing_markdown(results: dict, manifest: dict, lang: str = "en") -> str:
    """sizing.md in ``lang``: what to hold, how sure it is, what to buy and what it assumes."""
    cat = catalogue(lang)
    level, n = results["service_level"], results["replications"]
    by_depot = _rows_by_depot(results)
    hazards = [h["name"] for h in results["hazards"]]
    title = " + ".join(md_cell(h) for h in hazards) or md_cell(results["scenario"]["name"])
    lines = [
        cat("sizing.md_title", title=title),
        "",
        cat(
            "sizing.md_lead_each" if hazards else "sizing.md_lead_one",
            share=words.pct(1 - level),
            incidents=_incident_names(results, cat),
            n=f"{n:,}",
        ),
        "",
    ]
    for depot in results["depots"]:
        rows = by_depot.get(depot["id"], [])
        held = [row for row in rows if row["quantity"] > 0 or not row["reachable"]]
        cost = math.fsum(row["cost"] for row in rows)
        what = (
            cat("sizing.rule_separator").join(_held_sentence(row, cat) for row in held)
            + cat("sizing.md_depot_cost", cost=words.money(cost))
            if held
            else _nothing_needed(depot, rows, cat)
        )
        lines.append(
            cat(
                "sizing.md_depot",
                depot=md_cell(depot["name"]),
                level=_level_words(depot["level"], cat),
                what=what,
            )
        )
    lines += [
        "",
        cat(
            "sizing.md_total",
            total=words.money(results["total_cost"]),
            purchase=words.money(results["purchase_cost"]),
            as_of=words.calendar_date(results["as_of"], cat),
        ),
        "",
    ]
    lines += window_lines(results, cat)
    if any(depot["supplied_by"] is not None for depot in results["depots"]):
        lines += [cat("sizing.md_resupplied"), ""]
    lines += _how_sure(results, cat)
    lines += _not_reachable(results, cat)
    lines += _table(results, cat)
    lines += purchase_lines(results, cat)
    lines += hazard_lines(results, cat)
    lines += _assumptions(results, cat)
    lines += _rotation_section(results, cat)
    lines += [
        "---",
        "",
        cat(
            "sizing.md_footer",
            file=md_cell(results["scenario"]["file"]),
            sha=results["scenario"]["sha256"][:12],
            seed=str(results["seed"]),
            finished=manifest["finished_at"],
            version=manifest["package_version"],
        ),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _rows_by_depot(results: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in results["rows"]:
        out.setdefault(row["depot"], []).append(row)
    return out


def _how_sure(results: dict, cat: Catalogue) -> list[str]:
    level, n = results["service_level"], results["replications"]
    widest = max(
        (
            (row["service_ci95"][1] - row["service_ci95"][0]) / 2
            for row in results["rows"]
            if row["service_ci95"]
        ),
        default=0.0,
    )
    text = cat(
        "sizing.md_how_sure",
        level=words.pct(level),
        n=f"{n:,}",
        points=f"{100 * widest:.0f}",
    )
    check = results["check"]
    if check is None:
        return [text, "", cat("sizing.md_not_checked"), ""]
    missed = [
        row for row in results["rows"] if row["reachable"] and not row["check"]["meets_target"]
    ]
    text += cat("sizing.md_checked", n=f"{check['replications']:,}")
    if not missed:
        text += cat(
            "sizing.md_checked_all_reachable"
            if not results["all_reachable"]
            else "sizing.md_checked_all"
        )
    else:
        parts = cat("list.separator").join(
            f"{md_cell(r['depot_name'])} — {md_cell(r['item_name'])} "
            f"{words.pct(r['check']['service_level'])} "
            f"({words.pct_ci(r['check']['service_ci95'])})"
            for r in missed
        )
        text += cat("sizing.md_checked_missed", count=str(len(missed)), parts=parts)
    return [text, ""]


def _not_reachable(results: dict, cat: Catalogue) -> list[str]:
    rows = [row for row in results["rows"] if not row["reachable"]]
    if not rows:
        return []
    lines = [cat("sizing.md_unreachable_heading"), ""]
    lines += [
        "- "
        + cat(
            "sizing.md_unreachable",
            depot=md_cell(r["depot_name"]),
            item=md_cell(r["item_name"]),
            reason=md_cell(r["reason"]),
            share=words.pct(r["service_level"]),
        )
        for r in rows
    ]
    return [*lines, ""]


def _table(results: dict, cat: Catalogue) -> list[str]:
    check = results["check"]
    lines = [
        cat("sizing.md_table_heading"),
        "",
        cat("sizing.md_table_intro"),
        "",
        cat("sizing.md_table_head"),
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in results["rows"]:
        service = (
            f"{words.pct(row['service_level'])} ({words.pct_ci(row['service_ci95'])}), "
            + cat("sizing.runs", n=f"{row['replications']:,}")
        )
        if not row["reachable"]:
            service += cat("sizing.md_target_unreachable")
        if row["check"] is None:
            again = cat("sizing.not_checked")
        else:
            mark = cat("sizing.md_met" if row["check"]["meets_target"] else "sizing.md_not_met")
            again = cat(
                "sizing.md_check_cell",
                share=words.pct(row["check"]["service_level"]),
                ci=words.pct_ci(row["check"]["service_ci95"]),
                runs=cat("sizing.runs", n=f"{check['replications']:,}"),
                mark=mark,
            )
            note = _check_note(row["check"], results, cat)
            if note:
                again += f" ({md_cell(note)})"
        hold = f"{words.units(row['quantity'], row['unit'], cat)} ({quantity_words(row)})"
        note = _quantity_note(row, cat)
        if note:
            hold += f"; {note}"
        lines.append(
            f"| {md_cell(row['depot_name'])} | {md_cell(row['item_name'])} | "
            f"{md_cell(hold)} | "
            f"{row['packs']:,} × {row['pack_size']:,} | {words.money(row['cost'])} | "
            f"{words.amount(row['held_now'])} | {service} | {again} |"
        )
    lines += [cat("sizing.md_table_total", cost=words.money(results["total_cost"])), ""]
    return lines


def _assumptions(results: dict, cat: Catalogue) -> list[str]:
    n, level = results["replications"], results["service_level"]
    depots = {d["id"]: d for d in results["depots"]}
    lines = [cat("sizing.md_assume_heading"), "", cat("sizing.md_assume_demand"), ""]
    for rule in results["demand_rules"]:
        lines.append(
            "- "
            + cat(
                "sizing.md_assume_rule",
                item=md_cell(rule["item_name"]),
                words=md_cell(words.demand_words(rule, cat)),
                source=md_cell(words.demand_source(rule, cat)),
            )
        )
    lines += ["", cat("sizing.md_assume_people"), ""]
    for incident in results["incidents"]:
        if incident["affected_people"] is None:
            lines.append("- " + cat("sizing.md_no_one", incident=md_cell(incident["name"])))
            continue
        growth = ""
        if incident["growth_per_hour"]:
            cap = incident["max_people"]
            growth = cat("sizing.md_growth", share=words.pct(incident["growth_per_hour"])) + (
                cat("sizing.md_growth_cap", cap=f"{cap:,}") if cap else ""
            )
        lines.append(
            "- "
            + cat(
                "sizing.md_people",
                incident=md_cell(incident["name"]),
                people=f"{incident['affected_people']:,}",
                growth=growth,
            )
        )
    lines += ["", cat("sizing.md_assume_how"), ""]
    for depot in results["depots"]:
        parent = depot["supplied_by"]
        if parent is not None:
            lines.append(
                "- "
                + cat(
                    "sizing.md_from_parent",
                    depot=md_cell(depot["name"]),
                    parent=md_cell(depots[parent]["name"]) if parent in depots else parent,
                )
            )
        elif depot["restock_lead_time_minutes"] is not None:
            lines.append(
                "- "
                + cat(
                    "sizing.md_restocked",
                    depot=md_cell(depot["name"]),
                    span=words.span(depot["restock_lead_time_minutes"], cat),
                )
            )
        else:
            lines.append(
                "- "
                + cat(
                    "sizing.md_not_restocked",
                    depot=md_cell(depot["name"]),
                    span=words.span(results["horizon_minutes"], cat),
                )
            )
    checked = (
        ""
        if results["check"] is None
        else cat("sizing.md_checked_on", first=f"{n:,}", last=f"{2 * n - 1:,}")
    )
    lines += [
        "- " + cat("sizing.md_no_transfers"),
        "- " + cat("sizing.md_bought_new", as_of=words.calendar_date(results["as_of"], cat)),
        "- " + cat("sizing.md_least_cost"),
        "- "
        + cat(
            "sizing.md_target_each",
            level=words.pct(level),
            last=f"{n - 1:,}",
            seed=str(results["seed"]),
            checked=checked,
        ),
        "",
    ]
    return lines


def _rotation_section(results: dict, cat: Catalogue) -> list[str]:
    lines = [cat("sizing.md_rotation_heading"), ""]
    if not results["rotation"]:
        return [*lines, cat("sizing.md_no_expiry"), ""]
    span = words.span(results["horizon_minutes"], cat)
    lines += [
        cat(
            "sizing.md_rotation_intro",
            as_of=words.calendar_date(results["as_of"], cat),
            span=span,
        ),
        "",
        cat("sizing.md_rotation_head"),
        "|---|---|---|---:|---|---|---|",
    ]
    flag = {
        "expired": cat("sizing.flag_expired"),
        "recommended": cat("sizing.flag_recommended"),
        "held": "",
        "expires_in_horizon": cat("sizing.flag_expiring", span=span),
    }
    for line in results["rotation"]:
        stocked = (
            cat("sizing.now")
            if line["stocked_on"] is None
            else words.calendar_date(line["stocked_on"], cat)
        )
        lines.append(
            f"| {flag[line['status']]} | {md_cell(line['depot_name'])} | "
            f"{md_cell(line['item_name'])} | "
            f"{md_cell(words.units(line['quantity'], line['unit'], cat))} "
            f"| {stocked} | {words.calendar_date(line['expires_on'], cat)} | "
            f"{md_cell(words.rotation_action(line, results['as_of'], cat))} |"
        )
    return [*lines, ""]


# ----------------------------------------------------------------------------- console


def print_sizing(console: Console, results: dict, lang: str = "en") -> None:
    """One small table per depot, highest level first, then the total, in ``lang``."""
    cat = catalogue(lang)
    level = results["service_level"]
    console.print(
        Text.assemble(
            (terminal_text(results["scenario"]["name"]), "bold"),
            cat(
                "sizing.console_header",
                share=words.pct(1 - level),
                n=str(results["replications"]),
                seed=str(results["seed"]),
            ),
        )
    )
    print_window(console, results, cat)
    by_depot = _rows_by_depot(results)
    notes: dict[str, list[str]] = {}
    for depot in results["depots"]:
        rows = by_depot.get(depot["id"], [])
        cost = math.fsum(row["cost"] for row in rows)
        table = Table(
            title=Text(
                cat(
                    "sizing.console_depot",
                    depot=terminal_text(depot["name"]),
                    level=cat(f"level.{depot['level']}"),
                    cost=words.money(cost),
                )
            ),
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column(cat("sizing.col_item"), ratio=1, min_width=12)
        for column in ("hold", "ci", "no_stockout_ci", "new_runs"):
            table.add_column(cat(f"sizing.col_{column}"), justify="right", no_wrap=True)
        for row in rows:
            label = cat(
                "sizing.console_where",
                depot=terminal_text(depot["name"]),
                item=terminal_text(row["item_name"]),
            )
            check_note = None if row["check"] is None else _check_note(row["check"], results, cat)
            for note in check_note, _quantity_note(row, cat):
                if note:
                    notes.setdefault(note, []).append(label)
            check, style = "—", ""
            if row["check"] is not None:
                met = row["check"]["meets_target"]
                check = cat(
                    "sizing.console_met" if met else "sizing.console_not_met",
                    share=words.pct(row["check"]["service_level"]),
                )
                style = "" if met else "red"
            table.add_row(
                Text(terminal_text(row["item_name"])),
                Text(terminal_text(words.units(row["quantity"], row["unit"], cat))),
                Text(quantity_words(row)),
                Text(
                    f"{words.pct(row['service_level'])} ({words.pct_ci(row['service_ci95'])})",
                    style="" if row["reachable"] else "red",
                ),
                Text(check, style=style),
            )
        console.print(table)
    for note, labels in notes.items():
        where = (
            cat("sizing.rule_separator").join(labels)
            if len(labels) <= 2
            else cat("sizing.console_many", count=str(len(labels)))
        )
        console.print(Text(cat("sizing.console_note", where=where, note=note)))
    console.print(
        cat("sizing.console_total", cost=words.money(results["total_cost"])), markup=False
    )
    print_purchases(console, results, cat)
    print_hazards(console, results, cat)
    unreachable = sum(not row["reachable"] for row in results["rows"])
    if unreachable:
        console.print(cat("sizing.console_unreachable", count=str(unreachable)), markup=False)

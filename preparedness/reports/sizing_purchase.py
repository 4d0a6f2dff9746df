"""The parts of a stockpile sizing an office acts on, for sizing.md and the console: the
window the quantities cover and what the service level means, the purchase list on the
plan date, and, for a plan over several hazards, each hazard's service level with it."""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import sizing_words as words
from .escape import md_cell, terminal_text
from .i18n import Catalogue, catalogue

__all__ = [
    "hazard_lines",
    "print_hazards",
    "print_purchases",
    "print_window",
    "purchase_lines",
    "quantity_words",
    "window_lines",
]


def _covers(results: dict, cat: Catalogue) -> list[str]:
    return [
        words.window_words(
            window["hazard"], dt.datetime.fromisoformat(window["from"]), window["minutes"], cat
        )
        for window in results["windows"]
    ]


def window_lines(results: dict, cat: Catalogue | None = None) -> list[str]:
    """Markdown: the window the quantities cover and the service level in one sentence."""
    cat = cat or catalogue("en")
    covers = _covers(results, cat)
    if len(covers) == 1:
        need = cat("sizing.md_cover_one", cover=md_cell(covers[0]))
    else:
        need = cat(
            "sizing.md_cover_each",
            covers=cat("sizing.rule_separator").join(md_cell(c) for c in covers),
        )
    text = cat(
        "sizing.md_cover",
        need=need,
        as_of=words.calendar_date(results["as_of"], cat),
        meaning=words.service_meaning(results["service_level"], cat),
    )
    return [text, ""]


def quantity_words(row: dict) -> str:
    """``3,700–4,400``, or ``≥3,700`` when the runs are too few to bound it from above."""
    ci = row["quantity_ci95"]
    if ci is None:
        return "—"
    low, high = ci
    if high is None:
        return f"≥{words.amount(low)}"
    return f"{words.amount(low)}–{words.amount(high)}"


def purchase_lines(results: dict, cat: Catalogue | None = None) -> list[str]:
    """Markdown: what to buy on the plan date and what it costs."""
    cat = cat or catalogue("en")
    as_of = words.calendar_date(results["as_of"], cat)
    lines = [cat("sizing.md_buy_heading", date=as_of), ""]
    if not results["purchases"]:
        return [*lines, cat("sizing.md_buy_nothing"), ""]
    lines += [
        cat("sizing.md_buy_intro", date=as_of),
        "",
        cat("sizing.md_buy_table_head"),
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for line in results["purchases"]:
        lines.append(
            f"| {md_cell(line['depot_name'])} | {md_cell(line['item_name'])} | "
            f"{words.amount(line['recommended'])} | {words.amount(line['usable'])} | "
            f"{words.amount(line['replaced'])} | "
            f"**{md_cell(words.units(line['buy'], line['unit'], cat))}** | "
            f"{line['packs']:,} × {line['pack_size']:,} | {words.money(line['cost'])} |"
        )
    lines += [
        cat("sizing.md_buy_total", cost=words.money(results["purchase_cost"])),
        "",
        cat(
            "sizing.md_buy_cost",
            cost=words.money(results["purchase_cost"]),
            all_new=words.money(results["total_cost"]),
        ),
        "",
    ]
    return lines


def hazard_lines(results: dict, cat: Catalogue | None = None) -> list[str]:
    """Markdown: each hazard's service level with the one plan (several scenarios only)."""
    cat = cat or catalogue("en")
    if not results["hazards"]:
        return []
    level = words.pct(results["service_level"])
    lines = [
        cat("sizing.md_hazard_heading"),
        "",
        cat("sizing.md_hazard_intro", level=level),
        "",
        cat("sizing.md_hazard_table_head"),
        "|---|---|---|---:|---:|---|---|",
    ]
    for hazard in results["hazards"]:
        runs = cat("sizing.runs", n=f"{hazard['replications']:,}")
        for row in hazard["rows"]:
            check = cat("sizing.not_checked")
            if row["check"] is not None:
                mark = cat("sizing.md_met" if row["check"]["meets_target"] else "sizing.md_not_met")
                check = cat(
                    "sizing.md_hazard_check_cell",
                    share=words.pct(row["check"]["service_level"]),
                    ci=words.pct_ci(row["check"]["service_ci95"]),
                    mark=mark,
                )
                note = words.under_target_note(
                    row["check"]["service_level"],
                    row["check"]["service_ci95"],
                    results["service_level"],
                    cat,
                )
                if note:
                    check += f" ({md_cell(note)})"
            lines.append(
                f"| {md_cell(hazard['name'])} | {md_cell(row['depot_name'])} | "
                f"{md_cell(row['item_name'])} | {words.amount(row['own_quantity'])} | "
                f"{words.amount(row['quantity'])} | {words.pct(row['service_level'])} "
                f"({words.pct_ci(row['service_ci95'])}), "
                f"{runs} | {check} |"
            )
    return [*lines, ""]


# ----------------------------------------------------------------------------- console


def print_window(console: Console, results: dict, cat: Catalogue | None = None) -> None:
    cat = cat or catalogue("en")
    covers = _covers(results, cat)
    console.print(
        Text(
            cat(
                "sizing.console_cover",
                covers=cat("sizing.rule_separator").join(terminal_text(c) for c in covers),
                as_of=words.calendar_date(results["as_of"], cat),
            )
        )
    )
    console.print(Text(words.service_meaning(results["service_level"], cat)))


def print_purchases(console: Console, results: dict, cat: Catalogue | None = None) -> None:
    cat = cat or catalogue("en")
    as_of = words.calendar_date(results["as_of"], cat)
    if not results["purchases"]:
        console.print(cat("sizing.console_buy_nothing", date=as_of), markup=False)
        return
    table = Table(
        title=Text(cat("sizing.console_buy_title", date=as_of)),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column(cat("sizing.col_depot_item"), ratio=1)
    for column in ("usable", "replace", "buy", "yuan"):
        table.add_column(cat(f"sizing.col_{column}"), justify="right", no_wrap=True)
    depot = None
    for line in results["purchases"]:
        if line["depot"] != depot:
            depot = line["depot"]
            table.add_row(Text(terminal_text(line["depot_name"]), style="bold"))
        table.add_row(
            Text("  " + terminal_text(line["item_name"])),
            Text(words.amount(line["usable"])),
            Text(words.amount(line["replaced"])),
            Text(terminal_text(words.units(line["buy"], line["unit"], cat))),
            Text(words.money(line["cost"])),
        )
    console.print(table)
    console.print(
        cat(
            "sizing.console_buy_cost",
            cost=words.money(results["purchase_cost"]),
            all_new=words.money(results["total_cost"]),
        ),
        markup=False,
    )


def print_hazards(console: Console, results: dict, cat: Catalogue | None = None) -> None:
    cat = cat or catalogue("en")
    if not results["hazards"]:
        return
    table = Table(
        title=Text(cat("sizing.console_hazard_title")),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("hazard", "depot", "item"):
        table.add_column(cat(f"sizing.col_{column}"), ratio=1)
    for column in ("alone", "plan", "no_stockout"):
        table.add_column(cat(f"sizing.col_{column}"), justify="right", no_wrap=True)
    for hazard in results["hazards"]:
        for row in hazard["rows"]:
            table.add_row(
                Text(terminal_text(hazard["name"])),
                Text(terminal_text(row["depot_name"])),
                Text(terminal_text(row["item_name"])),
                Text(words.amount(row["own_quantity"])),
                Text(words.amount(row["quantity"])),
                Text(f"{words.pct(row['service_level'])} ({words.pct_ci(row['service_ci95'])})"),
            )
    console.print(table)

"""The parts of a stockpile sizing an office acts on, for sizing.md and the console: the
window the quantities cover and what the service level means, the purchase list on the
plan date, and, for a plan over several hazards, each hazard's service level with it."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import sizing_words as words
from .escape import md_cell, terminal_text

__all__ = [
    "hazard_lines",
    "print_hazards",
    "print_purchases",
    "print_window",
    "purchase_lines",
    "quantity_words",
    "window_lines",
]


def _covers(results: dict) -> list[str]:
    return [window["words"] for window in results["windows"]]


def window_lines(results: dict) -> list[str]:
    """Markdown: the window the quantities cover and the service level in one sentence."""
    covers = _covers(results)
    text = "**What the quantities cover.** " + (
        f"The need of {md_cell(covers[0])}."
        if len(covers) == 1
        else "The need of each hazard: " + "; ".join(md_cell(c) for c in covers) + "."
    )
    text += (
        " A depot resupplied from the depot above it has to cover it only until that depot's "
        "first truck arrives. Stock on the shelf is counted as of the plan date, "
        f"{results['as_of']}. {results['service_level_meaning']}"
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


def purchase_lines(results: dict) -> list[str]:
    """Markdown: what to buy on the plan date and what it costs."""
    as_of = results["as_of"]
    lines = [f"## What to buy on {as_of}", ""]
    if not results["purchases"]:
        return [
            *lines,
            "Nothing: every depot already holds its recommended quantity in usable stock.",
            "",
        ]
    lines += [
        f"To buy = the recommended quantity less the usable stock on the shelf on {as_of}, "
        "in whole packs. A lot counts as usable when it does not expire before an "
        "emergency starting that day is over; lots that have expired or would expire "
        "during it are replaced (see the rotation plan).",
        "",
        "| Depot | Item | Recommended | Usable on the shelf | Expired or expiring | Buy | "
        "Packs | Cost (yuan) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for line in results["purchases"]:
        lines.append(
            f"| {md_cell(line['depot_name'])} | {md_cell(line['item_name'])} | "
            f"{words.amount(line['recommended'])} | {words.amount(line['usable'])} | "
            f"{words.amount(line['replaced'])} | "
            f"**{md_cell(words.units(line['buy'], line['unit']))}** | "
            f"{line['packs']:,} × {line['pack_size']:,} | {words.money(line['cost'])} |"
        )
    lines += [
        f"| **Total** | | | | | | | **{words.money(results['purchase_cost'])}** |",
        "",
        f"Buying only this costs **{words.money(results['purchase_cost'])} yuan** "
        f"(everything new would cost {words.money(results['total_cost'])} yuan).",
        "",
    ]
    return lines


def hazard_lines(results: dict) -> list[str]:
    """Markdown: each hazard's service level with the one plan (several scenarios only)."""
    if not results["hazards"]:
        return []
    level = words.pct(results["service_level"])
    lines = [
        "## Service level in each hazard",
        "",
        "Each depot and item holds the most any hazard drawing on it needs, so the plan "
        f"meets {level} in each hazard. 'Alone' is what that hazard by itself would need; "
        "'No stock-out' is its share of runs without running out with the plan's quantity.",
        "",
        "| Hazard | Depot | Item | Alone | Plan | No stock-out (95% CI) | Checked on new runs |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for hazard in results["hazards"]:
        for row in hazard["rows"]:
            check = "not checked"
            if row["check"] is not None:
                mark = "met" if row["check"]["meets_target"] else "**not met**"
                check = (
                    f"{words.pct(row['check']['service_level'])} "
                    f"({words.pct_ci(row['check']['service_ci95'])}): {mark}"
                )
                if row["check"]["note"]:
                    check += f" ({md_cell(row['check']['note'])})"
            lines.append(
                f"| {md_cell(hazard['name'])} | {md_cell(row['depot_name'])} | "
                f"{md_cell(row['item_name'])} | {words.amount(row['own_quantity'])} | "
                f"{words.amount(row['quantity'])} | {words.pct(row['service_level'])} "
                f"({words.pct_ci(row['service_ci95'])}), {hazard['replications']:,} runs | "
                f"{check} |"
            )
    return [*lines, ""]


# ----------------------------------------------------------------------------- console


def print_window(console: Console, results: dict) -> None:
    covers = _covers(results)
    console.print(
        Text(
            "The quantities cover "
            + "; ".join(terminal_text(c) for c in covers)
            + f". Stock on the shelf is counted as of {results['as_of']}."
        )
    )
    console.print(Text(results["service_level_meaning"]))


def print_purchases(console: Console, results: dict) -> None:
    as_of = results["as_of"]
    if not results["purchases"]:
        console.print(f"To buy on {as_of}: nothing, the usable stock is enough.", markup=False)
        return
    table = Table(
        title=Text(f"To buy on {as_of} (recommended − usable stock on the shelf)"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Depot and item", ratio=1)
    table.add_column("Usable", justify="right", no_wrap=True)
    table.add_column("Replace", justify="right", no_wrap=True)
    table.add_column("Buy", justify="right", no_wrap=True)
    table.add_column("Yuan", justify="right", no_wrap=True)
    depot = None
    for line in results["purchases"]:
        if line["depot"] != depot:
            depot = line["depot"]
            table.add_row(Text(terminal_text(line["depot_name"]), style="bold"))
        table.add_row(
            Text("  " + terminal_text(line["item_name"])),
            Text(words.amount(line["usable"])),
            Text(words.amount(line["replaced"])),
            Text(terminal_text(words.units(line["buy"], line["unit"]))),
            Text(words.money(line["cost"])),
        )
    console.print(table)
    console.print(
        f"Purchase cost: {words.money(results['purchase_cost'])} yuan "
        f"(all new: {words.money(results['total_cost'])} yuan)",
        markup=False,
    )


def print_hazards(console: Console, results: dict) -> None:
    if not results["hazards"]:
        return
    table = Table(
        title=Text("No stock-out in each hazard with this plan"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Hazard", ratio=1)
    table.add_column("Depot", ratio=1)
    table.add_column("Item", ratio=1)
    table.add_column("Alone", justify="right", no_wrap=True)
    table.add_column("Plan", justify="right", no_wrap=True)
    table.add_column("No stock-out", justify="right", no_wrap=True)
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

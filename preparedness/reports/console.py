"""The rich summary printed after a run: the milestones a planner asked about, with CIs.

Laid out for an 80-column terminal: figures are bare minutes (the legend says so), columns
are separated by single spaces without a frame, and the milestone column takes what is left
so its names wrap over at most two lines. The title says which variant the table shows.
Every word comes from the language catalogue (``i18n``), so the summary prints in English or
Chinese.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .escape import terminal_text
from .i18n import Catalogue, catalogue, translate
from .text import milestone_words, share

#: One line at 80 columns (the figures are minutes from the incident's start).
LEGEND = translate("en", "console.legend")


def compact_table(title: str) -> Table:
    """A frameless table with single-space padding, so seven columns fit 80 characters."""
    return Table(
        title=Text(title),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )


def _min(value: float | None) -> str:
    """Bare minutes: whole minutes, one decimal below ten; "—" when unknown."""
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _ci(ci) -> str:
    if ci is None:
        return "—"
    return f"{_min(ci[0])}–{_min(ci[1])}"


def variant_words(results: dict, cat: Catalogue | None = None) -> str:
    """Which variant the main figures describe: "as written", or the intervention's name."""
    cat = cat or catalogue("en")
    variant = results.get("variant")
    if "comparison" in results:
        comparison = results["comparison"]
        names = {v["id"]: v["name"] for v in comparison["variants"]}
        reference = comparison["reference"]
        if reference == "base":
            return cat("console.variant_base_reference")
        return cat("console.variant_named", name=names.get(reference, reference), id=reference)
    if variant and variant["id"] != "base":
        return cat("console.variant_with", name=variant["name"], id=variant["id"])
    return cat("console.variant_as_written")


def print_summary(console: Console, results: dict, lang: str = "en") -> None:
    """The run's header line, a table per incident, and the legend, in ``lang``."""
    cat = catalogue(lang)
    console.print(
        Text.assemble(
            (terminal_text(results["scenario"]["name"]), "bold"),
            cat(
                "console.header",
                replications=str(results["replications"]),
                seed=str(results["seed"]),
                mode=cat(f"mode.{results['command_mode']}"),
            ),
        )
    )
    words = terminal_text(variant_words(results, cat))
    for incident in results["incidents"]:
        table = compact_table(f"{terminal_text(incident['name'])} — {words}")
        table.add_column(
            cat("console.col_milestone"), justify="left", ratio=1, min_width=16, overflow="fold"
        )
        for column in ("reached", "median", "p90", "mean_ci", "due", "met"):
            table.add_column(cat(f"console.col_{column}"), justify="right", no_wrap=True)
        for row in incident["milestones"]:
            met = share(row["deadline_met_share"]) if row["deadline"] is not None else "—"
            style = None
            if row["deadline"] is not None and (row["deadline_met_share"] or 0) < 0.9:
                style = "red"
            table.add_row(
                Text(terminal_text(milestone_words(row, cat))),
                f"{row['n_reached']}/{row['n_replications']}",
                _min(row["median"]),
                _min(row["p90"]),
                f"{_min(row['mean'])} ({_ci(row['ci95_mean'])})",
                _min(row["deadline"]),
                Text(met, style=style or ""),
            )
        console.print(table)
    console.print(Text(cat("console.legend"), style="dim"))

"""The rich summary printed after a run: the milestones a planner asked about, with CIs."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .escape import terminal_text
from .text import MODE_WORDS, interval, minutes, share


def print_summary(console: Console, results: dict) -> None:
    console.print(
        Text.assemble(
            (terminal_text(results["scenario"]["name"]), "bold"),
            f" — {results['replications']} runs, seed {results['seed']}, ",
            MODE_WORDS[results["command_mode"]],
        )
    )
    for incident in results["incidents"]:
        table = Table(title=Text(terminal_text(incident["name"])), title_justify="left",
                      show_lines=False)
        for column, justify in [("Milestone", "left"), ("Reached", "right"), ("Median", "right"),
                                ("p90", "right"), ("Mean (95% CI)", "right"),
                                ("Deadline", "right"), ("Met", "right")]:
            table.add_column(column, justify=justify)
        for row in incident["milestones"]:
            met = share(row["deadline_met_share"]) if row["deadline"] is not None else "—"
            style = None
            if row["deadline"] is not None and (row["deadline_met_share"] or 0) < 0.9:
                style = "red"
            table.add_row(
                Text(terminal_text(row["label"])),
                f"{row['n_reached']}/{row['n_replications']}",
                minutes(row["median"]),
                minutes(row["p90"]),
                f"{minutes(row['mean'])} ({interval(row['ci95_mean'])})",
                minutes(row["deadline"]),
                Text(met, style=style or ""),
            )
        console.print(table)

"""Figures of what reached the households and the depots: warning coverage and stock on hand.

Both are drawn from results.json as written: each incident's ``warning`` curves (mean, p10,
p90 per cohort on ``curve_minutes``) and ``stock.depots[]`` level curves with their
stock-out counts and median first stock-out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..i18n import Catalogue
from .render import DEADLINE_COLOUR, Figure, figure, finish, place

__all__ = ["coverage_figure", "stock_figure"]

COHORT_COLOURS = {"all": "#2c3e50", "smartphone": "#3182bd", "without_smartphone": "#e6550d"}


def coverage_figure(incident: Mapping[str, Any], cat: Catalogue, number: int) -> Figure:
    """Share of households warned over time per cohort, p10–p90 band, the plan's deadline."""
    warning = incident["warning"]
    x = warning["curve_minutes"]
    target = next(
        (
            m
            for m in incident["milestones"]
            if m["id"].startswith("warned:")
            and m["id"].count(":") == 1
            and m["deadline"] is not None
        ),
        None,
    )
    drawn = {}
    with figure(6.4, 3.4) as fig:
        place(fig, left=0.62, bottom=0.5, right=0.2, top=0.1)
        ax = fig.add_subplot(1, 1, 1)
        for cohort, curve in warning["curves"].items():
            colour = COHORT_COLOURS.get(cohort, "#555555")
            ax.fill_between(x, curve["p10"], curve["p90"], color=colour, alpha=0.15, linewidth=0)
            ax.plot(x, curve["mean"], color=colour, linewidth=1.4, label=cat(f"cohort.{cohort}"))
            drawn[cohort] = {
                "mean": list(curve["mean"]),
                "p10": list(curve["p10"]),
                "p90": list(curve["p90"]),
            }
        ax.fill_between([], [], [], color="#555555", alpha=0.15, label=cat("legend.band"))
        if target is not None:
            ax.axvline(
                target["deadline"], color=DEADLINE_COLOUR, linewidth=1, label=cat("legend.deadline")
            )
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, x[-1] if x else 1)
        ax.set_xlabel(cat("axis.minutes_since_incident"))
        ax.set_ylabel(cat("axis.share_warned"))
        ax.legend(loc="lower right")
        if target is not None:
            caption = cat(
                "caption.coverage",
                share=cat.share(target["deadline_met_share"]),
                percent=target["id"].split(":")[1],
                deadline=cat.minutes(target["deadline"]),
            )
        else:
            caption = cat("caption.coverage_no_deadline")
        data = {
            "minutes": list(x),
            "curves": drawn,
            "deadline": target["deadline"] if target else None,
        }
        return finish(
            fig, f"coverage-{incident['id']}-{number}", cat("figure.coverage_title"), caption, data
        )


def stock_figure(stock: Mapping[str, Any], cat: Catalogue, number: int) -> Figure:
    """One panel per depot and item: mean stock on hand with its p10–p90 band and the
    median first stock-out marked when any run ran out."""
    depots = stock["depots"]
    columns = 2 if len(depots) > 1 else 1
    rows = math.ceil(len(depots) / columns)
    drawn = []
    with figure(3.6 * columns, 2.3 * rows + 0.3) as fig:
        # Every panel has its title and both axis words (units differ between items).
        place(
            fig,
            left=0.62,
            bottom=0.45,
            top=0.28,
            wspace=0.7,
            hspace=0.72,
            rows=rows,
            columns=columns,
        )
        for index, row in enumerate(depots):
            ax = fig.add_subplot(rows, columns, index + 1)
            x = row["level_minutes"]
            ax.fill_between(
                x,
                row["level_p10"],
                row["level_p90"],
                color="#3182bd",
                alpha=0.2,
                linewidth=0,
                label=cat("legend.band"),
            )
            ax.plot(x, row["level_mean"], color="#08519c", linewidth=1.2, label=cat("legend.mean"))
            if row["stockout_runs"] and row["first_stockout_median"] is not None:
                ax.axvline(
                    row["first_stockout_median"],
                    color=DEADLINE_COLOUR,
                    linestyle="--",
                    linewidth=1,
                    label=cat("legend.stockout"),
                )
            ax.set_title(
                cat("figure.panel_depot_item", depot=row["depot_name"], item=row["item_name"]),
                fontsize=8,
            )
            ax.set_ylim(bottom=0)
            ax.set_xlabel(cat("axis.minutes_since_start"), fontsize=7)
            ax.set_ylabel(cat("axis.units_on_hand", unit=row["unit"]), fontsize=7)
            ax.tick_params(labelsize=7)
            if index == 0:
                ax.legend(fontsize=6, loc="upper right")
            drawn.append(
                {
                    "depot": row["depot"],
                    "item": row["item"],
                    "mean": list(row["level_mean"]),
                    "p10": list(row["level_p10"]),
                    "p90": list(row["level_p90"]),
                    "first_stockout_median": row["first_stockout_median"],
                    "stockout_runs": row["stockout_runs"],
                }
            )
        worst = max(depots, key=lambda r: (r["stockout_runs"], r["depot"], r["item"]))
        if worst["stockout_runs"]:
            caption = cat(
                "caption.stock",
                depot=worst["depot_name"],
                item=worst["item_name"],
                runs=str(worst["stockout_runs"]),
                n=str(worst["n_replications"]),
                minutes=cat.minutes(worst["first_stockout_median"]),
            )
        else:
            caption = cat("caption.stock_none", n=str(stock["replications"]))
        return finish(fig, f"stock-{number}", cat("figure.stock_title"), caption, {"depots": drawn})

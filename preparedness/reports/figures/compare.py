"""Figures that weigh choices: paired differences of a comparison (a forest plot with the change
in the share meeting each deadline) and the service level a stockpile quantity buys.

The forest plot draws ``comparison`` of results.json as written, the change in the share
meeting a deadline from each row's ``deadline_met`` shares. The service level at quantities
other than the chosen one is not in sizing.json, so the sizing curves come in as arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..i18n import Catalogue, isolate, milestone_label
from .render import DEADLINE_COLOUR, MEDIAN_COLOUR, Figure, figure, finish

__all__ = ["ServiceCurves", "forest_figure", "sizing_figure"]

#: (depot, item) -> [(quantity, service level), ...] in increasing quantity
ServiceCurves = Mapping[tuple[str, str], Sequence[tuple[float, float]]]


def forest_figure(comparison: Mapping[str, Any], cat: Catalogue, number: int) -> Figure:
    """Per milestone with pairs, the mean paired change and its 95% interval for each
    intervention; beside it, the change in the share meeting the deadline (in points)."""
    reference = comparison["reference"]
    names = {v["id"]: v["name"] for v in comparison["variants"]}
    rows = []
    for incident in comparison["incidents"]:
        for milestone in incident["milestones"]:
            for row in milestone["interventions"]:
                if row["n_pairs"] == 0 or row["mean_change_ci95"] is None:
                    continue
                met = row["deadline_met"]
                points = None
                if met is not None and met["base_share"] is not None:
                    points = 100 * (met["alt_share"] - met["base_share"])
                rows.append(
                    {
                        "incident": incident["id"],
                        "incident_name": incident["name"],
                        "milestone": milestone["id"],
                        "intervention": row["intervention"],
                        "label": milestone_label(milestone["id"], milestone["label"], cat),
                        "mean_change": row["mean_change"],
                        "ci95": list(row["mean_change_ci95"]),
                        "met_change_points": points,
                    }
                )
    height = 0.28 * len(rows) + 1.4
    with figure(7.6, height) as fig:
        left = fig.add_subplot(1, 2, 1)
        right = fig.add_subplot(1, 2, 2, sharey=left)
        ys = list(range(len(rows)))[::-1]
        for y, row in zip(ys, rows, strict=True):
            low, high = row["ci95"]
            left.plot([low, high], [y, y], color=MEDIAN_COLOUR, linewidth=1.2)
            left.plot([row["mean_change"]], [y], marker="s", color=MEDIAN_COLOUR, markersize=4)
            if row["met_change_points"] is not None:
                colour = "#31a354" if row["met_change_points"] >= 0 else DEADLINE_COLOUR
                right.barh(y, row["met_change_points"], color=colour, height=0.6)
        left.axvline(0, color="#999999", linewidth=0.8)
        right.axvline(0, color="#999999", linewidth=0.8)
        labels = [f"{isolate(row['incident_name'])} · {row['label']}" for row in rows]
        left.set_yticks(ys, labels, fontsize=6.5)
        right.tick_params(labelleft=False)
        left.set_xlabel(cat("axis.change_minutes"), fontsize=7)
        right.set_xlabel(cat("axis.change_points"), fontsize=7)
        title = cat("figure.forest_title", reference=names.get(reference, reference))
        biggest = max(
            rows, key=lambda r: (abs(r["mean_change"]), r["incident"], r["milestone"]), default=None
        )
        if biggest is None:
            caption = cat("caption.forest_none")
        else:
            caption = cat(
                "caption.forest",
                variant=names.get(biggest["intervention"], biggest["intervention"]),
                milestone=biggest["label"],
                change=cat.minutes(biggest["mean_change"]),
                ci=cat.interval(biggest["ci95"]),
            )
        return finish(fig, f"forest-{number}", title, caption, {"rows": rows})


def sizing_figure(
    sizing: Mapping[str, Any], curves: ServiceCurves, cat: Catalogue, number: int
) -> Figure:
    """Per depot and item, the service level against the quantity held, the target line and
    the chosen quantity (sizing.json ``rows``) marked; the caption gives the total cost."""
    rows = [row for row in sizing["rows"] if (row["depot"], row["item"]) in curves]
    columns = 2 if len(rows) > 1 else 1
    grid_rows = max(1, math.ceil(len(rows) / columns))
    target = sizing["service_level"]
    drawn = []
    with figure(3.6 * columns, 2.3 * grid_rows + 0.3) as fig:
        for index, row in enumerate(rows):
            ax = fig.add_subplot(grid_rows, columns, index + 1)
            points = list(curves[(row["depot"], row["item"])])
            ax.plot(
                [q for q, _ in points],
                [s for _, s in points],
                color=MEDIAN_COLOUR,
                linewidth=1.2,
                marker=".",
                markersize=3,
            )
            ax.axhline(
                target,
                color=DEADLINE_COLOUR,
                linestyle=":",
                linewidth=1,
                label=cat("legend.target"),
            )
            ax.plot(
                [row["quantity"]],
                [row["service_level"]],
                marker="o",
                color=DEADLINE_COLOUR,
                markersize=6,
                linestyle="none",
                label=cat("legend.chosen"),
            )
            ax.set_title(
                cat("figure.panel_depot_item", depot=row["depot_name"], item=row["item_name"]),
                fontsize=8,
            )
            ax.set_ylim(0, 1.05)
            ax.set_xlabel(cat("axis.quantity", unit=row["unit"]), fontsize=7)
            ax.set_ylabel(cat("axis.service_level"), fontsize=7)
            ax.tick_params(labelsize=7)
            if index == 0:
                ax.legend(fontsize=6, loc="lower right")
            drawn.append(
                {
                    "depot": row["depot"],
                    "item": row["item"],
                    "curve": points,
                    "quantity": row["quantity"],
                    "service_level": row["service_level"],
                    "cost": row["cost"],
                }
            )
        caption = cat(
            "caption.sizing", target=cat.share(target), cost=cat.number(sizing["total_cost"], 0)
        )
        return finish(
            fig,
            f"sizing-{number}",
            cat("figure.sizing_title"),
            caption,
            {"rows": drawn, "total_cost": sizing["total_cost"]},
        )

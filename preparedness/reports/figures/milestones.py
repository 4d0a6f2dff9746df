"""Figures of one incident's milestones: how soon each was reached, and where the time went.

Medians, 90th percentiles, deadlines, shares and the delay split come from results.json as
they are; results.json holds no per-replication minutes, so the distribution is drawn from
the per-replication values passed in (the rows of replications.csv, or the experiment).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..i18n import Catalogue, milestone_label
from .render import (
    CAUSE_COLOURS,
    DEADLINE_COLOUR,
    MEDIAN_COLOUR,
    P90_COLOUR,
    Figure,
    figure,
    finish,
    place,
    text_inches,
)

__all__ = [
    "delay_figure",
    "ecdf_figure",
    "experiment_minutes",
    "key_milestones",
    "replication_minutes",
]

#: At most this many milestones per incident figure, so panels stay readable on a phone.
MAX_PANELS = 6

#: The share axis of the ECDFs: quarters read as well as tenths and draw fewer labels.
SHARE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)

#: (incident id, milestone id) -> minutes of each replication in order (None: not reached)
ReplicationMinutes = Mapping[tuple[str, str], Sequence[float | None]]


def replication_minutes(
    rows: Iterable[Mapping[str, str]],
) -> dict[tuple[str, str], list[float | None]]:
    """Per-replication minutes from replications.csv rows (``replication, incident, milestone,
    minutes``), in replication order; an empty ``minutes`` cell is a run that never reached it."""
    table: dict[tuple[str, str], dict[int, float | None]] = {}
    for row in rows:
        text = row["minutes"].strip()
        table.setdefault((row["incident"], row["milestone"]), {})[int(row["replication"])] = (
            float(text) if text else None
        )
    return {key: [by_run[i] for i in sorted(by_run)] for key, by_run in table.items()}


def experiment_minutes(
    results: Mapping[str, Any], replications: Sequence[Any]
) -> dict[tuple[str, str], list[float | None]]:
    """Per-replication minutes of every milestone of results.json, read from the experiment's
    ``ReplicationResult`` list (the same numbers replications.csv holds)."""
    return {
        (incident["id"], row["id"]): [
            r.milestones.get(incident["id"], {}).get(row["id"]) for r in replications
        ]
        for incident in results["incidents"]
        for row in incident["milestones"]
    }


def key_milestones(incident: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The milestones a figure shows: those with a deadline (else every reached one), capped."""
    reached = [m for m in incident["milestones"] if m["n_reached"] > 0]
    with_deadline = [m for m in reached if m["deadline"] is not None]
    return (with_deadline or reached)[:MAX_PANELS]


def _grid(count: int) -> tuple[int, int]:
    columns = 1 if count == 1 else 2 if count <= 4 else 3
    return math.ceil(count / columns), columns


def ecdf_figure(
    incident: Mapping[str, Any], minutes: ReplicationMinutes, cat: Catalogue, number: int
) -> Figure:
    """Per key milestone, the share of runs that had reached it by each minute (an ECDF over
    all runs, so runs that never reached it keep the curve below 1), with the deadline, the
    median and the 90th percentile of results.json marked."""
    shown = key_milestones(incident)
    rows, columns = _grid(len(shown))
    drawn = []
    with figure(3.4 * columns, 2.4 * rows + 0.4) as fig:
        place(
            fig,
            left=0.62,
            bottom=0.48,
            top=0.3,
            wspace=0.15,
            hspace=0.62,
            rows=rows,
            columns=columns,
        )
        for index, row in enumerate(shown):
            ax = fig.add_subplot(rows, columns, index + 1)
            values = list(minutes[(incident["id"], row["id"])])
            reached = sorted(v for v in values if v is not None)
            xs = [0.0, *[v for v in reached for _ in (0, 1)]]
            ys = [0.0]
            for rank in range(1, len(reached) + 1):
                ys.extend([(rank - 1) / len(values), rank / len(values)])
            ax.plot(xs, ys, color=MEDIAN_COLOUR, linewidth=1.2, drawstyle="default")
            label = milestone_label(row["id"], row["label"], cat)
            ax.set_title(label, fontsize=9)
            marks = [
                ("median", row["median"], MEDIAN_COLOUR, "--"),
                ("p90", row["p90"], P90_COLOUR, ":"),
            ]
            if row["deadline"] is not None:
                marks.append(("deadline", row["deadline"], DEADLINE_COLOUR, "-"))
            for key, value, colour, style in marks:
                ax.axvline(
                    value, color=colour, linestyle=style, linewidth=1, label=cat(f"legend.{key}")
                )
            ax.set_ylim(0, 1.02)
            ax.set_xlim(left=0)
            ax.set_yticks(SHARE_TICKS)
            ax.xaxis.set_major_locator(MaxNLocator(5))
            # Axis words once per row and column: fewer texts to lay out, same reading.
            if index >= len(shown) - columns:
                ax.set_xlabel(cat("axis.minutes_since_incident"), fontsize=8)
            if index % columns == 0:
                ax.set_ylabel(cat("axis.share_of_runs"), fontsize=8)
            else:
                ax.tick_params(labelleft=False)
            if index == 0:
                ax.legend(loc="lower right")
            drawn.append(
                {
                    "id": row["id"],
                    "median": row["median"],
                    "p90": row["p90"],
                    "deadline": row["deadline"],
                    "reached": reached,
                    "n_replications": len(values),
                }
            )
        first = shown[0]
        words = {
            "milestone": milestone_label(first["id"], first["label"], cat),
            "median": cat.minutes(first["median"]),
            "p90": cat.minutes(first["p90"]),
        }
        if first["deadline"] is not None:
            caption = cat(
                "caption.ecdf",
                deadline=cat.minutes(first["deadline"]),
                share=cat.share(first["deadline_met_share"]),
                **words,
            )
        else:
            caption = cat("caption.ecdf_no_deadline", **words)
        return finish(
            fig,
            f"ecdf-{incident['id']}-{number}",
            cat("figure.ecdf_title"),
            caption,
            {"milestones": drawn},
        )


def delay_figure(incident: Mapping[str, Any], cat: Catalogue, number: int) -> Figure:
    """Stacked bars of each key milestone's mean delay split, causes in fixed colours, with
    minutes and shares labelled on the parts large enough to hold a label."""
    shown = key_milestones(incident)
    drawn = []
    with figure(7.2, 0.55 * len(shown) + 1.6) as fig:
        causes_seen: dict[str, None] = {
            part["cause"]: None for row in reversed(shown) for part in row["delay_split"]
        }
        labels = [milestone_label(row["id"], row["label"], cat) for row in reversed(shown)]
        legend_rows = math.ceil(len(causes_seen) / 3)
        place(
            fig,
            left=text_inches(fig, labels, 9) + 0.2,
            bottom=0.55 + 0.19 * legend_rows,
            right=0.2,
            top=0.1,
        )
        ax = fig.add_subplot(1, 1, 1)
        bars: dict[str, list[float]] = {"y": [], "width": [], "left": []}
        colours = []
        for position, row in enumerate(reversed(shown)):
            left = 0.0
            segments = []
            for part in row["delay_split"]:
                cause, mean, share = part["cause"], part["mean"], part["share_of_latency"]
                bars["y"].append(position)
                bars["width"].append(mean)
                bars["left"].append(left)
                colours.append(CAUSE_COLOURS[cause])
                if share >= 0.12:
                    ax.text(
                        left + mean / 2,
                        position,
                        f"{cat.number(mean)}\n{cat.share(share)}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="black",
                    )
                segments.append({"cause": cause, "mean": mean, "share": share})
                left += mean
            drawn.append({"id": row["id"], "segments": segments})
        # One collection for every part: a patch per part costs a transform walk each.
        ax.add_collection(
            PolyCollection(
                [
                    [(x, y - 0.3), (x + w, y - 0.3), (x + w, y + 0.3), (x, y + 0.3)]
                    for x, w, y in zip(bars["left"], bars["width"], bars["y"], strict=True)
                ],
                facecolors=colours,
                edgecolors="white",
                linewidths=0.5,
            )
        )
        ax.set_ylim(-0.6, len(shown) - 0.4)
        ax.set_xlim(left=0)
        ax.set_yticks(range(len(shown)), labels)
        ax.set_xlabel(cat("axis.mean_minutes"))
        handles = [Patch(facecolor=CAUSE_COLOURS[c], label=cat(f"cause.{c}")) for c in causes_seen]
        fig.legend(
            handles=handles,
            loc="upper center",  # under the axis words, in the margin left for it
            bbox_to_anchor=(0.5, (0.19 * legend_rows + 0.06) / fig.get_figheight()),
            ncol=3,  # four columns of cause names overflow the figure
            fontsize=7,
        )
        first = shown[0]
        top = max(first["delay_split"], key=lambda part: part["mean"])
        caption = cat(
            "caption.delay",
            milestone=milestone_label(first["id"], first["label"], cat),
            cause=cat(f"cause.{top['cause']}"),
            minutes=cat.minutes(top["mean"]),
            share=cat.share(top["share_of_latency"]),
        )
        drawn.reverse()
        return finish(
            fig,
            f"delay-{incident['id']}-{number}",
            cat("figure.delay_title"),
            caption,
            {"milestones": drawn},
        )

"""The swimlane timeline of one replication: a lane per post on the critical paths.

Bars show what held each post up (ringing, waiting to call again, queued, talk, getting to
the desk, deciding, ...) in the fixed cause colours, arrows the messages between posts, and
markers the milestones. Drawn from the run's causal trace with the same critical-path walk
that makes the delay split, so the bars of a milestone add up to its latency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.collections import PolyCollection
from matplotlib.patches import FancyArrowPatch, Patch

from ...analysis.critical_path import critical_path
from ...analysis.milestones import milestone_times
from ...engine.trace import EventKind, Trace
from ..i18n import Catalogue, isolate, milestone_label
from .milestones import key_milestones
from .render import CAUSE_COLOURS, DEADLINE_COLOUR, Figure, figure, finish, place, text_inches

__all__ = ["has_lanes", "swimlane_figure"]

_MESSAGES = (EventKind.CALL_ANSWERED, EventKind.MESSAGE_DELIVERED)


def has_lanes(incident: Mapping[str, Any], trace: Trace) -> bool:
    """Whether the run reached any milestone the figure would show (the slowest run may have
    reached none of an incident's, and an empty timeline says nothing)."""
    if incident["id"] not in trace.incident_starts:
        return False
    reached = milestone_times(trace).get(incident["id"], {})
    return any(row["id"] in reached for row in key_milestones(incident))


def swimlane_figure(
    results: Mapping[str, Any],
    incident: Mapping[str, Any],
    trace: Trace,
    replication: int,
    choice: str,
    cat: Catalogue,
    number: int,
) -> Figure:
    """The critical paths of ``incident``'s key milestones in ``trace`` (one replication).

    ``choice`` is ``median``, ``p90``, ``worst`` or ``index`` and is said in the caption;
    post names come from results.json's ``people``.
    """
    names = {row["post"]: row["name"] for row in results["people"]}
    start = trace.incident_starts[incident["id"]]
    reached = milestone_times(trace).get(incident["id"], {})
    shown = [row for row in key_milestones(incident) if row["id"] in reached]
    siloed = results["command_mode"] == "siloed_relay"
    lanes: dict[str, None] = {}
    bars: dict[int, dict[str, Any]] = {}
    arrows: dict[int, dict[str, Any]] = {}
    marks = []
    for row in shown:
        hit = reached[row["id"]]
        last_lane = None
        for step in critical_path(trace, hit.event_id, siloed=siloed):
            event = step.event
            lane = step.post or event.actor
            if lane is None:
                continue
            lanes.setdefault(lane, None)
            last_lane = lane
            if step.minutes > 0 and event.id not in bars:
                bars[event.id] = {
                    "lane": lane,
                    "start": event.time - step.minutes - start,
                    "end": event.time - start,
                    "cause": step.cause,
                }
            if event.kind in _MESSAGES and event.actor and event.subject and event.id not in arrows:
                lanes.setdefault(event.actor, None)
                lanes.setdefault(event.subject, None)
                arrows[event.id] = {
                    "from": event.actor,
                    "to": event.subject,
                    "minutes": event.time - start,
                }
        marks.append({"id": row["id"], "minutes": hit.time, "lane": last_lane})
    order = list(lanes)
    position = {lane: len(order) - 1 - i for i, lane in enumerate(order)}
    in_order = sorted(bars.values(), key=lambda b: (b["start"], b["lane"]))
    causes: dict[str, None] = {bar["cause"]: None for bar in in_order}
    lane_names = [isolate(names.get(lane, lane)) for lane in order]
    last_label = [
        milestone_label(m["id"], _label(shown, m["id"]), cat)
        for m in sorted(marks, key=lambda m: m["minutes"])[-1:]
    ]
    legend_rows = math.ceil((len(causes) + 1) / 4)  # the causes and the message arrow
    with figure(7.6, 0.42 * len(order) + 1.9) as fig:
        place(
            fig,
            left=text_inches(fig, lane_names, 9) + 0.2,
            bottom=0.55 + 0.19 * legend_rows,
            right=0.2 + text_inches(fig, last_label, 7),  # runs past the last marker
            top=0.15,
        )
        ax = fig.add_subplot(1, 1, 1)
        # One collection of bars and plain arrow patches: a bar or an empty annotation per
        # step would each be an artist with its own text layout, drawn twice (SVG and PNG).
        ax.add_collection(
            PolyCollection(
                [_box(bar["start"], bar["end"], position[bar["lane"]]) for bar in in_order],
                facecolors=[CAUSE_COLOURS[bar["cause"]] for bar in in_order],
                linewidths=0,
            )
        )
        for arrow in arrows.values():
            ax.add_patch(
                FancyArrowPatch(
                    (arrow["minutes"], position[arrow["from"]]),
                    (arrow["minutes"], position[arrow["to"]]),
                    arrowstyle="->",
                    mutation_scale=10,
                    color="#444444",
                    linewidth=0.8,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
        for index, mark in enumerate(marks):
            y = position[mark["lane"]] if mark["lane"] is not None else 0
            ax.plot(
                [mark["minutes"]],
                [y],
                marker="D",
                color=DEADLINE_COLOUR,
                markersize=5,
                label=cat("legend.milestone") if index == 0 else None,
            )
            ax.annotate(
                milestone_label(mark["id"], _label(shown, mark["id"]), cat),
                (mark["minutes"], y),
                xytext=(3, 5 if index % 2 == 0 else -11),
                textcoords="offset points",
                fontsize=7,
            )
        ax.set_yticks([position[lane] for lane in order], lane_names)
        ax.set_ylim(-0.7, len(order) - 0.3)
        ax.set_xlim(left=0)
        ax.set_xlabel(cat("axis.minutes_since_incident"))
        handles: list[Any] = [
            Patch(facecolor=CAUSE_COLOURS[c], label=cat(f"cause.{c}")) for c in causes
        ]
        handles.append(
            ax.plot(
                [], [], color="#444444", marker=">", linewidth=0.8, label=cat("legend.message")
            )[0]
        )
        fig.legend(
            handles=handles,
            loc="upper center",  # under the axis words, in the margin left for it
            bbox_to_anchor=(0.5, (0.19 * legend_rows + 0.06) / fig.get_figheight()),
            ncol=4,
            fontsize=7,
        )
        last = max(marks, key=lambda m: m["minutes"]) if marks else None
        caption = cat(
            "caption.swimlane",
            replication=str(replication),
            choice=cat(f"choice.{choice}"),
            milestone=milestone_label(last["id"], _label(shown, last["id"]), cat) if last else "",
            minutes=cat.minutes(last["minutes"] if last else None),
        )
        data = {
            "replication": replication,
            "lanes": order,
            "bars": in_order,
            "arrows": list(arrows.values()),
            "milestones": marks,
        }
        return finish(
            fig, f"swimlane-{incident['id']}-{number}", cat("figure.swimlane_title"), caption, data
        )


def _box(start: float, end: float, y: float) -> list[tuple[float, float]]:
    """A lane bar's corners, as ``barh(height=0.55)`` would draw it."""
    return [(start, y - 0.275), (end, y - 0.275), (end, y + 0.275), (start, y + 0.275)]


def _label(shown: Sequence[Mapping[str, Any]], milestone_id: str) -> str:
    return next(row["label"] for row in shown if row["id"] == milestone_id)

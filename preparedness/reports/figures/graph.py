"""The command graph: posts in tiers by level, links coloured by the minutes they add to the
critical paths, posts coloured by utilisation.

results.json lists posts with their utilisation and links with their attempts, but not a
post's level nor every link's contribution to the critical paths (only each milestone's top
three), so both come in as arguments; :func:`post_levels` and :func:`link_minutes` derive
them from the scenario and the replication results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import networkx as nx

from ...engine.trace import Trace
from ...experiment.replicate import ReplicationResult
from ...scenario.models import Scenario
from ..i18n import Catalogue, isolate
from .render import Figure, figure, finish

__all__ = ["LEVEL_ORDER", "graph_figure", "link_minutes", "post_levels"]

#: Tiers from the top of the figure down.
LEVEL_ORDER = ("city", "district", "township", "community", "grid")


def post_levels(
    scenario: Scenario, posts: Iterable[str], trace: Trace | None = None
) -> dict[str, str]:
    """Each post's level (``grid`` ... ``city``): its role's level in the scenario, else what
    a trace's post table records (liaisons, teams and depots), else left out."""
    roles = {role.id: role.level.value for role in scenario.roles}
    known = {post: info.level for post, info in trace.posts.items()} if trace else {}
    levels = {}
    for post in sorted(posts):
        level = roles.get(post.partition("@")[0]) or known.get(post)
        if level is not None:
            levels[post] = str(level)
    return levels


def link_minutes(results: Sequence[ReplicationResult]) -> dict[tuple[str, str], float]:
    """Mean minutes each sender → receiver link adds to a critical path: the largest, over
    every incident's milestones, of its mean contribution (zeros included) over the runs
    that reached the milestone, which is how results.json's ``critical_links`` count it."""
    totals: dict[tuple[str, str, tuple[str, str]], float] = {}
    reached: dict[tuple[str, str], int] = {}
    for result in results:
        for incident, splits in sorted(result.splits.items()):
            for milestone, split in sorted(splits.items()):
                reached[(incident, milestone)] = reached.get((incident, milestone), 0) + 1
                for link, minutes in sorted(split.by_link.items()):
                    key = (incident, milestone, link)
                    totals[key] = totals.get(key, 0.0) + minutes
    best: dict[tuple[str, str], float] = {}
    for (incident, milestone, link), total in sorted(totals.items()):
        best[link] = max(best.get(link, 0.0), total / reached[(incident, milestone)])
    return best


def graph_figure(
    results: Mapping[str, Any],
    levels: Mapping[str, str],
    minutes: Mapping[tuple[str, str], float],
    cat: Catalogue,
    number: int,
) -> Figure:
    """Posts of results.json ``people`` and links of ``links`` laid out in level tiers."""
    names = {row["post"]: row["name"] for row in results["people"]}
    use = {row["post"]: row["utilisation_mean"] for row in results["people"]}
    graph: nx.DiGraph = nx.DiGraph()
    for post in sorted(use):
        graph.add_node(post)
    edges = sorted({(row["from"], row["to"]) for row in results["links"]})
    graph.add_edges_from(edges)
    tiers: dict[int, list[str]] = {}
    for post in sorted(graph.nodes):
        level = levels.get(post)
        tier = -LEVEL_ORDER.index(level) if level else -len(LEVEL_ORDER)
        tiers.setdefault(tier, []).append(post)
    # Tiers given as lists, not node attributes: networkx groups attributes into sets, whose
    # order (and so the layout) would change with the interpreter's string hashing.
    placed = nx.multipartite_layout(graph, subset_key=tiers, align="horizontal")
    layout = {post: (float(x), float(y)) for post, (x, y) in sorted(placed.items())}
    top = max(minutes.get(edge, 0.0) for edge in edges) if edges else 0.0
    link_map = mpl.colormaps["Reds"]
    post_map = mpl.colormaps["Blues"]
    size = 320 if graph.number_of_nodes() < 12 else 140
    with figure(7.6, 5.6) as fig:
        ax = fig.add_subplot(1, 1, 1)
        drawn_links = []
        for edge in edges:
            value = minutes.get(edge, 0.0)
            colour = link_map(0.25 + 0.75 * value / top) if top > 0 else link_map(0.25)
            nx.draw_networkx_edges(
                graph,
                layout,
                edgelist=[edge],
                ax=ax,
                edge_color=[colour],
                width=1.0 + 3.0 * (value / top if top else 0.0),
                arrows=True,
                arrowsize=9,
                node_size=size,
                connectionstyle="arc3,rad=0.08",
            )
            drawn_links.append({"from": edge[0], "to": edge[1], "minutes": value})
        nodes = sorted(graph.nodes)
        nx.draw_networkx_nodes(
            graph,
            layout,
            nodelist=nodes,
            ax=ax,
            node_size=size,
            node_color=[use.get(p, 0.0) for p in nodes],
            cmap=post_map,
            vmin=0.0,
            vmax=1.0,
            edgecolors="#333333",
            linewidths=0.6,
        )
        for post in nodes:
            x, y = layout[post]
            ax.text(
                x,
                y - 0.05,
                isolate(names.get(post, post)),
                ha="right",
                va="top",
                fontsize=6,
                rotation=30,
                rotation_mode="anchor",
            )
        ax.set_axis_off()
        ax.margins(0.08, 0.25)
        scale = mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(0, top or 1.0), cmap=link_map)
        bar = fig.colorbar(scale, ax=ax, orientation="vertical", fraction=0.03, pad=0.01)
        bar.set_label(cat("figure.graph_colour"), fontsize=7)
        posts = mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(0, 1), cmap=post_map)
        bar = fig.colorbar(posts, ax=ax, orientation="vertical", fraction=0.03, pad=0.14)
        bar.set_label(cat("figure.graph_size"), fontsize=7)
        busiest = results["people"][0] if results["people"] else None
        caption = cat(
            "caption.graph",
            post=busiest["name"] if busiest else cat("value.none"),
            share=cat.share(busiest["utilisation_mean"] if busiest else None),
        )
        data = {
            "posts": [
                {"post": p, "level": levels.get(p), "utilisation": use.get(p, 0.0)} for p in nodes
            ],
            "links": drawn_links,
        }
        return finish(fig, f"graph-{number}", cat("figure.graph_title"), caption, data)

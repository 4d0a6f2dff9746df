"""The command graph: posts in tiers by level, links coloured by the minutes they add to the
critical paths, posts coloured by utilisation.

Levels come from results.json ``people[].level`` and link minutes from
``links[].critical_minutes_mean``, so the figure draws exactly what results.json holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib as mpl
import networkx as nx

from ..i18n import Catalogue, isolate
from .render import Figure, figure, finish

__all__ = ["LEVEL_ORDER", "graph_figure"]

#: Tiers from the top of the figure down.
LEVEL_ORDER = ("city", "district", "township", "community", "grid")


def graph_figure(results: Mapping[str, Any], cat: Catalogue, number: int) -> Figure:
    """Posts of results.json ``people`` and links of ``links`` laid out in level tiers."""
    names = {row["post"]: row["name"] for row in results["people"]}
    levels = {row["post"]: row["level"] for row in results["people"] if row["level"]}
    minutes: dict[tuple[str, str], float] = {}
    for row in results["links"]:
        pair = (row["from"], row["to"])
        minutes[pair] = max(minutes.get(pair, 0.0), row["critical_minutes_mean"])
    use = {row["post"]: row["utilisation_mean"] for row in results["people"]}
    graph: nx.DiGraph = nx.DiGraph()
    for post in sorted(use):
        graph.add_node(post)
    edges = sorted({(row["from"], row["to"]) for row in results["links"]})
    graph.add_edges_from(edges)
    tiers: dict[int, list[str]] = {}
    for post in sorted(graph.nodes):
        level = levels.get(post)
        tier = -LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -len(LEVEL_ORDER)
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
        drawn_links = [{"from": a, "to": b, "minutes": minutes.get((a, b), 0.0)} for a, b in edges]
        values = [link["minutes"] for link in drawn_links]
        if edges:  # in one call: one pass over the links instead of one per link
            nx.draw_networkx_edges(
                graph,
                layout,
                edgelist=edges,
                ax=ax,
                edge_color=[link_map(0.25 + 0.75 * v / top if top > 0 else 0.25) for v in values],
                width=[1.0 + 3.0 * (v / top if top else 0.0) for v in values],
                arrows=True,
                arrowsize=9,
                node_size=size,
                connectionstyle="arc3,rad=0.08",
            )
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

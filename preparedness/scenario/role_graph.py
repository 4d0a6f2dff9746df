"""The reporting chain (who reports to whom) as plain adjacency lists, for the command checks.

The checks ask three things of it: is there a circle, whom does a report from one role
reach, and is there a path from one role to another. Each answer is a linear walk here; a
tree of 37,000 roles used to spend most of its cross-checking time in networkx doing the
same with far more work per step. Only when there is a circle is the networkx graph built,
so the circle named in the message is the one ``networkx.find_cycle`` finds, as before.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

__all__ = ["RoleGraph"]


class RoleGraph:
    """Roles as nodes and links as edges from the role that reports to the one it reports to."""

    def __init__(self, roles: Iterable[str], links: Iterable[tuple[str, str]]) -> None:
        self._next: dict[str, list[str]] = {role: [] for role in roles}
        self._links: list[tuple[str, str]] = []
        for source, target in links:
            self._links.append((source, target))
            self._next.setdefault(source, []).append(target)
            self._next.setdefault(target, [])
        self._reached: dict[str, frozenset[str]] = {}

    def reachable(self, start: str) -> frozenset[str]:
        """``start`` and every role a report from it reaches; remembered per role, as many
        incidents share a detector."""
        if start not in self._reached:
            seen = {start}
            todo = [start]
            while todo:
                for nxt in self._next.get(todo.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            self._reached[start] = frozenset(seen)
        return self._reached[start]

    def has_path(self, source: str, target: str) -> bool:
        return target in self.reachable(source)

    def find_cycle(self) -> list[tuple[str, str]] | None:
        """The circle ``networkx.find_cycle`` names, ignoring links from a role to itself,
        or None. The common case, no circle, is settled by a linear topological sort."""
        if not _has_cycle(self._next):
            return None
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(self._next)  # roles first, in order, as the checks always had
        graph.add_edges_from((u, v) for u, v in self._links if u != v)
        return list(nx.find_cycle(graph))


def _has_cycle(following: dict[str, list[str]]) -> bool:
    """Kahn's algorithm: a directed graph has a circle exactly when repeatedly removing the
    nodes nothing points to leaves some behind. Links from a node to itself are left out;
    a repeated link is counted, and removed, as often as it is given."""
    waiting = dict.fromkeys(following, 0)
    for source, targets in following.items():
        for target in targets:
            if target != source:
                waiting[target] += 1
    free = [node for node, count in waiting.items() if count == 0]
    removed = 0
    while free:
        node = free.pop()
        removed += 1
        for target in following[node]:
            if target != node:
                waiting[target] -= 1
                if waiting[target] == 0:
                    free.append(target)
    return removed < len(waiting)

"""The reporting chain's plain graph answers as networkx did for the command checks."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from preparedness.scenario.role_graph import RoleGraph


def _random_links(seed: int) -> tuple[list[str], list[tuple[str, str]]]:
    """A few roles and links among them, with repeats, links to oneself and circles."""
    rng = random.Random(seed)
    roles = [f"r{i}" for i in range(rng.randint(1, 9))]
    links = [(rng.choice(roles), rng.choice(roles)) for _ in range(rng.randint(0, 14))]
    return roles, links


def _networkx(roles: list[str], links: list[tuple[str, str]]) -> nx.DiGraph:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(roles)
    graph.add_edges_from(links)
    return graph


@pytest.mark.parametrize("seed", range(300))
def test_the_same_circle_and_the_same_reach_as_networkx(seed: int) -> None:
    roles, links = _random_links(seed)
    ours = RoleGraph(roles, links)
    theirs = _networkx(roles, links)
    theirs.remove_edges_from(list(nx.selfloop_edges(theirs)))
    try:
        expected = nx.find_cycle(theirs)
    except nx.NetworkXNoCycle:
        expected = None
    assert ours.find_cycle() == expected
    for role in roles:
        assert ours.reachable(role) == nx.descendants(theirs, role) | {role}
        for other in roles:
            assert ours.has_path(role, other) == nx.has_path(theirs, role, other)


def test_a_tree_has_no_circle_and_a_leaf_reaches_only_itself() -> None:
    roles = [f"n{i}" for i in range(40)]
    links = [(f"n{(i - 1) // 3}", f"n{i}") for i in range(1, 40)]
    graph = RoleGraph(roles, links)
    assert graph.find_cycle() is None
    assert graph.reachable("n0") == frozenset(roles)
    assert graph.reachable("n39") == {"n39"}

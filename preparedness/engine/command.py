"""Routes through the command graph: which posts a message passes on its way to a department's
unit or up a chain, and over which channels. The modes that choose among these routes are in
``command_modes.py``."""

from __future__ import annotations

import networkx as nx

from ..scenario.models import Department, Level, Role
from .world import Post, World

#: One hop of a route: the post to send to next, over which channel.
Hop = tuple[str, str]


def department_unit(world: World, department: Department, near_unit: str) -> Post:
    """The department's local unit (last role of its chain) serving the incident's place."""
    return world.post(department.chain[-1], near_unit)


def siloed_route(world: World, issuer: Post, department: Department, near_unit: str) -> tuple:
    """Up the government chain to the role the department answers to, then down its chain."""
    roles = [department.answers_to, *department.chain]
    if issuer.role.id != department.answers_to:
        graph = role_graph(world)
        try:
            climb = nx.shortest_path(graph, issuer.role.id, department.answers_to)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            climb = [issuer.role.id, department.answers_to]
        roles = [*climb[1:], *department.chain]
    return _hops(world, issuer, roles, near_unit, department.channel)


def direct_route(
    world: World, issuer: Post, department: Department, near_unit: str, channel: str
) -> tuple:
    """Straight to the department's local unit (the whistle, or a liaison's instruction)."""
    unit = department_unit(world, department, near_unit)
    return ((unit.id, channel),)


def liaison_role(world: World, department: Department) -> Role:
    """The department's liaison on joint duty in the centre, built from the centre's settings."""
    role_id = f"liaison_{department.id}"
    role = world.extra_roles.get(role_id)
    if role is None:
        centre = world.scenario.command.joint_centre
        assert centre is not None  # liaisons exist only in joint_command_centre mode
        role = Role.model_construct(
            id=role_id,
            name=f"{department.name} liaison",
            level=Level.township,
            decision_time=centre.liaison_decision_time,
            handover=0.0,  # model_construct skips validation, so unvalidated defaults are set here
        )
        world.extra_roles[role_id] = role
    return role


def role_graph(world: World) -> nx.DiGraph[str]:
    """Reports-to links between roles, built once per replication."""
    if world.role_graph is None:
        graph: nx.DiGraph[str] = nx.DiGraph()
        for link in world.scenario.command.links:
            graph.add_edge(link.source, link.target)
        world.role_graph = graph
    return world.role_graph


def chain_route(world: World, issuer: Post, role_id: str, near_unit: str, channel: str) -> tuple:
    """Along reports-to links, either way, from the issuer's role to ``role_id``'s post.

    The way an instruction that no department chain carries travels (a release order to
    the depot's authority, a team's activation): hop by hop through the people between,
    each link over its own channel (``channel`` where no link joins two posts).
    """
    graph = role_graph(world).to_undirected(as_view=True)
    try:
        roles = nx.shortest_path(graph, issuer.role.id, role_id)[1:]
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        roles = [role_id]
    return _hops(world, issuer, roles, near_unit, channel)


def _hops(
    world: World, issuer: Post, roles: list[str], near_unit: str, channel: str
) -> tuple[Hop, ...]:
    """The hops through the posts of ``roles`` serving ``near_unit``, in order, from the
    issuer: a post already reached is skipped (two roles can share one post), and each hop
    goes over the link joining the two posts, or ``channel`` where no link joins them."""
    hops: list[Hop] = []
    previous = issuer
    for role_id in roles:
        post = world.post(role_id, near_unit)
        if post.id == previous.id:
            continue
        hops.append((post.id, world.channel_between(previous, post) or channel))
        previous = post
    return tuple(hops)

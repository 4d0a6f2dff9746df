"""Getting stock moving: release orders, keepers, the first truck between depots, restocks.

When a plan with supplies is activated, every depot serving the incident's community
(its own depot and each depot above it) must be released and opened. The release order
travels through the chain to the depot's release authority like any other message; the
authority then phones the designated keeper, and the backups in turn if the keeper cannot
be reached (专人维护: the depot opens only when a keeper gets there). Once a depot is
open, its first truck is loaded and drives to each point below it; a depot nobody
resupplies orders a restock, which arrives after its lead time.

The engine only records when each of these happened; how much stock moved, and whether
anything ran out, is computed from those times by ``analysis/stock.py``, so the same
trace can be replayed with other quantities when sizing the stockpile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import simpy

from ..scenario.models import Depot
from ..scenario.supply_network import supply_network
from . import errands
from .command import chain_route
from .trace import EventKind, PostInfo, purpose, stranded_info, transfer_info
from .travel import travel_time
from .world import Post, World


@dataclass
class DepotState:
    """One depot in one replication: released once, opened once, shared by every incident."""

    opened: simpy.Event  # succeeded with the DEPOT_OPENED event id
    requested: bool = False
    trucks: set[str] = field(default_factory=set)  # points its first truck was sent to
    restock_ordered: bool = False


def request_supplies(world: World, state, activator: Post, cause: int):
    """Release and open every depot serving the incident's community, and start the trucks.

    Run by the plan's activator (``yield from``): they send each release order themselves,
    then leave the keepers, loading and driving to processes of their own.
    """
    network = supply_network(world.scenario)
    chain = network.chain(state.community)
    depots = [point for point in chain if network.depot[point] is not None]
    donor = _lateral_donor(world, chain[0])
    for depot_id in depots + ([donor] if donor else []):
        yield from _release(world, state, activator, world.scenario.depot(depot_id), cause)
    for child, parent in zip(chain, chain[1:], strict=False):
        _start_truck(world, parent, child)
    if donor:
        _start_truck(world, donor, chain[0])
    top = world.scenario.depot(chain[-1]) if network.depot[chain[-1]] else None
    if top is not None and top.restock_lead_time is not None:
        top_state = _state(world, top.id)
        if not top_state.restock_ordered:
            top_state.restock_ordered = True
            world.env.process(_restock(world, top, top.restock_lead_time))


def depot_actor(world: World, depot: Depot) -> str:
    """The trace actor for a depot's own doings (loading, trucks, restock)."""
    actor = f"depot:{depot.id}"
    if actor not in world.trace.posts:
        world.trace.posts[actor] = PostInfo(actor, "depot", depot.name, depot.level, depot.place, 1)
    return actor


def _state(world: World, depot_id: str) -> DepotState:
    depot_state = world.depots.get(depot_id)
    if depot_state is None:
        depot_state = DepotState(opened=world.env.event())
        world.depots[depot_id] = depot_state
    return depot_state


def _release(world: World, state, activator: Post, depot: Depot, cause: int):
    """Send the release order to the depot's authority (or approve it oneself)."""
    depot_state = _state(world, depot.id)
    if depot_state.requested:
        return
    depot_state.requested = True
    release = purpose("release", depot.id)
    if depot.release_by is None:  # the plan's activation is the approval
        world.env.process(approve_release(world, state, activator, release, cause))
        return
    route = chain_route(world, activator, depot.release_by, depot.place, depot.keeper_channel)
    yield from errands.send_errand(world, state, activator, route, release, cause)


def approve_release(world: World, state, post: Post, errand: str, cause: int):
    """The release authority approves and phones the keepers in order until one answers."""
    depot = world.scenario.depot(errand.split(":", 1)[1])
    trace = world.trace
    approved = trace.emit(
        world.env.now,
        EventKind.RELEASE_APPROVED,
        state.incident.id,
        post.id,
        cause=cause,
        info=depot.id,
    )
    cause = approved
    for role_id in depot.keepers:
        keeper = world.post(role_id, depot.place)
        route = ((keeper.id, depot.keeper_channel),)
        delivered = yield from errands.send_errand(
            world, state, post, route, purpose("keeper", depot.id), cause
        )
        if delivered:
            return
        lost = len(trace) - 1  # ``send`` ends with MESSAGE_LOST when every channel failed
        assert trace[lost].kind is EventKind.MESSAGE_LOST
        cause = lost  # the next keeper is called after giving up on this one


def open_depot(world: World, state, post: Post, errand: str, cause: int):
    """The keeper has decided and got to the depot (their decision and off-duty time)."""
    depot_id = errand.split(":", 1)[1]
    depot_state = _state(world, depot_id)
    if depot_state.opened.triggered:
        return
    opened = world.trace.emit(
        world.env.now,
        EventKind.DEPOT_OPENED,
        state.incident.id,
        post.id,
        cause=cause,
        info=depot_id,
    )
    depot_state.opened.succeed(opened)
    yield from ()  # an errand action is a process generator, even with nothing to wait for


def _start_truck(world: World, source: str, target: str) -> None:
    trucks = _state(world, source).trucks
    if target not in trucks:
        trucks.add(target)
        world.env.process(_first_truck(world, source, target))


def _first_truck(world: World, source_id: str, target: str):
    """Once the source is open: load, drive, and (for a depot) wait for its keeper."""
    env, trace = world.env, world.trace
    network = supply_network(world.scenario)
    source = world.scenario.depot(source_id)
    opened = yield _state(world, source_id).opened
    incident = trace[opened].incident
    actor = depot_actor(world, source)
    loading = source.loading_time.sample(world.streams.get(f"depot:{source_id}:loading:{target}"))
    if loading > 0:
        yield env.timeout(loading)
    info = transfer_info(source_id, target)
    dispatched = trace.emit(
        env.now, EventKind.TRANSFER_DISPATCHED, incident, actor, cause=opened, info=info
    )
    driving = travel_time(world, source_id, network.place[target], env.now)
    if math.isinf(driving):
        trace.emit(
            env.now,
            EventKind.MESSAGE_LOST,
            incident,
            actor,
            cause=dispatched,
            info=stranded_info(info),
        )
        return
    if driving > 0:
        yield env.timeout(driving)
    cause = dispatched
    if network.depot[target] is not None:
        receiving = _state(world, target).opened
        if not receiving.triggered:
            cause = yield receiving  # the truck waits at the gate for the keeper
    trace.emit(env.now, EventKind.TRANSFER_ARRIVED, incident, actor, cause=cause, info=info)


def _restock(world: World, depot: Depot, lead_time: float):
    env, trace = world.env, world.trace
    opened = yield _state(world, depot.id).opened
    actor = depot_actor(world, depot)
    incident = trace[opened].incident
    ordered = trace.emit(
        env.now, EventKind.RESTOCK_ORDERED, incident, actor, cause=opened, info=depot.id
    )
    yield env.timeout(lead_time)
    trace.emit(env.now, EventKind.RESTOCK_ARRIVED, incident, actor, cause=ordered, info=depot.id)


def _lateral_donor(world: World, point: str) -> str | None:
    """The nearest neighbouring community depot that may send (``lateral``) and whose
    community no incident hits.

    It is asked to stand by when the plan is activated; the stock replay decides whether
    it actually sends (only if the point would run out before the township's truck).
    """
    network = supply_network(world.scenario)
    if network.depot.get(point) is None:
        return None
    hit = {incident.community for incident in world.scenario.incidents}
    candidates = [
        other
        for other in network.neighbours(point)
        if world.scenario.depot(other).lateral and world.scenario.depot(other).place not in hit
    ]
    if not candidates:
        return None
    return min(
        candidates, key=lambda other: (travel_time(world, other, point, world.env.now), other)
    )

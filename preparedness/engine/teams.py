"""Teams: activated through the chain, mustered at their base, driven to the scene, set to work.

The plan's activator sends each team's activation as an errand: through the chain to the
nearest role allowed to activate the team, then to the team leader at the base (community
emergency teams with mobilisation levels, as in the Beijing Majuqiao urban-rural fringe case,
2020). The leader calls members out; the
team sets off once enough have gathered, drives to the incident and works its task. A
team is in one place at a time, so a second incident waits until the first task is done,
and the team then drives from that scene with the members it has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import simpy

from ..scenario.resources import Team, TeamRule
from . import errands
from .command import chain_route, role_graph
from .trace import NO_OPEN_ROAD, EventKind, PostInfo, purpose
from .travel import next_reopening, travel_time
from .world import Post, World

#: Gathered members needed is ceil(departs_with x reachable); this keeps 0.7 x 10 at 7.
_ROUNDING = 1e-9


@dataclass
class TeamState:
    """Where one team is in this replication; ``hold`` is taken by the incident it serves."""

    team: Team
    actor: str  # the team's id in the trace, f"team:{team.id}"
    hold: simpy.Resource
    location: str  # its base until it first goes out, then the community it last served
    mustered: bool = False
    members: int = 0


def team_state(world: World, team: Team) -> TeamState:
    """The team's state, created on first use and registered in the trace as a post."""
    crew = world.teams.get(team.id)
    if crew is None:
        actor = f"team:{team.id}"
        crew = TeamState(team, actor, simpy.Resource(world.env, capacity=1), team.base)
        world.teams[team.id] = crew
        world.trace.posts[actor] = PostInfo(
            actor,
            team.id,
            team.name,
            _base_level(world, team),
            team.base,
            team.members_up_to(len(team.levels)),
        )
    return crew


def dispatch_teams(world: World, state, activator: Post, cause: int):
    """Send every team the plan names (and the teams their levels call out) its activation.

    A process generator run by the activator, who makes the calls one after another.
    """
    plan = state.plan
    if plan is None:
        return
    ruled = {rule.team for rule in plan.teams}
    for rule in plan.teams:
        calls = [(rule.team, rule.level)]
        calls += [(other, 1) for other in _called_out(world, rule.team, rule.level, ruled)]
        for team_id, level in calls:
            if team_id in state.teams_called:
                continue
            state.teams_called.add(team_id)
            team = world.scenario.team(team_id)
            route = activation_route(world, activator, team, state.place)
            yield from errands.send_errand(
                world, state, activator, route, purpose("team", team_id, level), cause
            )


def activation_route(world: World, activator: Post, team: Team, near_unit: str) -> tuple:
    """Hops from the activator to the team leader: through the chain to the nearest role
    that may activate the team, then over the team's channel to the leader at the base."""
    leader = world.post(team.leader, team.base)
    if activator.id == leader.id:
        return ()
    to_leader = (leader.id, team.channel)
    if activator.role.id in team.activated_by:
        return (to_leader,)
    role = _nearest(world, activator.role.id, team.activated_by)
    route = chain_route(world, activator, role, near_unit, team.channel)
    if route and route[-1][0] == leader.id:
        return route
    return (*route, to_leader)


def activate(world: World, state, leader: Post, errand: str, cause: int):
    """The leader, having decided, calls the team out; the team then goes its own way."""
    _, team_id, level = errand.split(":")
    team = world.scenario.team(team_id)
    activated = world.trace.emit(
        world.env.now, EventKind.TEAM_ACTIVATED, state.incident.id, leader.id, team_id, cause
    )
    world.env.process(_respond(world, state, team, int(level), activated))
    yield from ()


def _respond(world: World, state, team: Team, level: int, activated: int):
    """Take the team, muster it if it is still at home, drive to the scene, do the task."""
    env, trace, incident = world.env, world.trace, state.incident.id
    crew = team_state(world, team)
    request = crew.hold.request()
    cause = activated
    waited = not request.triggered
    yield request
    if waited:
        cause = trace.emit(
            env.now, EventKind.TEAM_ASSIGNED, incident, crew.actor, team.id, activated
        )
    if not crew.mustered:
        cause = yield from _muster(world, state, crew, level, cause)
        if cause is None:
            crew.hold.release(request)  # still at its base: a later call-out may do better
            return
    on_scene = yield from _drive(world, state, crew, cause)
    if on_scene is None:
        crew.hold.release(request)  # no road will reopen: free for an incident it can reach
        return
    arrived = env.now
    rule = _rule(state.plan, team.id)
    if rule is None or rule.task is None:
        # Helps on scene until the incident is under control (or the run ends), then
        # stands down and is free for the next incident.
        trace.tasks[(incident, team.id)] = (arrived, None)
        if any(r.task is not None for r in state.plan.teams):
            yield _controlled(world, state)
            trace.tasks[(incident, team.id)] = (arrived, env.now)
            crew.hold.release(request)
        return
    duration = rule.task.duration.sample(world.streams.get(f"team:{team.id}:task:{incident}"))
    trace.tasks[(incident, team.id)] = (arrived, arrived + duration)
    if duration > 0:
        yield env.timeout(duration)
    done = trace.emit(
        env.now,
        EventKind.TASK_COMPLETED,
        incident,
        crew.actor,
        team.id,
        on_scene,
        info=rule.task.name,
    )
    _check_controlled(world, state, team.id, done)
    crew.hold.release(request)


def _muster(world: World, state, crew: TeamState, level: int, cause: int):
    """Call the members out; returns the TEAM_MUSTERED event, or None if nobody came.

    Each member answers with the reachable share and gathers after a muster-time draw
    (one vectorised draw per quantity, from the team's own stream for this incident). The
    team sets off when ceil(departs_with x answering) have gathered, or at the longest wait.
    """
    env, trace, team = world.env, world.trace, crew.team
    called = team.members_up_to(level)
    rng = world.streams.get(f"team:{team.id}:muster:{state.incident.id}")
    share = team.reachable.for_time(world.is_night(env.now))
    answers = rng.random(called) < share
    gathering = np.sort(team.muster_time.sample(rng, size=called)[answers])
    sets_off = team.max_muster_wait
    needed = max(1, math.ceil(team.departs_with * gathering.size - _ROUNDING))
    if gathering.size:
        sets_off = min(float(gathering[needed - 1]), sets_off)
    members = int(np.count_nonzero(gathering <= sets_off))
    if sets_off > 0:
        yield env.timeout(sets_off)
    if members == 0:
        why = "nobody gathered in time" if gathering.size else "nobody answered the call-out"
        trace.emit(
            env.now,
            EventKind.TEAM_STRANDED,
            state.incident.id,
            crew.actor,
            team.id,
            cause,
            info=why,
        )
        return None
    crew.mustered, crew.members = True, members
    return trace.emit(
        env.now,
        EventKind.TEAM_MUSTERED,
        state.incident.id,
        crew.actor,
        team.id,
        cause,
        info=str(members),
    )


def _drive(world: World, state, crew: TeamState, cause: int):
    """Drive to the incident's community; returns the TEAM_ON_SCENE event, or None.

    With no open road the team is stranded where it is and waits for the next cut to
    reopen; if none reopens before the run ends it gives up.
    """
    env, trace, team, incident = world.env, world.trace, crew.team, state.incident.id
    minutes = travel_time(world, crew.location, state.community, env.now)
    while math.isinf(minutes):
        cause = trace.emit(
            env.now,
            EventKind.TEAM_STRANDED,
            incident,
            crew.actor,
            team.id,
            cause,
            info=NO_OPEN_ROAD,
        )
        reopens = next_reopening(world, env.now)
        if reopens >= world.trace.horizon:
            return None
        yield env.timeout(reopens - env.now)
        minutes = travel_time(world, crew.location, state.community, env.now)
    if minutes > 0:
        yield env.timeout(minutes)
    crew.location = state.community
    trace.team_members[(incident, team.id)] = crew.members
    return trace.emit(
        env.now,
        EventKind.TEAM_ON_SCENE,
        incident,
        crew.actor,
        team.id,
        cause,
        info=str(crew.members),
    )


def _check_controlled(world: World, state, team_id: str, done: int) -> None:
    """Once every task the plan gives a team is done here, the incident is under control."""
    state.tasks_completed.add(team_id)
    tasks = [rule.team for rule in state.plan.teams if rule.task is not None]
    if state.controlled_at is None and all(t in state.tasks_completed for t in tasks):
        state.controlled_at = world.env.now
        world.trace.emit(
            world.env.now, EventKind.INCIDENT_CONTROLLED, state.incident.id, None, cause=done
        )
        _controlled(world, state).succeed()


def _controlled(world: World, state) -> simpy.Event:
    """An event that fires when the incident comes under control (teams stand down)."""
    if state.under_control is None:
        state.under_control = world.env.event()
    return state.under_control


def _rule(plan, team_id: str) -> TeamRule | None:
    return next((rule for rule in plan.teams if rule.team == team_id), None)


def _called_out(world: World, team_id: str, level: int, skip: set[str]) -> list[str]:
    """Teams a team's levels call out, at their own level 1 (and whom those call), in order;
    teams with a rule of their own in the plan are left to that rule."""
    found: list[str] = []
    frontier = world.scenario.team(team_id).teams_up_to(level)
    while frontier:
        other = frontier.pop(0)
        if other == team_id or other in skip or other in found:
            continue
        found.append(other)
        frontier += world.scenario.team(other).teams_up_to(1)
    return found


def _nearest(world: World, role_id: str, candidates: list[str]) -> str:
    """The candidate role fewest reports-to links away (the first listed on a tie)."""
    graph = role_graph(world).to_undirected(as_view=True)
    hops = nx.single_source_shortest_path_length(graph, role_id) if role_id in graph else {}
    return min(candidates, key=lambda role: hops.get(role, math.inf))


def _base_level(world: World, team: Team) -> str:
    return world.places.units[team.base].level.value

"""Incidents and what people do with them: detect, decide, report up, activate, order, report in.

Each incident is a process: it starts, is noticed by its detector after the detection
delay, and from then on the report and the orders travel from post to post. Every post
that receives a message takes one of its lines, decides, and acts; overlapping incidents
therefore compete for the same people. How the departments are ordered is the command mode's
business (``command_modes.py``); what a post does with other kinds of message is looked up
in the reception tables (``reception.py``, built in ``actions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..scenario.models import Incident, Level, Plan
from .callout import start_callout
from .command_modes import command_mode
from .reception import Message, MessageKind, call_with, handle
from .supplies import request_supplies
from .teams import dispatch_teams
from .trace import EventKind
from .travel import register_road_cuts
from .warning import start_warning
from .world import Post, World


@dataclass
class IncidentState:
    """What has already happened to one incident in this replication."""

    incident: Incident
    plan: Plan | None
    community: str | None  # None for a top-down incident started at a township or district
    place: str  # the grid cell (or community, or the starting post's place) where it happened
    handled: set[tuple[str, str]] = field(default_factory=set)
    activated: bool = False
    whistled: bool = False
    centre_engaged: bool = False
    ordered: set[str] = field(default_factory=set)
    summoned: set[str] = field(default_factory=set)  # departments summoned directly
    warn_area: list[str] = field(default_factory=list)  # communities to warn
    warn_units: dict = field(default_factory=dict)  # community -> units in the area (warning.py)
    warn_slices: dict = field(default_factory=dict)  # community -> cohort -> household ranges
    teams_called: set[str] = field(default_factory=set)  # teams sent an activation (teams.py)
    tasks_completed: set[str] = field(default_factory=set)  # teams whose task here is done
    controlled_at: float | None = None  # when the plan's last team task was done
    under_control: simpy.Event | None = None  # fired with INCIDENT_CONTROLLED
    callout_reached: set[str] = field(default_factory=set)  # posts the call-out reached


def incident_process(world: World, incident: Incident):
    """The incident happens, is noticed by its detector, who handles the report."""
    env, trace, scenario = world.env, world.trace, world.scenario
    if incident.start_after > 0:
        yield env.timeout(incident.start_after)
    detector_role = scenario.role(incident.detected_by)
    if incident.community is None:
        # Top-down: an activation order reaches a post (a duty desk, a station) at ``at``.
        assert incident.at is not None  # the loader requires one of community and at
        place = incident.at
        home = place if place in world.places.communities else None
    else:
        community = world.places.communities[incident.community]
        place = home = incident.community
        rng = world.streams.get(f"incident:{incident.id}:place")
        if detector_role.level is Level.grid and detector_role.per_1000_residents is None:
            cell = int(rng.integers(1, community.grid_cells + 1))
            place = world.places.grid_cell(community.id, cell)
        elif detector_role.level is Level.building:
            number = int(rng.integers(1, community.buildings + 1))
            place = world.places.building(community.id, number)
    state = IncidentState(incident, scenario.plan_for(incident), home, place)
    world.incidents[incident.id] = state
    trace.incident_starts[incident.id] = env.now
    trace.observed_until[incident.id] = env.now + scenario.observed_for(incident)
    register_road_cuts(world, incident, env.now)
    started = trace.emit(env.now, EventKind.INCIDENT_STARTED, incident.id, None, info=place)
    detector = world.post(incident.detected_by, place)
    delay = incident.detection_delay.sample(world.streams.get(f"incident:{incident.id}:detection"))
    if delay > 0:
        yield env.timeout(delay)
    detected = trace.emit(
        env.now, EventKind.INCIDENT_DETECTED, incident.id, detector.id, cause=started
    )
    yield from handle(world, state, detector, REPORT, detected)


#: The report of the incident, as it climbs the chain.
REPORT = Message(MessageKind.REPORT)


def act_on_report(world: World, state: IncidentState, post: Post, message: Message, cause: int):
    """Note the report, maybe activate the plan, report up, and (as activator) set it going."""
    trace, env = world.trace, world.env
    plan = state.plan
    mode = command_mode(world)
    yield from mode.on_report(world, state, post, cause)
    activated = None
    if plan is not None and not state.activated and plan.id in post.role.authority.activate_plans:
        state.activated = True
        activated = trace.emit(
            env.now, EventKind.PLAN_ACTIVATED, state.incident.id, post.id, cause=cause, info=plan.id
        )
    mode.report_noted(world, state, post, cause)
    top = plan.report_up_to if plan is not None else Level.district
    if post.level.rank < top.rank:
        for superior, channel in world.superiors_of(post):
            yield from call_with(world, state, post, superior, channel, message, cause)
    if activated is None or plan is None:  # only the post that activated the plan goes on
        return
    yield from mode.order_departments(world, state, post, activated)
    if plan.callout is not None:
        yield from start_callout(world, state, post, activated)
    if plan.teams:
        yield from dispatch_teams(world, state, post, activated)
    if plan.warn is not None:
        yield from start_warning(world, state, post, activated)
    if plan.supplies:
        yield from request_supplies(world, state, post, activated)

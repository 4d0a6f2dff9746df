"""Incidents and what people do with them: detect, decide, report up, activate, order, report in.

Each incident is a process: it starts, is noticed by its detector after the detection
delay, and from then on the report and the orders travel from post to post. Every post
that receives a message takes one of its lines, decides, and acts; overlapping incidents
therefore compete for the same people. Which route an order takes is the command mode's
business (``command.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..scenario.models import Incident, JointCentre, Level, Plan, Whistle
from . import errands
from .callout import act_on_callout, start_callout
from .channels import channel_order, send
from .command import Message, direct_route, liaison_role, siloed_route
from .supplies import request_supplies
from .teams import dispatch_teams
from .trace import EventKind
from .travel import register_road_cuts
from .warning import act_on_warning, start_warning
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


@dataclass
class CentreState:
    """A township's joint command centre: activated once, shared by overlapping incidents."""

    active: simpy.Event  # succeeded with the CENTRE_ACTIVE event id
    started: bool = False


def _whistle(world: World) -> Whistle:
    """The scenario's whistle; the loader requires one in ``whistle_and_report`` mode."""
    whistle = world.scenario.command.whistle
    assert whistle is not None
    return whistle


def _joint_centre(world: World) -> JointCentre:
    """The joint centre; the loader requires one in ``joint_command_centre`` mode."""
    centre = world.scenario.command.joint_centre
    assert centre is not None
    return centre


def incident_process(world: World, incident: Incident):
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
    yield from handle(world, state, detector, Message("report"), detected)


def deliver(world: World, state: IncidentState, receiver: Post, message: Message):
    """A callback for ``send``: start the receiver's handling when the message arrives."""

    def on_delivered(event_id: int) -> None:
        world.env.process(handle(world, state, receiver, message, event_id))

    return on_delivered


def handle(world: World, state: IncidentState, post: Post, message: Message, cause: int):
    """Take a line, decide, then act on the message. Repeated deliveries are ignored."""
    key = (post.id, message.info)
    if key in state.handled:
        return
    state.handled.add(key)
    env, trace, incident = world.env, world.trace, state.incident.id
    line = world.seize(post, incident, cause)
    yield line
    world.seized(post, incident, cause)
    started = trace.emit(
        env.now, EventKind.TASK_STARTED, incident, post.id, cause=cause, info=message.info
    )
    night = world.is_night(env.now)
    thinking = post.role.decision_time.for_time(night).sample(
        world.streams.get(f"{post.id}:decide:{incident}")
    )
    if not world.on_duty(post, env.now):
        getting_there = post.role.off_duty.response_delay.sample(
            world.streams.get(f"{post.id}:off_duty:{incident}")
        )
        if getting_there > 0:
            yield env.timeout(getting_there)
        started = trace.emit(
            env.now,
            EventKind.OFF_DUTY_RESPONSE,
            incident,
            post.id,
            cause=started,
            info=message.info,
        )
    if thinking > 0:
        yield env.timeout(thinking)
    decided = trace.emit(
        env.now, EventKind.DECISION_MADE, incident, post.id, cause=started, info=message.info
    )
    world.release(post, line, incident, decided)
    if message.kind == "report":
        yield from _act_on_report(world, state, post, decided)
    elif message.kind == "warning":
        yield from act_on_warning(world, state, post, decided)
    elif message.kind == "errand":
        yield from errands.act(world, state, post, message, decided)
    elif message.kind == "callout":
        yield from act_on_callout(world, state, post, message, decided, deliver)
    else:
        yield from _act_on_order(world, state, post, message, decided)


def _act_on_report(world: World, state: IncidentState, post: Post, cause: int):
    scenario, trace, env = world.scenario, world.trace, world.env
    plan = state.plan
    command = scenario.command
    if (
        command.mode == "whistle_and_report"
        and not state.whistled
        and post.role.id == _whistle(world).by
        and plan is not None
    ):
        state.whistled = True
        whistle = trace.emit(
            env.now, EventKind.WHISTLE_BLOWN, state.incident.id, post.id, cause=cause
        )
        yield from _summon_directly(world, state, post, _whistle(world).channel, whistle)
    activated = None
    if plan is not None and not state.activated and plan.id in post.role.authority.activate_plans:
        state.activated = True
        activated = trace.emit(
            env.now, EventKind.PLAN_ACTIVATED, state.incident.id, post.id, cause=cause, info=plan.id
        )
    if (
        command.mode == "joint_command_centre"
        and plan is not None
        and post.role.id == _joint_centre(world).commanded_by
        and not state.centre_engaged
    ):
        state.centre_engaged = True
        _start_centre(world, state, post, cause)
    top = plan.report_up_to if plan is not None else Level.district
    if post.level.rank < top.rank:
        for superior, channel in world.superiors_of(post):
            yield from send(
                world,
                post,
                superior,
                channel_order(world, post, channel),
                state.incident.id,
                cause,
                deliver(world, state, superior, Message("report")),
                "report",
            )
    if activated is not None and command.mode == "siloed_relay":
        yield from _order_siloed(world, state, post, activated)
    elif activated is not None and command.mode == "whistle_and_report":
        # Departments the whistle did not summon (it was never blown) are summoned now.
        yield from _summon_directly(world, state, post, _whistle(world).channel, activated)
    if activated is None or plan is None:  # only the post that activated the plan goes on
        return
    if plan.callout is not None:
        yield from start_callout(world, state, post, activated, deliver)
    if plan.teams:
        yield from dispatch_teams(world, state, post, activated)
    if plan.warn is not None:
        yield from start_warning(world, state, post, activated)
    if plan.supplies:
        yield from request_supplies(world, state, post, activated)


def _act_on_order(world: World, state: IncidentState, post: Post, message: Message, cause: int):
    env, trace = world.env, world.trace
    if not message.route:
        department_id = message.department
        assert department_id is not None  # an order always names its department
        if department_id in state.ordered:
            return
        state.ordered.add(department_id)
        ordered = trace.emit(
            env.now,
            EventKind.DEPARTMENT_ORDERED,
            state.incident.id,
            post.id,
            cause=cause,
            info=department_id,
        )
        department = world.scenario.department(department_id)
        mobilise = department.report_in_time.sample(
            world.streams.get(f"{post.id}:report_in:{department.id}")
        )
        if mobilise > 0:
            yield env.timeout(mobilise)
        trace.emit(
            env.now,
            EventKind.DEPARTMENT_REPORTED_IN,
            state.incident.id,
            post.id,
            cause=ordered,
            info=department.id,
        )
        return
    (next_id, channel), rest = message.route[0], message.route[1:]
    receiver = world.posts[next_id]
    forwarded = Message("order", message.department, rest)
    yield from send(
        world,
        post,
        receiver,
        channel_order(world, post, channel),
        state.incident.id,
        cause,
        deliver(world, state, receiver, forwarded),
        forwarded.info,
    )


def _required_departments(world: World, state: IncidentState):
    if state.plan is None:
        return []
    return [world.scenario.department(rule.department) for rule in state.plan.departments]


def _order_siloed(world: World, state: IncidentState, issuer: Post, cause: int):
    for department in _required_departments(world, state):
        route = siloed_route(world, issuer, department, state.place)
        yield from _pass_on(world, state, issuer, department.id, route, cause)


def _summon_directly(world: World, state: IncidentState, issuer: Post, channel: str, cause: int):
    for department in _required_departments(world, state):
        if department.id in state.summoned:
            continue
        state.summoned.add(department.id)
        route = direct_route(world, issuer, department, state.place, channel)
        yield from _pass_on(world, state, issuer, department.id, route, cause)


def _pass_on(world: World, state: IncidentState, sender: Post, department: str, route, cause):
    if not route:  # the sender is the department's own unit
        yield from _act_on_order(world, state, sender, Message("order", department, ()), cause)
        return
    (first_id, channel), rest = route[0], route[1:]
    receiver = world.posts[first_id]
    message = Message("order", department, rest)
    yield from send(
        world,
        sender,
        receiver,
        channel_order(world, sender, channel),
        state.incident.id,
        cause,
        deliver(world, state, receiver, message),
        message.info,
    )


def _start_centre(world: World, state: IncidentState, commander: Post, activated: int) -> None:
    """Bring the township's joint centre up (once) and have it order every department.

    The centre's duty desk sits with the department liaisons, so the centre starts
    convening as soon as its commanding post has the report, without waiting for the
    plan to be formally activated further up.
    """
    env = world.env
    township = world.places.ancestor(state.place, Level.township)
    centre = world.centres.get(township)
    if centre is None:
        centre = CentreState(active=env.event())
        world.centres[township] = centre
    if not centre.started:
        centre.started = True
        env.process(_activate_centre(world, state, township, centre, activated))
    env.process(_centre_orders(world, state, centre, activated))


def _activate_centre(
    world: World, state: IncidentState, township: str, centre: CentreState, activated: int
):
    env, trace = world.env, world.trace
    settings = _joint_centre(world)
    begun = trace.emit(
        env.now,
        EventKind.CENTRE_ACTIVATION_STARTED,
        state.incident.id,
        None,
        cause=activated,
        info=township,
    )
    duration = settings.activation_time.for_time(world.is_night(env.now)).sample(
        world.streams.get(f"centre:{township}:activation")
    )
    if duration > 0:
        yield env.timeout(duration)
    active = trace.emit(
        env.now, EventKind.CENTRE_ACTIVE, state.incident.id, None, cause=begun, info=township
    )
    centre.active.succeed(active)


def _centre_orders(world: World, state: IncidentState, centre: CentreState, activated: int):
    """Once the centre is up, every liaison hears the order at the same moment."""
    env, trace = world.env, world.trace
    settings = _joint_centre(world)
    active_id = yield centre.active
    cause = active_id
    if trace[active_id].incident != state.incident.id:
        # Convened for another incident: this one joins it, and its own causal chain
        # records the wait for the centre from its own trigger.
        cause = trace.emit(
            env.now,
            EventKind.CENTRE_ACTIVE,
            state.incident.id,
            None,
            cause=activated,
            info=f"{trace[active_id].info};joined",
        )
    commander = world.post(settings.commanded_by, state.place)
    for department in _required_departments(world, state):
        liaison = world.post(liaison_role(world, department).id, state.place)
        delivered = trace.emit(
            env.now,
            EventKind.MESSAGE_DELIVERED,
            state.incident.id,
            commander.id,
            liaison.id,
            cause,
            None,
            f"order:{department.id}",
        )
        route = direct_route(world, liaison, department, state.place, settings.liaison_channel)
        message = Message("order", department.id, route)
        env.process(handle(world, state, liaison, message, delivered))

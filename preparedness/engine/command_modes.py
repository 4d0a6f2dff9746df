"""Command modes as strategy objects: how department orders reach their units, chosen by name.

The schema names the modes (``scenario/command.py``: ``CommandModeName``); ``MODES`` holds
one strategy per name, and a test ties the two together. The report handler
(``incidents.py``) asks the scenario's mode three things: what a post does on hearing the
report before it may activate the plan (the whistle), what it does once the report is
noted (convening the joint centre), and how the activator orders the departments. Analysis
asks it whether relay hops between an order's issuer and the unit are a silo detour, and
whether a joint centre convenes. A new mode is a new class here and its name in the schema.

- ``siloed_relay``: a department obeys only its own chain, so the order climbs the
  government chain to the role the department answers to and comes back down the
  department's chain (条块分割, 各自为战: the fragmentation described by the Chengdu
  grassroots-governance case study and a 2020 People's Daily article on urban governance).
- ``whistle_and_report``: the community blows the whistle and summons each department's
  local unit directly, which must report in (基层吹哨、部门报到, as proposed for Shenzhen's
  Longgang district).
- ``joint_command_centre``: once the centre is up, department liaisons on joint duty receive
  the order at once and instruct their own units (联合值班值守, 一个中心统一指挥, as in the
  Hangzhou Yuhang grassroots-governance case study).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, ClassVar

import simpy

from ..scenario.models import JointCentre, Level, Whistle
from .command import direct_route, liaison_role, siloed_route
from .orders import pass_on, required_departments
from .reception import Message, MessageKind, handle
from .trace import EventKind, joined_info
from .world import Post, World

#: What a mode's hooks return: a process generator run inline by the post that has the report.
Steps = Generator[simpy.Event, Any, None]


class CommandMode:
    """How department orders are routed. The default hooks do nothing."""

    name: ClassVar[str]
    #: Whether relay posts between an order's issuer and the department's unit are a detour
    #: a direct order would have skipped (analysis charges them to ``silo_detour``).
    silo_detour: ClassVar[bool] = False
    #: Whether a joint command centre convenes (its activation is a milestone).
    convenes_centre: ClassVar[bool] = False

    def on_report(self, world: World, state: Any, post: Post, cause: int) -> Steps:
        """What ``post`` does on deciding about the report, before it may activate the plan."""
        yield from ()

    def report_noted(self, world: World, state: Any, post: Post, cause: int) -> None:
        """What starts, without the post waiting, once it has the report (and maybe activated)."""

    def order_departments(self, world: World, state: Any, activator: Post, activated: int) -> Steps:
        """How the post that activated the plan orders the plan's departments."""
        yield from ()


class SiloedRelay(CommandMode):
    """Each order climbs to the role its department answers to, then down the department."""

    name = "siloed_relay"
    silo_detour = True

    def order_departments(self, world: World, state: Any, activator: Post, activated: int) -> Steps:
        for department in required_departments(world, state):
            route = siloed_route(world, activator, department, state.place)
            yield from pass_on(world, state, activator, department.id, route, activated)


class WhistleAndReport(CommandMode):
    """The whistle's post summons every department's local unit directly; they report in."""

    name = "whistle_and_report"

    def on_report(self, world: World, state: Any, post: Post, cause: int) -> Steps:
        whistle = _whistle(world)
        if not state.whistled and post.role.id == whistle.by and state.plan is not None:
            state.whistled = True
            blown = world.trace.emit(
                world.env.now, EventKind.WHISTLE_BLOWN, state.incident.id, post.id, cause=cause
            )
            yield from _summon_directly(world, state, post, whistle.channel, blown)

    def order_departments(self, world: World, state: Any, activator: Post, activated: int) -> Steps:
        # Departments the whistle did not summon (it was never blown) are summoned now.
        yield from _summon_directly(world, state, activator, _whistle(world).channel, activated)


class JointCommandCentre(CommandMode):
    """The centre convenes when its commanding post has the report; liaisons order at once."""

    name = "joint_command_centre"
    convenes_centre = True

    def report_noted(self, world: World, state: Any, post: Post, cause: int) -> None:
        if (
            state.plan is not None
            and post.role.id == _joint_centre(world).commanded_by
            and not state.centre_engaged
        ):
            state.centre_engaged = True
            _start_centre(world, state, cause)


#: The command modes by the names the schema enumerates (``CommandModeName``).
MODES: dict[str, CommandMode] = {
    mode.name: mode for mode in (SiloedRelay(), WhistleAndReport(), JointCommandCentre())
}


def mode_named(name: str) -> CommandMode:
    """The strategy of the mode called ``name``; an unknown name is an error."""
    mode = MODES.get(name)
    if mode is None:
        raise KeyError(f"unknown command mode '{name}' (known: {', '.join(MODES)})")
    return mode


def command_mode(world: World) -> CommandMode:
    """The strategy of the scenario's command mode."""
    return mode_named(world.scenario.command.mode)


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


def _summon_directly(world: World, state: Any, issuer: Post, channel: str, cause: int) -> Steps:
    for department in required_departments(world, state):
        if department.id in state.summoned:
            continue
        state.summoned.add(department.id)
        route = direct_route(world, issuer, department, state.place, channel)
        yield from pass_on(world, state, issuer, department.id, route, cause)


@dataclass
class CentreState:
    """A township's joint command centre: activated once, shared by overlapping incidents."""

    active: simpy.Event  # succeeded with the CENTRE_ACTIVE event id
    started: bool = False


def _start_centre(world: World, state: Any, activated: int) -> None:
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
    world: World, state: Any, township: str, centre: CentreState, activated: int
) -> Steps:
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


def _centre_orders(world: World, state: Any, centre: CentreState, activated: int) -> Steps:
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
            info=joined_info(trace[active_id].info),
        )
    commander = world.post(settings.commanded_by, state.place)
    for department in required_departments(world, state):
        liaison = world.post(liaison_role(world, department).id, state.place)
        message = Message(MessageKind.ORDER, department.id)
        delivered = trace.emit(
            env.now,
            EventKind.MESSAGE_DELIVERED,
            state.incident.id,
            commander.id,
            liaison.id,
            cause,
            None,
            message.info,
        )
        route = direct_route(world, liaison, department, state.place, settings.liaison_channel)
        message = Message(MessageKind.ORDER, department.id, route)
        env.process(handle(world, state, liaison, message, delivered))

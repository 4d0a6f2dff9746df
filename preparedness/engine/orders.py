"""Department orders: an order travels its route post by post, and the unit that gets it reports in.

The command mode (``command_modes.py``) decides the route an order takes; every post on
it takes a line, decides and passes the order on, and the department's own local unit,
the last on the route, is ordered and mobilises.
"""

from __future__ import annotations

from ..scenario.models import Department
from .command import Hop
from .reception import Message, MessageKind, forward
from .trace import EventKind
from .world import Post, World


def required_departments(world: World, state) -> list[Department]:
    """The departments the incident's plan orders, in plan order (none without a plan)."""
    if state.plan is None:
        return []
    return [world.scenario.department(rule.department) for rule in state.plan.departments]


def act_on_order(world: World, state, post: Post, message: Message, cause: int):
    """Pass the order to the next post on its route, or, as the department's unit, mobilise."""
    env, trace = world.env, world.trace
    if not message.route:
        department_id = message.department
        if department_id is None:
            raise ValueError("an order must name its department")
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
    yield from forward(world, state, post, message, cause)


def pass_on(world: World, state, sender: Post, department: str, route: tuple[Hop, ...], cause: int):
    """Send the order for ``department`` along ``route`` (or act on it, if the route is empty)."""
    if not route:  # the sender is the department's own unit
        message = Message(MessageKind.ORDER, department, ())
        yield from act_on_order(world, state, sender, message, cause)
        return
    yield from forward(world, state, sender, Message(MessageKind.ORDER, department, route), cause)

"""How a post receives a message: take a line, decide, then do what the message's kind asks.

Every message that reaches a person (a report, an order, a warning, an errand, a call-out)
is handled the same way up to the decision; what follows depends on its kind. The
features (incidents, orders, warning, errands, call-outs) sit above this module: they
send messages and hand ``deliver`` to the channels, and their actions are looked up in
the world's ``Reception`` tables, which ``engine/actions.py`` builds in one place. So no
feature imports another to pass a message on, and a kind without an action is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import simpy

from .channels import channel_order, send
from .command import Hop
from .trace import EventKind, order_info, purpose_verb
from .world import Post, World


class MessageKind(Enum):
    """What a message is about; each kind has exactly one action in the reception tables."""

    REPORT = "report"  # the incident, reported up the chain
    ORDER = "order"  # an order for a department, travelling along its route
    WARNING = "warning"  # the warning cascading down to the households' warners
    ERRAND = "errand"  # an instruction for the last person on its route (``errands.py``)
    CALLOUT = "callout"  # a phone tree's call (``callout.py``)


@dataclass(frozen=True, slots=True)
class Message:
    """What travels between posts: a report of the incident, or an order for a department."""

    kind: MessageKind
    department: str | None = None
    route: tuple[Hop, ...] = ()
    #: For an errand, what the last person on the route does: "release:<depot>", ...;
    #: for a call-out, the unreached post whose people a backup calls instead.
    purpose: str | None = None

    @property
    def info(self) -> str:
        """The trace's ``info`` for this message's events (and the key for repeats)."""
        if self.kind is MessageKind.ORDER:
            return order_info(self.department)
        if self.kind is MessageKind.ERRAND and self.purpose is not None:
            return self.purpose
        if self.kind is MessageKind.CALLOUT and self.purpose is not None:
            return f"callout:{self.purpose}"
        return self.kind.value


#: What a post does with a message once it has decided: (world, incident state, post,
#: message, id of the DECISION_MADE event), run inline as a process generator.
Action = Callable[[World, Any, Post, Message, int], Generator[simpy.Event, Any, None]]
#: What the last person on an errand's route does: (world, incident state, post, purpose,
#: id of the event that set them going), run inline as a process generator.
ErrandAction = Callable[[World, Any, Post, str, int], Generator[simpy.Event, Any, None]]


@dataclass(frozen=True)
class Reception:
    """The dispatch tables: an action for every message kind and for every errand verb."""

    actions: Mapping[MessageKind, Action]
    errands: Mapping[str, ErrandAction]

    def __post_init__(self) -> None:
        missing = [kind.value for kind in MessageKind if kind not in self.actions]
        if missing:
            raise ValueError(f"no action for message kinds: {', '.join(missing)}")

    def action(self, kind: MessageKind) -> Action:
        """The action for ``kind``; anything that is not a ``MessageKind`` is an error."""
        if not isinstance(kind, MessageKind):
            raise TypeError(f"message kind {kind!r} is not a MessageKind")
        return self.actions[kind]

    def errand(self, purpose: str) -> ErrandAction:
        """The action named by an errand's purpose (``"release:<depot>"`` -> ``release``)."""
        verb = purpose_verb(purpose) or purpose
        found = self.errands.get(verb)
        if found is None:
            raise KeyError(f"no errand action for '{verb}' (purpose '{purpose}')")
        return found


def reception(world: World) -> Reception:
    """The world's dispatch tables; a world that runs incidents must have been given them."""
    tables = world.reception
    if tables is None:
        raise RuntimeError("this world was built without a reception (see engine/actions.py)")
    return tables


def deliver(world: World, state: Any, receiver: Post, message: Message) -> Callable[[int], None]:
    """A callback for ``send``: start the receiver's handling when the message arrives."""

    def on_delivered(event_id: int) -> None:
        world.env.process(handle(world, state, receiver, message, event_id))

    return on_delivered


def handle(world: World, state: Any, post: Post, message: Message, cause: int):
    """Take a line, decide, then act on the message. Repeated deliveries are ignored."""
    key = (post.id, message.info)
    if key in state.handled:
        return
    state.handled.add(key)
    act = reception(world).action(message.kind)
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
    yield from act(world, state, post, message, decided)


def forward(world: World, state: Any, sender: Post, message: Message, cause: int):
    """Call the first post of ``message``'s route and hand it the message with the rest of
    the route: the one step every hop of an order or an errand takes.

    A process generator: the sender stays busy while making the call. Returns whether the
    message got through.
    """
    (next_id, channel), rest = message.route[0], message.route[1:]
    onward = replace(message, route=rest)
    delivered = yield from call_with(
        world, state, sender, world.posts[next_id], channel, onward, cause
    )
    return delivered


def call_with(
    world: World,
    state: Any,
    sender: Post,
    receiver: Post,
    channel: str,
    message: Message,
    cause: int,
):
    """Pass ``message`` from ``sender`` to ``receiver``, starting with ``channel`` (falling back
    along the sender's channel order), and let the receiver handle it once delivered.

    A process generator: the sender stays busy while making the call. Returns whether the
    message got through.
    """
    delivered = yield from send(
        world,
        sender,
        receiver,
        channel_order(world, sender, channel),
        state.incident.id,
        cause,
        deliver(world, state, receiver, message),
        message.info,
    )
    return delivered

"""Errands: an instruction carried along a route to a person who then does one particular thing.

Opening a depot, approving a release and activating a team all start with a message that
travels through the chain like any other: every person on the route takes a line,
decides and passes it on. What the last person does is named by the message's
``purpose`` (``"release:<depot>"``, ``"team:<team>"``, ...), and the module owning that
verb registers it here, so the incident logic does not need to know about depots or teams.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

from .channels import channel_order, send
from .command import Message
from .world import Post, World

#: purpose prefix -> generator(world, state, post, purpose, cause) run by the last person
ACTIONS: dict[str, Callable[..., Generator]] = {}


def action(prefix: str):
    """Register what the last person on an errand's route does for ``prefix:...`` purposes."""

    def register(function):
        ACTIONS[prefix] = function
        return function

    return register


def send_errand(world: World, state, sender: Post, route: tuple, purpose: str, cause: int):
    """Pass an errand to the first hop of ``route`` (or, if the route is empty, do it now).

    A process generator: the sender stays busy while making the call. Returns whether the
    message got through (always True when the sender does it themselves).
    """
    if not route:
        yield from act(world, state, sender, Message("errand", route=(), purpose=purpose), cause)
        return True
    (first_id, channel), rest = route[0], route[1:]
    receiver = world.posts[first_id]
    message = Message("errand", route=rest, purpose=purpose)
    delivered = yield from send(
        world,
        sender,
        receiver,
        channel_order(world, sender, channel),
        state.incident.id,
        cause,
        _deliver(world, state, receiver, message),
        purpose,
    )
    return delivered


def act(world: World, state, post: Post, message: Message, cause: int):
    """What a person does with an errand once they have decided: pass it on, or carry it out."""
    assert message.purpose is not None  # send_errand always gives an errand its purpose
    if message.route:
        yield from send_errand(world, state, post, message.route, message.purpose, cause)
        return
    verb = message.purpose.split(":", 1)[0]
    yield from ACTIONS[verb](world, state, post, message.purpose, cause)


def _deliver(world: World, state, receiver: Post, message: Message):
    from .incidents import handle  # the receiver decides like on any other message

    def on_delivered(event_id: int) -> None:
        world.env.process(handle(world, state, receiver, message, event_id))

    return on_delivered

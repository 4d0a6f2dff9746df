"""Errands: an instruction carried along a route to a person who then does one particular thing.

Opening a depot, approving a release and activating a team all start with a message that
travels through the chain like any other: every person on the route takes a line,
decides and passes it on. What the last person does is named by the message's
``purpose`` (``"release:<depot>"``, ``"team:<team>"``, ...); the verb's action is looked
up in the world's reception tables (built in ``actions.py``), so the incident logic does
not need to know about depots or teams.
"""

from __future__ import annotations

from .reception import Message, MessageKind, forward, reception
from .world import Post, World


def send_errand(world: World, state, sender: Post, route: tuple, purpose: str, cause: int):
    """Pass an errand to the first hop of ``route`` (or, if the route is empty, do it now).

    A process generator: the sender stays busy while making the call. Returns whether the
    message got through (always True when the sender does it themselves).
    """
    if not route:
        message = Message(MessageKind.ERRAND, route=(), purpose=purpose)
        yield from act(world, state, sender, message, cause)
        return True
    message = Message(MessageKind.ERRAND, route=route, purpose=purpose)
    delivered = yield from forward(world, state, sender, message, cause)
    return delivered


def act(world: World, state, post: Post, message: Message, cause: int):
    """What a person does with an errand once they have decided: pass it on, or carry it out."""
    if message.purpose is None:
        raise ValueError("an errand must name its purpose")
    if message.route:
        yield from send_errand(world, state, post, message.route, message.purpose, cause)
        return
    yield from reception(world).errand(message.purpose)(world, state, post, message.purpose, cause)

"""Call-outs: working a phone tree down the reports-to links by the plan's named call rules.

A call-out starts at the post that activates a plan with a ``callout:`` block (a duty desk
ordering a staff call-down, a secretary activating the building leaders). Everyone who gets
the call calls their own people, the posts that report to them, in scenario order. How a
caller works their list is a strategy chosen by name (``REDIAL_POLICIES``):

- ``wait_and_redial``: call each contact until answered or the channel's attempts run out,
  waiting the retry interval before redialling the same person (the relay everywhere else);
- ``pass_then_call_back``: one attempt per contact down the whole list, then, after a pause,
  call back the ones missed, for a set number of passes (failed calls are retried after the
  first round, as mass-notification practice does: Rapid Notify, "No answer" decisions).

When a contact cannot be reached, ``unreached: skip_level`` has the caller, or the named
backup, call that contact's own people, so one unanswered member no longer drops a branch.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy

from ..scenario.models import Level
from .channels import DELIVERED, MISSED, OnDelivered, call_attempt, channel_order, send
from .reception import Message, MessageKind, call_with, deliver
from .trace import CalloutRoster, EventKind, callout_pass_info, roster_info
from .world import Places, Post, World, post_level_unit

#: A contact on a caller's list: the post, the link's channel, the event their call follows.
Contact = tuple[Post, str, int]
#: A way of working a list; returns the contacts given up on, with the CONTACT_UNREACHED event.
Policy = Callable[..., Generator[simpy.Event, object, list[tuple[Post, str, int]]]]


def people_below(world: World, post: Post) -> list[tuple[Post, str]]:
    """The posts that report to ``post`` inside its own area, with each link's channel."""
    places = world.places
    level = places.units[post.unit].level
    found: list[tuple[Post, str]] = []
    for role_id, channel in world.subordinates.get(post.role.id, []):
        kind = post_level_unit(world.scenario.role(role_id))
        units = _units_below(places, post.unit, level, kind)
        found.extend((world.post(role_id, unit), channel) for unit in units)
    return found


def _units_below(places: Places, unit: str, level: Level, kind: Level) -> list[str]:
    if kind.rank >= level.rank:
        return [places.ancestor(unit, kind)]
    if level is Level.grid:  # only buildings lie below a grid cell
        return places.buildings_of(unit)
    if kind is Level.township:
        return [
            u.id
            for u in list(places.units.values())
            if u.level is Level.township and places.ancestor(u.id, level) == unit
        ]
    communities = [c for c in places.communities if places.ancestor(c, level) == unit]
    if kind is Level.community:
        return communities
    if kind is Level.grid:
        return [cell for c in communities for cell in places.cells_of(c)]
    return [b for c in communities for b in places.buildings_of(c)]


def roster(world: World, starter: Post) -> list[str]:
    """Everyone the call-out must reach: every post below the starter, level by level."""
    members: list[str] = []
    seen = {starter.id}
    frontier = [starter]
    while frontier:
        below: list[Post] = []
        for post in frontier:
            for person, _ in people_below(world, post):
                if person.id not in seen:
                    seen.add(person.id)
                    members.append(person.id)
                    below.append(person)
        frontier = below
    return members


def start_callout(world: World, state, starter: Post, cause: int):
    """The plan's activator records the roster and starts calling (a process generator)."""
    members = roster(world, starter)
    incident = state.incident.id
    started = world.trace.emit(
        world.env.now,
        EventKind.CALLOUT_STARTED,
        incident,
        starter.id,
        cause=cause,
        info=roster_info(len(members)),
    )
    world.trace.callouts[incident] = CalloutRoster(incident, starter.id, started, tuple(members))
    yield from act_on_callout(world, state, starter, CALL, started)


#: A call-out's call to one's own people (a backup's names whose people to call instead).
CALL = Message(MessageKind.CALLOUT)


def act_on_callout(world: World, state, caller: Post, message: Message, cause: int):
    """Call one's own people (or, as a backup, an unreached contact's) by the plan's rules."""
    rules = state.plan.callout
    whose = caller if message.purpose is None else world.posts[message.purpose]
    contacts: list[Contact] = [(p, ch, cause) for p, ch in people_below(world, whose)]
    policy = REDIAL_POLICIES[rules.redial]
    while contacts:
        unreached = yield from policy(world, state, caller, contacts)
        contacts = []
        for contact, channel, given_up in unreached:
            if rules.unreached != "skip_level":
                continue
            if rules.backup is not None:
                backup = world.post(rules.backup, contact.unit)
                if backup.id not in (caller.id, contact.id):
                    passed = yield from _ask_backup(
                        world, state, caller, backup, contact, channel, given_up
                    )
                    if passed:
                        continue
            contacts.extend((p, ch, given_up) for p, ch in people_below(world, contact))


def _ask_backup(world, state, caller, backup, contact, channel, cause):
    """Ask the backup to call ``contact``'s people; returns whether the message got through."""
    message = Message(MessageKind.CALLOUT, purpose=contact.id)
    link = world.channel_between(caller, backup) or channel
    delivered = yield from call_with(world, state, caller, backup, link, message, cause)
    return delivered


def _reaching(state, receiver: Post, callback: OnDelivered) -> OnDelivered:
    """Mark the receiver reached (so nobody calls them again), then let them act."""

    def on_delivered(event_id: int) -> None:
        state.callout_reached.add(receiver.id)
        callback(event_id)

    return on_delivered


def _lost(world: World) -> int:
    """The MESSAGE_LOST event ``send`` has just emitted (it returns right after it)."""
    last = len(world.trace) - 1
    assert world.trace[last].kind is EventKind.MESSAGE_LOST
    return last


def _give_up(world: World, state, caller: Post, contact: Post, channel: str, last: int):
    """Record that ``caller`` gave up on ``contact``; returns (contact, channel, event id)."""
    given_up = world.trace.emit(
        world.env.now,
        EventKind.CONTACT_UNREACHED,
        state.incident.id,
        caller.id,
        contact.id,
        last,
        channel,
        "callout",
    )
    return contact, channel, given_up


def wait_and_redial(world: World, state, caller: Post, contacts: list[Contact]):
    """Each contact in turn, redialled after the retry interval until the attempts run out."""
    unreached = []
    for contact, channel, cause in contacts:
        if contact.id in state.callout_reached:
            continue
        on_delivered = _reaching(state, contact, deliver(world, state, contact, CALL))
        delivered = yield from send(
            world,
            caller,
            contact,
            channel_order(world, caller, channel),
            state.incident.id,
            cause,
            on_delivered,
            "callout",
        )
        if not delivered:
            unreached.append(_give_up(world, state, caller, contact, channel, _lost(world)))
    return unreached


def pass_then_call_back(world: World, state, caller: Post, contacts: list[Contact]):
    """One attempt per contact down the list; after a pause, call back the missed; repeat."""
    env, trace, incident = world.env, world.trace, state.incident.id
    rules = state.plan.callout
    unreached: list[tuple[Post, str, int]] = []
    pending = list(contacts)
    for number in range(1, rules.passes + 1):
        pending = [c for c in pending if c[0].id not in state.callout_reached]
        if not pending:
            break
        if number > 1 and rules.call_back_after > 0:
            yield env.timeout(rules.call_back_after)
        missed: list[Contact] = []
        for contact, channel_id, cause in pending:
            if contact.id in state.callout_reached:
                continue
            reach = _reaching(state, contact, deliver(world, state, contact, CALL))
            channel = world.scenario.channel(channel_id)
            if not channel.rings:
                # Posts and face-to-face talks are not redialled: the plain relay does them.
                delivered = yield from send(
                    world,
                    caller,
                    contact,
                    channel_order(world, caller, channel_id),
                    incident,
                    cause,
                    reach,
                    "callout",
                )
                if not delivered:
                    lost = _lost(world)
                    unreached.append(_give_up(world, state, caller, contact, channel_id, lost))
                continue
            if number > 1:
                cause = trace.emit(
                    env.now,
                    EventKind.RETRY_DUE,
                    incident,
                    caller.id,
                    contact.id,
                    cause,
                    channel_id,
                    callout_pass_info(number),
                )
            status, last = yield from call_attempt(
                world, caller, contact, channel, incident, cause, reach, "callout", number
            )
            if status == DELIVERED:
                reach(last)
            elif status == MISSED:
                missed.append((contact, channel_id, last))
        pending = missed
    for contact, channel_id, last in pending:
        if contact.id in state.callout_reached:
            continue
        rest = channel_order(world, caller, channel_id)[1:]
        if rest:  # the caller's fallback channels, once the passes are spent
            following_up = trace.emit(
                env.now,
                EventKind.FALLBACK,
                incident,
                caller.id,
                contact.id,
                last,
                rest[0],
                "callout",
            )
            reach = _reaching(state, contact, deliver(world, state, contact, CALL))
            delivered = yield from send(
                world, caller, contact, rest, incident, following_up, reach, "callout"
            )
            if delivered:
                continue
            last = _lost(world)
        unreached.append(_give_up(world, state, caller, contact, channel_id, last))
    return unreached


#: The call rules a plan's ``callout.redial`` names (the schema enumerates the same names).
REDIAL_POLICIES: dict[str, Policy] = {
    "wait_and_redial": wait_and_redial,
    "pass_then_call_back": pass_then_call_back,
}

"""How a message gets from one post to another: calls, posts in groups, pushes, and fallback.

Synchronous channels (phone, radio, in person) hold both parties' lines while they talk;
a phone rings, may go unanswered (always, for a person away for the whole incident), may
take a voicemail the receiver acts on later, is retried after an interval and given up
after the attempt limit. Asynchronous channels (group message, SMS, platform) are read after a
delay, or never; the sender follows up on the next channel when no read receipt arrives
in time. When one channel fails the sender falls back to the next in their order.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy
from simpy.resources.resource import Request

from .trace import EventKind, attempt_info, outage_info
from .world import Post, World, take_line

#: Called with the id of the MESSAGE_DELIVERED event when a message reaches its receiver.
OnDelivered = Callable[[int], None]

#: What a call (one attempt, or a run of them) came to.
DELIVERED = "delivered"
MISSED = "missed"
MESSAGE_LEFT = "message_left"


def channel_order(world: World, sender: Post, first: str | None) -> list[str]:
    """The link's own channel first, then the sender's fallback channels, without repeats."""
    order: list[str] = []
    for channel_id in [first, *sender.role.fallback]:
        if channel_id is not None and channel_id not in order:
            order.append(channel_id)
    return order


def send(
    world: World,
    sender: Post,
    receiver: Post,
    channels: list[str],
    incident: str,
    cause: int,
    on_delivered: OnDelivered,
    info: str,
) -> Generator[simpy.Event, object, bool]:
    """Try each channel in turn until one delivers (or, if asynchronous, posts).

    Returns whether the sender believes the message went through. A process generator:
    run it inline with ``yield from`` so the sender stays busy with it.
    """
    trace = world.trace
    for index, channel_id in enumerate(channels):
        if index > 0:
            cause = trace.emit(
                world.env.now,
                EventKind.FALLBACK,
                incident,
                sender.id,
                receiver.id,
                cause,
                channel_id,
                info,
            )
        channel = world.scenario.channel(channel_id)
        if channel.holds_lines:
            status, cause = yield from _call(
                world, sender, receiver, channel, incident, cause, on_delivered, info
            )
            if status == DELIVERED:
                on_delivered(cause)
                return True
            if status == MESSAGE_LEFT:  # the receiver acts on it later, by themselves
                return True
        else:
            posted, cause = yield from _post(
                world,
                sender,
                receiver,
                channel,
                channels[index + 1 :],
                incident,
                cause,
                on_delivered,
                info,
            )
            if posted:
                return True
    trace.emit(
        world.env.now, EventKind.MESSAGE_LOST, incident, sender.id, receiver.id, cause, None, info
    )
    return False


def _stream(world: World, channel, sender: Post, receiver: Post, purpose: str):
    return world.streams.get(f"{channel.id}:{sender.id}>{receiver.id}:{purpose}")


def _call(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    incident: str,
    cause: int,
    on_delivered: OnDelivered,
    info: str,
):
    """One synchronous exchange with retries; returns (status, id of the last event).

    The caller waits the retry interval and redials the same person (wait and redial) until
    the call is answered, a message is left, or the attempts run out.
    """
    env, trace = world.env, world.trace
    attempts = channel.max_attempts if channel.rings else 1
    for attempt in range(1, attempts + 1):
        status, cause = yield from call_attempt(
            world, sender, receiver, channel, incident, cause, on_delivered, info, attempt
        )
        if status != MISSED:
            return status, cause
        if attempt < attempts:
            yield env.timeout(channel.retry_interval)
            cause = trace.emit(
                env.now,
                EventKind.RETRY_DUE,
                incident,
                sender.id,
                receiver.id,
                cause,
                channel.id,
                info,
            )
    return MISSED, cause


def call_attempt(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    incident: str,
    cause: int,
    on_delivered: OnDelivered,
    info: str,
    attempt: int,
) -> Generator[simpy.Event, object, tuple[str, int]]:
    """One attempt on a synchronous channel, the caller holding a line of their own.

    Returns (status, id of the last event): ``DELIVERED``; ``MESSAGE_LEFT`` when the call
    went unanswered and the caller left a voicemail the receiver acts on later (through
    ``on_delivered``, unless they are away for the incident); ``MISSED`` otherwise.
    """
    env, trace = world.env, world.trace
    own = world.seize(sender, incident, cause)
    yield own
    world.seized(sender, incident, cause)
    dialled = trace.emit(
        env.now,
        EventKind.CALL_DIALLED,
        incident,
        sender.id,
        receiver.id,
        cause,
        channel.id,
        attempt_info(info, attempt),
    )
    in_person = not channel.rings
    outcome, cause = yield from _connect_and_talk(
        world, sender, receiver, channel, incident, dialled, info, in_person
    )
    status = DELIVERED if outcome else MISSED
    voicemail = getattr(channel, "voicemail", None)
    if (
        voicemail is not None
        and trace[cause].kind is EventKind.CALL_UNANSWERED
        and (stream := _stream(world, channel, sender, receiver, "voicemail")).random()
        < voicemail.share
    ):
        if voicemail.leave_time > 0:
            yield env.timeout(voicemail.leave_time)
        cause = trace.emit(
            env.now,
            EventKind.VOICEMAIL_LEFT,
            incident,
            sender.id,
            receiver.id,
            cause,
            channel.id,
            info,
        )
        status = MESSAGE_LEFT
        delay = voicemail.acts_after.sample(stream)
        if not world.away(receiver, incident):
            env.process(
                _voicemail_heard(
                    world, sender, receiver, channel, incident, cause, delay, on_delivered, info
                )
            )
    world.release(sender, own, incident, cause)
    return status, cause


def _voicemail_heard(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    incident: str,
    left: int,
    delay: float,
    on_delivered: OnDelivered,
    info: str,
):
    """The receiver hears the voicemail (or reads the text) and acts on it after a delay."""
    if delay > 0:
        yield world.env.timeout(delay)
    delivered = world.trace.emit(
        world.env.now,
        EventKind.MESSAGE_DELIVERED,
        incident,
        sender.id,
        receiver.id,
        left,
        channel.id,
        info,
    )
    on_delivered(delivered)


def _connect_and_talk(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    incident: str,
    dialled: int,
    info: str,
    in_person: bool,
):
    """Get the receiver's line, ring, talk. Returns (delivered, id of the last event)."""
    env, trace = world.env, world.trace
    down = world.channel_down(channel.id, env.now, sender.unit, receiver.unit)
    if (
        down
        or channel.failure_probability > 0
        and (
            _stream(world, channel, sender, receiver, "failure").random()
            < channel.failure_probability
        )
    ):
        yield env.timeout(0 if in_person else channel.no_answer_timeout)
        return False, trace.emit(
            env.now,
            EventKind.CALL_FAILED,
            incident,
            sender.id,
            receiver.id,
            dialled,
            channel.id,
            outage_info(info) if down else info,
        )
    theirs = take_line(receiver.lines)
    cause = dialled
    if isinstance(theirs, Request) and not theirs.triggered:
        if not in_person and receiver.role.when_busy == "call_back":
            theirs.cancel()
            return False, trace.emit(
                env.now,
                EventKind.CALL_BUSY,
                incident,
                sender.id,
                receiver.id,
                dialled,
                channel.id,
                info,
            )
        if in_person:
            yield theirs
        else:
            patience = env.timeout(channel.hold_patience)
            yield theirs | patience
            if not theirs.triggered:
                theirs.cancel()
                return False, trace.emit(
                    env.now,
                    EventKind.CALL_ABANDONED,
                    incident,
                    sender.id,
                    receiver.id,
                    dialled,
                    channel.id,
                    info,
                )
        cause = trace.emit(
            env.now,
            EventKind.CALL_CONNECTED,
            incident,
            sender.id,
            receiver.id,
            dialled,
            channel.id,
            info,
        )
    world.seized(receiver, incident, cause)
    outcome, last = yield from _ring_and_talk(
        world, sender, receiver, channel, incident, cause, info, in_person
    )
    world.release(receiver, theirs, incident, last)
    return outcome, last


def _ring_and_talk(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    incident: str,
    cause: int,
    info: str,
    in_person: bool,
):
    """With both lines held: ring (maybe unanswered), then talk. Returns (delivered, last id)."""
    env, trace = world.env, world.trace
    if not in_person:
        now = env.now
        probability = channel.answer_probability.for_time(world.is_night(now))
        if not world.on_duty(receiver, now):
            probability *= receiver.role.off_duty.answer_factor
        answered = _stream(world, channel, sender, receiver, "answer").random() < probability
        if not answered or world.away(receiver, incident):
            yield env.timeout(channel.no_answer_timeout)
            return False, trace.emit(
                env.now,
                EventKind.CALL_UNANSWERED,
                incident,
                sender.id,
                receiver.id,
                cause,
                channel.id,
                info,
            )
        ring = _ring_time(world, channel, sender, receiver)
        if ring > 0:
            yield env.timeout(ring)
        cause = trace.emit(
            env.now,
            EventKind.CALL_ANSWERED,
            incident,
            sender.id,
            receiver.id,
            cause,
            channel.id,
            info,
        )
    talk = channel.talk_time.sample(_stream(world, channel, sender, receiver, "talk"))
    if talk > 0:
        yield env.timeout(talk)
    return True, trace.emit(
        env.now,
        EventKind.MESSAGE_DELIVERED,
        incident,
        sender.id,
        receiver.id,
        cause,
        channel.id,
        info,
    )


def _ring_time(world: World, channel, sender: Post, receiver: Post) -> float:
    ring_time = getattr(channel, "ring_time", None)
    if ring_time is None:
        return 0.0
    ring = ring_time.sample(_stream(world, channel, sender, receiver, "ring"))
    return min(ring, channel.no_answer_timeout)


def _post(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    remaining: list[str],
    incident: str,
    cause: int,
    on_delivered: OnDelivered,
    info: str,
):
    """Write an asynchronous message; its reading (or follow-up) happens in the background."""
    env, trace = world.env, world.trace
    if world.channel_down(channel.id, env.now, sender.unit, receiver.unit):
        # The message cannot even be sent: the sender sees it fail and falls back at once.
        return False, trace.emit(
            env.now,
            EventKind.CALL_FAILED,
            incident,
            sender.id,
            receiver.id,
            cause,
            channel.id,
            outage_info(info),
        )
    own = world.seize(sender, incident, cause)
    yield own
    world.seized(sender, incident, cause)
    writing = channel.post_time.sample(_stream(world, channel, sender, receiver, "post"))
    if writing > 0:
        yield env.timeout(writing)
    stream = _stream(world, channel, sender, receiver, "read")
    failed = channel.failure_probability > 0 and stream.random() < channel.failure_probability
    never = stream.random() < channel.never_read_share
    delay = channel.read_delay.for_time(world.is_night(env.now)).sample(stream)
    posted = trace.emit(
        env.now, EventKind.MESSAGE_POSTED, incident, sender.id, receiver.id, cause, channel.id, info
    )
    world.release(sender, own, incident, posted)
    if failed or never or world.away(receiver, incident):
        delay = None
    env.process(
        _await_reading(
            world, sender, receiver, channel, remaining, incident, posted, delay, on_delivered, info
        )
    )
    return True, posted


def _await_reading(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    remaining: list[str],
    incident: str,
    posted: int,
    delay: float | None,
    on_delivered: OnDelivered,
    info: str,
):
    env, trace = world.env, world.trace
    confirm = channel.confirm_within
    if delay is not None and delay <= confirm:
        yield env.timeout(delay)
        delivered = trace.emit(
            env.now,
            EventKind.MESSAGE_DELIVERED,
            incident,
            sender.id,
            receiver.id,
            posted,
            channel.id,
            info,
        )
        on_delivered(delivered)
        return
    yield env.timeout(confirm)
    unconfirmed = trace.emit(
        env.now,
        EventKind.MESSAGE_UNCONFIRMED,
        incident,
        sender.id,
        receiver.id,
        posted,
        channel.id,
        info,
    )
    if delay is not None:
        env.process(
            _late_read(
                world,
                sender,
                receiver,
                channel,
                incident,
                posted,
                delay - confirm,
                on_delivered,
                info,
            )
        )
    if remaining:
        following_up = trace.emit(
            env.now,
            EventKind.FALLBACK,
            incident,
            sender.id,
            receiver.id,
            unconfirmed,
            remaining[0],
            info,
        )
        yield from send(
            world, sender, receiver, remaining, incident, following_up, on_delivered, info
        )
    else:
        trace.emit(
            env.now,
            EventKind.MESSAGE_LOST,
            incident,
            sender.id,
            receiver.id,
            unconfirmed,
            None,
            info,
        )


def _late_read(
    world: World,
    sender: Post,
    receiver: Post,
    channel,
    incident: str,
    posted: int,
    remaining_delay: float,
    on_delivered: OnDelivered,
    info: str,
):
    """A message read after the sender gave up on it still reaches the receiver."""
    yield world.env.timeout(remaining_delay)
    delivered = world.trace.emit(
        world.env.now,
        EventKind.MESSAGE_DELIVERED,
        incident,
        sender.id,
        receiver.id,
        posted,
        channel.id,
        info,
    )
    on_delivered(delivered)

"""How people reach each other: phone, radio, in person, group messages, SMS and platform
pushes, each with its delays, failures and outages."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, TypeGuard, get_args

from pydantic import Field

from .base import Identifier, Model, Probability, Share, as_written
from .callouts import Voicemail
from .distributions import DayNightDistribution, DayNightProbability, DurationDistribution
from .durations import Duration, PositiveDuration

__all__ = [
    "Channel",
    "GroupMessageChannel",
    "InPersonChannel",
    "Outage",
    "PhoneChannel",
    "PlatformChannel",
    "RadioChannel",
    "SmsChannel",
    "HOUSEHOLD_KINDS",
    "HouseholdChannel",
    "SYNCHRONOUS_KINDS",
]


class Outage(Model):
    """A channel going down during the incident, e.g. a flooded base station."""

    probability: Probability = 1.0
    """Chance that the outage happens at all in a replication."""
    start_after: Duration = as_written("0m")
    """From the scenario's start."""
    duration: PositiveDuration
    """How long the channel stays down."""
    communities: list[Identifier] = []
    """Communities whose people cannot use the channel meanwhile; empty means everywhere."""


class _ChannelBase(Model):
    # What the channel does, declared once here and read by the loader's checks and the
    # engine (class attributes, not fields: a scenario cannot change them).
    holds_lines: ClassVar[bool] = False
    """Synchronous: the exchange holds a line of each party while they talk (a call); else
    the message is posted, and read later or never."""
    rings: ClassVar[bool] = False
    """A call that rings: it may go unanswered, be retried, or wait on hold for a busy callee."""
    read_receipts: ClassVar[bool] = False
    """Posted and confirmed by a read receipt; without one by ``confirm_within`` the sender
    follows up on the next channel."""
    reaches_households: ClassVar[bool] = False
    """Can carry a warning to households (a post to a group or a list)."""

    id: Identifier
    """Id that links, fallbacks and warnings use to name the channel."""
    name: str | None = None
    """A readable name for the channel (optional)."""
    failure_probability: Probability = 0.0
    """Chance that one attempt fails outright on this channel (network down, line dead)."""
    outages: list[Outage] = []
    """Times the channel goes down during the incident, e.g. a flooded base station."""


class PhoneChannel(_ChannelBase):
    """One-to-one voice call: rings, may go unanswered, is retried, and holds both parties' lines.

    Defaults: pick-up after about 2.5 rings of 6 s, a no-answer decision after 5 rings, and a
    call of 1.5-3 minutes (Avaya's 6-second US ring cadence, Rapid Notify's 3-7 rings before
    no answer, CTIA's mean mobile call length).
    """

    holds_lines = True
    rings = True

    kind: Literal["phone"]
    """Written ``kind: phone``."""
    answer_probability: DayNightProbability = as_written(0.85)
    """Chance that an attempt is answered by an on-duty person, by day and by night."""
    ring_time: DurationDistribution = as_written("15s")
    """Time from dialling to pick-up when the call is answered."""
    no_answer_timeout: PositiveDuration = as_written("30s")
    """How long the caller lets it ring before giving up the attempt."""
    retry_interval: Duration = as_written("2m")
    """Pause between attempts."""
    max_attempts: int = Field(default=3, ge=1, le=100)
    """Attempts before the caller falls back to another channel."""
    talk_time: DurationDistribution = as_written({"lognormal": {"median": "1m30s", "p90": "4m"}})
    """Length of the conversation once answered."""
    hold_patience: PositiveDuration = as_written("3m")
    """How long a caller stays on hold when the callee is on another call."""
    voicemail: Voicemail | None = None
    """What an unanswered call may leave behind for the member to act on later; left out,
    nothing (an unanswered attempt is simply missed)."""


class RadioChannel(_ChannelBase):
    """Two-way radio: no dialling, answered when the receiver has the set on (on duty)."""

    holds_lines = True
    rings = True

    kind: Literal["radio"]
    """Written ``kind: radio``."""
    answer_probability: DayNightProbability = as_written(0.95)
    """Chance that a call is answered by an on-duty person, by day and by night
    (a planning assumption: the set is on while on duty)."""
    retry_interval: Duration = as_written("1m")
    """Pause between attempts."""
    max_attempts: int = Field(default=5, ge=1, le=100)
    """Attempts before the caller falls back to another channel."""
    talk_time: DurationDistribution = as_written("30s")
    """Length of the exchange once answered."""
    no_answer_timeout: PositiveDuration = as_written("20s")
    """How long the caller keeps calling before giving up the attempt."""
    hold_patience: PositiveDuration = as_written("2m")
    """How long a caller waits when the receiver is busy on another call."""


class InPersonChannel(_ChannelBase):
    """Face to face, for people sitting together (the joint duty room)."""

    holds_lines = True

    kind: Literal["in_person"]
    """Written ``kind: in_person``."""
    talk_time: DurationDistribution = as_written("1m")
    """Length of the conversation."""


class GroupMessageChannel(_ChannelBase):
    """A WeChat-style group: one post, read by each member after a delay, never by some."""

    read_receipts = True
    reaches_households = True

    kind: Literal["group_message"]
    """Written ``kind: group_message``."""
    post_time: DurationDistribution = as_written("30s")
    """Time the sender spends writing the post."""
    read_delay: DayNightDistribution = as_written({"lognormal": {"median": "5m", "p90": "30m"}})
    """Delay from posting to a member reading it."""
    never_read_share: Share = 0.1
    """Share of members who never read the post."""
    confirm_within: PositiveDuration = as_written("30m")
    """If no reply by then, the sender treats the message as failed and falls back."""
    forwarded_share: Share = 0.0
    """Of the households that never read a warning posted here, the share that hear it anyway
    because a member who read it forwards it or tells them (a neighbour, a relative's group)."""
    forward_delay: DurationDistribution = as_written({"lognormal": {"median": "30m", "p90": "2h"}})
    """From a reader reading the warning to the household it was forwarded to hearing it."""


class SmsChannel(_ChannelBase):
    """Text message: delivered within seconds, read after a delay."""

    read_receipts = True
    reaches_households = True

    kind: Literal["sms"]
    """Written ``kind: sms``."""
    post_time: DurationDistribution = as_written("30s")
    """Time the sender spends writing the message."""
    read_delay: DayNightDistribution = as_written({"lognormal": {"median": "3m", "p90": "20m"}})
    """Delay from sending to the recipient reading it."""
    never_read_share: Share = 0.05
    """Share of recipients who never read the message."""
    confirm_within: PositiveDuration = as_written("20m")
    """If no reply by then, the sender treats the message as failed and falls back."""


class PlatformChannel(_ChannelBase):
    """A unified platform push the recipient acknowledges in the app (closed-loop handling, as
    in the Hangzhou Yuhang grassroots-governance case study)."""

    read_receipts = True
    reaches_households = True

    kind: Literal["platform"]
    """Written ``kind: platform``."""
    post_time: DurationDistribution = as_written("10s")
    """Time the sender spends writing the push."""
    read_delay: DayNightDistribution = as_written({"lognormal": {"median": "1m", "p90": "5m"}})
    """Delay from push to acknowledgement by a recipient who uses the platform."""
    adoption_share: Share = 0.9
    """Share of recipients who use the platform at all."""
    confirm_within: PositiveDuration = as_written("10m")
    """Unacknowledged pushes are followed up on the fallback channel after this."""

    @property
    def never_read_share(self) -> float:
        return 1.0 - self.adoption_share


Channel = Annotated[
    PhoneChannel
    | RadioChannel
    | InPersonChannel
    | GroupMessageChannel
    | SmsChannel
    | PlatformChannel,
    Field(discriminator="kind"),
]

#: Every channel model, in the order the schema lists them.
CHANNEL_MODELS: tuple[type[_ChannelBase], ...] = get_args(get_args(Channel)[0])


def _kind(model: type[_ChannelBase]) -> str:
    """The ``kind:`` a channel model is written with."""
    (kind,) = get_args(model.model_fields["kind"].annotation)
    return str(kind)


#: Kinds that hold both parties' lines while they talk.
SYNCHRONOUS_KINDS = tuple(_kind(m) for m in CHANNEL_MODELS if m.holds_lines)
#: Kinds a warning can reach households on.
HOUSEHOLD_KINDS = tuple(_kind(m) for m in CHANNEL_MODELS if m.reaches_households)

#: The models whose ``reaches_households`` is set, as one type (a test keeps them equal).
HouseholdChannel = GroupMessageChannel | SmsChannel | PlatformChannel


def reaches_households(channel: object) -> TypeGuard[HouseholdChannel]:
    """Whether a warning can be posted to households on ``channel`` (its model says so)."""
    return isinstance(channel, _ChannelBase) and channel.reaches_households

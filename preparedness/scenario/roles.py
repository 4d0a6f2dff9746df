"""The people of the response organisation: roles, their duty hours, authority, and how
they warn households (group messages, loudspeakers, door knocking)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from .base import Identifier, Level, Model, Probability, Share, Shift, as_written
from .distributions import DayNightDistribution, DurationDistribution
from .durations import Duration, PositiveDuration
from .wording import words

__all__ = [
    "Authority",
    "DoorKnocking",
    "HouseholdWarning",
    "Loudspeaker",
    "OffDuty",
    "Role",
]


class OffDuty(Model):
    """How a person behaves when called outside their shift."""

    answer_factor: Probability = 0.6
    """Multiplies the channel's answer probability (phone on silent, asleep)."""
    response_delay: DurationDistribution = as_written(
        {"lognormal": {"median": "10m", "p90": "30m"}}
    )
    """Extra time before acting (getting dressed, getting to the office)."""


class DoorKnocking(Model):
    """Going door to door through a list of households, one at a time (敲门行动, as in Beijing's
    community COVID-19 mobilisation)."""

    time_per_household: DurationDistribution = as_written(
        {"lognormal": {"median": "2m", "p90": "5m"}}
    )
    """Knocking, explaining and checking that the household understood."""
    walk_between_buildings: DurationDistribution = as_written("2m")
    """Walking to the next building (or up the next stairwell)."""
    nobody_home: Share = 0.1
    """Share of knocks nobody answers; those households are not warned by this knock."""
    cohorts: Literal["without_smartphone", "all"] = "without_smartphone"
    """Whose doors are knocked: only households without smartphones, or every household."""


class Loudspeaker(Model):
    """A loudspeaker or broadcast vehicle driving past the area's buildings in turn."""

    time_per_building: PositiveDuration = as_written("1m")
    """Driving from one building (or lane) to the next while broadcasting."""
    heard_share: Share = 0.6
    """Share of households that hear and understand the broadcast."""


class HouseholdWarning(Model):
    """How a person in this role warns the households of their area once they have the warning."""

    group_message: Identifier | None = None
    """A group-message, SMS or platform channel used to post the warning to the area's
    smartphone users (each reads it after the channel's read delay, or never)."""
    loudspeaker: Loudspeaker | None = None
    """A loudspeaker round through the area's buildings; left out, none."""
    door_knocking: DoorKnocking | None = None
    """Door knocking through the area's households; left out, none."""


class Authority(Model):
    """What a person in this role may do on their own authority."""

    activate_plans: tuple[Identifier, ...] = ()
    """Plans this role may activate."""
    # A tuple, not a list: it keeps the block hashable, so the roles that leave it out share
    # one default instead of each getting a deep copy (pydantic copies unhashable defaults).


class Role(Model):
    """A kind of person in the response organisation, instantiated per place.

    A role at township level gives one post per township, at community level one per
    community, at grid level one per grid cell (or, with ``per_1000_residents``, one post per
    community staffed by that ratio). District and city roles have a single post.
    """

    id: Identifier
    """Id that links, departments, plans, teams and depots use to name the role."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    level: Level
    """Level the role sits at; it has one post per place of that level."""
    staff: int = Field(default=1, ge=1, le=10_000)
    """People per post; they share the post's calls (a duty desk with several lines)."""
    per_1000_residents: float | None = Field(default=None, gt=0, le=1000)
    """Only at grid level: staff each community's post by this many people per 1,000 residents."""
    on_duty: Literal["always"] | list[Shift] = "always"
    """'always' (24-hour duty) or the daily shifts during which the post is staffed."""
    handover: Duration = as_written("0m")
    """At the start of each shift, time the outgoing and incoming staff spend handing over;
    the post takes no calls meanwhile (only with shifts)."""
    off_duty: OffDuty = OffDuty()
    """How people in this role behave when called outside their shifts."""
    decision_time: DayNightDistribution = as_written({"lognormal": {"median": "2m", "p90": "8m"}})
    """Time to decide what to do with a message before acting on it."""
    away_share: Share = 0.0
    """Share of the people in this role who are away for a whole incident (travelling,
    phone off): no call or message reaches them, however often they are called. Drawn once
    per person and incident, apart from the channel's per-attempt answer probability."""
    when_busy: Literal["queue", "call_back"] = "queue"
    """Callers who find the post busy hold ('queue') or get a busy tone and retry later."""
    fallback: list[Identifier] = []
    """Channels this person tries, in order, when a link's own channel fails."""
    authority: Authority = Authority()
    """What the role may do on its own authority (the plans it may activate)."""
    warns_households: HouseholdWarning | None = None
    """How this role warns households when a warning reaches it (None: passes it on only)."""

    @field_validator("per_1000_residents")
    @classmethod
    def _ratio_only_for_grid(cls, ratio: float | None, info: ValidationInfo) -> float | None:
        level = info.data.get("level")
        if ratio is not None and level is not None and level is not Level.grid:
            raise ValueError(
                words(
                    "per_1000_grid_only",
                    "per_1000_residents is only allowed for roles at grid level",
                )
            )
        return ratio

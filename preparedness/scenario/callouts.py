"""Call-out rules real phone trees use, voicemail, and background load on duty desks.

A call-out (呼叫树, a staff call-down) is worked down the reports-to links from the post
that activates the plan; these models name how each caller works their list, what happens
to an unreached contact's people, what an unanswered call leaves behind, and the random
calls (12345 hotline, routine business) that keep duty desks busy meanwhile.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Identifier, Model, Share, as_written
from .distributions import DurationDistribution
from .durations import ClockTime, Duration
from .wording import words

__all__ = [
    "BackgroundLoad",
    "CallOut",
    "LoadPeriod",
    "RedialName",
    "UnreachedName",
    "Voicemail",
]

RedialName = Literal["wait_and_redial", "pass_then_call_back"]
UnreachedName = Literal["drop", "skip_level"]


class CallOut(Model):
    """A call tree the plan's activator starts: everyone reached calls their own people.

    The roster is every post below the activator along the reports-to links (group leaders,
    then their members). Leaving the block's fields at their defaults calls each contact
    the way every other relay call is made (``wait_and_redial``) and drops the branch of a
    contact nobody reaches, as the engine always did.
    """

    redial: RedialName = "wait_and_redial"
    """How a caller works their list. ``wait_and_redial``: call each contact until they
    answer or the channel's ``max_attempts`` run out, waiting its ``retry_interval`` before
    redialling the same person. ``pass_then_call_back``: one attempt per contact down the
    whole list, then, after ``call_back_after``, call back those missed, for ``passes``
    passes (failed calls retried after the first round, as mass-notification systems do)."""
    passes: int = Field(default=3, ge=1, le=20)
    """With ``pass_then_call_back``: passes through the list, the first included, so each
    contact gets at most this many attempts."""
    call_back_after: Duration = as_written("5m")
    """With ``pass_then_call_back``: pause between the end of one pass and the next."""
    unreached: UnreachedName = "drop"
    """What happens to a contact nobody reaches (every attempt and fallback failed).
    ``drop``: their people are not called (one silent member stops a branch).
    ``skip_level``: the caller, or ``backup``, calls that contact's own people (越级)."""
    backup: Identifier | None = None
    """With ``skip_level``: the role whose post serving the unreached contact's place takes
    over their list (a deputy group leader); the caller calls the backup first and calls the
    people themselves only if the backup cannot be reached. Left out, the caller does it."""

    @model_validator(mode="after")
    def _backup_needs_skip_level(self) -> CallOut:
        if self.backup is not None and self.unreached != "skip_level":
            raise ValueError(
                words(
                    "backup_skip_level",
                    "'backup' takes over unreached contacts only with unreached: skip_level",
                )
            )
        return self


class Voicemail(Model):
    """An unanswered call may leave a voicemail or text the member acts on later.

    Community call-out tests reach 30-48 % of numbers on voicemail (Anarchist Mountain
    Community Society test reports, 2018 and 2021); Rapid Notify recommends messages of at
    most 30 s. A person away for the whole incident never acts on it.
    """

    share: Share
    """Chance that an unanswered attempt goes to voicemail and the caller leaves a message;
    the caller then counts the contact as done and moves on."""
    leave_time: Duration = as_written("30s")
    """Time the caller spends leaving the message, after the no-answer timeout."""
    acts_after: DurationDistribution = as_written({"lognormal": {"median": "20m", "p90": "2h"}})
    """From the message being left to the member hearing it and acting (calling their own
    people), drawn per message."""


class LoadPeriod(Model):
    """A daily window with its own arrival rate (busy daytime hours of a hotline)."""

    start: ClockTime = Field(alias="from")
    """Clock time the window begins."""
    end: ClockTime = Field(alias="to")
    """Clock time the window ends; earlier than ``from`` means the next day."""
    calls_per_hour: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    """Mean arrivals per hour inside the window."""


class BackgroundLoad(Model):
    """Random calls that are not about any incident (12345 citizen-hotline calls, routine
    business) arriving at a duty desk, so an incident's calls queue behind them.

    Arrivals are Poisson with a rate by time of day; each call takes one of the desk's lines
    for its handling time, first come first served, from the scenario's start to the
    horizon. With exponential handling the desk is an M/M/N queue (Erlang C).
    """

    id: Identifier
    """Id used in the trace and reports."""
    name: str = Field(default="", max_length=200)
    """Name shown in reports (e.g. 12345 hotline)."""
    role: Identifier
    """Role whose post takes the calls (a duty desk); its ``staff`` are the desk's lines."""
    at: Identifier | None = None
    """Place of that post: the township, community or district id matching the role's
    level; left out, the district (for district- and city-level roles)."""
    calls_per_hour: float = Field(default=0.0, ge=0, le=100_000, allow_inf_nan=False)
    """Mean arrivals per hour outside every period."""
    periods: list[LoadPeriod] = []
    """Daily windows with their own rate; the first window holding a time wins."""
    handling_time: DurationDistribution = as_written({"exponential": {"mean": "4m"}})
    """Time one call occupies a line."""

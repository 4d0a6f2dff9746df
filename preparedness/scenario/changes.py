"""The shape of named what-if overlays (interventions): the changes a scenario file may
list, validated and described by the JSON Schema with the scenario. Applying one is
``interventions.py``'s job and always yields a new, re-validated scenario.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from .base import Identifier, Model, Shift
from .channels import Channel, PlatformChannel
from .command import CommandModeName, JointCentre, Whistle
from .wording import words

__all__ = [
    "Change",
    "CHANGE_KINDS",
    "DutyHoursChange",
    "Intervention",
    "LinkChannelChange",
    "LinkSelector",
    "ModeChange",
    "PlatformChange",
    "SetChange",
    "StaffChange",
]


class LinkSelector(Model):
    """Reports-to links chosen by the roles at either end; an end left out matches any role."""

    source: Identifier | None = Field(default=None, alias="from")
    """Role that reports; left out, any role."""
    target: Identifier | None = Field(default=None, alias="to")
    """Role reported to; left out, any role."""


class ModeChange(Model):
    """Switch the command mode, with the block the new mode needs."""

    mode: CommandModeName
    """The new command mode."""
    whistle: Whistle | None = None
    """The whistle block, replacing the scenario's; ``whistle_and_report`` needs one."""
    joint_centre: JointCentre | None = None
    """The joint-centre block, replacing the scenario's; ``joint_command_centre``
    needs one."""


class LinkChannelChange(LinkSelector):
    """Use ``channel`` on every reports-to link matching ``from`` and ``to``."""

    channel: Identifier
    """Channel the matching links use instead."""


class StaffChange(Model):
    """Staff a role differently: people per post, or (grid roles) people per 1,000 residents."""

    role: Identifier
    """Role to staff differently."""
    staff: int | None = Field(default=None, ge=1, le=10_000)
    """People per post."""
    per_1000_residents: float | None = Field(default=None, gt=0, le=1000)
    """Grid roles only: people per 1,000 residents."""
    communities: list[Identifier] = []
    """With ``per_1000_residents``: change only these communities' ratio."""

    @model_validator(mode="after")
    def _one_kind(self) -> StaffChange:
        if (self.staff is None) == (self.per_1000_residents is None):
            raise ValueError(words("staff_or_ratio", "give either 'staff' or 'per_1000_residents'"))
        if self.communities and self.per_1000_residents is None:
            raise ValueError(
                words("communities_with_ratio", "'communities' goes with 'per_1000_residents'")
            )
        return self


class DutyHoursChange(Model):
    """Change when a role is on duty."""

    role: Identifier
    """Role whose duty hours change."""
    on_duty: Literal["always"] | list[Shift]
    """``always`` or the daily shifts, as in a role's ``on_duty``."""


class PlatformChange(Model):
    """Add a platform channel and make it the first choice in some roles or on some links."""

    channel: PlatformChannel
    """The platform channel to add, written like one in ``channels:``."""
    first_in_fallback: list[Identifier] = []
    """Roles that try the platform first whenever a link's own channel fails."""
    links: list[LinkSelector] = []
    """Links whose own channel becomes the platform."""

    @model_validator(mode="after")
    def _used_somewhere(self) -> PlatformChange:
        if not self.first_in_fallback and not self.links:
            raise ValueError(
                words(
                    "platform_where",
                    "say where the platform is used: 'first_in_fallback' or 'links'",
                )
            )
        return self


class SetChange(Model):
    """Last resort: set one field by its path, e.g. ``roles[grid_worker].staff``."""

    path: str = Field(
        min_length=1,
        max_length=300,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\[[A-Za-z0-9_\-]+\])*"
        r"(\.[A-Za-z_][A-Za-z0-9_]*(\[[A-Za-z0-9_\-]+\])*)*$",
    )
    """Keys joined by dots; ``[3]`` picks a list item by position, ``[name]`` by its id."""
    value: Any
    """The new value, written as in a scenario file; the result is validated again."""


CHANGE_KINDS = (
    "command_mode",
    "link_channel",
    "staff",
    "duty_hours",
    "add_channel",
    "add_platform",
    "set",
)


class Change(Model):
    """One change of an intervention: a mapping with exactly one of the keys below."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    command_mode: ModeChange | None = None
    """Switch the command mode."""
    link_channel: LinkChannelChange | None = None
    """Use another channel on some reports-to links."""
    staff: StaffChange | None = None
    """Staff a role differently."""
    duty_hours: DutyHoursChange | None = None
    """Change when a role is on duty."""
    add_channel: Channel | None = None
    """Add a channel, written like one in ``channels:``."""
    add_platform: PlatformChange | None = None
    """Add a platform channel and make it the first choice in some roles or links."""
    set: SetChange | None = None
    """Set one field by its path (last resort)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Change:
        given = [kind for kind in CHANGE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            kinds = ", ".join(CHANGE_KINDS)
            raise ValueError(
                words(
                    "one_change",
                    f"give exactly one change per item: one of {kinds}",
                    choices=kinds,
                )
            )
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in CHANGE_KINDS if getattr(self, kind) is not None)


class Intervention(Model):
    """A named what-if: changes applied to the scenario as written, in order (``base`` is
    the scenario itself and cannot be redefined)."""

    id: Identifier
    """Name given to ``--compare`` and ``--apply``; ``base`` is reserved."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in the comparison report."""
    description: str = ""
    """What the intervention means, in free text."""
    changes: list[Change] = Field(min_length=1)
    """The changes, applied in order to the scenario as written."""

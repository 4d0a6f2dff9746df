"""Who reports to whom and how department orders are routed: links, departments, the
whistle and the joint command centre, under one command mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from .base import Identifier, Model, as_written
from .distributions import DayNightDistribution, DurationDistribution
from .wording import words

__all__ = [
    "Command",
    "CommandModeName",
    "MODE_RULES",
    "ModeRules",
    "Department",
    "JointCentre",
    "Link",
    "Whistle",
]


class Link(Model):
    """A reports-to link: ``from`` reports to ``to``; instructions travel back the same way."""

    source: Identifier = Field(alias="from")
    """Role that reports."""
    target: Identifier = Field(alias="to")
    """Role reported to."""
    channel: Identifier
    """Channel used on the link, for reports up and instructions down."""


class Department(Model):
    """A functional department (police, fire, health, ...) with its own vertical chain."""

    id: Identifier
    """Id that plans use to order the department."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    chain: list[Identifier] = Field(min_length=1)
    """Roles of the department's chain, top first; the last is the unit that acts locally."""
    answers_to: Identifier
    """Government role whose instruction the chain's top obeys (siloed relay goes through it)."""
    channel: Identifier
    """Channel used along the department's own chain and from ``answers_to``."""
    report_in_time: DurationDistribution = as_written(
        {"pert": {"min": "10m", "mode": "20m", "max": "1h"}}
    )
    """From the local unit being ordered to reporting in at the scene."""


class Whistle(Model):
    """Whistle-and-report (街乡吹哨、部门报到): the grassroots summons departments directly."""

    by: Identifier
    """Role that blows the whistle (usually the community secretary)."""
    channel: Identifier
    """Channel the whistle reaches each department's local unit on."""


class JointCentre(Model):
    """A joint duty command centre where department liaisons sit together (联合值班值守, as in
    the Hangzhou Yuhang grassroots-governance case study)."""

    commanded_by: Identifier
    """Role that runs the centre: when it has the report the centre convenes, and its orders
    reach every department liaison at once."""
    activation_time: DayNightDistribution = as_written({"day": "10m", "night": "40m"})
    """Time to convene the centre once its commanding post has the report (longer at night)."""
    liaison_channel: Identifier
    """Channel a liaison uses to instruct their department's local unit."""
    liaison_decision_time: DayNightDistribution = as_written("1m")
    """Time a liaison takes to pass an order on to their own unit."""


CommandModeName = Literal["siloed_relay", "whistle_and_report", "joint_command_centre"]


@dataclass(frozen=True)
class ModeRules:
    """What the loader checks for one command mode; how the engine routes orders under it
    is the mode's strategy (``engine/command_modes.py``, tied to these names by a test)."""

    needs: str | None = None
    """The ``command`` block the mode cannot run without (``whistle``, ``joint_centre``)."""
    orders_climb: bool = False
    """Whether orders climb the links from the activator to the role a department answers to
    (so a plan's activator must have a chain of links to it)."""


#: The rules of every mode the schema names, in the schema's order.
MODE_RULES: dict[str, ModeRules] = {
    "siloed_relay": ModeRules(orders_climb=True),
    "whistle_and_report": ModeRules(needs="whistle"),
    "joint_command_centre": ModeRules(needs="joint_centre"),
}


class Command(Model):
    """Who reports to whom, and how department orders are routed."""

    mode: CommandModeName
    """How department orders are routed: ``siloed_relay`` (up the government chain and
    down each department's own chain), ``whistle_and_report`` (the community summons the
    departments' local units directly) or ``joint_command_centre`` (department liaisons on
    joint duty receive the order at once)."""
    links: list[Link] = Field(min_length=1)
    """The reports-to links of the whole organisation."""
    whistle: Whistle | None = None
    """The whistle; needed in ``whistle_and_report`` mode."""
    joint_centre: JointCentre | None = None
    """The joint command centre; needed in ``joint_command_centre`` mode."""

    @model_validator(mode="after")
    def _mode_settings_present(self) -> Command:
        needs = MODE_RULES[self.mode].needs
        if needs is not None and getattr(self, needs) is None:
            raise ValueError(
                words(
                    "mode_needs_block",
                    f"command mode '{self.mode}' needs a '{needs}:' block",
                    mode=str(self.mode),
                    block=str(needs),
                )
            )
        return self

"""Building blocks every scenario model shares: the frozen base, ids, shares, levels, time.

Split from ``models.py`` so the resource models (teams, depots, roads) can use them
without an import cycle; ``models.py`` re-exports every name here.
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .durations import ClockTime

#: The id rule, said in the schema as the pattern's error message rather than as a
#: description, so that a field typed ``Identifier`` keeps its own attribute docstring.
ID_RULE = "An id: letters, digits, '_' or '-', starting with a letter or '_'."
Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$",
        max_length=64,
        json_schema_extra={"patternErrorMessage": ID_RULE},
    ),
]
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]

#: Upper bounds that keep a scenario buildable on a 24 GiB machine.
MAX_POPULATION = 100_000_000
MAX_COUNT = 10_000_000


class Model(BaseModel):
    """Base for every scenario model: frozen, unknown keys rejected, no NaN or infinity."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        validate_default=True,
        populate_by_name=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _no_yes_or_no_for_a_number(cls, data: Any) -> Any:
        """Refuse ``true``/``false`` where a number is meant (YAML also reads ``yes``,
        ``no``, ``on`` and ``off`` so): pydantic would take ``replications: true`` as 1.

        The value is handed on as the word ``"true"``/``"false"``, which the field then
        refuses in its own words at its own line ("must be a whole number, not 'true'").
        """
        if not isinstance(data, dict):
            return data
        numbers = _number_fields(cls)
        # Runs for every block of a file (twice per role of a 37,000-role tree), so only the
        # number fields actually given are looked at.
        if numbers.isdisjoint(data) or not any(
            isinstance(data.get(key), bool) for key in numbers.intersection(data)
        ):
            return data
        return {
            key: str(value).lower() if isinstance(value, bool) and key in numbers else value
            for key, value in data.items()
        }


_NUMBER_FIELDS: dict[type, frozenset[str]] = {}


def _number_fields(model: type[BaseModel]) -> frozenset[str]:
    """The keys (names and aliases) of a model's fields that hold a number and never a
    yes/no value; worked out once per model."""
    if model not in _NUMBER_FIELDS:
        keys = set()
        for name, info in model.model_fields.items():
            leaves = _leaf_types(info.annotation)
            if {int, float} & leaves and not {bool, Any} & leaves:
                keys |= {name, info.alias or name}
        _NUMBER_FIELDS[model] = frozenset(keys)
    return _NUMBER_FIELDS[model]


def _leaf_types(annotation: Any) -> set[Any]:
    """The plain types a scalar annotation may be: ``int | None`` -> {int, NoneType}.

    Containers (``list[int]``) are left alone: their items are checked where they are
    models, and a yes/no value inside a list of numbers is not worth a rule of its own.
    """
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _leaf_types(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return set().union(*(_leaf_types(arg) for arg in typing.get_args(annotation)))
    if origin is not None:
        return set()
    return {annotation}


def as_written(value: object) -> Any:
    """A field default written as a scenario file would write it (``"8h"``, ``1.0``, ...).

    ``Model`` validates defaults, so the field ends up holding the parsed value (minutes, a
    distribution); a type checker cannot follow that conversion, hence ``Any``.
    """
    return value


# ----------------------------------------------------------------------------- levels, time


class Level(str, Enum):
    """Administrative levels of the response organisation, lowest first."""

    building = "building"
    grid = "grid"
    community = "community"
    township = "township"
    district = "district"
    city = "city"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)


_LEVEL_ORDER = [
    Level.building,
    Level.grid,
    Level.community,
    Level.township,
    Level.district,
    Level.city,
]


class Category(str, Enum):
    """The four categories of emergencies (Emergency Response Law, Art. 2)."""

    natural_disaster = "natural_disaster"
    accident = "accident"
    public_health = "public_health"
    social_security = "social_security"


class Severity(str, Enum):
    """The four severity levels, I the most severe (Emergency Response Law, Art. 3)."""

    I = "I"  # noqa: E741 - the law's own numeral
    II = "II"
    III = "III"
    IV = "IV"


class NightHours(Model):
    """When night falls: answer probabilities and decision times switch to their night values."""

    start: ClockTime = Field(default=as_written("22:00"), alias="from")
    """Clock time night begins (local time of the scenario start)."""
    end: ClockTime = Field(default=as_written("06:00"), alias="to")
    """Clock time night ends."""


class Shift(Model):
    """A daily on-duty window, e.g. 08:30 to 17:30; may run past midnight (22:00 to 08:00)."""

    start: ClockTime = Field(alias="from")
    """Clock time the shift begins."""
    end: ClockTime = Field(alias="to")
    """Clock time the shift ends; earlier than ``from`` means the next day."""


class Location(Model):
    """A point on the scenario's flat map, in kilometres east and north of an arbitrary origin."""

    x_km: float = 0.0
    """Distance east of the map's origin."""
    y_km: float = 0.0
    """Distance north of the map's origin."""

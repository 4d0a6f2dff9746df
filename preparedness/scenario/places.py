"""Where a scenario happens: the district, its townships and their communities."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from .base import MAX_COUNT, MAX_POPULATION, Identifier, Location, Model, Share
from .wording import words

__all__ = [
    "Community",
    "District",
    "Places",
    "Township",
]


class Community(Model):
    """A village or urban community (村/社区), the unit most roles and warnings are counted in."""

    id: Identifier
    """Id that names the community (incidents, warning areas, depots, outages, roads)."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    population: int = Field(ge=1, le=MAX_POPULATION)
    """Residents."""
    households: int = Field(ge=1, le=MAX_POPULATION)
    """Households; warning coverage is counted in households (at most the population)."""
    share_elderly: Share = 0.15
    """Share of residents aged 60 and over."""
    share_without_smartphone: Share = 0.10
    """Share of residents who cannot be reached through phone apps or group messages."""
    grid_cells: int = Field(default=1, ge=1, le=MAX_COUNT)
    """Grid cells (网格) the community is divided into."""
    buildings: int = Field(default=1, ge=1, le=MAX_COUNT)
    """Buildings or compounds."""
    location: Location = Location()
    """Where the community's centre is on the map; travel starts or ends there."""
    staff_per_1000: dict[Identifier, Annotated[float, Field(gt=0, le=1000)]] = {}
    """Per-community staffing ratios for grid-level roles, overriding the role's own ratio
    (grid workers per 1,000 residents range from 0.68 to 3.94 across the communities of
    Shenzhen's Longgang district, in a 2020 district CPPCC proposal on grassroots governance)."""

    @field_validator("households")
    @classmethod
    def _households_fit(cls, households: int, info: ValidationInfo) -> int:
        population = info.data.get("population")
        if population is not None and households > population:
            raise ValueError(
                words(
                    "households_exceed",
                    f"households ({households}) cannot exceed population ({population})",
                    households=str(households),
                    population=str(population),
                )
            )
        return households


class Township(Model):
    """A township or sub-district (乡镇/街道) and the communities it coordinates."""

    id: Identifier
    """Id that names the township as a place (a team's base, a depot's place, a road's end)."""
    name: str = Field(min_length=1, max_length=200)
    """Name shown in reports."""
    location: Location = Location()
    """Where the township's offices are on the map; travel starts or ends there."""
    communities: list[Community] = Field(min_length=1)
    """The communities the township coordinates."""


class District(Model):
    """The county or district above the townships; its bureaus head the departments' chains."""

    id: Identifier = "district"
    """Id that names the district as a place (a team's base, a depot's place, a road's end)."""
    name: str = Field(default="District", min_length=1, max_length=200)
    """Name shown in reports."""


class Places(Model):
    """Where the scenario happens: one district, its townships and their communities."""

    district: District = District()
    """The district above the townships."""
    townships: list[Township] = Field(min_length=1)
    """The townships or sub-districts, each with its communities."""

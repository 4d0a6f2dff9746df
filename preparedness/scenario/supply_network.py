"""Who supplies whom: each community's serving point and each depot's resupplier.

A community with its own depot is served from it; a community without one is served
straight from the depot above it (a *virtual point*, named by the community's id, that
holds nothing). Every point is resupplied by its parent depot: the one it names in
``supplied_by``, else the township depot containing it, else the district depot. The
network is a fact of the scenario, so the engine (who opens and ships what) and the
stock analysis (what ran out where) read the same one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Scenario


@dataclass(frozen=True)
class SupplyNetwork:
    """Serving points, parents and places, derived once per scenario."""

    #: community id -> the point serving it (its depot's id, or its own id if it has none)
    serving: dict[str, str]
    #: point id -> the depot resupplying it (None: nobody)
    parent: dict[str, str | None]
    #: point id -> its depot (None for a community without a depot)
    depot: dict[str, str | None]
    #: point id -> the place it stands at, for travel (a depot's id is a place of its own)
    place: dict[str, str]
    #: depot id -> points it resupplies, in scenario order
    children: dict[str, list[str]]
    #: point id -> "community", "township" or "district" (a virtual point is "community")
    level: dict[str, str]

    def chain(self, community: str) -> list[str]:
        """The serving point of ``community`` and every depot above it, lowest first."""
        points = [self.serving[community]]
        while (up := self.parent[points[-1]]) is not None and up not in points:
            points.append(up)
        return points

    def neighbours(self, point: str) -> list[str]:
        """Community depots sharing ``point``'s parent: candidates for a lateral transfer."""
        up = self.parent.get(point)
        if up is None:
            return []
        return [
            p
            for p in self.children[up]
            if p != point and self.depot[p] is not None and self.level[p] == "community"
        ]


def supply_network(scenario: Scenario) -> SupplyNetwork:
    """The scenario's supply network (computed once and cached on the frozen scenario)."""
    cache = scenario._indices
    if "supply_network" not in cache:
        cache["supply_network"] = _build(scenario)
    return cache["supply_network"]


def _build(scenario: Scenario) -> SupplyNetwork:
    by_place: dict[tuple[str, str | None], str] = {
        (d.level, d.place): d.id for d in scenario.depots
    }
    district = scenario.places.district.id
    serving: dict[str, str] = {}
    parent: dict[str, str | None] = {}
    depot: dict[str, str | None] = {}
    place: dict[str, str] = {}
    level: dict[str, str] = {}

    def default_parent(level: str, township: str | None) -> str | None:
        if level == "community" and ("township", township) in by_place:
            return by_place[("township", township)]
        if level in ("community", "township") and ("district", district) in by_place:
            return by_place[("district", district)]
        return None

    township_of: dict[str, str] = {}
    for township in scenario.places.townships:
        for community in township.communities:
            township_of[community.id] = township.id
            own = by_place.get(("community", community.id))
            point = own if own is not None else community.id
            serving[community.id] = point
            if own is None:
                parent[point] = default_parent("community", township.id)
                depot[point] = None
                place[point] = community.id
                level[point] = "community"
    for d in scenario.depots:
        township_id = township_of.get(d.place) if d.level == "community" else d.place
        parent[d.id] = (
            d.supplied_by
            if d.supplied_by is not None
            else default_parent(d.level, township_id)
            if d.level != "district"
            else None
        )
        depot[d.id] = d.id
        place[d.id] = d.id
        level[d.id] = d.level
    children: dict[str, list[str]] = {d.id: [] for d in scenario.depots}
    for point, up in parent.items():
        if up is not None:
            children[up].append(point)
    return SupplyNetwork(serving, parent, depot, place, children, level)

"""Travel times between places: the fastest route over the road graph, or distance and speed.

Nodes are place ids (district, township, community), depot ids and road junctions. With
``travel.roads`` the time is a shortest path over a networkx graph built once per scenario;
roads an incident cuts are left out while they are cut, so routes change as cuts come and
go. Without roads it is the straight-line distance times a detour factor at a mean speed.
A route is chosen when the traveller sets off: a cut that begins on the way is not seen.
"""

from __future__ import annotations

import math

import networkx as nx

from ..scenario.models import Incident, Location, Scenario
from .world import World

#: A cut as stored in ``World.road_cuts``: (start, end, from, to), minutes.
Cut = tuple[float, float, str, str]


def register_road_cuts(world: World, incident: Incident, now: float) -> None:
    """Record the roads ``incident`` (starting at ``now``) cuts, from their start to their end."""
    for cut in incident.cuts_roads:
        start = now + cut.after
        end = start + cut.duration if cut.duration is not None else math.inf
        world.road_cuts.append((start, end, cut.source, cut.target))


def travel_time(world: World, origin: str, destination: str, now: float) -> float:
    """Minutes from ``origin`` to ``destination`` setting off at ``now`` (inf: no open road)."""
    if world.travel is None:
        world.travel = RouteFinder(world.scenario)
    return world.travel.time(origin, destination, active_cuts(world.road_cuts, now))


def active_cuts(cuts: list[Cut], now: float) -> frozenset[tuple[str, str]]:
    """The roads cut at ``now``, as (from, to) pairs."""
    return frozenset((source, target) for start, end, source, target in cuts if start <= now < end)


def next_reopening(world: World, now: float) -> float:
    """When the next road cut at ``now`` reopens (inf if none does)."""
    return min(
        (end for start, end, _, _ in world.road_cuts if start <= now < end), default=math.inf
    )


def road_graph(scenario: Scenario) -> nx.DiGraph[str] | None:
    """The scenario's roads as a directed graph weighted in minutes, built once and cached.

    Parallel roads keep the fastest; a two-way road gives an edge each way and is marked
    ``two_way`` so a cut closes both directions.
    """
    cache = scenario._indices
    if "road_graph" not in cache:
        travel = scenario.travel
        graph: nx.DiGraph[str] | None = None
        if travel.roads:
            graph = nx.DiGraph()
            for road in travel.roads:
                if road.time is not None:
                    minutes = road.time
                else:
                    assert road.length_km is not None  # Road's validator requires one of them
                    minutes = road.length_km / travel.speed_kmh * 60.0
                directions = [(road.source, road.target)]
                if not road.one_way:
                    directions.append((road.target, road.source))
                for u, v in directions:
                    data = graph.get_edge_data(u, v)
                    if data is None:
                        graph.add_edge(u, v, minutes=minutes, two_way=not road.one_way)
                    else:
                        data["minutes"] = min(data["minutes"], minutes)
                        data["two_way"] = data["two_way"] or not road.one_way
        cache["road_graph"] = graph
    return cache["road_graph"]


class RouteFinder:
    """One replication's travel times, remembered per (origin, destination, roads cut)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.graph = road_graph(scenario)
        self._times: dict[tuple[str, str, frozenset[tuple[str, str]]], float] = {}

    def time(self, origin: str, destination: str, cuts: frozenset[tuple[str, str]]) -> float:
        if origin == destination:
            return 0.0
        if self.graph is None:
            return self._straight_line(origin, destination)
        key = (origin, destination, cuts)
        if key not in self._times:
            self._times[key] = self._shortest(self.graph, origin, destination, cuts)
        return self._times[key]

    def _shortest(
        self,
        graph: nx.DiGraph[str],
        origin: str,
        destination: str,
        cuts: frozenset[tuple[str, str]],
    ) -> float:
        view: nx.Graph[str] = graph
        if cuts:
            view = nx.restricted_view(graph, [], self._closed(graph, cuts))
        try:
            return float(nx.shortest_path_length(view, origin, destination, weight="minutes"))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return math.inf

    def _closed(
        self, graph: nx.DiGraph[str], cuts: frozenset[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """Edges the cuts close: the named direction, and the other one of a two-way road."""
        closed = []
        for source, target in sorted(cuts):
            edge = graph.get_edge_data(source, target)
            if edge is not None:
                closed.append((source, target))
                if edge["two_way"]:
                    closed.append((target, source))
        return closed

    def _straight_line(self, origin: str, destination: str) -> float:
        locations = place_locations(self.scenario)
        for node in (origin, destination):
            if node not in locations:
                raise ValueError(
                    f"travel: {node!r} is neither a place nor a depot, "
                    "and the scenario has no roads"
                )
        a, b = locations[origin], locations[destination]
        distance = math.hypot(a.x_km - b.x_km, a.y_km - b.y_km)
        travel = self.scenario.travel
        return distance * travel.detour_factor / travel.speed_kmh * 60.0


def place_locations(scenario: Scenario) -> dict[str, Location]:
    """Where every place and depot is, cached on the scenario. The district has no location
    of its own and sits at the map's origin; a depot without one sits at its place."""
    cache = scenario._indices
    if "locations" not in cache:
        places = scenario.places
        locations = {places.district.id: Location()}
        for township in places.townships:
            locations[township.id] = township.location
            for community in township.communities:
                locations[community.id] = community.location
        for depot in scenario.depots:
            if depot.location is not None:
                locations[depot.id] = depot.location
            elif depot.place in locations:
                locations[depot.id] = locations[depot.place]
        cache["locations"] = locations
    return cache["locations"]

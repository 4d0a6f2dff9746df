"""Travel times: straight line with a detour, shortest paths over roads, and road cuts."""

from __future__ import annotations

import math

import pytest

from preparedness.engine.streams import Streams
from preparedness.engine.travel import register_road_cuts, travel_time
from preparedness.engine.world import World
from tests.builders import add_depots, build, community, minimal_scenario, township

# A road network, by hand: c2 - j1 - c1 takes 5 + 6 = 11 minutes; the direct c2 - c1 road is
# 10 km at 30 km/h = 20 minutes; t1 - c1 is one-way, 4 minutes.
ROADS = [
    {"from": "c2", "to": "j1", "time": "5m"},
    {"from": "j1", "to": "c1", "time": "6m"},
    {"from": "c2", "to": "c1", "length_km": 10},
    {"from": "t1", "to": "c1", "time": "4m", "one_way": True},
]


def _world(roads=None, speed=30.0, detour=1.3, depots=False, cuts=()) -> World:
    data = minimal_scenario()
    township(data)["location"] = {"x_km": 6, "y_km": 8}
    township(data)["communities"] = [
        community("c1", location={"x_km": 0, "y_km": 0}),
        community("c2", location={"x_km": 3, "y_km": 4}),
    ]
    data["travel"] = {"speed_kmh": speed, "detour_factor": detour}
    if roads is not None:
        data["travel"]["roads"] = roads
    if depots:
        add_depots(data)
        data["depots"][0]["location"] = {"x_km": 0, "y_km": 3}  # c1_depot
    if cuts:
        data["incidents"][0]["cuts_roads"] = list(cuts)
    return World.build(build(data), Streams(1, 0))


def test_same_node_is_zero() -> None:
    assert travel_time(_world(), "c1", "c1", 0.0) == 0.0
    assert travel_time(_world(ROADS), "j1", "j1", 0.0) == 0.0


def test_straight_line_is_distance_times_detour_over_speed() -> None:
    world = _world(speed=30.0, detour=1.2)
    assert travel_time(world, "c1", "c2", 0.0) == pytest.approx(5 * 1.2 / 30 * 60)  # 12 min
    # A township at its location, the district at the origin (it has no location).
    assert travel_time(world, "t1", "c1", 0.0) == pytest.approx(10 * 1.2 / 30 * 60)
    assert travel_time(world, "district", "c2", 0.0) == pytest.approx(5 * 1.2 / 30 * 60)


def test_a_depot_is_at_its_location_or_else_at_its_place() -> None:
    world = _world(speed=30.0, detour=1.0, depots=True)
    assert travel_time(world, "c1_depot", "c1", 0.0) == pytest.approx(3 / 30 * 60)
    assert travel_time(world, "t1_depot", "c1", 0.0) == pytest.approx(10 / 30 * 60)


def test_an_unknown_node_without_roads_is_an_error() -> None:
    with pytest.raises(ValueError, match="junction9"):
        travel_time(_world(), "junction9", "c1", 0.0)


def test_road_graph_gives_the_shortest_path_by_hand() -> None:
    world = _world(ROADS)
    assert travel_time(world, "c2", "c1", 0.0) == pytest.approx(11.0)
    assert travel_time(world, "c1", "c2", 0.0) == pytest.approx(11.0)
    assert travel_time(world, "t1", "j1", 0.0) == pytest.approx(4 + 6)
    assert travel_time(world, "c1", "t1", 0.0) == math.inf  # the t1 road is one-way
    assert travel_time(world, "c1", "nowhere", 0.0) == math.inf


def test_parallel_roads_keep_the_fastest() -> None:
    roads = [{"from": "c1", "to": "c2", "time": "9m"}, {"from": "c2", "to": "c1", "time": "7m"}]
    world = _world(roads)
    assert travel_time(world, "c1", "c2", 0.0) == pytest.approx(7.0)


def test_graph_is_built_once_per_scenario() -> None:
    world = _world(ROADS)
    travel_time(world, "c2", "c1", 0.0)
    graph = world.scenario._indices["road_graph"]
    other = World.build(world.scenario, Streams(1, 1))
    travel_time(other, "c2", "c1", 0.0)
    assert other.travel.graph is graph
    assert world.travel is not other.travel  # the route cache is per replication


def test_register_road_cuts_from_the_incident_start() -> None:
    world = _world(
        ROADS,
        cuts=[
            {"from": "j1", "to": "c1", "after": "10m", "duration": "1h"},
            {"from": "c2", "to": "c1"},
        ],
    )
    register_road_cuts(world, world.scenario.incidents[0], 5.0)
    assert world.road_cuts == [(15.0, 75.0, "j1", "c1"), (5.0, math.inf, "c2", "c1")]


def test_a_cut_reroutes_and_the_short_route_returns_when_it_ends() -> None:
    world = _world(ROADS)
    world.road_cuts.append((10.0, 70.0, "c1", "j1"))  # a two-way road, named either way
    assert travel_time(world, "c2", "c1", 0.0) == pytest.approx(11.0)
    assert travel_time(world, "c2", "c1", 10.0) == pytest.approx(20.0)  # the direct road
    assert travel_time(world, "c1", "c2", 30.0) == pytest.approx(20.0)  # both directions
    assert travel_time(world, "c2", "c1", 70.0) == pytest.approx(11.0)
    keys = {key[2] for key in world.travel._times}
    assert keys == {frozenset(), frozenset({("c1", "j1")})}


def test_cutting_every_road_in_leaves_no_open_road() -> None:
    world = _world(ROADS)
    world.road_cuts += [
        (0.0, math.inf, "j1", "c1"),
        (0.0, math.inf, "c2", "c1"),
        (0.0, math.inf, "t1", "c1"),
    ]
    assert travel_time(world, "c2", "c1", 1.0) == math.inf


def test_a_cut_closes_only_the_direction_of_a_one_way_road() -> None:
    roads = [
        {"from": "c1", "to": "c2", "time": "3m", "one_way": True},
        {"from": "c2", "to": "c1", "time": "4m", "one_way": True},
        {"from": "c1", "to": "j1", "time": "10m"},
        {"from": "j1", "to": "c2", "time": "10m"},
    ]
    world = _world(roads)
    world.road_cuts.append((0.0, math.inf, "c1", "c2"))
    assert travel_time(world, "c1", "c2", 0.0) == pytest.approx(20.0)
    assert travel_time(world, "c2", "c1", 0.0) == pytest.approx(4.0)

"""Known answers for teams: activation, muster, travel, tasks and one team in two incidents.

The township head activates the tiny township's plan at 15.75 (5 + 3 x 3.25 + 1) and
reports it to the district office (ring 0.25 + talk 2), free again at 18. Here the plan
orders no department, so the head's next call is the team's activation: ring and talk 2.25,
then the leader's 1-minute decision, so the team is activated at 18 + 2.25 + 1 = 21.25.
The team's base c2 is 5 km from c1 (a 3-4-5 triangle); with a detour factor of 1.2 at
30 km/h the drive is 5 x 1.2 / 30 x 60 = 12 minutes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from preparedness.engine.run import simulate_replication
from preparedness.engine.streams import Streams
from preparedness.engine.trace import EventKind as K
from tests.builders import (
    NIGHT_START,
    add_team,
    build,
    community,
    first,
    incident,
    minimal_scenario,
    plan,
    stochastic,
    story,
    township,
)

CALLED = 18.0  # the head, free after reporting up, dials the leader
ACTIVATED = CALLED + 2.25 + 1  # ring and talk, the leader decides
DRIVE = 5 * 1.2 / 30 * 60  # c2 -> c1, 12 minutes
TEAM = "team:volunteers"
TEAM_KINDS = (
    K.TEAM_ACTIVATED,
    K.TEAM_ASSIGNED,
    K.TEAM_MUSTERED,
    K.TEAM_ON_SCENE,
    K.TEAM_STRANDED,
    K.TASK_COMPLETED,
    K.INCIDENT_CONTROLLED,
)


def _data(**team) -> dict:
    data = minimal_scenario()
    plan(data)["departments"] = []
    township(data)["communities"] = [
        community("c1", location={"x_km": 0, "y_km": 0}),
        community("c2", location={"x_km": 3, "y_km": 4}),
        community("c3", location={"x_km": 0, "y_km": 6}),
    ]
    data["travel"] = {"speed_kmh": 30, "detour_factor": 1.2}
    team.setdefault("base", "c2")
    add_team(data, **team)
    return data


def _run(data: dict, replication: int = 0):
    return simulate_replication(build(data), replication)


def test_constant_muster_and_travel_give_the_hand_computed_times() -> None:
    trace = _run(_data(muster="10m", task={"name": "flood wall", "duration": "30m"}))
    on_scene = ACTIVATED + 10 + DRIVE
    assert story(trace, TEAM_KINDS) == [
        ("team_activated", "team_leader@c2", "volunteers", pytest.approx(ACTIVATED)),
        ("team_mustered", TEAM, "volunteers", pytest.approx(ACTIVATED + 10)),
        ("team_on_scene", TEAM, "volunteers", pytest.approx(on_scene)),
        ("task_completed", TEAM, "volunteers", pytest.approx(on_scene + 30)),
        ("incident_controlled", None, None, pytest.approx(on_scene + 30)),
    ]
    arrived = first(trace, K.TEAM_ON_SCENE)
    assert trace[arrived.cause].kind is K.TEAM_MUSTERED
    assert trace[trace[arrived.cause].cause].kind is K.TEAM_ACTIVATED
    assert trace[trace[trace[arrived.cause].cause].cause].kind is K.DECISION_MADE
    assert arrived.info == "4"
    assert trace.tasks[("flood", "volunteers")] == pytest.approx((on_scene, on_scene + 30))
    assert trace.team_members[("flood", "volunteers")] == 4
    info = trace.posts[TEAM]
    assert (info.role, info.role_name, info.level, info.unit, info.staff) == (
        "volunteers",
        "Team volunteers",
        "community",
        "c2",
        4,
    )


def test_activator_with_the_authority_calls_the_leader_directly() -> None:
    trace = _run(_data())
    dialled = first(trace, K.CALL_DIALLED, info="team:volunteers:1;attempt=1")
    assert (dialled.actor, dialled.subject, dialled.time) == (
        "township_head@t1",
        "team_leader@c2",
        CALLED,
    )


def test_activation_climbs_to_the_nearest_role_that_may_activate() -> None:
    # Only the district office may activate: the head phones it, it phones the leader.
    data = _data()
    data["teams"][0]["activated_by"] = ["district_office", "grid_worker"]
    trace = _run(data)
    calls = [
        (e.actor, e.subject)
        for e in trace.events
        if e.kind is K.MESSAGE_DELIVERED and e.info == "team:volunteers:1"
    ]
    assert calls == [
        ("township_head@t1", "district_office@district"),
        ("district_office@district", "team_leader@c2"),
    ]
    # The office hears the report at 18 and decides on it by 19 (one line); the head's call
    # about the team rings through then: heard at 21.25, decided 22.25, the leader called.
    assert first(trace, K.TEAM_ACTIVATED).time == pytest.approx(22.25 + 2.25 + 1)


def test_a_task_less_team_stays_on_scene_until_the_horizon() -> None:
    trace = _run(_data(muster="10m"))
    on_scene = ACTIVATED + 10 + DRIVE
    assert trace.tasks[("flood", "volunteers")] == (pytest.approx(on_scene), None)
    assert not [e for e in trace.events if e.kind is K.INCIDENT_CONTROLLED]


def test_nobody_reachable_strands_the_team_after_the_longest_muster_wait() -> None:
    trace = _run(
        _data(reachable=0.0, max_muster_wait="1h", task={"name": "flood wall", "duration": "30m"})
    )
    assert story(trace, TEAM_KINDS) == [
        ("team_activated", "team_leader@c2", "volunteers", pytest.approx(ACTIVATED)),
        ("team_stranded", TEAM, "volunteers", pytest.approx(ACTIVATED + 60)),
    ]
    assert first(trace, K.TEAM_STRANDED).info == "nobody answered the call-out"
    assert ("flood", "volunteers") not in trace.tasks


def test_night_reachability_applies_at_night() -> None:
    data = _data(reachable={"day": 1.0, "night": 0.0})
    data["start"] = NIGHT_START
    assert first(_run(data), K.TEAM_STRANDED).info == "nobody answered the call-out"
    assert first(_run(_data(reachable={"day": 1.0, "night": 0.0})), K.TEAM_ON_SCENE)


def test_departs_with_sets_off_at_the_order_statistic() -> None:
    # 10 members all answer; 0.7 x 10 = 7 (not 8, despite 0.7 * 10 == 7.000000000000001).
    muster = {"uniform": {"min": "5m", "max": "60m"}}
    data = _data(members=(10,), muster=muster, departs_with=0.7)
    trace = _run(data)
    rng = Streams(12345, 0).get("team:volunteers:muster:flood")
    rng.random(10)  # the answers, all below 1
    draws = np.sort(build(data).team("volunteers").muster_time.sample(rng, size=10))
    mustered = first(trace, K.TEAM_MUSTERED)
    assert mustered.time == pytest.approx(ACTIVATED + draws[6])
    assert mustered.info == "7"


def test_the_longest_muster_wait_sets_off_with_whoever_has_gathered() -> None:
    muster = {"uniform": {"min": "5m", "max": "60m"}}
    data = _data(members=(10,), muster=muster, max_muster_wait="20m")
    trace = _run(data)
    rng = Streams(12345, 0).get("team:volunteers:muster:flood")
    rng.random(10)
    draws = build(data).team("volunteers").muster_time.sample(rng, size=10)
    mustered = first(trace, K.TEAM_MUSTERED)
    assert mustered.time == pytest.approx(ACTIVATED + 20)
    assert mustered.info == str(int(np.count_nonzero(draws <= 20)))


def test_mean_muster_matches_the_exponential_order_statistic() -> None:
    """With exponential muster times of mean m, the k-th of n members gathers after
    m x (1/n + 1/(n-1) + ... + 1/(n-k+1)) on average (Renyi's representation)."""
    m, n, k = 15.0, 8, 6  # departs_with 0.75 of 8
    data = _data(members=(n,), muster={"exponential": {"mean": "15m"}}, departs_with=0.75)
    scenario = build(data)
    waits = np.array(
        [
            first(trace, K.TEAM_MUSTERED).time - ACTIVATED
            for trace in (simulate_replication(scenario, r) for r in range(400))
        ]
    )
    expected = m * sum(1 / (n - i) for i in range(k))
    half_width = 3.29 * waits.std(ddof=1) / math.sqrt(waits.size)  # 99.9% interval
    assert abs(waits.mean() - expected) < half_width


def test_level_two_adds_members_and_calls_out_the_levels_teams() -> None:
    data = _data(members=(4, 3), level=2, muster="10m")
    data["teams"][0]["levels"][1]["teams"] = ["medics"]
    medics = {
        "id": "medics",
        "name": "Medics",
        "kind": "professional",
        "base": "c2",
        "leader": "team_leader",
        "activated_by": ["township_head"],
        "channel": "phone",
        "levels": [{"members": 2}, {"members": 5}],
        "muster_time": "20m",
    }
    data["teams"].append(medics)
    trace = _run(data)
    assert first(trace, K.TEAM_MUSTERED, subject="volunteers").info == "7"
    assert first(trace, K.CALL_DIALLED, info="team:medics:1;attempt=1").actor == (
        "township_head@t1"
    )
    # The head's second call, at 20.25, is on hold while the leader decides on the first
    # (one line); it connects at 21.25, then ring and talk, and the leader decides.
    medics_activated = first(trace, K.TEAM_ACTIVATED, subject="medics").time
    assert medics_activated == pytest.approx(ACTIVATED + 2.25 + 1)
    assert first(trace, K.TEAM_MUSTERED, subject="medics").info == "2"
    on_scene = first(trace, K.TEAM_ON_SCENE, subject="medics").time
    assert on_scene == pytest.approx(medics_activated + 20 + DRIVE)
    assert trace.tasks[("flood", "medics")] == (pytest.approx(on_scene), None)


def _two_incidents(**extra) -> dict:
    """Floods in c1 and c3 at the same moment; both plans need the one team, which takes an
    hour at each. c1 -> c3 is 6 km: 6 x 1.2 / 30 x 60 = 14.4 minutes."""
    extra.setdefault("muster", "10m")
    data = _data(task={"name": "flood wall", "duration": "1h"}, **extra)
    data["incidents"].append(incident("flood2", "c3"))
    return data


def test_a_team_cannot_be_in_two_places_at_once() -> None:
    trace = _run(_two_incidents())
    done_first = first(trace, K.TASK_COMPLETED, incident="flood")
    assigned = first(trace, K.TEAM_ASSIGNED, incident="flood2")
    assert assigned.time == done_first.time
    assert trace[assigned.cause].kind is K.TEAM_ACTIVATED
    second = first(trace, K.TEAM_ON_SCENE, incident="flood2")
    assert second.time == pytest.approx(done_first.time + 6 * 1.2 / 30 * 60)
    assert second.cause == assigned.id  # already out: no second muster
    assert not [e for e in trace.events if e.kind is K.TEAM_MUSTERED and e.incident == "flood2"]
    assert trace.team_members[("flood2", "volunteers")] == 4
    _one_place_at_a_time(trace)


def _one_place_at_a_time(trace) -> None:
    out = False
    for event in trace.events:
        if event.subject == "volunteers" and event.kind is K.TEAM_ON_SCENE:
            assert not out, f"on scene twice without finishing the task: {event}"
            out = True
        elif event.subject == "volunteers" and event.kind is K.TASK_COMPLETED:
            out = False


def test_one_place_at_a_time_holds_in_random_runs() -> None:
    data = stochastic(
        _two_incidents(
            muster={"lognormal": {"median": "15m", "p90": "40m"}},
            reachable=0.8,
            departs_with=0.5,
            members=(6,),
        )
    )
    data["plans"][0]["teams"][0]["task"]["duration"] = {"exponential": {"mean": "40m"}}
    scenario = build(data)
    waited = 0
    for replication in range(30):
        trace = simulate_replication(scenario, replication)
        _one_place_at_a_time(trace)
        waited += any(e.kind is K.TEAM_ASSIGNED for e in trace.events)
        arrivals = {e.incident: e for e in trace.events if e.kind is K.TEAM_ON_SCENE}
        completions = {e.incident: e for e in trace.events if e.kind is K.TASK_COMPLETED}
        if len(arrivals) == 2:
            earlier, later = sorted(arrivals.values(), key=lambda e: e.time)
            assert later.time >= completions[earlier.incident].time + 14.4 - 1e-9
    assert waited >= 20  # the runs do make the second incident wait


def _road_data(cuts=(), **team) -> dict:
    """Roads by hand: c2 - j1 - c1 is 5 + 6 = 11 minutes, c2 - c1 direct is 20 minutes."""
    data = _data(muster="10m", **team)
    data["travel"]["roads"] = [
        {"from": "c2", "to": "j1", "time": "5m"},
        {"from": "j1", "to": "c1", "time": "6m"},
        {"from": "c2", "to": "c1", "time": "20m"},
    ]
    data["incidents"][0]["cuts_roads"] = list(cuts)
    return data


def test_road_graph_travel_is_the_shortest_path_by_hand() -> None:
    trace = _run(_road_data())
    assert first(trace, K.TEAM_ON_SCENE).time == pytest.approx(ACTIVATED + 10 + 11)


def test_a_road_cut_at_the_incident_reroutes() -> None:
    trace = _run(_road_data([{"from": "j1", "to": "c1"}]))
    assert first(trace, K.TEAM_ON_SCENE).time == pytest.approx(ACTIVATED + 10 + 20)


def test_a_cut_with_no_way_round_strands_the_team() -> None:
    trace = _run(
        _road_data(
            [{"from": "j1", "to": "c1"}, {"from": "c2", "to": "c1"}],
            task={"name": "flood wall", "duration": "30m"},
        )
    )
    stranded = first(trace, K.TEAM_STRANDED)
    assert (stranded.time, stranded.info) == (pytest.approx(ACTIVATED + 10), "no open road")
    assert not [e for e in trace.events if e.kind in (K.TEAM_ON_SCENE, K.INCIDENT_CONTROLLED)]


def test_a_stranded_team_drives_the_short_way_once_the_cut_ends() -> None:
    trace = _run(
        _road_data([{"from": "j1", "to": "c1", "duration": "1h"}, {"from": "c2", "to": "c1"}])
    )
    stranded = first(trace, K.TEAM_STRANDED)
    arrived = first(trace, K.TEAM_ON_SCENE)
    assert arrived.time == pytest.approx(60 + 11)  # the cut ends an hour after the start
    assert arrived.cause == stranded.id


def test_after_a_cut_ends_the_short_route_is_used_again() -> None:
    # The cut ends before the team sets off at 31.25.
    trace = _run(_road_data([{"from": "j1", "to": "c1", "duration": "30m"}]))
    assert first(trace, K.TEAM_ON_SCENE).time == pytest.approx(ACTIVATED + 10 + 11)
    # Still cut when it sets off: the long way round.
    trace = _run(_road_data([{"from": "j1", "to": "c1", "duration": "32m"}]))
    assert first(trace, K.TEAM_ON_SCENE).time == pytest.approx(ACTIVATED + 10 + 20)


def test_same_seed_same_trace() -> None:
    data = stochastic(
        _two_incidents(
            muster={"lognormal": {"median": "15m", "p90": "40m"}},
            reachable=0.8,
            departs_with=0.5,
            members=(6, 4),
            level=2,
        )
    )
    scenario = build(data)
    once, again = simulate_replication(scenario, 3), simulate_replication(build(data), 3)
    assert once.events == again.events
    assert once.tasks == again.tasks and once.team_members == again.team_members
    assert simulate_replication(scenario, 4).events != once.events

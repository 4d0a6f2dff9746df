"""The supplies engine against hand computations: keepers, release orders, trucks, restocks.

Built on the tiny township (tests/builders.py): the plan is activated by the township head
at 15.75 min; every call rings 0.25 min and talks 2 min, every decision takes 1 min, an
unanswered call gives up after 0.5 min and is retried 1 min later, at most 3 attempts.
"""

from __future__ import annotations

import pytest

from preparedness.analysis.critical_path import split_delay
from preparedness.engine.run import simulate_replication
from preparedness.engine.trace import EventKind
from tests.builders import CONSTANTS, add_depots, build, first, minimal_scenario, role, township

RING, TALK, DECIDE = CONSTANTS["ring"], CONSTANTS["talk"], CONSTANTS["decision"]
NO_ANSWER, RETRY = CONSTANTS["no_answer"], CONSTANTS["retry"]


def _scenario(*, keeper_unreachable: bool = False, community_only: bool = False, **depot_options):
    data = minimal_scenario()
    add_depots(data, **depot_options)
    if community_only:  # the head then has only one keeper to call, with no other call between
        data["depots"] = [d for d in data["depots"] if d["id"] == "c1_depot"]
    data["roles"].append(
        {
            "id": "backup_keeper",
            "name": "backup keeper",
            "level": "community",
            "decision_time": "1m",
        }
    )
    for depot in data["depots"]:
        if depot["id"] == "c1_depot":
            depot["keepers"] = ["community_keeper", "backup_keeper"]
    if keeper_unreachable:
        # Off duty all day with the phone off: the keeper never answers.
        role(data, "community_keeper")["on_duty"] = [{"from": "20:00", "to": "21:00"}]
        role(data, "community_keeper")["off_duty"] = {"answer_factor": 0.0, "response_delay": "0m"}
    return data


def _opened(trace, depot: str):
    return first(trace, EventKind.DEPOT_OPENED, info=depot)


def test_an_unreachable_keeper_delays_the_release_by_the_time_to_reach_the_backup():
    reachable = simulate_replication(build(_scenario(community_only=True)), 0)
    unreachable = simulate_replication(
        build(_scenario(keeper_unreachable=True, community_only=True)), 0
    )
    # Three unanswered attempts with two retry waits, then the backup is called like the keeper.
    giving_up = 3 * NO_ANSWER + 2 * RETRY
    before, after = _opened(reachable, "c1_depot"), _opened(unreachable, "c1_depot")
    assert after.time - before.time == pytest.approx(giving_up, abs=1e-9)
    assert after.actor == "backup_keeper@c1" and before.actor == "community_keeper@c1"
    split_before = split_delay(reachable, before.id)
    split_after = split_delay(unreachable, after.id)
    assert split_after.by_cause["keeper"] - split_before.by_cause["keeper"] == pytest.approx(
        giving_up, abs=1e-9
    )
    for cause in set(split_before.by_cause) - {"keeper"}:
        assert split_after.by_cause.get(cause, 0.0) == pytest.approx(
            split_before.by_cause[cause], abs=1e-9
        )
    assert sum(split_after.by_cause.values()) == pytest.approx(split_after.latency, abs=1e-9)


def test_calling_the_keeper_is_charged_to_the_keeper():
    trace = simulate_replication(build(_scenario()), 0)
    opened = _opened(trace, "c1_depot")
    split = split_delay(trace, opened.id)
    # The keeper's call (ring, talk) and decision are the keeper's part of the time.
    assert split.by_cause["keeper"] == pytest.approx(RING + TALK + DECIDE, abs=1e-9)


def test_a_release_order_travels_down_the_chain_to_the_release_authority():
    data = _scenario(release_by="township_head")
    data["depots"][0]["release_by"] = "community_secretary"  # the community depot's
    trace = simulate_replication(build(data), 0)
    approved = first(trace, EventKind.RELEASE_APPROVED, info="c1_depot")
    activated = first(trace, EventKind.PLAN_ACTIVATED)
    assert approved.actor == "community_secretary@c1"
    split = split_delay(trace, approved.id)
    # Head -> duty officer -> secretary: two calls and two decisions, all release approval,
    # after whatever the head did first since activating the plan.
    assert split.by_cause["release"] >= 2 * (RING + TALK + DECIDE) - 1e-9
    assert approved.time - activated.time >= 2 * (RING + TALK + DECIDE) - 1e-9


def test_a_restock_arrives_exactly_after_its_lead_time():
    trace = simulate_replication(build(_scenario(restock="7h30m")), 0)
    ordered = first(trace, EventKind.RESTOCK_ORDERED, info="t1_depot")
    arrived = first(trace, EventKind.RESTOCK_ARRIVED, info="t1_depot")
    assert ordered.time == _opened(trace, "t1_depot").time
    assert arrived.time - ordered.time == 450.0
    assert split_delay(trace, arrived.id).by_cause["restock"] == 450.0


def test_the_first_truck_loads_then_drives_the_road_distance():
    data = _scenario()
    township(data)["communities"][0]["location"] = {"x_km": 3.0, "y_km": 4.0}  # 5 km away
    trace = simulate_replication(build(data), 0)
    opened = _opened(trace, "t1_depot")
    dispatched = first(trace, EventKind.TRANSFER_DISPATCHED, info="t1_depot>c1_depot")
    arrived = first(trace, EventKind.TRANSFER_ARRIVED, info="t1_depot>c1_depot")
    assert dispatched.time - opened.time == 30.0  # loading
    driving = 5.0 * 1.3 / 30.0 * 60.0  # straight line x detour factor at 30 km/h
    assert arrived.time - dispatched.time == pytest.approx(driving, abs=1e-9)
    split = split_delay(trace, arrived.id)
    assert split.by_cause["transfer"] == pytest.approx(30.0 + driving, abs=1e-9)


def test_no_depot_is_released_twice_when_incidents_overlap():
    data = _scenario()
    data["incidents"].append({**data["incidents"][0], "id": "flood2", "start_after": "20m"})
    trace = simulate_replication(build(data), 0)
    opened = [e for e in trace.events if e.kind is EventKind.DEPOT_OPENED]
    assert sorted(e.info for e in opened) == ["c1_depot", "t1_depot"]
    arrivals = [e for e in trace.events if e.kind is EventKind.TRANSFER_ARRIVED]
    assert len(arrivals) == 1

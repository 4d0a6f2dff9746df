"""Background load against Erlang C: a duty desk with Poisson arrivals and exponential
handling is an M/M/N queue, alone and while an incident's calls share the same desk.

6 calls an hour of mean 4 minutes give, with one person at the desk, P(wait) = 0.40 and a
mean wait W_q = 2.67 min; with two, 0.067 and 0.17 min (``queueing_theory.py``). A call's
wait is its BACKGROUND_CALL_ANSWERED time minus its BACKGROUND_CALL_ARRIVED time. Calls
arriving in the last two hours are left out (a few would still be queued at the horizon).
Each replication gives one mean wait and one share waited; the closed forms must lie in
the 99 % t-interval of those. The incident adds two calls and two decisions to the desk
in 2,000 minutes, too little to move either measure outside the interval.
"""

from __future__ import annotations

import pytest

from preparedness import simulate_replication
from preparedness.analysis.stats import summarise
from preparedness.engine.background import next_arrival
from preparedness.engine.streams import Streams
from preparedness.engine.trace import EventKind as K
from preparedness.engine.world import World
from tests.builders import build, minimal_scenario, role
from tests.verification.queueing_theory import erlang_c, erlang_c_mean_wait

RATE_PER_HOUR, HOLDING, HORIZON, TAIL = 6.0, 4.0, 2120.0, 120.0
DUTY = "township_duty_officer@t1"


def _desk(staff: int, *, incident: bool) -> dict:
    data = minimal_scenario(seed=20260714, horizon=f"{HORIZON:g}m")
    role(data, "township_duty_officer")["staff"] = staff
    data["background_load"] = [
        {
            "id": "hotline",
            "name": "12345",
            "role": "township_duty_officer",
            "at": "t1",
            "calls_per_hour": RATE_PER_HOUR,
            "handling_time": {"exponential": {"mean": "4m"}},
        }
    ]
    data["channels"][0]["hold_patience"] = "1000h"  # the incident's callers queue at the desk
    if not incident:  # the flood happens after the horizon: the desk only takes hotline calls
        data["incidents"][0]["start_after"] = f"{HORIZON + 60:g}m"
    return data


def _waits(trace) -> list[float]:
    arrived = {
        e.id: e.time
        for e in trace.events
        if e.kind is K.BACKGROUND_CALL_ARRIVED and e.time < HORIZON - TAIL
    }
    waits = {
        e.cause: e.time - arrived[e.cause]
        for e in trace.events
        if e.kind is K.BACKGROUND_CALL_ANSWERED and e.cause in arrived
    }
    assert len(waits) == len(arrived)  # every counted call was answered
    return list(waits.values())


@pytest.mark.parametrize(
    "staff,incident,replications",
    [(1, False, 40), (1, True, 40), (2, False, 20), (2, True, 20)],
)
def test_duty_desk_with_background_load_matches_erlang_c(
    staff: int, incident: bool, replications: int
) -> None:
    scenario = build(_desk(staff, incident=incident))
    mean_waits, waited_shares = [], []
    for r in range(replications):
        trace = simulate_replication(scenario, r)
        waits = _waits(trace)
        mean_waits.append(sum(waits) / len(waits))
        waited_shares.append(sum(w > 0 for w in waits) / len(waits))
        if incident:  # the incident's calls did go through the busy desk
            assert any(e.kind is K.MESSAGE_DELIVERED and e.subject == DUTY for e in trace.events)
    load = RATE_PER_HOUR / 60 * HOLDING
    wq = summarise(mean_waits, confidence=0.99)
    pw = summarise(waited_shares, confidence=0.99)
    expected_wq, expected_pw = erlang_c_mean_wait(staff, load, HOLDING), erlang_c(staff, load)
    assert wq.ci_mean[0] <= expected_wq <= wq.ci_mean[1], (expected_wq, wq.mean, wq.ci_mean)
    assert pw.ci_mean[0] <= expected_pw <= pw.ci_mean[1], (expected_pw, pw.mean, pw.ci_mean)


def test_rate_by_time_of_day_integrates_exactly() -> None:
    """No calls at night, 60 an hour from 08:00: one unit of work from 07:00 ends at 08:01."""
    data = minimal_scenario(horizon="48h")  # starts at 10:00
    data["background_load"] = [
        {
            "id": "hotline",
            "role": "district_office",
            "calls_per_hour": 0.0,
            "periods": [{"from": "08:00", "to": "20:00", "calls_per_hour": 60.0}],
        }
    ]
    scenario = build(data)
    world = World.build(scenario, Streams(1, 0))
    load = scenario.background_load[0]
    assert next_arrival(world, load, 0.0, 1.0) == pytest.approx(1.0)  # 10:00 -> 10:01
    assert next_arrival(world, load, 590.0, 1.0) == pytest.approx(591.0)  # 19:50 -> 19:51
    # 19:59 -> 20:00 uses one unit; nothing arrives until 08:00 (12 h later), then 1 min more
    assert next_arrival(world, load, 599.0, 2.0) == pytest.approx(600.0 + 720.0 + 1.0)

"""Known answers from queueing theory: the township duty desk as an M/M/N queue (Erlang C).

By the Erlang C formula (``queueing_theory.py``), 6 calls an hour of 4 minutes each give,
with one officer, P(wait) = 0.40 and a mean wait W_q = 2.67 min; with two, 0.067 and
0.17 min.

The scenario makes the engine an M/M/N queue: 200 communities, each with one incident its
secretary notices at a uniform time in [0, T] (given their number, the arrival times of a
Poisson process are uniform order statistics), no decision times, no ring, calls always
answered, exponential talk times of mean 4 min, and callers who hold for as long as it
takes. The report stops at the township, so the duty officer does nothing but take calls.
A caller's wait is its CALL_CONNECTED time minus its CALL_DIALLED time (0 if never held).
The replication is the independent unit, so each replication gives one mean wait and one
share of callers who waited; the closed forms must lie in the 99 % t-interval of those.
"""

from __future__ import annotations

import pytest

from preparedness import simulate_replication
from preparedness.analysis.stats import summarise
from preparedness.analysis.workload import post_loads
from preparedness.engine.trace import EventKind as K
from tests.builders import build, community, incident, minimal_scenario, plan, role, township
from tests.verification.queueing_theory import erlang_c, erlang_c_mean_wait

CALLS = 200
RATE = 0.1  # calls per minute (6 an hour)
HOLDING = 4.0  # minutes
SPAN = CALLS / RATE  # 2000 minutes of arrivals
DUTY = "township_duty_officer@t1"


def test_erlang_formulas_reproduce_the_reference_figures() -> None:
    load = RATE * HOLDING
    assert erlang_c(1, load) == pytest.approx(0.40, abs=0.005)
    assert erlang_c_mean_wait(1, load, HOLDING) == pytest.approx(2.67, abs=0.005)
    assert erlang_c(2, load) == pytest.approx(0.067, abs=0.0005)
    assert erlang_c_mean_wait(2, load, HOLDING) == pytest.approx(0.17, abs=0.005)
    # The classic Erlang C call-centre example: 48 E on 55 agents waits with 0.2387.
    assert erlang_c(55, 48.0) == pytest.approx(0.23870, abs=5e-5)


def _duty_desk(staff: int):
    data = minimal_scenario(seed=20260714, horizon="60h")
    township(data)["communities"] = [community(f"c{i}") for i in range(CALLS)]
    data["incidents"] = [
        incident(
            f"call{i}",
            f"c{i}",
            detected_by="community_secretary",
            detection_delay={"uniform": {"min": "0m", "max": f"{SPAN:g}m"}},
        )
        for i in range(CALLS)
    ]
    data["channels"][0].update(
        ring_time="0s", talk_time={"exponential": {"mean": "4m"}}, hold_patience="1000h"
    )
    for item in data["roles"]:
        item["decision_time"] = "0s"
    role(data, "township_duty_officer")["staff"] = staff
    plan(data)["report_up_to"] = "township"
    return build(data)


def _waits(trace) -> list[float]:
    dials = {e.id: e.time for e in trace.events if e.kind is K.CALL_DIALLED and e.subject == DUTY}
    waits = dict.fromkeys(dials, 0.0)
    for event in trace.events:
        if event.kind is K.CALL_CONNECTED and event.cause in dials:
            waits[event.cause] = event.time - dials[event.cause]
    assert len(waits) == CALLS  # every call was made once and answered
    assert not any(e.kind is K.CALL_ABANDONED for e in trace.events)
    return list(waits.values())


@pytest.mark.parametrize("staff,replications,max_half_width", [(1, 30, 0.6), (2, 20, 0.08)])
def test_duty_desk_waits_match_erlang_c(
    staff: int, replications: int, max_half_width: float
) -> None:
    scenario = _duty_desk(staff)
    load = RATE * HOLDING
    mean_waits, waited_shares, held = [], [], []
    for k in range(replications):
        trace = simulate_replication(scenario, k)
        waits = _waits(trace)
        mean_waits.append(sum(waits) / CALLS)
        waited_shares.append(sum(w > 0 for w in waits) / CALLS)
        held.append(post_loads(trace)[DUTY].time_held)

    wq = summarise(mean_waits, confidence=0.99)
    pw = summarise(waited_shares, confidence=0.99)
    expected_wq = erlang_c_mean_wait(staff, load, HOLDING)
    expected_pw = erlang_c(staff, load)
    assert wq.ci_mean[0] <= expected_wq <= wq.ci_mean[1], (expected_wq, wq.mean, wq.ci_mean)
    assert pw.ci_mean[0] <= expected_pw <= pw.ci_mean[1], (expected_pw, pw.mean, pw.ci_mean)
    assert (wq.ci_mean[1] - wq.ci_mean[0]) / 2 < max_half_width
    # The workload analysis books the same waits as time held at the duty desk.
    assert held == pytest.approx([m * CALLS for m in mean_waits], abs=1e-6)

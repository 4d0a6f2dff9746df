"""Call-out rules against closed forms derived here, on the reference call tree.

One caller works a list of n contacts; each attempt is answered with probability p, and a
contact is away for the whole incident with probability a, so q_i = a + (1-a)(1-p)^(i-1)
is the chance contact needs an i-th attempt and s_i = (1-a)(1-p)^(i-1)·p that it is
answered there (k attempts at most). An answered attempt takes c (ring plus mean talk), a
missed one u (the no-answer timeout). Both policies make the same attempts, costing
n·Σ_i [s_i·c + (q_i - s_i)·u]; they differ in waiting:

* wait and redial waits the retry interval r before every attempt after the first:
  + r·n·Σ_{i≥2} q_i;
* pass then call back pauses b before pass i only if anyone is left:
  + b·Σ_{i≥2} [1 - (1 - q_i)^n] ≤ b·n·Σ_{i≥2} q_i, so with b = r it is never slower.

A member reached by a leader who is reached: R = (1-a)(1-(1-p)^k) per level. With ``drop``
the share of a roster of L leaders with M members each reached is R_L·(1 + M·R_M)/(1 + M);
with ``skip_level`` a member's reach no longer depends on the leader: (R_L + M·R_M)/(1 + M).
Tolerances are 99 % t-intervals over replications with the scenario's fixed seed.
"""

from __future__ import annotations

from typing import Any

from preparedness import simulate_replication
from preparedness.analysis.callouts import callout_outcomes
from preparedness.analysis.stats import summarise
from preparedness.engine.trace import EventKind as K
from preparedness.scenario.interventions import load_variants
from tests.builders import SCENARIOS, add_phone, build
from tests.unit.test_engine_callout import LEADER, calltree


def _q(i: int, p: float, a: float) -> float:
    return a + (1 - a) * (1 - p) ** (i - 1)


def expected_list_time(
    n: int, p: float, a: float, k: int, c: float, u: float, wait: float, policy: str
) -> float:
    """Expected time from a caller's first dial to the end of their last call."""
    attempts = 0.0
    for i in range(1, k + 1):
        answered = (1 - a) * (1 - p) ** (i - 1) * p
        attempts += answered * c + (_q(i, p, a) - answered) * u
    if policy == "wait_and_redial":
        waiting = wait * n * sum(_q(i, p, a) for i in range(2, k + 1))
    else:
        waiting = wait * sum(1 - (1 - _q(i, p, a)) ** n for i in range(2, k + 1))
    return n * attempts + waiting


def reach(p: float, a: float, k: int) -> float:
    return (1 - a) * (1 - (1 - p) ** k)


N, P, AWAY, K_ATTEMPTS, WAIT = 7, 0.6, 0.1, 3, 5.0
C, U = 0.25 + 2.0, 0.5  # ring 15 s + talk 2 min; no-answer timeout 30 s


def _list_scenario(policy: str, away: float = AWAY, attempts: int = K_ATTEMPTS, p: float = P):
    """The tiny tree: the desk always reaches the leader, who calls n members on ``mobile``."""
    data: dict[str, Any] = calltree(
        members=N, redial=policy, passes=attempts, call_back_after=f"{WAIT:g}m"
    )
    add_phone(
        data, "mobile", answer_probability=p, retry_interval=f"{WAIT:g}m", max_attempts=attempts
    )
    for link in data["command"]["links"]:
        if link["from"] == "member":
            link["channel"] = "mobile"
    for item in data["roles"]:
        if item["id"] == "member":
            item["away_share"] = away
    return build(data)


def _list_time(trace) -> float:
    dials = [e.time for e in trace.events if e.kind is K.CALL_DIALLED and e.actor == LEADER]
    ends = [
        e.time
        for e in trace.events
        if e.actor == LEADER and e.kind in (K.CALL_UNANSWERED, K.MESSAGE_DELIVERED)
    ]
    return max(ends) - min(dials)


def test_pass_then_call_back_finishes_a_list_sooner_than_wait_and_redial() -> None:
    means = {}
    for policy in ("wait_and_redial", "pass_then_call_back"):
        scenario = _list_scenario(policy)
        times = [_list_time(simulate_replication(scenario, r)) for r in range(300)]
        summary = summarise(times, confidence=0.99)
        expected = expected_list_time(N, P, AWAY, K_ATTEMPTS, C, U, WAIT, policy)
        assert summary.ci_mean[0] <= expected <= summary.ci_mean[1], (policy, expected, summary)
        means[policy] = summary
    # Closed forms: 40.9 min against 25.5 min; the intervals do not overlap.
    assert means["pass_then_call_back"].ci_mean[1] < means["wait_and_redial"].ci_mean[0]


def _member_reach(scenario, replications: int) -> list[float]:
    shares = []
    for r in range(replications):
        outcome = callout_outcomes(simulate_replication(scenario, r))["order"]
        shares.append((outcome.reached - 1) / N)  # the leader is always reached
    return shares


def test_availability_lowers_the_reach_retries_can_buy() -> None:
    gains = {}
    for away in (0.0, 0.3):
        measured = {}
        for attempts in (1, 3):
            scenario = _list_scenario("wait_and_redial", away=away, attempts=attempts, p=0.5)
            summary = summarise(_member_reach(scenario, 150), confidence=0.99)
            expected = reach(0.5, away, attempts)
            assert summary.ci_mean[0] <= expected <= summary.ci_mean[1], (away, attempts, summary)
            measured[attempts] = summary.mean
        gains[away] = measured[3] - measured[1]
    # Retries buy (1-a)·((1-(1-p)^k) - p): 0.375 with nobody away, 0.2625 with 30 % away.
    assert gains[0.3] < gains[0.0]


def _reference(intervention: str | None = None):
    variants = load_variants(SCENARIOS / "calltree_city_groups.yaml")
    return variants.scenario(intervention) if intervention else variants.base


def test_skip_level_reaches_more_of_the_roster() -> None:
    # Reference scenario: 5 leaders (away 5 %) with 7 members each (away 10 %), p = 0.7 by
    # day (the call-out ends long before 22:00), 3 attempts.
    r_leader, r_member, m = reach(0.7, 0.05, 3), reach(0.7, 0.1, 3), 7
    expected = {
        "drop": r_leader * (1 + m * r_member) / (1 + m),  # 0.824
        "skip_level": (r_leader + m * r_member) / (1 + m),  # 0.882
    }
    shares = {}
    for rule, scenario in (("drop", _reference()), ("skip_level", _reference("skip_level"))):
        values = []
        for r in range(120):
            outcome = callout_outcomes(simulate_replication(scenario, r))["calldown"]
            values.append(outcome.reached_share)
        summary = summarise(values, confidence=0.99)
        assert summary.ci_mean[0] <= expected[rule] <= summary.ci_mean[1], (rule, summary)
        shares[rule] = values
    paired = summarise(
        [b - a for a, b in zip(shares["drop"], shares["skip_level"], strict=True)], confidence=0.99
    )
    assert paired.ci_mean[0] > 0  # common random numbers: skip-level never loses a member

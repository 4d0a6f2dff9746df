"""Known answers for one phone link with answer probability p, retried until answered.

Each attempt is answered with probability p, independently. An unanswered attempt costs the
no-answer timeout w and then the retry interval r; the answered one costs ring g and talk t.
The number of failures before the first answer is geometric with mean (1 - p)/p, so the
expected delay from the first dial to delivery is

    E = (1 - p)/p * (w + r) + g + t,

and with at most k attempts the message is never delivered with probability (1 - p)^k.
The link is grid worker -> community secretary, and the report stops at the community.
"""

from __future__ import annotations

import pytest

from preparedness import simulate_replication
from preparedness.analysis.stats import share_with_ci, summarise
from preparedness.engine.trace import EventKind as K
from tests.builders import build, minimal_scenario, plan

P = 0.4  # answer probability
W = 0.5  # no-answer timeout, 30 s
RETRY = 1.0  # retry interval
G = 0.25  # ring, 15 s
T = 2.0  # talk
N = 2000  # replications
SEED = 20240601

CLOSED_FORM_MEAN = (1 - P) / P * (W + RETRY) + G + T  # 4.5 minutes

SENDER = "grid_worker@c1/grid1"
RECEIVER = "community_secretary@c1"


def _scenario(max_attempts: int):
    data = minimal_scenario(seed=SEED)
    data["channels"][0].update(
        answer_probability=P,
        no_answer_timeout="30s",
        retry_interval="1m",
        ring_time="15s",
        talk_time="2m",
        max_attempts=max_attempts,
    )
    plan(data)["report_up_to"] = "community"
    return build(data)


def _dial_to_delivery(trace) -> float | None:
    dialled = delivered = None
    for event in trace.events:
        if event.actor != SENDER or event.subject != RECEIVER:
            continue
        if event.kind is K.CALL_DIALLED and dialled is None:
            dialled = event.time
        elif event.kind is K.MESSAGE_DELIVERED:
            delivered = event.time
            break
    assert dialled is not None
    return None if delivered is None else delivered - dialled


@pytest.fixture(scope="module")
def unlimited() -> list[float | None]:
    # 100 attempts: P(all fail) = 0.6^100, about 6e-23.
    scenario = _scenario(max_attempts=100)
    return [_dial_to_delivery(simulate_replication(scenario, k)) for k in range(N)]


def test_mean_dial_to_delivery_matches_the_closed_form(unlimited) -> None:
    summary = summarise(unlimited, confidence=0.99)

    assert summary.n_reached == N
    low, high = summary.ci_mean
    assert low <= CLOSED_FORM_MEAN <= high, (CLOSED_FORM_MEAN, summary.mean, summary.ci_mean)
    # The interval is tight enough to mean something: sd = (w + r)·sqrt(1 - p)/p = 2.90,
    # so the 99 % half-width is about 2.58 · 2.90 / sqrt(2000) = 0.17.
    assert high - low < 0.4


def test_every_delay_is_a_whole_number_of_failed_attempts_plus_one_answered_call(unlimited) -> None:
    for delay in unlimited:
        failures = (delay - G - T) / (W + RETRY)
        assert failures == pytest.approx(round(failures), abs=1e-9)
        assert round(failures) >= 0


def test_share_never_reached_with_k_attempts_is_one_minus_p_to_the_k() -> None:
    k = 3
    scenario = _scenario(max_attempts=k)

    lost = sum(_dial_to_delivery(simulate_replication(scenario, i)) is None for i in range(N))

    expected = (1 - P) ** k  # 0.216
    estimate = share_with_ci(lost, N, confidence=0.99)
    low, high = estimate.ci
    assert low <= expected <= high, (expected, estimate)
    assert high - low < 0.06


def test_number_of_failed_attempts_is_geometric(unlimited) -> None:
    """The distribution, not only the mean: P(j failures) = (1 - p)^j p, chi-square at 1%."""
    from scipy import stats

    failures = [round((delay - G - T) / (W + RETRY)) for delay in unlimited]
    top = 6  # 0..5 failures, and "6 or more" pooled so every expected count is large
    observed = [failures.count(j) for j in range(top)] + [sum(f >= top for f in failures)]
    expected = [N * (1 - P) ** j * P for j in range(top)] + [N * (1 - P) ** top]
    assert min(expected) > 5
    assert stats.chisquare(observed, expected).pvalue > 0.01

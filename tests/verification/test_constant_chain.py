"""Known answers: with every delay constant, each milestone is a hand-computed sum.

Chain: grid worker -> community secretary -> township duty officer -> township head (may
activate the plan) -> district office; police = [district police, police station],
answering to the district office. One phone hop answered at once takes h = ring + talk.

Siloed relay: the head reports to the district office and then phones it the order; the
office, which has just taken its one line to decide on the report, answers the order call
after one decision time. The order then comes down district police -> police station.

Whistle: the community secretary summons the police station first, then reports on up.

Joint centre: the duty officer's decision convenes the centre; after the activation time
the liaison hears the order, decides, and radios the station (a radio does not ring).
"""

from __future__ import annotations

import pytest

from preparedness import simulate_replication
from preparedness.analysis.milestones import milestone_times
from tests.builders import build, minimal_scenario, with_mode

# The scenario's constants, in minutes, restated by hand.
D = 7.0  # detection
d = 1.5  # every decision
g = 20 / 60  # ring, 20 s
t = 3.0  # phone talk
h = g + t  # one answered phone hop
R = 12.0  # police report-in time
A = 8.0  # centre activation
L = 2.0  # liaison decision
q = 45 / 60  # radio talk, 45 s


def _scenario(mode: str):
    data = with_mode(minimal_scenario(), mode)
    phone = data["channels"][0]
    phone["ring_time"] = "20s"
    phone["talk_time"] = "3m"
    radio = data["channels"][1]
    radio["talk_time"] = "45s"
    for role in data["roles"]:
        role["decision_time"] = "1m30s"
    data["incidents"][0]["detection_delay"] = "7m"
    data["departments"][0]["report_in_time"] = "12m"
    if mode == "joint_command_centre":
        centre = data["command"]["joint_centre"]
        centre["activation_time"] = "8m"
        centre["liaison_decision_time"] = "2m"
    return build(data)


EXPECTED = {
    "siloed_relay": {
        "detected": D,
        "report:community": D + d + h,
        "report:township": D + 2 * d + 2 * h,
        "plan_activated": D + 4 * d + 3 * h,
        "report:district": D + 4 * d + 4 * h,
        # office decides on the report (d) while the order holds; office, district police
        # and station each decide and pass it on: 3 more hops, 3 more decisions.
        "ordered:police": D + 8 * d + 7 * h,
        "reported_in:police": D + 8 * d + 7 * h + R,
    },
    "whistle_and_report": {
        "detected": D,
        "report:community": D + d + h,
        "ordered:police": D + 3 * d + 2 * h,
        "reported_in:police": D + 3 * d + 2 * h + R,
        "report:township": D + 2 * d + 3 * h,  # after the whistle call
        "plan_activated": D + 4 * d + 4 * h,
        "report:district": D + 4 * d + 5 * h,
    },
    "joint_command_centre": {
        "detected": D,
        "report:community": D + d + h,
        "report:township": D + 2 * d + 2 * h,
        "plan_activated": D + 4 * d + 3 * h,
        "report:district": D + 4 * d + 4 * h,
        "centre_active": D + 3 * d + 2 * h + A,
        "ordered:police": D + 3 * d + 2 * h + A + L + q + d,
        "reported_in:police": D + 3 * d + 2 * h + A + L + q + d + R,
    },
}


@pytest.mark.parametrize("mode", list(EXPECTED))
def test_constant_chain_milestones_equal_the_hand_computed_sums(mode: str) -> None:
    scenario = _scenario(mode)

    for replication in (0, 1, 7):  # constant delays: every replication is the same story
        reached = milestone_times(simulate_replication(scenario, replication))["flood"]
        got = {key: r.time for key, r in reached.items() if key != "report:grid"}
        assert set(got) == set(EXPECTED[mode])
        for key, value in EXPECTED[mode].items():
            assert got[key] == pytest.approx(value, abs=1e-9, rel=0), (mode, key)


def test_whistle_beats_joint_centre_beats_siloed_relay_with_equal_constants() -> None:
    ordered = {
        mode: milestone_times(simulate_replication(_scenario(mode), 0))["flood"][
            "ordered:police"
        ].time
        for mode in EXPECTED
    }

    assert ordered["whistle_and_report"] < ordered["joint_command_centre"] < ordered["siloed_relay"]

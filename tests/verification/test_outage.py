"""A channel outage moves traffic to the fallback, and the fallback shows in the delay split."""

from __future__ import annotations

from preparedness.analysis.critical_path import split_delay
from preparedness.analysis.milestones import milestone_times
from preparedness.engine.run import simulate_replication
from preparedness.engine.trace import EventKind
from tests.builders import add_phone, build, channel, minimal_scenario, role


def test_total_outage_moves_every_call_to_the_fallback():
    data = minimal_scenario()
    add_phone(data, "backup_phone")
    channel(data, "phone")["outages"] = [{"duration": "12h"}]
    for r in data["roles"]:
        r["fallback"] = ["backup_phone"]
    trace = simulate_replication(build(data), 0)
    delivered = [e for e in trace.events if e.kind is EventKind.MESSAGE_DELIVERED]
    assert delivered and all(e.channel == "backup_phone" for e in delivered)
    failed = [e for e in trace.events if e.kind is EventKind.CALL_FAILED]
    assert failed and all(e.channel == "phone" and e.info.endswith(";outage") for e in failed)
    reached = milestone_times(trace)["flood"]["report:district"]
    split = split_delay(trace, reached.event_id)
    assert split.by_cause["fallback"] > 0


def test_outage_limited_to_another_community_changes_nothing():
    data = minimal_scenario()
    data["places"]["townships"][0]["communities"].append(
        {**data["places"]["townships"][0]["communities"][0], "id": "c2", "name": "C2"}
    )
    baseline = simulate_replication(build(data), 0)
    channel(data, "phone")["outages"] = [{"duration": "12h", "communities": ["c2"]}]
    role(data, "grid_worker")["fallback"] = []
    with_outage = simulate_replication(build(data), 0)
    assert [(e.time, e.kind) for e in baseline.events] == [
        (e.time, e.kind) for e in with_outage.events
    ]

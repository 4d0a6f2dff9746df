"""Trace formats are defined once, and every event kind ends a step with a named cause."""

from __future__ import annotations

import pytest

from preparedness.analysis.critical_path import CAUSE_OF_KIND, CAUSES, critical_path
from preparedness.engine.trace import (
    EventKind,
    Trace,
    attempt_info,
    callout_pass_info,
    is_order,
    joined_info,
    order_info,
    outage_info,
    purpose,
    purpose_verb,
    stranded_info,
    transfer_ends,
    transfer_info,
)


def test_every_event_kind_maps_to_a_delay_split_cause() -> None:
    assert set(CAUSE_OF_KIND) == set(EventKind)
    assert set(CAUSE_OF_KIND.values()) <= set(CAUSES)


def test_an_unmapped_kind_is_an_error_not_a_decision() -> None:
    trace = Trace()
    start = trace.emit(0.0, EventKind.INCIDENT_STARTED, "i", None)
    trace.emit(1.0, "gossip", "i", "a", cause=start)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no delay-split cause for event kind 'gossip'"):
        critical_path(trace, 1)


def test_formats_read_back() -> None:
    assert is_order(order_info("fire")) and order_info("fire") == "order:fire"
    assert not is_order("report")
    assert purpose("team", "rescue", 2) == "team:rescue:2"
    assert purpose_verb(attempt_info(purpose("release", "d1"), 2)) == "release"
    assert purpose_verb("report") is None
    assert attempt_info("report", 1) == "report;attempt=1"
    assert outage_info("report") == "report;outage"
    assert callout_pass_info(3) == "callout;pass=3"
    assert joined_info("t1") == "t1;joined"
    assert transfer_info("d1", "c1") == "d1>c1"
    assert transfer_ends(transfer_info("d1", "c1")) == ("d1", "c1")
    assert stranded_info("d1>c1") == "d1>c1;no open road"


def test_an_errand_step_is_charged_to_what_the_errand_is_for() -> None:
    trace = Trace()
    start = trace.emit(0.0, EventKind.INCIDENT_STARTED, "i", None)
    dialled = trace.emit(
        2.0, EventKind.CALL_DIALLED, "i", "a", "b", start, "phone", attempt_info("keeper:d1", 1)
    )
    steps = critical_path(trace, dialled)
    assert [(s.minutes, s.cause) for s in steps] == [(2.0, "keeper")]

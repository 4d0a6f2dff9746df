"""Reading and validating a scenario costs work in proportion to its roles and links.

Work is counted, not timed: the number of Python lines executed (``sys.settrace``) while a
relay tree of n, 2n and 4n roles is read and validated. The count is the same on every
run and every machine, so the test cannot fail because the machine is busy. If the cost
is a + b·n, going from 2n to 4n adds exactly twice what going from n to 2n added; any
scan of all roles per role or per link adds a term in n² and makes it more than twice.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import YamlDocument, parse_yaml_text

FANOUT = 4
SIZES = (150, 300, 600)
# Per-role work differs by a few lines between sizes (longer ids, a cache filling up);
# a quadratic term at these sizes adds at least as much again.
TOLERANCE = 1.1


def relay_tree_text(roles: int) -> str:
    """A relay tree like ``bench/relay_tree.py``'s: ``n0`` calls ``FANOUT`` people, each of
    them ``FANOUT`` more, and so on; the leaves sit at township level."""
    callers = (roles - 1) // FANOUT
    lines = [
        "name: relay tree",
        'start: "2026-07-14T10:00:00+08:00"',
        "horizon: 3d",
        "places:",
        "  townships:",
        "    - id: t",
        "      name: tree",
        "      communities: [{id: c, name: c, population: 40000, households: 15000}]",
        "channels:",
        "  - {id: phone, kind: phone, answer_probability: 0.8, ring_time: 15s,",
        "     no_answer_timeout: 30s, retry_interval: 2m, max_attempts: 100,",
        "     talk_time: {lognormal: {median: 1m30s, p90: 4m}}}",
        "roles:",
    ]
    for node in range(roles):
        level = "community" if node < callers else "township"
        extra = ", authority: {activate_plans: [tree]}" if node == 0 else ""
        lines.append(
            f"  - {{id: n{node}, name: n{node}, level: {level}, decision_time: 0s{extra}}}"
        )
    lines += ["command:", "  mode: siloed_relay", "  links:"]
    for child in range(1, roles):
        lines.append(f"    - {{from: n{(child - 1) // FANOUT}, to: n{child}, channel: phone}}")
    lines += [
        "plans:",
        "  - {id: tree, name: tree, category: natural_disaster, levels: [IV],",
        "     report_up_to: township}",
        "incidents:",
        "  - {id: call, name: call, category: natural_disaster, level: IV, community: c,",
        "     detected_by: n0, detection_delay: 0s}",
    ]
    return "\n".join(lines) + "\n"


def lines_run(work: Callable[[], object]) -> int:
    """How many Python lines ``work`` executes (in any function it calls)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    before = sys.gettrace()
    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(before)
    return count


def _parse(roles: int) -> YamlDocument:
    return parse_yaml_text(relay_tree_text(roles), "tree.yaml")


def _assert_linear(counts: list[int]) -> None:
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    assert second <= TOLERANCE * 2 * first, f"lines run for n, 2n, 4n roles: {counts}"


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load once first, so one-time work (caches, lazy imports) is not counted."""
    validate_document(_parse(SIZES[0]))


def test_reading_is_linear_in_roles_and_links() -> None:
    _assert_linear([lines_run(lambda n=n: _parse(n)) for n in SIZES])


def test_validation_is_linear_in_roles_and_links() -> None:
    documents = [_parse(n) for n in SIZES]
    _assert_linear([lines_run(lambda d=d: validate_document(d)) for d in documents])


def test_the_count_sees_a_scan_of_every_role_per_link() -> None:
    """The measure itself: a quadratic step at these sizes breaks the tolerance."""

    def quadratic(roles: int) -> Callable[[], object]:
        def scan() -> None:
            for link in range(roles):
                for role in range(roles):
                    if role == link:
                        break

        return scan

    counts = [lines_run(lambda n=n: (validate_document(_parse(n)), quadratic(n)())) for n in SIZES]
    with pytest.raises(AssertionError):
        _assert_linear(counts)

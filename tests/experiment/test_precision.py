"""The precision loop adds replications until the key milestones' intervals are narrow enough."""

from __future__ import annotations

import pytest

from preparedness.analysis.stats import half_width, summarise
from preparedness.experiment.compare import variant_values
from preparedness.experiment.precision import key_milestones, run_to_precision
from preparedness.experiment.replicate import run_variants

from .conftest import canonical


def _widths(experiment, keys):
    return {(i, m): half_width(summarise(variant_values(experiment, i, m))) for i, m, _ in keys}


def test_key_milestones_are_those_with_a_deadline(relay_variants):
    keys = key_milestones(relay_variants.base)
    assert [(i, m) for i, m, _ in keys][:3] == [
        ("flash_flood", "report:community"),
        ("flash_flood", "report:township"),
        ("flash_flood", "report:district"),
    ]
    assert ("flash_flood", "detected") not in [(i, m) for i, m, _ in keys]
    assert len(keys) == 16  # 8 deadlines in the flood plan, for each of the two incidents


def test_the_loop_stops_as_soon_as_the_target_is_met(relay_variants):
    scenario = relay_variants.base
    target = 12.0
    experiments, precision = run_to_precision(
        {"base": scenario}, 3, target, initial=10, max_replications=400
    )
    n = precision.rounds[-1]
    assert precision.met
    assert precision.rounds[0] == 10 and len(precision.rounds) >= 2
    assert len(experiments["base"].results) == n
    keys = key_milestones(scenario)
    widths = _widths(experiments["base"], keys)
    assert max(w for w in widths.values() if w is not None) <= target
    assert precision.as_dict()["widest_half_width"] == pytest.approx(
        max(w for w in widths.values() if w is not None)
    )
    # One round earlier the target was not met: the loop did not stop too late.
    previous = precision.rounds[-2]
    earlier = run_variants({"base": scenario}, 3, 0, previous)["base"][0]
    from preparedness.experiment.replicate import VariantRun

    short = VariantRun(scenario, 3, earlier, experiments["base"].example_trace)
    assert max(w for w in _widths(short, keys).values() if w is not None) > target
    # Rounds continue the replication indices: the same numbers as one fixed run of n.
    assert canonical(experiments["base"].results) == canonical(
        run_variants({"base": scenario}, 3, 0, n)["base"][0]
    )


def test_the_loop_stops_at_the_maximum_and_says_the_target_was_missed(relay_variants):
    _, precision = run_to_precision(
        {"base": relay_variants.base}, 3, 0.5, initial=8, max_replications=20
    )
    assert not precision.met
    assert precision.rounds[-1] == 20
    summary = precision.as_dict()
    assert summary["met"] is False and summary["max_replications"] == 20
    assert summary["widest_half_width"] > 0.5


def test_in_a_comparison_the_target_is_on_the_paired_differences(relay_variants):
    scenarios = {name: relay_variants.scenario(name) for name in ("base", "night_duty")}
    experiments, precision = run_to_precision(scenarios, 3, 6.0, initial=10, max_replications=300)
    assert precision.met
    rows = precision.widths
    assert {row["intervention"] for row in rows} == {"night_duty"}
    assert all(row["half_width"] is None or row["half_width"] <= 6.0 for row in rows)
    assert len(experiments["base"].results) == len(experiments["night_duty"].results)

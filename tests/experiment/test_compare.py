"""Paired comparison with common random numbers: what an intervention buys, per milestone."""

from __future__ import annotations

import numpy as np
import pytest

from preparedness.experiment.compare import compare, compare_values
from preparedness.experiment.replicate import VariantRun, run_variants
from preparedness.scenario.interventions import load_variants

from .conftest import RELAY, with_interventions


def _experiments(variants, names, n, seed):
    scenarios = {name: variants.scenario(name) for name in names}
    runs = run_variants(scenarios, seed, 0, n)
    return {
        name: VariantRun(scenarios[name], seed, results, trace)
        for name, (results, trace) in runs.items()
    }


def test_an_intervention_that_changes_nothing_gives_zero_paired_differences(tmp_path):
    """Grid workers' hours set to the hours they already have: every stream keeps its draws,
    so every pair is identical and every difference is exactly zero."""
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: same_hours
    name: the same duty hours
    changes:
      - duty_hours: {role: grid_worker, on_duty: [{from: "08:00", to: "18:00"}]}
""",
    )
    variants = load_variants(path)
    experiments = _experiments(variants, ["base", "same_hours"], 20, 5)
    comparison = compare(experiments, "base", {}, 5)
    rows = [
        row
        for incident in comparison["incidents"]
        for milestone in incident["milestones"]
        for row in milestone["interventions"]
    ]
    assert len(rows) == 18  # 2 incidents x 9 milestones
    for row in rows:
        assert row["identical"] is True
        assert row["mean_change"] == 0.0
        assert row["mean_change_ci95"] == [0.0, 0.0]
        assert row["median_change"] == 0.0
        assert row["median_change_ci95"] == [0.0, 0.0]
        assert row["p90_change"] == 0.0
        assert row["prob_faster"] == 0.0
        assert row["only_base_reached"] == row["only_alt_reached"] == 0


def _all_ordered(experiment, incident):
    """Per replication: when the last department the plan requires was ordered."""
    out = []
    for result in experiment.results:
        times = result.milestones.get(incident, {})
        keys = ("ordered:police", "ordered:fire")
        out.append(max(times[k] for k in keys) if all(k in times for k in keys) else None)
    return out


def test_the_joint_centre_orders_the_departments_faster(relay_variants):
    """On the Ningbo-style township, with the same draws, the joint centre has every
    department ordered sooner than the siloed relay in more than 95% of paired runs."""
    experiments = _experiments(relay_variants, ["base", "joint_centre"], 100, 20260714)
    for incident in ("flash_flood", "landslide"):
        row = compare_values(
            _all_ordered(experiments["base"], incident),
            _all_ordered(experiments["joint_centre"], incident),
            (1, 2),
        )
        assert row["n_pairs"] >= 90
        assert row["prob_faster"] > 0.95, (incident, row["prob_faster"])
        assert row["median_change_ci95"][1] < 0  # a clear saving, not noise
    comparison = compare(experiments, "base", {}, 20260714)
    landslide = {m["id"]: m["interventions"][0] for m in comparison["incidents"][1]["milestones"]}
    assert landslide["ordered:police"]["prob_faster"] > 0.95
    assert landslide["centre_active"]["only_alt_reached"] == 100


def test_compare_values_on_a_known_shift():
    base = [float(x) for x in range(10, 60)]
    alt = [x - 5.0 for x in base]
    row = compare_values(base, alt, (3, 4))
    assert row["mean_change"] == pytest.approx(-5.0)
    assert row["mean_change_ci95"] == pytest.approx([-5.0, -5.0])
    assert row["median_change"] == pytest.approx(-5.0)
    assert row["median_change_ci95"] == pytest.approx([-5.0, -5.0])
    assert row["p90_change"] == pytest.approx(-5.0)
    assert row["prob_faster"] == 1.0
    assert row["base"]["median"] == pytest.approx(34.5)
    assert row["alt"]["median"] == pytest.approx(29.5)


def test_compare_values_counts_unpaired_runs_and_is_reproducible():
    base = [10.0, 20.0, None, 30.0, None, 12.0, 14.0, 18.0]
    alt = [8.0, None, 15.0, 31.0, None, 11.0, 9.0, 20.0]
    first = compare_values(base, alt, (7, 8))
    assert (
        first["n_pairs"],
        first["only_base_reached"],
        first["only_alt_reached"],
        first["neither_reached"],
    ) == (5, 1, 1, 1)
    assert first["prob_faster"] == pytest.approx(3 / 5)
    assert compare_values(base, alt, (7, 8)) == first  # the bootstrap is seeded
    rng = np.random.default_rng(1)
    many_base = [float(x) for x in rng.lognormal(4.0, 0.5, 60)]
    many_alt = [x + float(e) for x, e in zip(many_base, rng.normal(-2.0, 3.0, 60), strict=True)]
    one = compare_values(many_base, many_alt, (7, 8))["median_change_ci95"]
    assert compare_values(many_base, many_alt, (7, 8))["median_change_ci95"] == one
    assert compare_values(many_base, many_alt, (7, 9))["median_change_ci95"] != one

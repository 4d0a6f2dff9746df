"""Intervals that respect their quantities: coverage on skewed samples, bounds, named methods."""

from __future__ import annotations

import math

import numpy as np
import pytest

from preparedness.analysis.stats import (
    SHARE_BOUNDS,
    mean_intervals,
    paired_share_change,
    quantile_ci_ranks,
    summarise,
)

SIGMA = 0.75  # lognormal(0, 0.75): skewness about 3, like a response chain's delays
TRUE_MEAN = math.exp(SIGMA**2 / 2)
TRUE_MEDIAN = 1.0


@pytest.mark.parametrize(("n", "trials", "resamples"), [(20, 1000, 999), (200, 300, 499)])
def test_mean_interval_covers_at_least_93_percent_on_lognormal(
    n: int, trials: int, resamples: int
) -> None:
    rng = np.random.default_rng(20240501 + n)
    samples = rng.lognormal(0.0, SIGMA, size=(trials, n))
    low, high, code = mean_intervals(samples, 0.95, rng, resamples)
    coverage = np.mean((low <= TRUE_MEAN) & (TRUE_MEAN <= high))
    assert coverage >= 0.93
    assert np.mean(code == 1) > 0.9  # skewed samples take the bootstrap-t


@pytest.mark.parametrize("n", [20, 200])
def test_median_interval_covers_at_least_93_percent_on_lognormal(n: int) -> None:
    rng = np.random.default_rng(7 + n)
    samples = np.sort(rng.lognormal(0.0, SIGMA, size=(2000, n)), axis=1)
    ranks = quantile_ci_ranks(n, 0.5, 0.95)
    assert ranks is not None
    covered = (samples[:, ranks[0]] <= TRUE_MEDIAN) & (TRUE_MEDIAN <= samples[:, ranks[1]])
    assert np.mean(covered) >= 0.93


def test_p90_interval_covers_on_lognormal() -> None:
    rng = np.random.default_rng(11)
    n = 200
    true_p90 = math.exp(SIGMA * 1.2815515655446004)
    samples = np.sort(rng.lognormal(0.0, SIGMA, size=(2000, n)), axis=1)
    ranks = quantile_ci_ranks(n, 0.9, 0.95)
    assert ranks is not None
    covered = (samples[:, ranks[0]] <= true_p90) & (true_p90 <= samples[:, ranks[1]])
    assert np.mean(covered) >= 0.93


def test_student_t_on_a_skewed_small_sample_would_go_below_zero_but_ours_does_not() -> None:
    values = [0.5, 0.6, 0.4, 0.7, 0.5, 60.0]  # one run took an hour: t gives a negative bound
    s = summarise(values)
    assert s.ci_method == "bootstrap-t"
    assert s.ci_mean is not None and s.ci_mean[0] >= 0.0
    assert s.ci_mean[0] <= s.mean <= s.ci_mean[1]


def test_share_interval_stays_within_zero_and_one() -> None:
    values = [0.0] * 8 + [0.99, 1.0]
    s = summarise(values, bounds=SHARE_BOUNDS)
    assert s.ci_mean is not None
    assert 0.0 <= s.ci_mean[0] <= s.ci_mean[1] <= 1.0


def test_near_symmetric_sample_keeps_student_t_and_is_deterministic() -> None:
    assert summarise([1, 2, 3, 4, 5]).ci_method == "student-t"
    skewed = [1.0, 1.1, 1.2, 1.3, 2.0, 5.0, 9.0, 30.0]
    assert summarise(skewed) == summarise(list(skewed))
    assert summarise([4.0, 4.0, 4.0]).ci_method == "exact"


def test_many_ties_fall_back_to_the_percentile_bootstrap() -> None:
    s = summarise([0.0] * 18 + [5.0, 40.0])
    assert s.ci_method in {"bootstrap-t", "percentile-bootstrap"}
    assert s.ci_mean is not None and all(math.isfinite(x) for x in s.ci_mean)
    assert s.ci_mean[0] >= 0.0


# --- paired shares: Newcombe (1998) method 10 ------------------------------------------------


def _table(a: int, b: int, c: int, d: int) -> tuple[list[bool], list[bool]]:
    """Paired outcomes (base, alt) with a both-yes, b alt-only, c base-only, d neither."""
    alt = [True] * a + [True] * b + [False] * c + [False] * d
    base = [True] * a + [False] * b + [True] * c + [False] * d
    return base, alt


def test_newcombe_paired_interval_reproduces_the_papers_worked_example() -> None:
    # Newcombe 1998, Statistics in Medicine 17:2635, Table II, example (a):
    # a, b, c, d = 36, 12, 2, 0; θ = 0.2; method 10 gives 0.0569 to 0.3404.
    change = paired_share_change(*_table(36, 12, 2, 0))
    assert change.change == pytest.approx(0.2)
    assert change.ci == pytest.approx((0.0569, 0.3404), abs=5e-5)


def test_newcombe_paired_interval_with_a_positive_correlation() -> None:
    # Altman, Machin, Bryant & Gardner, Statistics with Confidence (2000), Table 6.2:
    # 14, 5, 0, 22 of 41 pairs; difference 0.122, Newcombe's interval 0.011 to 0.226.
    change = paired_share_change(*_table(14, 5, 0, 22))
    assert change.change == pytest.approx(5 / 41)
    assert change.ci == pytest.approx((0.0115, 0.2265), abs=5e-4)
    assert (change.base, change.alt, change.only_alt, change.only_base) == (14, 19, 5, 0)


def test_no_change_gives_an_interval_around_zero_within_minus_one_and_one() -> None:
    change = paired_share_change([True] * 10, [True] * 10)
    assert change.change == 0.0
    assert change.ci is not None and -1.0 <= change.ci[0] < 0.0 < change.ci[1] <= 1.0

"""Statistics across replications: hand-computed cases, missing milestones, and coverage."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats as sps

from preparedness.analysis.stats import (
    PairedDifference,
    ShareEstimate,
    Summary,
    half_width,
    paired_difference,
    quantile_ci_ranks,
    replications_needed,
    sample_skewness,
    share_with_ci,
    summarise,
)

T_975_DF4 = 2.7764451  # Student t, 97.5 % quantile, 4 degrees of freedom (tables)
T_975_DF2 = 4.3026527


# --- summarise: exact small cases -----------------------------------------------------------


def test_summarise_one_to_five_by_hand() -> None:
    s = summarise([1, 2, 3, 4, 5])
    std = math.sqrt(2.5)  # squared deviations 4+1+0+1+4 = 10, over n-1 = 4
    h = T_975_DF4 * std / math.sqrt(5)  # 2.7764 · 1.5811 / √5 = 1.9632
    assert (s.n_replications, s.n_reached) == (5, 5)
    assert s.mean == 3.0
    assert s.median == 3.0
    assert s.p90 == pytest.approx(4.6)  # numpy linear: rank 0.9·4 = 3.6 → 4 + 0.6
    assert s.p95 == pytest.approx(4.8)
    assert s.std == pytest.approx(1.5811388, abs=1e-7)
    assert s.ci_mean == pytest.approx((3 - h, 3 + h), abs=1e-6)
    assert s.ci_mean == pytest.approx((1.0368, 4.9632), abs=1e-4)
    assert (s.min, s.max) == (1.0, 5.0)
    assert s.ci_median is None  # 5 values: even (min, max) covers only 1 - 2/32 = 93.75 %
    assert half_width(s) == pytest.approx(h, abs=1e-6)


def test_none_and_nan_mean_not_reached_and_are_excluded() -> None:
    s = summarise([None, 1.0, float("nan"), 2.0, 3.0, 4.0, 5.0, None])
    assert (s.n_replications, s.n_reached) == (8, 5)
    assert s.mean == 3.0
    assert s.ci_mean == summarise([1, 2, 3, 4, 5]).ci_mean


def test_numpy_array_input_with_nan() -> None:
    s = summarise(np.array([np.nan, 2.0, 4.0]))
    assert (s.n_replications, s.n_reached, s.mean) == (3, 2, 3.0)


def test_nothing_reached_gives_counts_and_no_statistics() -> None:
    s = summarise([None, None, float("nan")])
    assert s == Summary(3, 0, None, None, None, None, None, None, None, None, None)
    assert half_width(s) is None


def test_empty_input() -> None:
    s = summarise([])
    assert (s.n_replications, s.n_reached, s.mean) == (0, 0, None)


def test_single_reached_value_has_no_spread_or_interval() -> None:
    s = summarise([None, 7.5])
    assert (s.n_reached, s.mean, s.median, s.min, s.max) == (1, 7.5, 7.5, 7.5, 7.5)
    assert s.std is None
    assert s.ci_mean is None
    assert half_width(s) is None


def test_all_equal_values_give_a_point_interval_exactly() -> None:
    s = summarise([0.1] * 7)
    assert s.mean == 0.1
    assert s.std == 0.0
    assert s.ci_mean == (0.1, 0.1)
    assert s.ci_median == (0.1, 0.1)
    assert (s.median, s.p90, s.p95) == (0.1, 0.1, 0.1)
    assert half_width(s) == 0.0


def test_mean_is_exactly_rounded_whatever_the_order() -> None:
    # A naive left-to-right sum gives 0 here; math.fsum gives the exact 1.
    xs = [1e16, 1.0, -1e16]
    assert summarise(xs).mean == 1.0 / 3
    assert summarise(xs[::-1]).mean == 1.0 / 3


def test_infinite_value_is_rejected() -> None:
    with pytest.raises(ValueError, match="use None"):
        summarise([1.0, math.inf])


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
def test_confidence_must_be_a_probability(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        summarise([1, 2, 3], confidence=confidence)


def test_higher_confidence_gives_a_wider_mean_interval() -> None:
    narrow = half_width(summarise([1, 2, 3, 4, 5], confidence=0.80))
    wide = half_width(summarise([1, 2, 3, 4, 5], confidence=0.99))
    assert narrow is not None and wide is not None
    assert narrow < wide


# --- summarise: median interval from order statistics ---------------------------------------


def test_median_ci_six_values_is_min_to_max() -> None:
    # P(B <= 0) = 1/64 per tail → coverage 1 - 2/64 = 96.9 % >= 95 %.
    assert summarise([6, 1, 5, 2, 4, 3]).ci_median == (1.0, 6.0)


def test_median_ci_ten_values_uses_second_and_ninth() -> None:
    # Binomial(10, 1/2): P(B <= 1) = 11/1024 = 1.07 % <= 2.5 % < P(B <= 2) = 56/1024.
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert summarise(values).ci_median == (20.0, 90.0)


def test_median_ci_at_fifty_percent_with_two_values() -> None:
    # The tail allowance 0.25 equals P(B <= 0) exactly; that still reaches 50 %.
    assert summarise([3, 1], confidence=0.5).ci_median == (1.0, 3.0)


# --- share_with_ci: Wilson score interval ---------------------------------------------------


def test_wilson_eight_of_ten() -> None:
    est = share_with_ci(8, 10)
    assert est.share == 0.8
    assert est.ci == pytest.approx((0.4902, 0.9433), abs=1e-4)


def test_wilson_five_of_ten() -> None:
    assert share_with_ci(5, 10).ci == pytest.approx((0.2366, 0.7634), abs=1e-4)


def test_wilson_edges_are_pinned_to_zero_and_one() -> None:
    none_ = share_with_ci(0, 10)
    all_ = share_with_ci(10, 10)
    assert none_.share == 0.0 and none_.ci is not None
    assert none_.ci[0] == 0.0
    assert none_.ci[1] == pytest.approx(0.2775, abs=1e-4)
    assert all_.ci is not None
    assert all_.ci[1] == 1.0
    assert all_.ci[0] == pytest.approx(0.7225, abs=1e-4)


def test_wilson_no_trials() -> None:
    assert share_with_ci(0, 0) == ShareEstimate(None, None)


@pytest.mark.parametrize(("successes", "n"), [(-1, 5), (6, 5), (0, -1)])
def test_wilson_rejects_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(ValueError, match="successes"):
        share_with_ci(successes, n)


# --- paired_difference ------------------------------------------------------------------------


def test_paired_difference_by_hand() -> None:
    base = [10, 12, None, 8, 5, None]
    alt = [9, 12, 7, None, 4, None]
    d = paired_difference(base, alt)
    # Pairs (10, 9), (12, 12), (5, 4): differences -1, 0, -1.
    assert d.n_replications == 6
    assert d.n_pairs == 3
    assert d.mean_difference == pytest.approx(-2 / 3)
    s = math.sqrt(1 / 3)  # squared deviations 1/9 + 4/9 + 1/9 = 2/3, over 2
    h = T_975_DF2 * s / math.sqrt(3)
    assert d.ci_mean_difference == pytest.approx((-2 / 3 - h, -2 / 3 + h), abs=1e-6)
    assert d.median_difference == -1.0
    # The tie (12, 12) is not "faster": 2 of 3.
    assert d.prob_faster == share_with_ci(2, 3)
    assert (d.only_base_reached, d.only_alt_reached, d.neither_reached) == (1, 1, 1)


def test_paired_difference_identical_runs_show_no_effect() -> None:
    runs = [3.0, 5.0, None, 4.0]
    d = paired_difference(runs, runs)
    assert d.mean_difference == 0.0
    assert d.ci_mean_difference == (0.0, 0.0)
    assert d.median_difference == 0.0
    assert d.prob_faster.share == 0.0


def test_paired_difference_no_pairs() -> None:
    d = paired_difference([None, 1.0], [2.0, None])
    assert d == PairedDifference(
        n_replications=2,
        n_pairs=0,
        mean_difference=None,
        ci_mean_difference=None,
        median_difference=None,
        prob_faster=ShareEstimate(None, None),
        only_base_reached=1,
        only_alt_reached=1,
        neither_reached=0,
    )


def test_paired_difference_needs_equal_lengths() -> None:
    with pytest.raises(ValueError, match="same number of replications"):
        paired_difference([1.0, 2.0], [1.0])


def test_pairing_is_tighter_than_independent_summaries_under_common_noise() -> None:
    # Replication noise shared by both runs cancels in the paired difference.
    rng = np.random.default_rng(7)
    shared = rng.normal(60.0, 15.0, size=40)
    base = list(shared)
    alt = list(shared - 2.0 + rng.normal(0.0, 0.5, size=40))
    d = paired_difference(base, alt)
    assert d.ci_mean_difference is not None
    paired_h = (d.ci_mean_difference[1] - d.ci_mean_difference[0]) / 2
    independent_h = math.hypot(half_width(summarise(base)), half_width(summarise(alt)))
    assert paired_h < independent_h / 10
    assert d.ci_mean_difference[1] < 0  # the improvement is detected


# --- replications_needed ------------------------------------------------------------------------


def test_replications_needed_by_hand() -> None:
    # (2.7764 · 1.5811 / 0.5)² = 8.7798² = 77.08 → 78.
    assert replications_needed([1, 2, 3, 4, 5], 0.5) == 78


def test_replications_needed_scales_up_for_unreached_replications() -> None:
    # 78 reached replications at a reach rate of 5/6 → ceil(78 · 6 / 5) = 94.
    assert replications_needed([1, 2, None, 3, 4, 5], 0.5) == 94


def test_replications_needed_never_below_current_count() -> None:
    assert replications_needed([1, 2, 3, 4, 5], 100.0) == 5
    assert replications_needed([4.0] * 9, 0.1) == 9


def test_replications_needed_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        replications_needed([1.0, None], 0.5)
    with pytest.raises(ValueError, match="positive"):
        replications_needed([1.0, 2.0], 0.0)


# --- verification: coverage ---------------------------------------------------------------------


def _coverage_band(p: float, trials: int) -> tuple[float, float]:
    low, high = sps.binom.interval(0.99, trials, p)
    return float(low), float(high)


def test_t_interval_covers_true_mean_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(20261121)
    mu, trials = 10.0, 400
    covered = 0
    for _ in range(trials):
        ci = summarise(list(rng.normal(mu, 3.0, size=30))).ci_mean
        assert ci is not None
        covered += ci[0] <= mu <= ci[1]
    low, high = _coverage_band(0.95, trials)
    assert low <= covered <= high


def test_median_interval_covers_true_median_at_its_exact_rate() -> None:
    # n = 30: ranks 10 and 21 (1-based), exact coverage 1 - 2·P(B <= 9) = 95.7 %.
    rng = np.random.default_rng(20261122)
    trials = 400
    exact = 1 - 2 * float(sps.binom.cdf(9, 30, 0.5))
    covered = 0
    for _ in range(trials):
        sample = rng.lognormal(3.0, 0.8, size=30)  # skewed, true median e³
        ci = summarise(list(sample)).ci_median
        assert ci is not None
        assert ci == (float(np.sort(sample)[9]), float(np.sort(sample)[20]))
        covered += ci[0] <= math.exp(3.0) <= ci[1]
    low, high = _coverage_band(exact, trials)
    assert low <= covered <= high


# --- the special functions stand in for scipy.stats exactly ------------------------------------


@pytest.mark.parametrize("n", [3, 5, 20, 200, 1000])
def test_sample_skewness_is_scipy_skew_to_the_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.lognormal(2.0, 1.0, size=(40, n))
    x[0] = 3.0  # no spread: NaN in both
    x[1, : n // 2] = 0.0  # many ties
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):  # SciPy warns on row 0
        want = sps.skew(x, axis=1, bias=False)
    assert np.array_equal(sample_skewness(x), want, equal_nan=True)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_quantile_ranks_match_the_binomial_of_scipy_stats(confidence: float) -> None:
    for n in [*range(1, 120), 199, 200, 201, 500, 2000]:
        for q in (0.1, 0.5, 0.9, 0.95):
            cdf = sps.binom.cdf(np.arange(n), n, q)
            slack = (1.0 - confidence) / 2 * (1 + 1e-12)
            low, high = np.flatnonzero(cdf <= slack), np.flatnonzero(1.0 - cdf <= slack)
            want = None if low.size == 0 or high.size == 0 else (low[-1], high[0])
            assert quantile_ci_ranks(n, q, confidence) == want, (n, q)


def test_summarising_a_run_never_imports_scipy_stats() -> None:
    """Its import costs over a second, paid by every report: the special functions do."""
    code = (
        "import sys\n"
        "from preparedness.analysis.stats import summarise, share_with_ci\n"
        "summarise([1.0, 2.0, 9.0, 4.0, 30.0, 2.5, 3.0]); share_with_ci(3, 7)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

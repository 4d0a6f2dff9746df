"""Summarise a milestone's times across replications, with intervals that show the uncertainty.

A planner reading "mean 42 min" needs to know how sure that number is and how many
replications it rests on, so every estimate here travels with its interval and its count.

Conventions shared by every function:

* ``None`` or NaN in an input means "this replication never reached the milestone". The
  statistics are computed over the replications that *did* reach it; ``n_reached`` (or
  ``n_pairs``) says how many that is, and ``n_replications`` how many were run. A mean over
  the 12 of 200 replications that reached a milestone is not a mean over 200, and a report
  must say so.
* Infinite values are rejected with ``ValueError``: "never reached" is spelled ``None``, so an
  infinity is a bug upstream, not a time.
* Results are deterministic: sums use :func:`math.fsum` (exactly rounded, so independent of
  order) over values kept in replication-index order; percentiles use numpy's default
  ``"linear"`` method.
* Pure functions: no I/O, no printing. The bootstrap draws its resamples from a generator
  seeded by the values themselves (a hash of their bytes), so the same values always give
  the same interval.

Which interval (``ci_method`` names it; the README's results.json section lists the names):

* mean: Student-t when the sample is near-symmetric (absolute skewness at most
  ``SKEW_LIMIT``) or has ``BOOTSTRAP_MAX_N`` values or more; otherwise "bootstrap-t": the
  hull of the studentised bootstrap interval and the Student-t interval, which keeps its
  coverage on the right-skewed delays a response chain produces where Student-t and the
  percentile and BCa bootstraps fall short with 20 runs (Efron & Tibshirani, *An
  Introduction to the Bootstrap*, 1993, ch. 12 and 14; the coverage test in
  tests/answers/test_intervals.py). A time's interval is clipped to its natural bounds
  (never below 0 for a time, within 0–1 for a share: ``bounds``).
* median and p90: distribution-free order-statistic intervals (Conover, *Practical
  Nonparametric Statistics*, 3rd ed., §3.2).
* shares: Wilson score interval.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PairedDifference",
    "ShareEstimate",
    "Summary",
    "BOOTSTRAP_T_RESAMPLES",
    "SKEW_LIMIT",
    "PairedShareChange",
    "half_width",
    "mean_intervals",
    "mean_of",
    "paired_share_change",
    "quantile_ci_ranks",
    "sample_skewness",
    "paired_difference",
    "replications_needed",
    "share_with_ci",
    "summarise",
]


def _special() -> Any:
    """SciPy's special functions, imported on first use. Not ``scipy.stats``: its import
    takes over a second (it builds its distributions' docstrings), which every report would
    pay for the three quantile functions it needs."""
    from scipy import special

    return special


@functools.lru_cache(maxsize=256)
def _t_quantile(confidence: float, df: int) -> float:
    """Student's t two-sided critical value (``stdtrit`` is what ``scipy.stats.t.ppf``
    evaluates); cached because a report asks for the same few hundreds of times."""
    return float(_special().stdtrit(df, 0.5 + confidence / 2))


@functools.lru_cache(maxsize=16)
def _z_quantile(confidence: float) -> float:
    """The normal two-sided critical value (``ndtri``, as ``scipy.stats.norm.ppf``)."""
    return float(_special().ndtri(0.5 + confidence / 2))


def sample_skewness(x: np.ndarray) -> np.ndarray:
    """Adjusted Fisher-Pearson skewness G1 of each row: ``scipy.stats.skew(x, axis=1,
    bias=False)``, operation for operation, without importing ``scipy.stats``. NaN where a
    row has no spread (its second moment is within rounding of zero) or fewer than 3 values.
    """
    n = x.shape[1]
    mean = x.mean(axis=1, keepdims=True)
    centred = x - mean
    m2 = (centred**2).mean(axis=1)
    m3 = (centred**2 * centred).mean(axis=1)
    with np.errstate(all="ignore"):
        flat = m2 <= (np.finfo(m2.dtype).eps * mean[:, 0]) ** 2
        g1 = np.where(flat, np.nan, m3 / m2**1.5)
        if n > 2:
            adjusted = ((n - 1.0) * n) ** 0.5 / (n - 2.0) * m3 / m2**1.5
            g1 = np.where(~flat, adjusted, g1)
    return g1


Interval = tuple[float, float]
Bounds = tuple[float | None, float | None]

#: Resamples of the studentised bootstrap of the mean.
BOOTSTRAP_T_RESAMPLES = 2000
#: Above this absolute sample skewness the mean's interval is the bootstrap-t, not Student-t.
SKEW_LIMIT = 0.5
#: From this many values on, the mean's interval is Student-t however skewed the sample: the
#: sample mean is close to normal by then, and the bootstrap's cost grows with n.
BOOTSTRAP_MAX_N = 500
#: Natural bounds of a time (minutes, never negative) and of a share.
TIME_BOUNDS: Bounds = (0.0, None)
SHARE_BOUNDS: Bounds = (0.0, 1.0)


@dataclass(frozen=True)
class Summary:
    """Statistics of one milestone over the replications that reached it.

    Every statistic is over the ``n_reached`` replications that reached the milestone, out of
    ``n_replications`` run; when ``n_reached == 0`` all statistics are None. ``std`` is the
    sample standard deviation (``ddof=1``) and is None when ``n_reached < 2``, as is
    ``ci_mean``. ``ci_median`` is None when there are too few values for any pair of order
    statistics to reach the requested confidence (fewer than 6 values at 95 %).
    """

    n_replications: int
    n_reached: int
    mean: float | None
    median: float | None
    p90: float | None
    p95: float | None
    std: float | None
    ci_mean: Interval | None
    ci_median: Interval | None
    min: float | None
    max: float | None
    confidence: float = 0.95
    #: how ``ci_mean`` was computed: "student-t", "bootstrap-t", "percentile-bootstrap",
    #: "exact" (every value equal) or None (no interval)
    ci_method: str | None = None
    #: order-statistic interval of the 90th percentile (None with too few values)
    ci_p90: Interval | None = None


@dataclass(frozen=True)
class ShareEstimate:
    """A proportion with its Wilson score interval; both None when there were no trials."""

    share: float | None
    ci: Interval | None


@dataclass(frozen=True)
class PairedDifference:
    """How an alternative compares with a base, replication by replication (alt − base).

    Built for common random numbers: replication ``i`` of both runs saw the same draws, so
    the per-pair differences cancel shared noise and give a much tighter interval than two
    independent summaries would. Only pairs where *both* runs reached the milestone are
    differenced (``n_pairs``); pairs where only one reached are counted separately, because
    "the alternative now reaches a milestone the base never did" is a finding in itself.
    ``prob_faster`` is the share of pairs with ``alt < base`` strictly; ties count as not
    faster, so with common random numbers an intervention that changes nothing shows 0.
    """

    n_replications: int
    n_pairs: int
    mean_difference: float | None
    ci_mean_difference: Interval | None
    median_difference: float | None
    prob_faster: ShareEstimate
    only_base_reached: int
    only_alt_reached: int
    neither_reached: int
    confidence: float = 0.95


def summarise(
    values: Sequence[float | None],
    *,
    confidence: float = 0.95,
    bounds: Bounds = TIME_BOUNDS,
) -> Summary:
    """Summarise one milestone's times, one value per replication (None/NaN = not reached).

    ``ci_mean`` is Student-t for a near-symmetric sample and the bootstrap-t otherwise
    (``ci_method`` says which), clipped to ``bounds`` (by default a time's: never below 0);
    ``ci_median`` and ``ci_p90`` are distribution-free intervals between two order
    statistics chosen from Binomial(n, q), so they hold for skewed delay distributions.
    """
    _check_confidence(confidence)
    reached = _reached(values)
    n = len(reached)
    if n == 0:
        return Summary(
            len(values), 0, None, None, None, None, None, None, None, None, None, confidence
        )
    arr = np.asarray(reached, dtype=float)
    median, p90, p95 = (float(q) for q in np.percentile(arr, [50.0, 90.0, 95.0]))
    mean, std, ci_mean = _mean_std_ci(reached, confidence)
    method = None if ci_mean is None else ("exact" if ci_mean[0] == ci_mean[1] else "student-t")
    if method == "student-t":
        rng = _seeded(arr)
        low, high, code = mean_intervals(arr[None, :], confidence, rng)
        method = _METHODS[int(code[0])]
        ci_mean = _clip((float(low[0]), float(high[0])), bounds)
    ordered = sorted(reached)
    return Summary(
        n_replications=len(values),
        n_reached=n,
        mean=mean,
        median=median,
        p90=p90,
        p95=p95,
        std=std,
        ci_mean=ci_mean,
        ci_median=_median_ci(ordered, confidence),
        min=min(reached),
        max=max(reached),
        confidence=confidence,
        ci_method=method,
        ci_p90=_quantile_ci(ordered, 0.9, confidence),
    )


_METHODS = ("student-t", "bootstrap-t", "percentile-bootstrap")


def mean_intervals(
    samples: np.ndarray,
    confidence: float,
    rng: np.random.Generator,
    resamples: int = BOOTSTRAP_T_RESAMPLES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intervals of the mean of each row of ``samples`` (rows of equal length, n >= 2).

    Vectorised over rows so a coverage study runs the very code a report uses. Returns
    (low, high, method code): code 0 is Student-t (|skewness| <= ``SKEW_LIMIT``, or
    ``BOOTSTRAP_MAX_N`` values or more); code 1
    the hull of the bootstrap-t and Student-t intervals; code 2 the hull of the percentile
    bootstrap and Student-t, used where a resample's spread is zero so the studentised
    statistic is undefined in over a tenth of them (many ties). Bounds are not applied here.
    """
    x = np.asarray(samples, dtype=float)
    rows, n = x.shape
    mean = x.mean(axis=1)
    se = x.std(axis=1, ddof=1) / math.sqrt(n)
    t = _t_quantile(confidence, n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.nan_to_num(np.abs(sample_skewness(x)), nan=0.0)
    low, high = mean - t * se, mean + t * se
    code = np.zeros(rows, dtype=int)
    skewed = np.flatnonzero(skew > SKEW_LIMIT) if n < BOOTSTRAP_MAX_N else np.array([], int)
    if skewed.size == 0:
        return low, high, code
    tail = (1.0 - confidence) / 2
    chunk = max(1, 4_000_000 // max(1, resamples * n))
    for start in range(0, skewed.size, chunk):
        which = skewed[start : start + chunk]
        idx = rng.integers(0, n, size=(resamples, n))
        boot = np.take(x[which], idx, axis=1)  # rows × resamples × n
        b_mean = boot.mean(axis=2)
        b_se = _std_about(boot, b_mean) / math.sqrt(n)
        flat = b_se == 0  # a resample of one repeated value has no studentised statistic
        degenerate = flat.mean(axis=1) > 0.1
        with np.errstate(divide="ignore", invalid="ignore"):
            t_star = np.where(flat, np.nan, (b_mean - mean[which, None]) / b_se)
        t_star[degenerate] = 0.0
        q_low, q_high = np.nanquantile(t_star, [tail, 1 - tail], axis=1)
        p_low, p_high = np.quantile(b_mean, [tail, 1 - tail], axis=1)
        # The hull of the bootstrap-t and Student-t intervals: the bootstrap-t stretches the
        # long (upper) side of a skewed sample, Student-t keeps the short side from
        # collapsing when a small sample happens to look tight.
        boot_low = np.where(degenerate, p_low, mean[which] - q_high * se[which])
        boot_high = np.where(degenerate, p_high, mean[which] - q_low * se[which])
        low[which] = np.minimum(low[which], boot_low)
        high[which] = np.maximum(high[which], boot_high)
        code[which] = np.where(degenerate, 2, 1)
    return low, high, code


def _std_about(boot: np.ndarray, means: np.ndarray) -> np.ndarray:
    """``boot.std(axis=2, ddof=1)`` given its means, operation for operation as NumPy does it
    (same bits), without summing every resample a second time for the mean."""
    deviations = boot - means[..., None]
    np.multiply(deviations, deviations, out=deviations)
    return np.sqrt(np.add.reduce(deviations, axis=2) / (boot.shape[2] - 1))


def _seeded(values: np.ndarray) -> np.random.Generator:
    """A generator seeded by the values, so an interval is a function of its data alone."""
    digest = hashlib.blake2b(np.ascontiguousarray(values).tobytes(), digest_size=8).digest()
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest, "little")))


def _clip(ci: Interval, bounds: Bounds) -> Interval:
    low, high = ci
    if bounds[0] is not None:
        low, high = max(low, bounds[0]), max(high, bounds[0])
    if bounds[1] is not None:
        low, high = min(low, bounds[1]), min(high, bounds[1])
    return low, high


def share_with_ci(successes: int, n: int, confidence: float = 0.95) -> ShareEstimate:
    """Estimate a proportion with the Wilson score interval.

    Wilson rather than the textbook normal ("Wald") interval because shares here are often
    near 0 or 1 (e.g. "share of replications where the alert reached every team") and with
    tens of replications, where Wald collapses to zero width or leaves [0, 1]
    (Brown, Cai & DasGupta 2001, Statistical Science 16(2)).
    """
    _check_confidence(confidence)
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return ShareEstimate(None, None)
    p = successes / n
    z = _z_quantile(confidence)
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At 0 and n the exact bound is 0 or 1; pin it so rounding never gives -1e-17.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return ShareEstimate(p, (low, high))


@dataclass(frozen=True)
class PairedShareChange:
    """How the share of runs with a yes (reached, met its deadline) changes, alt − base.

    ``both``, ``only_alt``, ``only_base`` and ``neither`` count the replications by their
    pair of outcomes; ``ci`` is Newcombe's hybrid score interval for a difference of paired
    proportions (None when there were no replications).
    """

    n: int
    base: int
    alt: int
    both: int
    only_alt: int
    only_base: int
    neither: int
    change: float | None
    ci: Interval | None


def paired_share_change(
    base: Sequence[bool], alt: Sequence[bool], confidence: float = 0.95
) -> PairedShareChange:
    """Change in the share of yes outcomes between paired runs, with Newcombe's interval.

    Method 10 of Newcombe (1998), "Improved confidence intervals for the difference between
    binomial proportions based on paired data", *Statistics in Medicine* 17, 2635–2650: the
    Wilson intervals (l1, u1) of the alternative's share p1 and (l2, u2) of the base's p2
    are combined as

        L = θ − √((p1 − l1)² − 2φ(p1 − l1)(u2 − p2) + (u2 − p2)²)
        U = θ + √((p2 − l2)² − 2φ(p2 − l2)(u1 − p1) + (u1 − p1)²)

    with θ = p1 − p2 and φ the correlation of the paired outcomes, (AD − BC)/√(EFGH) over
    the 2×2 table's cells and margins, where AD − BC is replaced by max(AD − BC − N/2, 0)
    when positive, and φ = 0 when a margin is empty. Common random numbers make the
    outcomes of a pair strongly correlated, so this interval is much narrower than one for
    two independent shares.
    """
    _check_confidence(confidence)
    if len(base) != len(alt):
        raise ValueError(
            f"paired runs need the same number of replications, got {len(base)} and {len(alt)}"
        )
    n = len(base)
    a = sum(1 for b, x in zip(base, alt, strict=True) if b and x)
    only_alt = sum(1 for b, x in zip(base, alt, strict=True) if x and not b)
    only_base = sum(1 for b, x in zip(base, alt, strict=True) if b and not x)
    d = n - a - only_alt - only_base
    if n == 0:
        return PairedShareChange(0, 0, 0, 0, 0, 0, 0, None, None)
    alt_yes, base_yes = a + only_alt, a + only_base
    p1, p2 = alt_yes / n, base_yes / n
    ci1, ci2 = share_with_ci(alt_yes, n, confidence).ci, share_with_ci(base_yes, n, confidence).ci
    assert ci1 is not None and ci2 is not None
    (l1, u1), (l2, u2) = ci1, ci2
    # Cells: A = both yes, B = alt yes only, C = base yes only, D = neither.
    margins = (a + only_alt) * (only_base + d) * (a + only_base) * (only_alt + d)
    phi = 0.0
    if margins > 0:
        cross: float = a * d - only_alt * only_base
        if cross > 0:
            cross = max(cross - n / 2, 0.0)
        phi = cross / math.sqrt(margins)
    theta = p1 - p2
    low = theta - math.sqrt(
        max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    )
    high = theta + math.sqrt(
        max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2)
    )
    return PairedShareChange(
        n, base_yes, alt_yes, a, only_alt, only_base, d, theta, (max(-1.0, low), min(1.0, high))
    )


def half_width(summary: Summary) -> float | None:
    """Half the width of the mean's interval: the "± h" a report prints, or None if unknown."""
    if summary.ci_mean is None:
        return None
    low, high = summary.ci_mean
    return (high - low) / 2


def paired_difference(
    base: Sequence[float | None],
    alt: Sequence[float | None],
    confidence: float = 0.95,
) -> PairedDifference:
    """Compare two runs replication by replication; ``base[i]`` and ``alt[i]`` share draws."""
    _check_confidence(confidence)
    if len(base) != len(alt):
        raise ValueError(
            f"paired runs need the same number of replications, got {len(base)} and {len(alt)}"
        )
    base_v = [_as_time(v) for v in base]
    alt_v = [_as_time(v) for v in alt]
    diffs: list[float] = []
    faster = only_base = only_alt = neither = 0
    for b, a in zip(base_v, alt_v, strict=True):
        if b is not None and a is not None:
            diffs.append(a - b)
            faster += a < b
        elif b is not None:
            only_base += 1
        elif a is not None:
            only_alt += 1
        else:
            neither += 1
    n_pairs = len(diffs)
    mean = ci = median = None
    if n_pairs:
        mean, _, ci = _mean_std_ci(diffs, confidence)
        median = float(np.median(np.asarray(diffs, dtype=float)))
    return PairedDifference(
        n_replications=len(base),
        n_pairs=n_pairs,
        mean_difference=mean,
        ci_mean_difference=ci,
        median_difference=median,
        prob_faster=share_with_ci(faster, n_pairs, confidence),
        only_base_reached=only_base,
        only_alt_reached=only_alt,
        neither_reached=neither,
        confidence=confidence,
    )


def replications_needed(
    values: Sequence[float | None],
    target_half_width: float,
    confidence: float = 0.95,
) -> int:
    """Estimate how many replications bring the mean's ± half-width down to the target.

    The classic pilot-run estimate ``ceil((t · s / h)²)`` (Law, *Simulation Modeling and
    Analysis*, 5th ed., §9.4.1), using the current sample's ``s`` and ``t`` with
    ``n_reached − 1`` degrees of freedom. That count is of replications that *reach* the
    milestone, so when some do not, it is scaled up by ``n_replications / n_reached``. Never
    less than the replications already run. It is an estimate: rerun and check the achieved
    half-width, since ``s`` itself is uncertain.
    """
    _check_confidence(confidence)
    if not (target_half_width > 0 and math.isfinite(target_half_width)):
        raise ValueError(f"target_half_width must be positive, got {target_half_width}")
    reached = _reached(values)
    n = len(reached)
    if n < 2:
        raise ValueError(
            f"need at least 2 replications that reached the milestone to estimate "
            f"the spread, got {n}"
        )
    _, std, _ = _mean_std_ci(reached, confidence)
    assert std is not None  # n >= 2
    t = _t_quantile(confidence, n - 1)
    needed_reached = math.ceil((t * std / target_half_width) ** 2)
    needed = math.ceil(needed_reached * len(values) / n)
    return max(len(values), needed)


# --- helpers -------------------------------------------------------------------------------


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence}")


def _as_time(value: float | None) -> float | None:
    """One replication's value as a float, or None when the milestone was not reached."""
    if value is None:
        return None
    x = float(value)
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise ValueError(f"infinite value {x}: use None for 'milestone not reached'")
    return x


def _reached(values: Sequence[float | None]) -> list[float]:
    """The reached values, kept in replication-index order."""
    return [x for x in (_as_time(v) for v in values) if x is not None]


def mean_of(values: Sequence[float | None]) -> float | None:
    """The mean ``summarise`` reports for these values (None when none reached), without the
    intervals: enough to rank many candidates before paying for the intervals of a few."""
    reached = _reached(values)
    if not reached:
        return None
    first = reached[0]
    if all(x == first for x in reached):
        return first
    return math.fsum(reached) / len(reached)


def _mean_std_ci(
    xs: Sequence[float], confidence: float
) -> tuple[float, float | None, Interval | None]:
    """Mean, sample std and Student-t interval of the mean; ``xs`` must be non-empty."""
    n = len(xs)
    first = xs[0]
    if all(x == first for x in xs):
        # Exact, not "mean ± 0 after rounding": fsum(n·x)/n need not give back x.
        return first, (0.0 if n >= 2 else None), ((first, first) if n >= 2 else None)
    mean = math.fsum(xs) / n
    std = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    t = _t_quantile(confidence, n - 1)
    h = t * std / math.sqrt(n)
    return mean, std, (mean - h, mean + h)


@functools.lru_cache(maxsize=1024)
def quantile_ci_ranks(n: int, q: float, confidence: float) -> tuple[int, int] | None:
    """0-based ranks (j, k) of the order statistics bounding the q-quantile, or None.

    For ``B ~ Binomial(n, q)``, ``P(x_(j+1) <= ξ_q <= x_(k+1)) = P(j+1 <= B <= k)`` for any
    continuous distribution; each tail is kept within ``(1 − confidence)/2``. None when even
    (min, max) does not reach the confidence (Conover, *Practical Nonparametric
    Statistics*, 3rd ed., §3.2).
    """
    if n == 0:
        return None
    tail = (1.0 - confidence) / 2
    slack = tail * (1 + 1e-12)  # a tail exactly equal to the allowance counts
    cdf = _special().bdtr(np.arange(n), n, q)  # cdf[j] = P(B <= j)
    low_ok = np.flatnonzero(cdf <= slack)
    high_ok = np.flatnonzero(1.0 - cdf <= slack)
    if low_ok.size == 0 or high_ok.size == 0:
        return None
    return int(low_ok[-1]), int(high_ok[0])


def _quantile_ci(sorted_xs: Sequence[float], q: float, confidence: float) -> Interval | None:
    ranks = quantile_ci_ranks(len(sorted_xs), q, confidence)
    if ranks is None:
        return None
    return float(sorted_xs[ranks[0]]), float(sorted_xs[ranks[1]])


def _median_ci(sorted_xs: Sequence[float], confidence: float) -> Interval | None:
    """Order-statistic interval for the median (symmetric in rank, as q = 1/2 is)."""
    return _quantile_ci(sorted_xs, 0.5, confidence)

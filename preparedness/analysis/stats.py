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
* Pure functions: no I/O, no printing, no random numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _sps

__all__ = [
    "PairedDifference",
    "ShareEstimate",
    "Summary",
    "half_width",
    "paired_difference",
    "replications_needed",
    "share_with_ci",
    "summarise",
]

Interval = tuple[float, float]


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


def summarise(values: Sequence[float | None], *, confidence: float = 0.95) -> Summary:
    """Summarise one milestone's times, one value per replication (None/NaN = not reached).

    ``ci_mean`` is the Student-t interval of the mean; ``ci_median`` is the distribution-free
    interval between two order statistics chosen from Binomial(n, 1/2), so it holds for
    skewed delay distributions where the t-interval's normality assumption is weakest.
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
    return Summary(
        n_replications=len(values),
        n_reached=n,
        mean=mean,
        median=median,
        p90=p90,
        p95=p95,
        std=std,
        ci_mean=ci_mean,
        ci_median=_median_ci(sorted(reached), confidence),
        min=min(reached),
        max=max(reached),
        confidence=confidence,
    )


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
    z = float(_sps.norm.ppf(0.5 + confidence / 2))
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At 0 and n the exact bound is 0 or 1; pin it so rounding never gives -1e-17.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return ShareEstimate(p, (low, high))


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
    t = float(_sps.t.ppf(0.5 + confidence / 2, n - 1))
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
    t = float(_sps.t.ppf(0.5 + confidence / 2, n - 1))
    h = t * std / math.sqrt(n)
    return mean, std, (mean - h, mean + h)


def _median_ci(sorted_xs: Sequence[float], confidence: float) -> Interval | None:
    """Order-statistic interval for the median, symmetric in rank.

    For ``B ~ Binomial(n, 1/2)``, ``P(x_(j) <= median <= x_(n+1-j)) >= 1 - 2·P(B <= j-1)``
    for any continuous distribution. Take the largest ``j`` that still reaches the
    confidence; None if even (min, max) does not (Conover, *Practical Nonparametric
    Statistics*, 3rd ed., §3.2).
    """
    n = len(sorted_xs)
    if n == 0:
        return None
    tail = (1.0 - confidence) / 2
    cdf = _sps.binom.cdf(np.arange(n), n, 0.5)
    # Relative slack so a tail exactly equal to the allowance (e.g. 50 % with n = 2) counts.
    ok = np.flatnonzero(cdf <= tail * (1 + 1e-12))
    if ok.size == 0:
        return None
    j = int(ok[-1])  # 0-based index of the lower order statistic
    return float(sorted_xs[j]), float(sorted_xs[n - 1 - j])

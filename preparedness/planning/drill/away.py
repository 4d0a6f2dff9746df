"""Fit a role's away share and per-attempt answer probability jointly from the calls to each person.

Someone away for the whole incident answers no attempt, however often called; someone present
answers each attempt with probability ``p`` (times the role's off-duty answer factor when
called off duty). One person's calls in one incident are a sequence of attempts, so their
likelihood is a mixture (the closed form of the call-out verification tests):

- never answered in ``k`` attempts: ``a + (1 - a) * prod(1 - p f_i)``;
- answered at least once: ``(1 - a) * prod(p f_i if answered else 1 - p f_i)``, which for a
  sequence that stops at its first answer, on attempt ``j``, is ``(1 - a)(1 - p)^(j-1) p``.

Both are maximised over ``(a, p)`` in the unit square (scipy, bounded) and each gets a 95%
profile-likelihood interval (chi-square, one degree of freedom). A person called once cannot
tell absence from one missed call, so with nobody called more than once the away share is not
identifiable and the fit returns None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .fit import Fitted

__all__ = ["Attempt", "AwayFit", "fit_away"]

_CHI2_1 = 3.841458820694124  # chi-square(1) 95th percentile, scipy.stats.chi2.ppf(0.95, 1)
_A_MAX = 1.0 - 1e-9
_P_MIN, _P_MAX = 1e-6, 1.0 - 1e-6

#: One call attempt to a person: (answered, channel, period, answer factor, on duty), the
#: factor 1 on duty and the role's ``off_duty.answer_factor`` off duty.
Attempt = tuple[bool, str, str, float, bool]


@dataclass(frozen=True)
class AwayFit:
    """The joint fit of one role: away share, per-attempt answer probability, and sample."""

    away: Fitted
    answer: Fitted
    people: int  # person-incident sequences
    repeated: int  # of which called more than once
    attempts: int

    def away_weight(self, sequence: Sequence[Attempt]) -> float:
        """The chance this person was away, given their attempts (0 if anyone answered)."""
        if any(answered for answered, *_ in sequence):
            return 0.0
        a, p = self.away.value, self.answer.value
        missed = math.prod(1.0 - min(p * attempt[3], 1.0) for attempt in sequence)
        total = a + (1.0 - a) * missed
        return a / total if total > 0 else 0.0


class _Likelihood:
    """The log-likelihood of every sequence of one role, vectorised over attempts."""

    def __init__(self, sequences: Sequence[Sequence[Attempt]]) -> None:
        index = [i for i, sequence in enumerate(sequences) for _ in sequence]
        self.index = np.asarray(index, dtype=int)
        self.answered = np.asarray([att[0] for seq in sequences for att in seq], dtype=bool)
        self.factor = np.asarray([att[3] for seq in sequences for att in seq], dtype=float)
        self.n = len(sequences)
        self.reached = np.bincount(self.index, weights=self.answered, minlength=self.n) > 0

    def __call__(self, a: float, p: float) -> float:
        chance = np.clip(p * self.factor, _P_MIN, _P_MAX)
        terms = np.where(self.answered, np.log(chance), np.log1p(-chance))
        present = np.bincount(self.index, weights=terms, minlength=self.n)
        reached = present[self.reached].sum() + self.reached.sum() * math.log1p(-a)
        missed = np.log(a + (1.0 - a) * np.exp(present[~self.reached])).sum()
        return float(reached + missed)


def _best(loglik: _Likelihood) -> tuple[float, float, float]:
    """The maximum: a coarse grid, then L-BFGS-B from its best point."""
    from scipy import optimize  # here, not at import: keeps the CLI's start-up light

    grid = [(float(a), float(p)) for a in np.linspace(0, 0.8, 5) for p in np.linspace(0.1, 0.9, 5)]
    start = np.array(max(grid, key=lambda point: loglik(*point)), dtype=float)

    def negative(x: np.ndarray) -> float:
        return -loglik(float(x[0]), float(x[1]))

    result = optimize.minimize(
        negative,
        start,
        method="L-BFGS-B",
        bounds=[(0.0, _A_MAX), (_P_MIN, _P_MAX)],
    )
    a, p = float(result.x[0]), float(result.x[1])
    return a, p, loglik(a, p)


def _profile(loglik, lower: float, upper: float) -> float:
    """The largest log-likelihood over one parameter in [lower, upper]."""
    from scipy import optimize  # here, not at import: keeps the CLI's start-up light

    result = optimize.minimize_scalar(
        lambda x: -loglik(float(x)),
        bounds=(lower, upper),
        method="bounded",
        options={"xatol": 1e-4},
    )
    value = -float(result.fun)
    for edge in (lower, upper):  # the bounded search never evaluates its ends
        value = max(value, loglik(edge))
    return value


def _interval(profile, best: float, top: float, lower: float, upper: float) -> tuple[float, float]:
    """Where the profile log-likelihood stays within chi-square(1)/2 of its top."""
    from scipy import optimize  # here, not at import: keeps the CLI's start-up light

    def outside(x: float) -> float:
        return 2.0 * (top - profile(x)) - _CHI2_1

    low = lower if outside(lower) <= 0 else float(optimize.brentq(outside, lower, best, xtol=1e-5))
    high = upper if outside(upper) <= 0 else float(optimize.brentq(outside, best, upper, xtol=1e-5))
    return low, high


def fit_away(sequences: Sequence[Sequence[Attempt]]) -> AwayFit | None:
    """The joint fit of ``sequences`` (one per person and incident), None if unidentifiable."""
    sequences = [sequence for sequence in sequences if sequence]
    repeated = sum(len(sequence) > 1 for sequence in sequences)
    if repeated == 0:
        return None
    loglik = _Likelihood(sequences)
    a, p, top = _best(loglik)

    def profile_a(x: float) -> float:
        return _profile(lambda q: loglik(x, q), _P_MIN, _P_MAX)

    def profile_p(x: float) -> float:
        return _profile(lambda s: loglik(s, x), 0.0, _A_MAX)

    a_low, a_high = _interval(profile_a, a, top, 0.0, _A_MAX)
    p_low, p_high = _interval(profile_p, p, top, _P_MIN, _P_MAX)
    method = "joint maximum likelihood, profile interval"
    return AwayFit(
        Fitted(a, a_low, a_high, method),
        Fitted(p, p_low, p_high, method),
        len(sequences),
        repeated,
        int(loglik.index.size),
    )

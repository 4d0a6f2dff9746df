"""Maximum-likelihood fits of the scenario's distribution families to drill observations.

Each family is fitted the way its sample size allows (Meeker and Escobar, *Statistical
Methods for Reliability Data*, 1998, ch. 8 on censored likelihoods):

- ``lognormal`` with at least five observed times: both parameters, right-censored times
  entering through the survival function; the interval is for the median, from the
  observed information (Wald on the log scale);
- ``exponential``: the mean, total time over events, with the exact chi-square interval;
- any other family, or a lognormal with fewer than five times: the prior's shape kept and
  its time scale fitted (every time multiplied by one factor), the interval from the
  profile likelihood (chi-square, one degree of freedom);
- a probability: successes over trials with the exact Clopper-Pearson interval.

A fit returns the new distribution as a scenario would write it, so the calibration becomes
an intervention the loader validates again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from ...scenario.distributions import (
    ConstantSpec,
    DistributionSpec,
    ExponentialSpec,
    LogNormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
)

__all__ = ["Fitted", "fit_duration", "fit_probability", "frozen", "written"]

_Z90 = 1.2815515655446004  # the standard normal's 90th percentile, scipy.stats.norm.ppf(0.9)
_CHI2_1 = 3.841458820694124  # chi-square(1) 95th percentile, scipy.stats.chi2.ppf(0.95, 1)
MIN_FULL_LOGNORMAL = 5


@dataclass(frozen=True)
class Fitted:
    """A fitted quantity: its headline value (a median, mean or probability) with a 95%
    interval, and the distribution to write (None for a probability)."""

    value: float
    low: float
    high: float
    method: str
    spec: DistributionSpec | None = None


def fit_probability(successes: int, trials: int) -> Fitted:
    """The share of successes, with the exact (Clopper-Pearson) 95% interval."""
    from scipy import stats  # here, not at import: keeps the CLI's start-up light

    interval = stats.binomtest(successes, trials).proportion_ci(method="exact")
    return Fitted(successes / trials, float(interval.low), float(interval.high), "binomial")


def frozen(spec: DistributionSpec, scale: float = 1.0) -> Any:
    """The scipy distribution of ``spec`` with every time multiplied by ``scale``."""
    from scipy import stats  # here, not at import: keeps the CLI's start-up light

    if isinstance(spec, LogNormalSpec):
        return stats.lognorm(s=max(spec.sigma, 1e-9), scale=math.exp(spec.mu) * scale)
    if isinstance(spec, ExponentialSpec):
        return stats.expon(scale=spec.exponential.mean * scale)
    if isinstance(spec, PertSpec):
        p = spec.pert
        width = p.max - p.min
        a = 1 + p.lam * (p.mode - p.min) / width
        b = 1 + p.lam * (p.max - p.mode) / width
        return stats.beta(a, b, loc=p.min * scale, scale=width * scale)
    if isinstance(spec, TriangularSpec):
        t = spec.triangular
        width = t.max - t.min
        return stats.triang((t.mode - t.min) / width, loc=t.min * scale, scale=width * scale)
    if isinstance(spec, UniformSpec):
        u = spec.uniform
        return stats.uniform(loc=u.min * scale, scale=(u.max - u.min) * scale)
    raise TypeError(f"no likelihood for {type(spec).__name__}")


def _headline(spec: DistributionSpec) -> float:
    """The number a planner reads first: the median of a lognormal, otherwise the mean."""
    return spec.quantile(0.5) if isinstance(spec, LogNormalSpec) else spec.mean


def fit_duration(prior: DistributionSpec, observed: list[float], censored: list[float]) -> Fitted:
    """Fit ``prior``'s family to ``observed`` times and right-``censored`` ones (minutes)."""
    from scipy import stats  # here, not at import: keeps the CLI's start-up light

    x = np.asarray(observed, dtype=float)
    c = np.asarray(censored, dtype=float)
    if isinstance(prior, LogNormalSpec) and len(x) >= MIN_FULL_LOGNORMAL and np.ptp(x) > 0:
        return _lognormal(x, c)
    if isinstance(prior, ExponentialSpec) and len(x):
        total, events = float(x.sum() + c.sum()), len(x)
        low = 2 * total / stats.chi2.ppf(0.975, 2 * events)
        high = 2 * total / stats.chi2.ppf(0.025, 2 * events)
        mean = total / events
        spec = ExponentialSpec.model_validate({"exponential": {"mean": duration_text(mean)}})
        return Fitted(mean, low, high, "MLE exponential", spec)
    if isinstance(prior, ConstantSpec) or prior.is_constant:
        mean = float(x.mean())
        half = 1.96 * float(x.std(ddof=1)) / math.sqrt(len(x)) if len(x) > 1 else 0.0
        constant = ConstantSpec.model_validate({"constant": duration_text(mean)})
        return Fitted(mean, mean - half, mean + half, "mean", constant)
    return _scaled(prior, x, c)


def _lognormal(x: np.ndarray, c: np.ndarray) -> Fitted:
    from scipy import optimize, stats  # here, not at import: keeps the CLI's start-up light

    logs, clogs = np.log(x), np.log(np.maximum(c, 1e-9))

    def nll(theta: np.ndarray) -> float:
        mu, log_sigma = theta
        sigma = math.exp(log_sigma)
        value = -stats.norm.logpdf(logs, mu, sigma).sum() + logs.sum()
        value -= stats.norm.logsf(clogs, mu, sigma).sum()
        return float(value)

    start = np.array([logs.mean(), math.log(max(logs.std(), 0.05))])
    result = optimize.minimize(
        nll, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10}
    )
    mu, sigma = float(result.x[0]), math.exp(float(result.x[1]))
    se = _se_first(nll, result.x)
    spec = LogNormalSpec.model_validate(
        {
            "lognormal": {
                "median": duration_text(math.exp(mu)),
                "p90": duration_text(math.exp(mu + _Z90 * sigma)),
            }
        }
    )
    return Fitted(
        math.exp(mu), math.exp(mu - 1.96 * se), math.exp(mu + 1.96 * se), "MLE lognormal", spec
    )


def _se_first(nll, theta: np.ndarray) -> float:
    """Standard error of the first parameter from a finite-difference Hessian."""
    h = 1e-4
    n = len(theta)
    hessian = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            hessian[i, j] = (
                nll(theta + ei + ej)
                - nll(theta + ei - ej)
                - nll(theta - ei + ej)
                + nll(theta - ei - ej)
            ) / (4 * h * h)
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return math.inf
    return math.sqrt(max(float(covariance[0, 0]), 0.0))


def _scaled(prior: DistributionSpec, x: np.ndarray, c: np.ndarray) -> Fitted:
    """The prior's shape with its time scale fitted: likelihood over one factor ``k``."""
    from scipy import optimize  # here, not at import: keeps the CLI's start-up light

    def loglik(log_k: float) -> float:
        dist = frozen(prior, math.exp(log_k))
        value = float(dist.logpdf(x).sum() + dist.logsf(c).sum())
        return value if math.isfinite(value) else -1e12

    bounds = (math.log(0.02), math.log(50.0))
    grid = np.linspace(*bounds, 400)
    best = grid[int(np.argmax([loglik(g) for g in grid]))]
    result = optimize.minimize_scalar(
        lambda k: -loglik(k), bounds=(best - 0.05, best + 0.05), method="bounded"
    )
    log_k = float(result.x)
    top = loglik(log_k)

    def edge(far: float) -> float:
        inside = lambda k: 2 * (top - loglik(k)) - _CHI2_1  # noqa: E731
        if inside(far) < 0:
            return far
        return (
            float(optimize.brentq(inside, log_k, far))
            if far > log_k
            else float(optimize.brentq(inside, far, log_k))
        )

    scale = math.exp(log_k)
    spec = scaled_spec(prior, scale)
    base = _headline(prior)
    low, high = math.exp(edge(bounds[0])) * base, math.exp(edge(bounds[1])) * base
    return Fitted(
        _headline(spec), low, high, f"MLE time scale of the prior {prior.tag_name()}", spec
    )


def scaled_spec(spec: DistributionSpec, k: float) -> DistributionSpec:
    """``spec`` with every time multiplied by ``k``."""
    tag = spec.tag_name()
    params = getattr(spec, tag)
    if isinstance(params, BaseModel):
        values = {
            (info.alias or name): (
                getattr(params, name) if name == "lam" else duration_text(getattr(params, name) * k)
            )
            for name, info in type(params).model_fields.items()
        }
        return type(spec).model_validate({tag: values})
    if isinstance(params, tuple | list):
        return type(spec).model_validate({tag: [duration_text(v * k) for v in params]})
    return type(spec).model_validate({tag: duration_text(params * k)})


def written(spec: DistributionSpec) -> dict[str, Any]:
    """The distribution as a scenario file writes it (``{lognormal: {median: 3.2m, ...}}``)."""
    return spec.model_dump(by_alias=True)


def duration_text(minutes: float) -> str:
    """Minutes written with a unit, to the hundredth of a second: ``3.2514m``."""
    return f"{round(float(minutes), 4):g}m"

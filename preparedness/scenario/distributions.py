"""Describe random durations the way planners write them, as values that know their own theory.

A distribution is written in YAML as a mapping with one key naming it (``{pert: {min: 1m,
mode: 2m, max: 8m}}``) or as a bare duration meaning a constant. Each spec is a frozen pydantic
model exposing its analytic ``mean``, ``variance`` and ``quantile(q)``, and ``sample(rng)``
drawing only from the generator it is given (as Ciw's distributions do). Parameters
are durations converted to minutes by ``durations.py``.

Formulas: lognormal from median and p90 with
``mu = ln(median)``, ``sigma = (ln(p90) - ln(median)) / Φ⁻¹(0.9)``; PERT(min, mode, max, λ=4)
as a scaled Beta with ``alpha = 1 + λ(mode-min)/(max-min)``, ``beta = 1 + λ(max-mode)/(max-min)``
(betapert, tadamcz/betapert; R mc2d ``rpert``). The tag is the mapping's single key, so a
callable pydantic ``Discriminator`` picks the model and errors carry clean locations (a plain
``Union`` would make pydantic report every member's failures, under class names).

Model authors declare fields as::

    talk_time: DurationDistribution = Field("2m", validate_default=True)
    answer_time: DayNightDistribution          # one distribution, or {day: ..., night: ...}
    answer_probability: DayNightProbability    # 0.8, or {day: 0.9, night: 0.6}
"""

from __future__ import annotations

import math
import numbers
from datetime import timedelta
from statistics import NormalDist
from typing import TYPE_CHECKING, Annotated, Any, Generic, Self, TypeAlias, TypeVar, Union, overload

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
)

from preparedness.scenario.durations import (
    Duration,
    DurationText,
    PositiveDuration,
    parse_duration,
)
from preparedness.scenario.wording import Words, words

__all__ = [
    "DISTRIBUTION_NAMES",
    "ConstantSpec",
    "DayNight",
    "DayNightDistribution",
    "DayNightProbability",
    "DistributionSpec",
    "DurationDistribution",
    "DurationsByDayNight",
    "EmpiricalSpec",
    "ExponentialSpec",
    "LogNormalSpec",
    "PertSpec",
    "ProbabilitiesByDayNight",
    "Probability",
    "TriangularSpec",
    "UniformSpec",
]

_NORMAL = NormalDist()
_Z90 = _NORMAL.inv_cdf(0.9)  # Φ⁻¹(0.9) = 1.2815515655…
Size = int | tuple[int, ...]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DistributionSpec(_Frozen):
    """Common interface of every duration distribution; all values are minutes.

    A subclass has one field, named after the distribution (its YAML key), and implements
    ``_moments``, ``_quantile`` and ``_draw``.
    """

    @classmethod
    def tag_name(cls) -> str:
        """The YAML key naming this distribution, e.g. ``'lognormal'``."""
        return next(iter(cls.model_fields))

    @property
    def mean(self) -> float:
        return self._moments()[0]

    @property
    def variance(self) -> float:
        return self._moments()[1]

    @property
    def is_constant(self) -> bool:
        return self.variance == 0.0

    def quantile(self, q: float) -> float:
        """Analytic inverse CDF at probability ``q`` in [0, 1]."""
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"q must be between 0 and 1, not {q!r}")
        return float(self._quantile(q))

    @overload
    def sample(self, rng: np.random.Generator, size: None = None) -> float: ...
    @overload
    def sample(self, rng: np.random.Generator, size: Size) -> np.ndarray: ...
    def sample(self, rng: np.random.Generator, size: Size | None = None) -> float | np.ndarray:
        """Draw minutes using only ``rng``: a float, or an array when ``size`` is given."""
        draws = self._draw(rng, size)
        return float(draws) if size is None else np.asarray(draws, dtype=float)

    def for_time(self, is_night: bool) -> Self:
        """A distribution given once applies by day and by night alike."""
        return self

    def _moments(self) -> tuple[float, float]:
        raise NotImplementedError

    def _quantile(self, q: float) -> float:
        raise NotImplementedError

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        raise NotImplementedError


class ConstantSpec(DistributionSpec):
    """Always the same time, written ``2m`` or ``{constant: 2m}``."""

    constant: Duration

    def _moments(self) -> tuple[float, float]:
        return self.constant, 0.0

    def _quantile(self, q: float) -> float:
        return self.constant

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        return self.constant if size is None else np.full(size, self.constant)


class LogNormalParams(_Frozen):
    median: PositiveDuration = Field(description="Half of the times are shorter than this.")
    p90: PositiveDuration = Field(description="Nine times in ten are shorter than this.")

    @field_validator("p90")
    @classmethod
    def _p90_above_median(cls, p90: float, info: ValidationInfo) -> float:
        median = info.data.get("median")
        if median is not None and p90 <= median:
            raise ValueError(words("p90_above_median", "p90 must be greater than median"))
        return p90


class LogNormalSpec(DistributionSpec):
    """Right-skewed times given by their median and 90th percentile: the two figures a planner
    can read off a drill log."""

    lognormal: LogNormalParams

    @property
    def mu(self) -> float:
        return math.log(self.lognormal.median)

    @property
    def sigma(self) -> float:
        return (math.log(self.lognormal.p90) - math.log(self.lognormal.median)) / _Z90

    def _moments(self) -> tuple[float, float]:
        mu, s2 = self.mu, self.sigma**2
        return math.exp(mu + s2 / 2), math.expm1(s2) * math.exp(2 * mu + s2)

    def _quantile(self, q: float) -> float:
        if q in (0.0, 1.0):
            return 0.0 if q == 0.0 else math.inf
        return math.exp(self.mu + self.sigma * _NORMAL.inv_cdf(q))

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        return rng.lognormal(self.mu, self.sigma, size)


class UniformParams(_Frozen):
    """min and max, validated in this order so each check can name the field at fault."""

    min: Duration
    max: Duration

    @field_validator("max")
    @classmethod
    def _max_above_min(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min")
        if low is not None and value <= low:
            raise ValueError(words("max_above_min", "max must be greater than min"))
        return value


class TriangularParams(UniformParams):
    # Declared after max so its check sees both ends and the error lands on `mode`.
    mode: Duration = Field(description="The most likely time.")

    @field_validator("mode")
    @classmethod
    def _mode_inside(cls, value: float, info: ValidationInfo) -> float:
        low, high = info.data.get("min"), info.data.get("max")
        if low is not None and high is not None and not low <= value <= high:
            raise ValueError(words("mode_between", "mode must lie between min and max"))
        return value


class PertParams(TriangularParams):
    model_config = ConfigDict(serialize_by_alias=True)
    lam: float = Field(
        4.0,
        alias="lambda",
        gt=0,
        strict=True,  # a number: YAML `true` must not become 1.0
        allow_inf_nan=False,
        description="Weight of the mode; 4 is the classic PERT (betapert, mc2d).",
    )


class TriangularSpec(DistributionSpec):
    """Times between min and max, most often near mode, with straight-line density."""

    triangular: TriangularParams

    def _moments(self) -> tuple[float, float]:
        a, c, b = self.triangular.min, self.triangular.mode, self.triangular.max
        return (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def _quantile(self, q: float) -> float:
        a, c, b = self.triangular.min, self.triangular.mode, self.triangular.max
        if q <= (c - a) / (b - a):
            return a + math.sqrt(q * (b - a) * (c - a))
        return b - math.sqrt((1 - q) * (b - a) * (b - c))

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        return rng.triangular(self.triangular.min, self.triangular.mode, self.triangular.max, size)


class PertSpec(DistributionSpec):
    """Three-point estimate smoother than a triangle: a Beta scaled to [min, max]."""

    pert: PertParams

    def shape(self) -> tuple[float, float]:
        """The Beta shape parameters (alpha, beta) on [min, max]."""
        p = self.pert
        return (
            1 + p.lam * (p.mode - p.min) / (p.max - p.min),
            1 + p.lam * (p.max - p.mode) / (p.max - p.min),
        )

    def _moments(self) -> tuple[float, float]:
        p, (a, b) = self.pert, self.shape()
        mean = (p.min + p.lam * p.mode + p.max) / (p.lam + 2)
        return mean, a * b / ((a + b) ** 2 * (a + b + 1)) * (p.max - p.min) ** 2

    def _quantile(self, q: float) -> float:
        from scipy.special import betaincinv  # imported here: SciPy is slow to import

        p = self.pert
        return p.min + float(betaincinv(*self.shape(), q)) * (p.max - p.min)

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        p = self.pert
        return p.min + rng.beta(*self.shape(), size) * (p.max - p.min)


class ExponentialParams(_Frozen):
    mean: PositiveDuration


class ExponentialSpec(DistributionSpec):
    """Memoryless times given by their mean, e.g. gaps between independent calls."""

    exponential: ExponentialParams

    def _moments(self) -> tuple[float, float]:
        return self.exponential.mean, self.exponential.mean**2

    def _quantile(self, q: float) -> float:
        return math.inf if q == 1.0 else -self.exponential.mean * math.log1p(-q)

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        return rng.exponential(self.exponential.mean, size)


class UniformSpec(DistributionSpec):
    """Any time between min and max equally likely: all a planner knows is the range."""

    uniform: UniformParams

    def _moments(self) -> tuple[float, float]:
        a, b = self.uniform.min, self.uniform.max
        return (a + b) / 2, (b - a) ** 2 / 12

    def _quantile(self, q: float) -> float:
        return self.uniform.min + q * (self.uniform.max - self.uniform.min)

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        return rng.uniform(self.uniform.min, self.uniform.max, size)


class EmpiricalSpec(DistributionSpec):
    """Observed times (e.g. from a drill log) resampled with equal weights.

    The quantile is the inverse of the empirical CDF, ``inf{x : F(x) >= q}`` (numpy's
    ``inverted_cdf``), which is exactly the distribution that resampling draws from.
    """

    empirical: tuple[Duration, ...]

    @field_validator("empirical")
    @classmethod
    def _not_empty(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if not values:
            raise ValueError(words("list_one_value", "must list at least one value"))
        return values

    def _moments(self) -> tuple[float, float]:
        n = len(self.empirical)
        mean = math.fsum(self.empirical) / n
        return mean, math.fsum((x - mean) ** 2 for x in self.empirical) / n

    def _quantile(self, q: float) -> float:
        ordered = sorted(self.empirical)
        rank = math.ceil(round(q * len(ordered), 9))  # round: 0.3 * 10 is 3.0000000000000004
        return ordered[max(rank, 1) - 1]

    def _draw(self, rng: np.random.Generator, size: Size | None) -> Any:
        if size is None:
            return self.empirical[int(rng.integers(len(self.empirical)))]
        return np.asarray(self.empirical)[rng.integers(0, len(self.empirical), size)]


_SPECS: tuple[type[DistributionSpec], ...] = (
    ConstantSpec, LogNormalSpec, TriangularSpec, PertSpec, ExponentialSpec, UniformSpec,
    EmpiricalSpec,
)  # fmt: skip
DISTRIBUTION_NAMES = tuple(spec.tag_name() for spec in _SPECS)
"""The YAML keys naming distributions, in the order error messages list them."""
_EXAMPLE = "{lognormal: {median: 2m, p90: 5m}}"
_USE_ONE_OF = "use one of " + ", ".join(DISTRIBUTION_NAMES)


def _distribution_tag(value: Any) -> str | None:
    """The union member for a value: its single key, or ``day_night`` for a day/night split."""
    if isinstance(value, DistributionSpec):
        return value.tag_name()
    if isinstance(value, DurationsByDayNight):
        return "day_night"
    if isinstance(value, dict):
        if "day" in value or "night" in value:
            return "day_night"
        if len(value) == 1 and next(iter(value)) in DISTRIBUTION_NAMES:
            return str(next(iter(value)))
    return None


def _kind(value: Any) -> Words:
    if value is None:
        return words("value_empty", "an empty value")
    if isinstance(value, list | tuple):
        return words("value_list", "a list")
    kind = type(value).__name__
    return words("value_kind", f"a {kind}", kind=kind)


def _shorthand(value: Any, *, day_night: bool) -> Any:
    """Turn a bare duration into ``{constant: ...}`` and reject malformed mappings with one
    message, before the discriminated union would report a less helpful one."""
    if isinstance(value, DistributionSpec | DurationsByDayNight):
        return value
    if isinstance(value, dict):
        keys = list(value)
        if "day" in value or "night" in value:
            if day_night:
                return value
            raise ValueError(
                words(
                    "no_day_night",
                    f"this time cannot differ by day and night; give one distribution, "
                    f"e.g. {_EXAMPLE}",
                    example=_EXAMPLE,
                )
            )
        if len(keys) == 1:
            if keys[0] in DISTRIBUTION_NAMES:
                return value
            raise ValueError(
                words(
                    "unknown_distribution",
                    f"unknown distribution '{keys[0]}'; {_USE_ONE_OF}",
                    name=str(keys[0]),
                    choices=", ".join(DISTRIBUTION_NAMES),
                )
            )
        if not keys:
            raise ValueError(
                words(
                    "no_distribution",
                    f"no distribution given, e.g. {_EXAMPLE}; {_USE_ONE_OF}",
                    example=_EXAMPLE,
                    choices=", ".join(DISTRIBUTION_NAMES),
                )
            )
        named = ", ".join(f"'{key}'" for key in keys)
        raise ValueError(
            words(
                "distribution_keys",
                f"found keys {named}; a distribution has one key, its name, "
                f"e.g. {_EXAMPLE}; {_USE_ONE_OF}",
                names=named,
                example=_EXAMPLE,
                choices=", ".join(DISTRIBUTION_NAMES),
            )
        )
    if isinstance(value, str | timedelta | numbers.Real):
        parse_duration(value)  # raise the duration message here, located on this field
        return {"constant": value}
    raise ValueError(
        words(
            "duration_or_distribution",
            f"expected a duration such as '15m' or a distribution such as {_EXAMPLE}, "
            f"not {_kind(value)}",
            example=_EXAMPLE,
            value=_kind(value),
        )
    )


def _tagged(*extra: Any) -> Any:
    members = tuple(Annotated[spec, Tag(spec.tag_name())] for spec in _SPECS) + extra
    return Annotated[
        Union[members],  # noqa: UP007 - a runtime-built union needs the subscript form
        Discriminator(
            _distribution_tag,
            custom_error_type="unknown_distribution",
            custom_error_message=f"unknown distribution; {_USE_ONE_OF}",
        ),
    ]


if TYPE_CHECKING:
    # The union is built at runtime from ``_SPECS``; every member is a ``DistributionSpec``,
    # which is all a caller relies on.
    _SpecUnion: TypeAlias = DistributionSpec
else:
    _SpecUnion = _tagged()

DurationDistribution = Annotated[
    _SpecUnion,
    BeforeValidator(
        lambda value: _shorthand(value, day_night=False),
        json_schema_input_type=DurationText | _SpecUnion,
    ),
]
"""A duration distribution: a bare duration (constant) or ``{<name>: {<parameters>}}``."""


T = TypeVar("T")


class DayNight(_Frozen, Generic[T]):
    """A value that may differ by day and by night: ``{day: ..., night: ...}``."""

    day: T
    night: T

    def for_time(self, is_night: bool) -> T:
        return self.night if is_night else self.day


class DurationsByDayNight(DayNight[DurationDistribution]):
    """A distribution for the day and another for the night."""


if TYPE_CHECKING:
    _DayNightUnion: TypeAlias = DistributionSpec | DurationsByDayNight
else:
    _DayNightUnion = _tagged(Annotated[DurationsByDayNight, Tag("day_night")])

DayNightDistribution = Annotated[
    _DayNightUnion,
    BeforeValidator(
        lambda value: _shorthand(value, day_night=True),
        json_schema_input_type=DurationText | _DayNightUnion,
    ),
]
"""A distribution for all hours, or ``{day: <distribution>, night: <distribution>}``.

Either way the value has ``.for_time(is_night)``; distribution names never clash with the
``day``/``night`` keys, so the two forms cannot be confused.
"""


def _to_probability(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        raise ValueError(
            words(
                "not_probability",
                f"{shown} is not a probability; write a number between 0 and 1, e.g. 0.8",
                value=shown,
            )
        )
    probability = float(value)
    if not 0.0 <= probability <= 1.0:  # also false for NaN
        raise ValueError(words("probability_range", "must be between 0 and 1"))
    return probability


Probability = Annotated[
    float,
    BeforeValidator(_to_probability, json_schema_input_type=Annotated[float, Field(ge=0, le=1)]),
]
"""A probability between 0 and 1, e.g. ``0.8``."""


class ProbabilitiesByDayNight(DayNight[Probability]):
    """A probability for the day and another for the night."""


def _probability_split(value: Any) -> Any:
    if isinstance(value, ProbabilitiesByDayNight | dict):
        return value
    probability = _to_probability(value)  # validated once, so one error, on this field
    return {"day": probability, "night": probability}


DayNightProbability = Annotated[
    ProbabilitiesByDayNight,
    BeforeValidator(
        _probability_split,
        json_schema_input_type=Annotated[float, Field(ge=0, le=1)] | ProbabilitiesByDayNight,
    ),
]
"""A probability for all hours (``0.8``) or ``{day: 0.9, night: 0.6}``; use ``.for_time``."""

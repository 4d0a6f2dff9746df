"""Distributions: draws agree with their own theory, hand-computed values, exact messages, schema.

Tolerances are confidence bounds, not guesses, and the seed is fixed so nothing is flaky:
- the sample mean of n draws lies within 2.576·σ/√n of the analytic mean (99 %);
- the sample q-quantile (order statistic ⌈nq⌉) lies between the analytic quantiles at
  q ± 3.29·√(q(1−q)/n): the count of draws below a true quantile is binomial, so this
  99.9 % bound holds for any distribution, discrete ones included.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

import numpy as np
import pytest
from jsonschema import Draft7Validator
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from preparedness.scenario.distributions import (
    DISTRIBUTION_NAMES,
    ConstantSpec,
    DayNightDistribution,
    DayNightProbability,
    DurationDistribution,
    EmpiricalSpec,
    ExponentialSpec,
    LogNormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
)

N = 10_000
SEED = 20_240_601
USE_ONE_OF = "use one of constant, lognormal, triangular, pert, exponential, uniform, empirical"


class Phone(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    talk_time: DurationDistribution = Field("2m", validate_default=True)
    answer_time: DayNightDistribution = Field("30s", validate_default=True)
    answer_probability: DayNightProbability = Field(0.8, validate_default=True)


def dist(value) -> DurationDistribution:
    return Phone.model_validate({"talk_time": value}).talk_time


def errors(data: dict) -> list[tuple[tuple, str]]:
    """(loc, message) pairs as a planner sees them once the lead strips pydantic's prefix."""
    with pytest.raises(ValidationError) as caught:
        Phone.model_validate(data)
    return [(e["loc"], e["msg"].removeprefix("Value error, ")) for e in caught.value.errors()]


EXAMPLES = {
    "bare": "2m",
    "constant": {"constant": "2m"},
    "lognormal": {"lognormal": {"median": "10m", "p90": "25m"}},
    "triangular": {"triangular": {"min": "1m", "mode": "2m", "max": "8m"}},
    "pert": {"pert": {"min": "1m", "mode": "2m", "max": "8m"}},
    "pert_lambda": {"pert": {"min": "1m", "mode": "2m", "max": "8m", "lambda": 2}},
    "exponential": {"exponential": {"mean": "3m"}},
    "uniform": {"uniform": {"min": "1m", "max": "4m"}},
    "empirical": {"empirical": ["3m", "5m", "12m", "7m"]},
}


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def drawn(request):
    spec = dist(EXAMPLES[request.param])
    return spec, spec.sample(np.random.default_rng(SEED), N)


def test_sample_mean_within_99_percent_interval(drawn):
    spec, draws = drawn
    half_width = 2.576 * math.sqrt(spec.variance / N)
    assert abs(draws.mean() - spec.mean) <= half_width + 1e-12


@pytest.mark.parametrize("q", [0.1, 0.5, 0.9])
def test_sample_quantiles_within_order_statistic_bounds(drawn, q):
    spec, draws = drawn
    delta = 3.29 * math.sqrt(q * (1 - q) / N)
    observed = np.quantile(draws, q, method="inverted_cdf")
    assert spec.quantile(q - delta) <= observed <= spec.quantile(q + delta)


def test_draws_are_never_negative_and_stay_in_range(drawn):
    spec, draws = drawn
    assert draws.shape == (N,) and draws.dtype == float
    assert draws.min() >= spec.quantile(0.0) >= 0.0
    assert draws.max() <= spec.quantile(1.0)


def test_hand_computed_values():
    lognormal = dist(EXAMPLES["lognormal"])
    assert lognormal.mean == pytest.approx(12.912, abs=5e-4)  # exp(mu + sigma**2 / 2)
    assert lognormal.sigma == pytest.approx(math.log(2.5) / 1.2815515655)
    assert lognormal.quantile(0.5) == pytest.approx(10.0)
    assert lognormal.quantile(0.9) == pytest.approx(25.0)

    pert = dist(EXAMPLES["pert"])
    assert pert.mean == pytest.approx((1 + 8 + 8) / 6)
    assert pert.shape() == pytest.approx((11 / 7, 31 / 7))
    assert pert.variance == pytest.approx(341 / 252)  # αβ/((α+β)²(α+β+1))·7², α+β = 6
    assert dist(EXAMPLES["pert_lambda"]).mean == pytest.approx((1 + 2 * 2 + 8) / 4)
    symmetric = dist({"pert": {"min": "0m", "mode": "5m", "max": "10m"}})
    assert symmetric.quantile(0.5) == pytest.approx(5.0)
    assert symmetric.quantile(0.1) + symmetric.quantile(0.9) == pytest.approx(10.0)

    triangular = dist(EXAMPLES["triangular"])
    assert triangular.mean == pytest.approx(11 / 3)
    assert triangular.variance == pytest.approx(43 / 18)
    assert triangular.quantile(0.5) == pytest.approx(8 - math.sqrt(21))
    assert triangular.quantile(1 / 7) == pytest.approx(2.0)  # F(mode) = (mode-min)/(max-min)

    exponential = dist(EXAMPLES["exponential"])
    assert (exponential.mean, exponential.variance) == (3.0, 9.0)
    assert exponential.quantile(0.5) == pytest.approx(3 * math.log(2))

    uniform = dist(EXAMPLES["uniform"])
    assert (uniform.mean, uniform.variance, uniform.quantile(0.1)) == (2.5, 0.75, 1.3)

    constant = dist(EXAMPLES["bare"])
    assert constant == ConstantSpec(constant="2m") == dist(EXAMPLES["constant"])
    assert (constant.mean, constant.variance, constant.quantile(0.7)) == (2.0, 0.0, 2.0)


def test_empirical_quantile_inverts_the_empirical_cdf():
    spec = dist(EXAMPLES["empirical"])  # sorted: 3, 5, 7, 12
    assert (spec.mean, spec.variance) == (6.75, 11.1875)
    got = [spec.quantile(q) for q in (0.0, 0.25, 0.26, 0.5, 0.75, 0.9, 1.0)]
    assert got == [3.0, 3.0, 5.0, 5.0, 7.0, 12.0, 12.0]
    tenths = dist({"empirical": [f"{i}m" for i in range(1, 11)]})
    assert tenths.quantile(0.3) == 3.0  # 0.3 * 10 is 3.0000000000000004 in floating point


def test_quantile_edges_and_range():
    assert dist(EXAMPLES["lognormal"]).quantile(0.0) == 0.0
    assert dist(EXAMPLES["lognormal"]).quantile(1.0) == math.inf
    assert dist(EXAMPLES["exponential"]).quantile(1.0) == math.inf
    assert dist(EXAMPLES["pert"]).quantile(1.0) == pytest.approx(8.0)
    with pytest.raises(ValueError, match=r"^q must be between 0 and 1, not 1\.5$"):
        dist(EXAMPLES["uniform"]).quantile(1.5)


def test_is_constant():
    assert dist("5m").is_constant
    assert dist({"empirical": ["5m", "5m"]}).is_constant
    assert not dist(EXAMPLES["empirical"]).is_constant
    assert not dist(EXAMPLES["lognormal"]).is_constant


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_sampling_uses_only_the_generator_passed_in(name):
    spec = dist(EXAMPLES[name])
    numpy_state, random_state = np.random.get_state(), random.getstate()
    first = spec.sample(np.random.default_rng(7), 5)
    np.random.seed(1)
    random.seed(1)
    again = spec.sample(np.random.default_rng(7), 5)
    np.testing.assert_array_equal(first, again)
    np.random.set_state(numpy_state)
    random.setstate(random_state)
    scalar = spec.sample(np.random.default_rng(7))
    assert type(scalar) is float and scalar >= 0.0
    assert np.random.get_state()[1].tolist() == numpy_state[1].tolist()
    assert random.getstate() == random_state


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_dump_loads_back_to_the_same_spec(name):
    spec = dist(EXAMPLES[name])
    assert dist(spec.model_dump()) == spec
    assert hash(spec) == hash(dist(spec.model_dump()))


def test_specs_are_frozen():
    with pytest.raises(ValidationError):
        dist("2m").constant = 3.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "loc", "message"),
    [
        ({"lognormal": {"median": "5m", "p90": "2m"}}, ("p90",), "p90 must be greater than median"),
        ({"lognormal": {"median": "0s", "p90": "2m"}}, ("median",), "must be longer than zero"),
        ({"triangular": {"min": "1m", "mode": "9m", "max": "8m"}}, ("mode",),
         "mode must lie between min and max"),
        ({"pert": {"min": "3m", "mode": "2m", "max": "8m"}}, ("mode",),
         "mode must lie between min and max"),
        ({"pert": {"min": "8m", "mode": "8m", "max": "8m"}}, ("max",),
         "max must be greater than min"),
        ({"pert": {"min": "1m", "mode": "2m", "max": "8m", "lambda": 0}}, ("lambda",),
         "Input should be greater than 0"),
        ({"uniform": {"min": "4m", "max": "1m"}}, ("max",), "max must be greater than min"),
        ({"exponential": {"mean": "0m"}}, ("mean",), "must be longer than zero"),
        ({"empirical": []}, (), "must list at least one value"),
        ({"empirical": ["3m", 5]}, (1,), "write a unit, e.g. '15m' (minutes), '90s' or '2h30m'"),
    ],
)  # fmt: skip
def test_parameter_errors_are_located_on_the_field(value, loc, message):
    (tag,) = value
    assert errors({"talk_time": value}) == [(("talk_time", tag, tag, *loc), message)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"gamma": {"shape": 2}}, f"unknown distribution 'gamma'; {USE_ONE_OF}"),
        ({}, f"no distribution given, e.g. {{lognormal: {{median: 2m, p90: 5m}}}}; {USE_ONE_OF}"),
        (
            {"median": "2m", "p90": "5m"},
            "found keys 'median', 'p90'; a distribution has one key, its name, "
            f"e.g. {{lognormal: {{median: 2m, p90: 5m}}}}; {USE_ONE_OF}",
        ),
        (
            {"day": "2m", "night": "5m"},
            "this time cannot differ by day and night; give one distribution, "
            "e.g. {lognormal: {median: 2m, p90: 5m}}",
        ),
        (15, "write a unit, e.g. '15m' (minutes), '90s' or '2h30m'"),
        ("2 min", "'2 min' is not a duration; write e.g. '90s', '15m', '2h30m' or '3d'"),
        (
            ["3m", "5m"],
            "expected a duration such as '15m' or a distribution such as "
            "{lognormal: {median: 2m, p90: 5m}}, not a list",
        ),
    ],
)
def test_malformed_distributions_give_one_clear_error(value, message):
    assert errors({"talk_time": value}) == [(("talk_time",), message)]


def test_shorthand_and_python_values():
    assert dist(timedelta(seconds=90)) == ConstantSpec(constant="90s")
    spec = LogNormalSpec.model_validate(EXAMPLES["lognormal"])
    assert dist(spec) is spec
    assert DISTRIBUTION_NAMES == tuple(USE_ONE_OF.removeprefix("use one of ").split(", "))
    kinds = [EmpiricalSpec, ExponentialSpec, PertSpec, PertSpec, TriangularSpec, UniformSpec]
    names = ["empirical", "exponential", "pert", "pert_lambda", "triangular", "uniform"]
    assert [type(dist(EXAMPLES[name])) for name in names] == kinds


def test_day_night_distribution():
    phone = Phone.model_validate(
        {"answer_time": {"day": "30s", "night": {"lognormal": {"median": "2m", "p90": "6m"}}}}
    )
    assert phone.answer_time.for_time(is_night=False) == ConstantSpec(constant="30s")
    assert isinstance(phone.answer_time.for_time(is_night=True), LogNormalSpec)
    same = Phone.model_validate({"answer_time": EXAMPLES["pert"]}).answer_time
    assert same.for_time(True) is same.for_time(False) is same
    assert errors({"answer_time": {"day": "30s"}}) == [
        (("answer_time", "day_night", "night"), "Field required")
    ]
    bad_night = {"day": "30s", "night": {"lognormal": {"median": "5m", "p90": "2m"}}}
    assert errors({"answer_time": bad_night}) == [
        (("answer_time", "day_night", "night", "lognormal", "lognormal", "p90"),
         "p90 must be greater than median")
    ]  # fmt: skip
    assert errors({"answer_time": {"gamma": {}}}) == [
        (("answer_time",), f"unknown distribution 'gamma'; {USE_ONE_OF}")
    ]


def test_day_night_probability():
    phone = Phone.model_validate({"answer_probability": {"day": 0.9, "night": 0.6}})
    assert (phone.answer_probability.for_time(False), phone.answer_probability.for_time(True)) == (
        0.9,
        0.6,
    )
    assert Phone().answer_probability.for_time(True) == 0.8
    assert Phone.model_validate({"answer_probability": 1}).answer_probability.for_time(False) == 1.0
    between = "must be between 0 and 1"
    assert errors({"answer_probability": 1.5}) == [(("answer_probability",), between)]
    assert errors({"answer_probability": float("nan")}) == [(("answer_probability",), between)]
    split = {"day": 2, "night": 0.5}
    assert errors({"answer_probability": split}) == [(("answer_probability", "day"), between)]
    not_a_number = "true is not a probability; write a number between 0 and 1, e.g. 0.8"
    assert errors({"answer_probability": True}) == [(("answer_probability",), not_a_number)]


def test_json_schema_is_draft7_and_accepts_what_planners_write():
    schema = Phone.model_json_schema()
    Draft7Validator.check_schema(schema)
    assert "prefixItems" not in str(schema) and "$schema" not in schema
    validator = Draft7Validator(schema)
    good = [{"talk_time": value} for value in EXAMPLES.values()] + [
        {"answer_time": {"day": "30s", "night": {"exponential": {"mean": "2m"}}}},
        {"answer_time": "45s"},
        {"answer_probability": {"day": 0.9, "night": 0.6}},
        {"answer_probability": 0.8},
    ]
    for document in good:
        assert validator.is_valid(document), document
        Phone.model_validate(document)  # and the loader agrees
    bad = [
        {"talk_time": 15},
        {"talk_time": "2 min"},
        {"talk_time": {"gamma": {"shape": 2}}},
        {"talk_time": {"lognormal": {"median": "2m"}}},
        {"talk_time": {"lognormal": {"median": "2m", "p90": "5m"}, "pert": {}}},
        {"talk_time": {"day": "2m", "night": "5m"}},
        {"answer_time": {"day": "30s", "evening": "1m"}},
        {"answer_probability": 1.5},
    ]
    for document in bad:
        assert not validator.is_valid(document), document

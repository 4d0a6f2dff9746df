"""Cumulative curves: values, jumps, sums, caps and first-come-first-served shares, exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preparedness.analysis.cumulative import Curve, compose, fifo_share


def test_values_left_limits_and_jumps():
    # 0 until 10, then 2/min until 20 (value 20), jump to 50, flat.
    f = Curve([10.0, 20.0], [0.0, 50.0], [2.0, 0.0])
    assert f.at(5.0) == 0.0
    assert f.at(15.0) == 10.0
    assert f.left(20.0) == 20.0
    assert f.at(20.0) == 50.0
    assert f.at(1e6) == 50.0
    assert f.slope_at(12.0) == 2.0 and f.slope_at(20.0) == 0.0
    assert list(f.at_many([5, 15, 20, 30])) == [0.0, 10.0, 50.0, 50.0]


def test_constructors():
    assert Curve.rate(3.0, 0.5).at(7.0) == 2.0
    assert Curve.step(4.0, 9.0).left(4.0) == 0.0 and Curve.step(4.0, 9.0).at(4.0) == 9.0
    ramp = Curve.ramp(10.0, 30.0, 100.0)
    assert ramp.at(20.0) == 50.0 and ramp.at(99.0) == 100.0
    # A ramp with no duration is a jump.
    assert Curve.ramp(5.0, 5.0, 7.0).at(5.0) == 7.0
    assert Curve.ramp(5.0, 5.0, 7.0).left(5.0) == 0.0


def test_knots_must_increase():
    with pytest.raises(ValueError):
        Curve([1.0, 1.0], [0.0, 0.0], [0.0, 0.0])


def test_sum_difference_and_from_time():
    a = Curve.rate(0.0, 1.0)
    b = Curve.step(5.0, 10.0) + Curve.rate(8.0, 2.0)
    total = a + b
    assert total.at(4.0) == 4.0
    assert total.at(5.0) == 15.0
    assert total.at(10.0) == 10.0 + 10.0 + 4.0
    assert (total - b).at(10.0) == 10.0
    late = total.from_time(6.0)
    assert late.at(5.9) == 0.0 and late.left(6.0) == 0.0
    assert late.at(6.0) == total.at(6.0)
    assert late.at(20.0) == total.at(20.0)


@pytest.mark.parametrize(
    "t0, rate, cap, start",
    [
        (0.1, 0.7, 0.3, 0.1),
        (7.0, 1500 / 1440, 100.0, 7.0),
        (7.0, 1500 / 1440, 100.0, 33.3),  # opened after the demand started
        (3.3, 1 / 3, 2.2, 5.0),
    ],
)
def test_cap_crossing_is_exact(t0, rate, cap, start):
    """Constant demand r from t0 reaches q at exactly t0 + q / r, however the curve was cut."""
    demand = Curve.rate(t0, rate) + Curve.step(1000.0, 0.0)  # an unrelated knot later
    knots, crossing = demand.capped(start, 10_000.0, cap)
    assert crossing == t0 + cap / rate
    assert knots[-1] == (t0 + cap / rate, cap, 0.0)


def test_cap_reached_by_a_jump_and_not_at_all():
    f = Curve([0.0, 10.0], [0.0, 50.0], [1.0, 1.0])
    _, crossing = f.capped(0.0, 100.0, 20.0)
    assert crossing == 10.0  # 10 before the jump, 50 after
    _, crossing = f.capped(0.0, 100.0, 1e6)
    assert crossing is None
    _, crossing = f.capped(0.0, 5.0, 20.0)  # the window ends first
    assert crossing is None


def test_exceeds_from_skips_plateaus_at_the_level():
    # Reaches 10 at t=10 and stays there until 50, then rises: the excess starts at 50.
    f = Curve([0.0, 10.0, 50.0], [0.0, 10.0, 10.0], [1.0, 0.0, 2.0])
    assert f.exceeds_from(10.0, 1e-9, 0.0) == 50.0
    # A plateau a rounding error above the level is still a plateau.
    g = Curve([0.0, 10.0, 50.0], [0.0, 10.0 + 1e-13, 10.0 + 1e-13], [1.0, 0.0, 2.0])
    assert g.exceeds_from(10.0, 1e-9, 0.0) == 50.0
    # A steady rise crosses exactly where the algebra says.
    h = Curve.rate(0.1, 0.7)
    assert h.exceeds_from(0.3, 1e-9, 0.0) == 0.1 + 0.3 / 0.7
    assert h.exceeds_from(0.3, 1e-9, 5.0) == 5.0  # already above when we start looking
    assert Curve.step(3.0, 1.0).exceeds_from(2.0, 1e-9, 0.0) is None


def test_first_above_and_first_rise():
    f = Curve([2.0, 6.0], [0.0, 10.0], [1.0, 0.0])
    assert f.first_above(3.0) == 5.0
    assert f.first_above(4.0) == 6.0  # reached by the jump
    assert f.first_above(10.0) is None
    assert f.first_rise() == 2.0
    assert Curve().first_rise() is None
    assert Curve([0.0, 4.0], [1e-15, 1e-15], [0.0, 1.0]).first_rise(1e-9) == 4.0


def test_fifo_share_two_streams():
    # Stream a: 10 units at t=0. Stream b: 1/min from t=0. The first 10 units of the queue
    # at t=0 are all a's; then b's flow.
    a = Curve.step(0.0, 10.0)
    b = Curve.rate(0.0, 1.0)
    total = a + b
    share_a = fifo_share(total, a)
    share_b = fifo_share(total, b)
    assert share_a.at(5.0) == 5.0 and share_a.at(15.0) == 10.0
    assert share_b.at(5.0) == 0.0 and share_b.at(15.0) == 5.0
    # Simultaneous flows share in proportion.
    c = Curve.rate(0.0, 3.0)
    assert fifo_share(b + c, b).at(8.0) == pytest.approx(2.0)


def test_fifo_share_simultaneous_jumps_share_in_proportion():
    a = Curve.step(5.0, 30.0)
    b = Curve.step(5.0, 10.0)
    assert fifo_share(a + b, a).at(20.0) == pytest.approx(15.0)


def test_compose():
    outer = Curve([0.0, 10.0], [0.0, 10.0], [1.0, 0.5])  # identity to 10, then half speed
    inner = Curve([0.0, 4.0], [0.0, 20.0], [2.0, 1.0])  # jumps from 8 to 20 at 4
    h = compose(outer, inner)
    for t in [0.0, 2.0, 3.9, 4.0, 6.0, 30.0]:
        assert h.at(t) == pytest.approx(outer.at(inner.at(t)))


# ----------------------------------------------------------------------------- properties

knot_lists = st.lists(
    st.tuples(st.floats(0, 100), st.floats(0, 50), st.floats(0, 5)),
    min_size=1,
    max_size=6,
    unique_by=lambda k: k[0],
)


def _curve(knots) -> Curve:
    """A non-decreasing curve from random (time, jump, slope) triples."""
    knots = sorted(knots)
    times, values, slopes = [], [], []
    value = 0.0
    for i, (t, jump, slope) in enumerate(knots):
        if i:
            value += slopes[-1] * (t - times[-1])
        value += jump
        times.append(t)
        values.append(value)
        slopes.append(slope)
    return Curve(times, values, slopes)


@settings(max_examples=60, deadline=None)
@given(knot_lists, knot_lists, st.lists(st.floats(0, 150), min_size=1, max_size=10))
def test_sum_is_pointwise(a, b, times):
    f, g = _curve(a), _curve(b)
    h = f + g
    for t in times:
        assert h.at(t) == pytest.approx(f.at(t) + g.at(t), abs=1e-9)
        assert h.left(t) == pytest.approx(f.left(t) + g.left(t), abs=1e-9)
    assert np.allclose(h.at_many(times), [h.at(t) for t in times])


@settings(max_examples=60, deadline=None)
@given(knot_lists, st.floats(0, 200), st.floats(0, 50))
def test_cap_is_min(a, cap, start):
    f = _curve(a)
    knots, crossing = f.capped(start, 300.0, cap)
    capped = Curve.from_knots(knots)
    for t in np.linspace(start, 299.0, 37):
        assert capped.at(t) == pytest.approx(min(f.at(t), cap), abs=1e-9)
    if crossing is not None:
        assert f.at(crossing) >= cap - 1e-9
        assert crossing == start or f.left(crossing) <= cap + 1e-9
    else:
        assert f.left(300.0) <= cap + 1e-9 or math.isclose(f.left(300.0), cap)


@settings(max_examples=60, deadline=None)
@given(knot_lists, knot_lists, st.lists(st.floats(0, 150), min_size=1, max_size=8))
def test_fifo_shares_add_up(a, b, xs):
    f, g = _curve(a), _curve(b)
    total = f + g
    share_f, share_g = fifo_share(total, f), fifo_share(total, g)
    for x in xs:
        x = min(x, total.at(200.0))
        assert share_f.at(x) + share_g.at(x) == pytest.approx(x, abs=1e-6)

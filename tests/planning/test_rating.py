"""The P/S/M/U rubric: thresholds at the deadline, the model's median and its p90."""

from preparedness.planning.rating import Rating, Rubric, rate


def test_deadline_median_p90_give_p_s_m_u():
    rubric = Rubric(deadline=30.0, median=45.0, p90=80.0)
    assert [rate(m, rubric) for m in (10, 30, 31, 45, 46, 80, 81, None)] == [
        Rating.P,
        Rating.P,
        Rating.S,
        Rating.S,
        Rating.M,
        Rating.M,
        Rating.U,
        Rating.U,
    ]


def test_a_deadline_beyond_the_median_leaves_no_s():
    rubric = Rubric(deadline=60.0, median=45.0, p90=80.0)
    assert rubric.thresholds() == [(Rating.P, 60.0), (Rating.M, 80.0)]
    assert rate(70, rubric) is Rating.M


def test_without_a_deadline_the_median_earns_p():
    rubric = Rubric(deadline=None, median=20.0, p90=50.0)
    assert [rate(m, rubric) for m in (20, 21, 50, 51)] == [
        Rating.P,
        Rating.M,
        Rating.M,
        Rating.U,
    ]


def test_never_done_is_u_even_without_thresholds():
    assert rate(None, Rubric(None, None, None)) is Rating.U
    assert rate(5.0, Rubric(None, None, None)) is Rating.U

"""A drill's after-action draft comes from the exercise package's builder, rated as replayed."""

from preparedness.planning.drill.replay import Placement, Replay
from preparedness.planning.rating import Rating


def _placement(milestone: str, observed: float | None, deadline: float | None) -> Placement:
    return Placement(
        "flood",
        milestone,
        milestone,
        observed,
        50.0,
        "typical",
        40.0,
        80.0,
        1.0,
        deadline,
        None,
        {},
        {},
    )


def test_the_drill_draft_sorts_deadline_milestones_into_strengths_and_areas() -> None:
    replay = Replay(
        [
            _placement("report:township", 25.0, 30.0),  # P: within the deadline
            _placement("plan_activated", 70.0, 60.0),  # M: past the median, within p90
            _placement("ordered:police", None, 60.0),  # U: never
            _placement("detected", 12.0, None),  # no deadline: not rated
        ],
        drill=None,  # type: ignore[arg-type]  # the draft reads only the placements
        replications=100,
    )
    draft = replay.aar()
    assert [r.milestone for r in draft.rated] == [
        "report:township",
        "plan_activated",
        "ordered:police",
    ]
    assert [r.rating for r in draft.rated] == [Rating.P, Rating.M, Rating.U]
    assert [r.milestone for r in draft.strengths] == ["report:township"]
    assert [r.milestone for r in draft.areas] == ["plan_activated", "ordered:police"]

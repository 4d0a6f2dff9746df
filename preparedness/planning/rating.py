"""Rating an observed time against the plan and the model: the HSEEP P/S/M/U scale.

An evaluator rating a tabletop exercise, or a planner reading a real drill's log, asks the
same question of each critical task: was it done within the plan's deadline, and if not,
how does it compare with what the model says is typical? The thresholds are documented
anchors on the simulated distribution, so two evaluators rate the same time the same way:

- **P** (performed without challenges): within the plan's deadline;
- **S** (performed with some challenges): later than the deadline, but within the model's
  median for that milestone (no worse than a typical simulated run);
- **M** (performed with major challenges): within the model's 90th percentile;
- **U** (unable to be performed): later than the model's 90th percentile, or never done.

Where the plan sets no deadline, P is "within the model's median" and S is dropped. The
letters and their names are those of the Homeland Security Exercise and Evaluation Program
(HSEEP, 2020), Exercise Evaluation Guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Rating", "Rubric", "rate"]


class Rating(str, Enum):
    """HSEEP's four ratings of a critical task."""

    P = "P"  # performed without challenges
    S = "S"  # performed with some challenges
    M = "M"  # performed with major challenges
    U = "U"  # unable to be performed


@dataclass(frozen=True)
class Rubric:
    """The minute thresholds one milestone is rated by (minutes from the incident's start)."""

    deadline: float | None
    median: float | None
    p90: float | None

    def thresholds(self) -> list[tuple[Rating, float]]:
        """``(rating, latest time that earns it)`` from best to worst, U excluded."""
        steps: list[tuple[Rating, float]] = []
        if self.deadline is not None:
            steps.append((Rating.P, self.deadline))
            if self.median is not None and self.median > self.deadline:
                steps.append((Rating.S, self.median))
        elif self.median is not None:
            steps.append((Rating.P, self.median))
        if self.p90 is not None and (not steps or self.p90 > steps[-1][1]):
            steps.append((Rating.M, self.p90))
        return steps


def rate(minutes: float | None, rubric: Rubric) -> Rating:
    """The rating of a task done ``minutes`` after the incident started (None: never done)."""
    if minutes is None:
        return Rating.U
    for rating, latest in rubric.thresholds():
        if minutes <= latest + 1e-9:
            return rating
    return Rating.U

"""Cross-checks no single field can make, run in order and collected: the orchestrator.

Each problem is returned as ``(loc, message)`` where ``loc`` is the path into the document
(as pydantic would give it), so the loader can point at the exact line. All problems are
collected; nothing stops at the first. The checks themselves live one job per module:
``check_references`` (ids exist and are unique), ``check_command`` (chains, reachability,
warning areas), ``check_limits`` (sizes), ``check_resources`` (teams, supplies, depots) and
``road_graph`` (roads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .check_callouts import check_callout_references, check_callout_shapes
from .check_command import check_chain_shape, check_plans_reachable, check_warning_areas
from .check_limits import (
    check_horizon,
    check_posts,
    check_resource_size,
    check_staff_cost,
    check_staff_size,
    check_warning_size,
)
from .check_references import (
    check_node_names,
    check_references,
    check_resource_references,
    check_unique_ids,
)
from .check_resources import check_affected, check_depots, check_plan_resources, check_teams
from .diagnostics import Problem
from .models import Scenario
from .road_graph import road_problems

__all__ = ["Problem", "cross_check"]

Check = Callable[[Scenario], Iterable[Problem]]

#: Run first; when any finds a problem the checks after them are skipped.
REFERENCE_CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_node_names,
    check_references,
    check_resource_references,
    check_callout_references,
)
#: Run once every id resolves, in this order (the order problems are listed in).
SHAPE_CHECKS: tuple[Check, ...] = (
    check_warning_areas,
    check_chain_shape,
    check_plans_reachable,
    check_posts,
    check_horizon,
    check_warning_size,
    check_staff_cost,
    check_staff_size,
    check_teams,
    check_plan_resources,
    check_affected,
    check_depots,
    road_problems,
    check_resource_size,
    check_callout_shapes,
)


def cross_check(scenario: Scenario) -> list[Problem]:
    """Every cross-reference problem in a scenario that already passed field validation."""
    problems = [problem for check in REFERENCE_CHECKS for problem in check(scenario)]
    if problems:
        # A dangling id or a clash makes the shape checks report the same typo again.
        return problems
    for check in SHAPE_CHECKS:
        problems.extend(check(scenario))
    return problems

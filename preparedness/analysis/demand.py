"""What each incident consumes, as exact cumulative curves: a pure function of a replication.

A plan states demand three ways (``SupplyRule``): per affected person per day (water, food,
from the Sphere Handbook and FEMA/Ready.gov figures), per responder on scene per shift (masks),
or per unit of a team's task (sandbags per metre of flood wall). The first grows with the
affected population, which grows each whole hour the incident stays uncontrolled (up to a
cap) and is frozen once it is under control; the other two follow the teams' times on
scene recorded in the trace: each member draws a shift's kit when the team arrives and again
at the start of every later shift it is still there (16 members on scene for 13 hours with
12-hour shifts draw 32 masks). Several incidents in one community add up.
"""

from __future__ import annotations

import math

from ..scenario.models import Incident, Scenario
from ..scenario.resources import STANDARDS, Item, SupplyRule
from .cumulative import Curve
from .supply_frame import SupplyFrame

__all__ = ["community_demand", "daily_amount", "incident_demand", "rule_demand", "shift_starts"]

MINUTES_PER_DAY = 1440.0
MINUTES_PER_HOUR = 60.0


def daily_amount(rule: SupplyRule, item: Item) -> float:
    """A per-person-per-day figure in the item's own units.

    A standard's name is converted: litres stay litres for an item counted in L; a food kit
    that ``contains`` 2,100 kcal turns Sphere's 2,100 kcal/person/day into one kit.
    """
    figure = rule.per_person_per_day
    if figure is None:
        raise TypeError(f"the supply rule for '{rule.item}' has no per_person_per_day")
    if not isinstance(figure, str):
        return float(figure)
    amount, unit, _source = STANDARDS[figure]
    if item.unit == unit:
        return amount
    if item.contains is not None and item.contains.of == unit:
        return amount / item.contains.amount
    raise ValueError(
        f"item {item.id!r} is counted in {item.unit!r} and does not say how much {unit} one "
        f"unit contains, so the standard {figure!r} ({amount:g} {unit}/person/day) cannot be "
        f"converted; give 'contains: {{amount: ..., of: {unit}}}' or a figure"
    )


def people_curve(
    scenario: Scenario, incident: Incident, start: float, controlled: float | None, horizon: float
) -> list[tuple[float, float]]:
    """``(from, people)`` steps: the affected population, growing by ``growth_per_hour``
    each whole hour after ``start``, capped, and frozen from ``controlled`` on."""
    affected = incident.affected
    if affected is None or incident.community is None:  # top-down incidents affect nobody
        return []
    cap = affected.max_people
    if cap is None:
        cap = _population(scenario, incident.community)
    people = float(min(affected.people, cap))
    steps = [(start, people)]
    if affected.growth_per_hour <= 0.0:
        return steps
    stop = horizon if controlled is None else min(controlled, horizon)
    hour = 1
    while start + hour * MINUTES_PER_HOUR <= stop and people < cap:
        people = min(cap, affected.people * (1.0 + affected.growth_per_hour) ** hour)
        steps.append((start + hour * MINUTES_PER_HOUR, people))
        hour += 1
    return steps


def shift_starts(on_scene: float, end: float | None, shift: float, horizon: float) -> list[float]:
    """When each shift of a team on scene from ``on_scene`` until ``end`` (None: until the
    horizon) starts: every started shift is a whole shift's kit for every member, because a
    mask put on for the last ten minutes of a shift is used up all the same. A team on scene
    at all works at least one shift."""
    stop = horizon if end is None else min(end, horizon)
    if on_scene >= horizon:
        return []
    starts = [on_scene]
    while starts[-1] + shift < stop - 1e-9:
        starts.append(starts[-1] + shift)
    return starts


def rule_demand(
    scenario: Scenario, frame: SupplyFrame, incident: Incident, rule: SupplyRule
) -> Curve:
    """Cumulative demand of one supply rule of ``incident``'s plan in one replication."""
    start = frame.incident_starts.get(incident.id)
    if start is None:
        return Curve()
    horizon = frame.horizon
    item = scenario.item(rule.item)
    if rule.per_person_per_day is not None:
        amount = daily_amount(rule, item)
        controlled = frame.controlled.get(incident.id)
        steps = people_curve(
            scenario, incident, start, None if controlled is None else controlled[0], horizon
        )
        knots, value = [], 0.0
        for k, (t, people) in enumerate(steps):
            rate = people * amount / MINUTES_PER_DAY
            if k:
                value += steps[k - 1][1] * amount / MINUTES_PER_DAY * (t - steps[k - 1][0])
            knots.append((t, value, rate))
        return Curve.from_knots(knots)
    total = Curve()
    if rule.per_responder_per_shift is not None:
        for (inc, team), (on_scene, end) in sorted(frame.tasks.items()):
            if inc != incident.id:
                continue
            members = frame.team_members.get((inc, team), 0)
            if members <= 0:
                continue
            for shift_start in shift_starts(on_scene, end, rule.shift, horizon):
                total = total + Curve.step(shift_start, members * rule.per_responder_per_shift)
        return total
        return total
    per_unit = rule.per_task_unit
    if per_unit is None:  # unreachable: SupplyRule requires exactly one of the three figures
        return total
    plan = scenario.plan_for(incident)
    for team_rule in plan.teams if plan is not None else ():
        if team_rule.task is None:
            continue
        window = frame.tasks.get((incident.id, team_rule.team))
        if window is None:
            continue
        on_scene, end = window
        if end is None:
            continue
        total = total + Curve.ramp(on_scene, end, team_rule.task.size * per_unit)
    return total


def incident_demand(scenario: Scenario, frame: SupplyFrame, item: str) -> dict[str, Curve]:
    """incident id -> its cumulative demand for ``item`` (incidents with none left out)."""
    out: dict[str, Curve] = {}
    for incident in scenario.incidents:
        plan = scenario.plan_for(incident)
        if plan is None or incident.id not in frame.incident_starts:
            continue
        curve = Curve()
        for rule in plan.supplies:
            if rule.item == item:
                curve = curve + rule_demand(scenario, frame, incident, rule)
        if curve.times:
            out[incident.id] = curve
    return out


def community_demand(
    scenario: Scenario, frame: SupplyFrame, item: str, by_incident: dict[str, Curve] | None = None
) -> dict[str, Curve]:
    """community id -> the summed demand of its incidents for ``item``."""
    if by_incident is None:
        by_incident = incident_demand(scenario, frame, item)
    out: dict[str, Curve] = {}
    for incident in scenario.incidents:
        curve = by_incident.get(incident.id)
        community = incident.community
        if curve is not None and community is not None:
            out[community] = out[community] + curve if community in out else curve
    return out


def _population(scenario: Scenario, community_id: str) -> int:
    for township in scenario.places.townships:
        for community in township.communities:
            if community.id == community_id:
                return community.population
    return math.inf  # type: ignore[return-value]  # not a community: no cap

"""Team, supply and depot checks: leaders and keepers have a post where they act, teams never
call each other out in a circle, supplies flow down from higher depots, and a plan's supply
rules fit its items, teams and the people its incidents affect.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from .check_references import place_levels
from .diagnostics import Problem
from .models import Level, Scenario
from .resources import STANDARDS
from .supply_network import SupplyNetwork, supply_network
from .wording import thing, words

__all__ = ["check_affected", "check_depots", "check_plan_resources", "check_teams"]

#: The levels whose roles have a post at each kind of place (a higher post serves the places
#: below it; a grid or building post serves no community, township or district as a whole).
_POSTED_AT = {
    Level.community: words("posted_community", "a community, township or district role"),
    Level.township: words("posted_township", "a township or district role"),
    Level.district: words("posted_district", "a district role"),
}


_KEEPER = words("keeper", "keeper")
_RELEASE = words("release_authority", "release authority")


def _has_post_at(level: Level, place: Level) -> bool:
    return level.rank >= max(place.rank, Level.community.rank)


def check_teams(s: Scenario) -> Iterator[Problem]:
    """Leaders can be posted at the base; teams call out other teams, never in a circle."""
    places = place_levels(s)
    for i, team in enumerate(s.teams):
        leader = s.role(team.leader)
        base = places[team.base]
        if leader.level.rank < Level.community.rank:
            yield (
                ("teams", i, "leader"),
                words(
                    "leader_level",
                    f"leader must be a community, township or district role; '{leader.id}' is a "
                    f"{leader.level.value} role",
                    role=leader.id,
                    level=thing(leader.level.value),
                ),
            )
        elif not _has_post_at(leader.level, base):
            yield (
                ("teams", i, "leader"),
                words(
                    "leader_no_post",
                    f"'{leader.id}' is a {leader.level.value} role, with no post at {base.value} "
                    f"'{team.base}'; the leader of a team based there must be {_POSTED_AT[base]}",
                    role=leader.id,
                    level=thing(leader.level.value),
                    place_level=thing(base.value),
                    place=team.base,
                    posted=_POSTED_AT[base],
                ),
            )
        for k, step in enumerate(team.levels):
            for m, other in enumerate(step.teams):
                if other == team.id:
                    yield (
                        ("teams", i, "levels", k, "teams", m),
                        words(
                            "team_calls_itself",
                            f"team '{team.id}' cannot call itself out",
                            team=team.id,
                        ),
                    )
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(t.id for t in s.teams)
    calls: dict[tuple[str, str], tuple] = {}
    for i, team in enumerate(s.teams):
        for k, step in enumerate(team.levels):
            for m, other in enumerate(step.teams):
                if other != team.id:
                    graph.add_edge(team.id, other)
                    calls.setdefault((team.id, other), ("teams", i, "levels", k, "teams", m))
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    names = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
    yield (
        calls[cycle[0]],
        words("team_circle", f"teams call each other out in a circle: {names}", names=names),
    )


def check_plan_resources(s: Scenario) -> Iterator[Problem]:
    """Plans dispatch teams at levels they have and hand out supplies by rules that fit."""
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.teams):
            team = s.team(rule.team)
            if rule.level > len(team.levels):
                count = len(team.levels)
                yield (
                    ("plans", i, "teams", j, "level"),
                    words(
                        "team_levels" if count != 1 else "team_levels_one",
                        f"team '{team.id}' has {count} mobilisation "
                        f"level{'s' if count != 1 else ''}; level must be at most {count}",
                        team=team.id,
                        count=str(count),
                    ),
                )
        has_task = any(rule.task is not None for rule in plan.teams)
        first: dict[str, int] = {}
        for j, supply in enumerate(plan.supplies):
            loc = ("plans", i, "supplies", j)
            if supply.item in first:
                yield (
                    (*loc, "item"),
                    words(
                        "item_rule_twice",
                        f"item '{supply.item}' already has a rule in this plan "
                        f"(supplies[{first[supply.item]}]); give each item one rule",
                        item=supply.item,
                        index=str(first[supply.item]),
                    ),
                )
            first.setdefault(supply.item, j)
            standard = supply.per_person_per_day
            if isinstance(standard, str):
                amount, unit, _source = STANDARDS[standard]
                item = s.item(supply.item)
                holds = item.contains.of if item.contains is not None else None
                if unit not in (item.unit, holds):
                    yield (
                        (*loc, "per_person_per_day"),
                        words(
                            "standard_unit",
                            f"'{standard}' counts {unit} ({amount:g} {unit} per person per "
                            f"day), but item '{item.id}' is counted in {item.unit}; say what one "
                            f"{item.unit} holds: give the item "
                            f"'contains: {{amount: {amount:g}, of: {unit}}}' with its own amount",
                            standard=standard,
                            unit=unit,
                            amount=f"{amount:g}",
                            item=item.id,
                            item_unit=item.unit,
                        ),
                    )
            if supply.per_task_unit is not None and not has_task:
                yield (
                    (*loc, "per_task_unit"),
                    words(
                        "per_task_unit_no_task",
                        "per_task_unit needs a team task to count units of, but none of this "
                        "plan's teams has a 'task'; give one a task or use another rule",
                    ),
                )


def check_affected(s: Scenario) -> Iterator[Problem]:
    """The people an incident affects live in its community; per-person supplies need them."""
    population = {c.id: c.population for t in s.places.townships for c in t.communities}
    for i, incident in enumerate(s.incidents):
        affected = incident.affected
        community = incident.community
        if affected is not None and community is not None:
            if affected.people > population[community]:
                yield (
                    ("incidents", i, "affected", "people"),
                    words(
                        "affected_exceed",
                        f"{affected.people:,} people cannot be affected in '{community}', "
                        f"which has {population[community]:,} residents",
                        people=f"{affected.people:,}",
                        community=community,
                        population=f"{population[community]:,}",
                    ),
                )
            if affected.max_people is not None and affected.max_people > population[community]:
                yield (
                    ("incidents", i, "affected", "max_people"),
                    words(
                        "max_people_exceed",
                        f"max_people ({affected.max_people:,}) cannot exceed the population of "
                        f"'{community}' ({population[community]:,})",
                        people=f"{affected.max_people:,}",
                        community=community,
                        population=f"{population[community]:,}",
                    ),
                )
        plan = s.plan_for(incident)
        if (
            affected is None
            and plan is not None
            and any(supply.per_person_per_day is not None for supply in plan.supplies)
        ):
            yield (
                ("incidents", i, "affected"),
                words(
                    "affected_needed",
                    f"plan '{plan.id}' hands out supplies per person per day; say how many people "
                    "this incident affects, e.g. 'affected: {people: 300}'",
                    plan=plan.id,
                ),
            )


def check_depots(s: Scenario) -> Iterator[Problem]:
    """One depot per place and level, keepers posted there, resupply from above, real dates."""
    where: dict[tuple[str, str], int] = {}
    levels = {d.id: Level(d.level) for d in s.depots}
    network = supply_network(s)
    today = s.start.date()
    for i, depot in enumerate(s.depots):
        level = Level(depot.level)
        if (depot.level, depot.place) in where:
            yield (
                ("depots", i, "place"),
                words(
                    "depot_twice",
                    f"there is already a {depot.level} depot at '{depot.place}' "
                    f"(depots[{where[depot.level, depot.place]}]); put this stock in that one",
                    level=thing(depot.level),
                    place=depot.place,
                    index=str(where[depot.level, depot.place]),
                ),
            )
        where.setdefault((depot.level, depot.place), i)
        posted: list[tuple[tuple[str | int, ...], str, str]] = [
            (("depots", i, "keepers", j), role, _KEEPER) for j, role in enumerate(depot.keepers)
        ]
        if depot.release_by is not None:
            posted.append((("depots", i, "release_by"), depot.release_by, _RELEASE))
        for loc, role_id, what in posted:
            role = s.role(role_id)
            if not _has_post_at(role.level, level):
                yield (
                    loc,
                    words(
                        "depot_role_no_post",
                        f"'{role_id}' is a {role.level.value} role, with no post at "
                        f"{depot.level} '{depot.place}'; a {depot.level} depot's {what} must be "
                        f"{_POSTED_AT[level]}",
                        role=role_id,
                        level=thing(role.level.value),
                        depot_level=thing(depot.level),
                        place=depot.place,
                        what=what,
                        posted=_POSTED_AT[level],
                    ),
                )
        if depot.supplied_by is not None:
            loc = ("depots", i, "supplied_by")
            above = levels[depot.supplied_by]
            if depot.supplied_by == depot.id:
                yield (
                    loc,
                    words(
                        "depot_resupplies_itself",
                        f"depot '{depot.id}' cannot resupply itself",
                        depot=depot.id,
                    ),
                )
            elif level is Level.district:
                yield (
                    loc,
                    words(
                        "district_depot_above",
                        "a district depot has no depot above it; remove supplied_by",
                    ),
                )
            elif above.rank <= level.rank:
                higher = (
                    thing("district")
                    if level is Level.township
                    else words("township_or_district", "township or district")
                )
                yield (
                    loc,
                    words(
                        "resupply_from_above",
                        f"'{depot.supplied_by}' is a {above.value} depot; a {depot.level} depot is "
                        f"resupplied from a higher level: name a {higher} depot",
                        depot=depot.supplied_by,
                        above=thing(above.value),
                        level=thing(depot.level),
                        higher=higher,
                    ),
                )
        parent = network.parent.get(depot.id)
        if depot.restock_lead_time is not None and parent is not None:
            yield (
                ("depots", i, "restock_lead_time"),
                words(
                    "restock_resupplied",
                    f"depot '{depot.id}' is resupplied by '{parent}', so it does not restock "
                    "on its own; remove restock_lead_time (or give it to "
                    f"'{_top(network, depot.id)}', which nobody resupplies)",
                    depot=depot.id,
                    parent=parent,
                    top=_top(network, depot.id),
                ),
            )
        for j, lot in enumerate(depot.stock):
            if lot.stocked_on is not None and lot.stocked_on > today:
                yield (
                    ("depots", i, "stock", j, "stocked_on"),
                    words(
                        "stocked_late",
                        f"stocked on {lot.stocked_on}, after the scenario starts ({today}); "
                        "give the date the stock came in",
                        date=str(lot.stocked_on),
                        start=str(today),
                    ),
                )


def _top(network: SupplyNetwork, point: str) -> str:
    """The depot at the top of ``point``'s resupply chain."""
    seen = [point]
    while (up := network.parent.get(seen[-1])) is not None and up not in seen:
        seen.append(up)
    return seen[-1]

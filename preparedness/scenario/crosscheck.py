"""Cross-reference checks no single field can make: ids exist, chains connect, authority exists.

For teams, supplies and depots (issue 5) they also check that leaders and keepers have a
post where they act, that supplies flow down from higher depots, and that a plan's supply
rules fit its items and teams; the road checks live in ``road_graph.py``.

Each problem is returned as ``(loc, message)`` where ``loc`` is the path into the document
(as pydantic would give it), so the loader can point at the exact line. All problems are
collected; nothing stops at the first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import networkx as nx

from .models import Level, Scenario
from .resources import STANDARDS
from .road_graph import road_problems
from .supply_network import supply_network

Problem = tuple[tuple, str]

#: Posts the engine will build at most; beyond this the scenario is refused before building.
MAX_POSTS = 2_000_000
#: Longest run horizon, in minutes (30 days: the longest reporting window in domain-facts
#: section 1.1, supplementary casualty reports). Nothing in a scenario plays out longer.
MAX_HORIZON = 30 * 1440.0
#: Households one incident may warn. Each costs about 100 bytes of memory per replication
#: and worker (5 million: about 0.5 GB, measured), so larger areas are refused before
#: anything is built; a whole township of a megacity has far fewer.
MAX_WARNED_HOUSEHOLDS = 5_000_000
#: People per post, as ``Role.staff`` allows; a ratio per 1,000 residents must not exceed it
#: either (door-knocking runs one process per person: 100,000 took 28 s and 420 MB).
MAX_STAFF = 10_000
#: Team members called out across all teams at their highest level (each is a process).
MAX_TEAM_MEMBERS = 1_000_000
#: Depots in one scenario, and lots (stock entries) in one depot.
MAX_DEPOTS = 100_000
MAX_LOTS = 10_000


def cross_check(scenario: Scenario) -> list[Problem]:
    """Every cross-reference problem in a scenario that already passed field validation."""
    problems: list[Problem] = [
        *_unique_ids(scenario),
        *_node_names(scenario),
        *_references(scenario),
        *_resource_references(scenario),
    ]
    if problems:
        # A dangling id or a clash makes the chain checks below report the same typo again.
        return problems
    for check in (
        _warning_areas,
        _chain_shape,
        _plans_reachable,
        _size,
        _horizon,
        _warning_size,
        _staff_size,
        _teams,
        _plan_resources,
        _affected,
        _depots,
        road_problems,
        _resource_size,
    ):
        problems.extend(check(scenario))
    return problems


def _unique_ids(s: Scenario) -> Iterator[Problem]:
    groups: list[tuple[str, Iterable[tuple[tuple, str]]]] = [
        ("channel", ((("channels", i, "id"), c.id) for i, c in enumerate(s.channels))),
        ("role", ((("roles", i, "id"), r.id) for i, r in enumerate(s.roles))),
        ("department", ((("departments", i, "id"), d.id) for i, d in enumerate(s.departments))),
        ("plan", ((("plans", i, "id"), p.id) for i, p in enumerate(s.plans))),
        ("incident", ((("incidents", i, "id"), x.id) for i, x in enumerate(s.incidents))),
        ("place", _place_ids(s)),
        ("team", ((("teams", i, "id"), t.id) for i, t in enumerate(s.teams))),
        ("item", ((("items", i, "id"), x.id) for i, x in enumerate(s.items))),
        ("depot", ((("depots", i, "id"), d.id) for i, d in enumerate(s.depots))),
    ]
    for what, items in groups:
        seen: dict[str, tuple] = {}
        for loc, ident in items:
            if ident in seen:
                first = _describe_loc(seen[ident])
                yield loc, f"{what} id '{ident}' is already used by {first}"
            else:
                seen[ident] = loc


def _place_ids(s: Scenario) -> Iterator[tuple[tuple, str]]:
    yield ("places", "district", "id"), s.places.district.id
    for t, township in enumerate(s.places.townships):
        yield ("places", "townships", t, "id"), township.id
        for c, community in enumerate(township.communities):
            yield ("places", "townships", t, "communities", c, "id"), community.id


def _node_names(s: Scenario) -> Iterator[Problem]:
    """Depot and team ids may not be place ids: travel and the supply network name places,
    depots (and a community's own serving point) by id in one name space."""
    places = {ident: loc for loc, ident in _place_ids(s)}
    for what, items in (("depot", s.depots), ("team", s.teams)):
        for i, item in enumerate(items):
            if item.id in places:
                yield (
                    (f"{what}s", i, "id"),
                    (
                        f"{what} id '{item.id}' is already used by "
                        f"{_describe_loc(places[item.id])}; places, depots and teams are named "
                        "on the road map by id, so choose another"
                    ),
                )


def _place_levels(s: Scenario) -> dict[str, Level]:
    levels = {s.places.district.id: Level.district}
    for township in s.places.townships:
        levels[township.id] = Level.township
        for community in township.communities:
            levels[community.id] = Level.community
    return levels


def _describe_loc(loc: tuple) -> str:
    parts = []
    for part in loc[:-1]:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".")


def _references(s: Scenario) -> Iterator[Problem]:
    roles = {r.id for r in s.roles}
    channels = {c.id for c in s.channels}
    departments = {d.id for d in s.departments}
    plans = {p.id for p in s.plans}
    communities = {c.id for t in s.places.townships for c in t.communities}

    for i, link in enumerate(s.command.links):
        yield from _need(link.source, roles, "role", ("command", "links", i, "from"))
        yield from _need(link.target, roles, "role", ("command", "links", i, "to"))
        yield from _need(link.channel, channels, "channel", ("command", "links", i, "channel"))
    for i, channel in enumerate(s.channels):
        for j, outage in enumerate(channel.outages):
            for k, community in enumerate(outage.communities):
                yield from _need(
                    community,
                    communities,
                    "community",
                    ("channels", i, "outages", j, "communities", k),
                )
    kinds = {c.id: c.kind for c in s.channels}
    for i, role in enumerate(s.roles):
        warns = role.warns_households
        if warns is not None and warns.group_message is not None:
            loc = ("roles", i, "warns_households", "group_message")
            yield from _need(warns.group_message, channels, "channel", loc)
            if kinds.get(warns.group_message) in ("phone", "radio", "in_person"):
                yield (
                    loc,
                    (
                        f"'{warns.group_message}' is a {kinds[warns.group_message]} channel; "
                        "households are warned by a group_message, sms or platform channel"
                    ),
                )
        for j, ch in enumerate(role.fallback):
            yield from _need(ch, channels, "channel", ("roles", i, "fallback", j))
        for j, plan in enumerate(role.authority.activate_plans):
            yield from _need(plan, plans, "plan", ("roles", i, "authority", "activate_plans", j))
    for i, dept in enumerate(s.departments):
        for j, role in enumerate(dept.chain):
            yield from _need(role, roles, "role", ("departments", i, "chain", j))
        yield from _need(dept.answers_to, roles, "role", ("departments", i, "answers_to"))
        yield from _need(dept.channel, channels, "channel", ("departments", i, "channel"))
    if s.command.whistle is not None:
        yield from _need(s.command.whistle.by, roles, "role", ("command", "whistle", "by"))
        yield from _need(
            s.command.whistle.channel, channels, "channel", ("command", "whistle", "channel")
        )
    if s.command.joint_centre is not None:
        jc = s.command.joint_centre
        yield from _need(
            jc.commanded_by, roles, "role", ("command", "joint_centre", "commanded_by")
        )
        yield from _need(
            jc.liaison_channel, channels, "channel", ("command", "joint_centre", "liaison_channel")
        )
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.departments):
            yield from _need(
                rule.department,
                departments,
                "department",
                ("plans", i, "departments", j, "department"),
            )
    for i, incident in enumerate(s.incidents):
        yield from _need(
            incident.community, communities, "community", ("incidents", i, "community")
        )
        yield from _need(incident.detected_by, roles, "role", ("incidents", i, "detected_by"))
        yield from _need(incident.plan, plans, "plan", ("incidents", i, "plan"))


def _need(ident: str | None, known: set[str], what: str, loc: tuple) -> Iterator[Problem]:
    if ident is not None and ident not in known:
        yield loc, f"no {what} has id '{ident}'{_suggest(ident, known)}"


def _resource_references(s: Scenario) -> Iterator[Problem]:
    """Ids that teams, plans' teams and supplies, and depots name must exist."""
    roles = {r.id for r in s.roles}
    channels = {c.id for c in s.channels}
    teams = {t.id for t in s.teams}
    items = {x.id for x in s.items}
    depots = {d.id for d in s.depots}
    places = _place_levels(s)
    for i, team in enumerate(s.teams):
        if team.base not in places:
            at_depot = " (a team gathers at a place, not at a depot)" if team.base in depots else ""
            yield (
                ("teams", i, "base"),
                (
                    f"no community, township or district has id '{team.base}'"
                    f"{_suggest(team.base, set(places))}{at_depot}"
                ),
            )
        yield from _need(team.leader, roles, "role", ("teams", i, "leader"))
        for j, role in enumerate(team.activated_by):
            yield from _need(role, roles, "role", ("teams", i, "activated_by", j))
        yield from _need(team.channel, channels, "channel", ("teams", i, "channel"))
        for k, step in enumerate(team.levels):
            for m, other in enumerate(step.teams):
                yield from _need(other, teams, "team", ("teams", i, "levels", k, "teams", m))
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.teams):
            yield from _need(rule.team, teams, "team", ("plans", i, "teams", j, "team"))
        for j, supply in enumerate(plan.supplies):
            yield from _need(supply.item, items, "item", ("plans", i, "supplies", j, "item"))
    for i, depot in enumerate(s.depots):
        kind = places.get(depot.place)
        loc = ("depots", i, "place")
        if kind is None:
            known = {p for p, level in places.items() if level.value == depot.level}
            yield loc, f"no {depot.level} has id '{depot.place}'{_suggest(depot.place, known)}"
        elif kind.value != depot.level:
            yield (
                loc,
                (
                    f"'{depot.place}' is a {kind.value}, but this is a {depot.level} depot; give a "
                    f"{depot.level} id, or make it a {kind.value} depot (level: {kind.value})"
                ),
            )
        for j, role in enumerate(depot.keepers):
            yield from _need(role, roles, "role", ("depots", i, "keepers", j))
        yield from _need(depot.release_by, roles, "role", ("depots", i, "release_by"))
        yield from _need(depot.keeper_channel, channels, "channel", ("depots", i, "keeper_channel"))
        yield from _need(depot.supplied_by, depots, "depot", ("depots", i, "supplied_by"))
        for j, lot in enumerate(depot.stock):
            yield from _need(lot.item, items, "item", ("depots", i, "stock", j, "item"))


def _suggest(ident: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(ident, sorted(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _role_graph(s: Scenario) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(r.id for r in s.roles)
    for link in s.command.links:
        graph.add_edge(link.source, link.target)
    return graph


def _chain_shape(s: Scenario) -> Iterator[Problem]:
    roles = {r.id: r for r in s.roles}
    for i, link in enumerate(s.command.links):
        src, dst = roles.get(link.source), roles.get(link.target)
        if src and dst and dst.level.rank < src.level.rank:
            yield (
                ("command", "links", i, "to"),
                (
                    f"'{link.source}' ({src.level.value}) cannot report to '{link.target}' "
                    f"({dst.level.value}), a lower level; swap 'from' and 'to'"
                ),
            )
        if link.source == link.target:
            yield ("command", "links", i, "to"), f"'{link.source}' cannot report to itself"
    graph = _role_graph(s)
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        names = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        index = next(
            i for i, link in enumerate(s.command.links) if (link.source, link.target) == cycle[0]
        )
        yield ("command", "links", index), f"the reporting chain goes round in a circle: {names}"
    for i, dept in enumerate(s.departments):
        levels = [roles[r].level.rank for r in dept.chain if r in roles]
        if levels != sorted(levels, reverse=True):
            yield (
                ("departments", i, "chain"),
                ("list the chain from the top down (district bureau first, local unit last)"),
            )


def _plans_reachable(s: Scenario) -> Iterator[Problem]:
    """Each incident's report must climb to its plan's top level and meet an activator."""
    roles = {r.id: r for r in s.roles}
    graph = _role_graph(s)
    activators: dict[str, list[str]] = {}
    for role in s.roles:
        for plan in role.authority.activate_plans:
            activators.setdefault(plan, []).append(role.id)
    for i, plan in enumerate(s.plans):
        if not activators.get(plan.id):
            yield (
                ("plans", i, "id"),
                (
                    f"no role may activate plan '{plan.id}'; add it to some role's "
                    "authority.activate_plans"
                ),
            )
        for j, rule in enumerate(plan.notify):
            if rule.level.rank > plan.report_up_to.rank:
                yield (
                    ("plans", i, "notify", j, "level"),
                    (
                        f"the report only goes up to {plan.report_up_to.value} "
                        f"(report_up_to), so it never reaches {rule.level.value}"
                    ),
                )
    plans = {p.id: p for p in s.plans}
    for i, incident in enumerate(s.incidents):
        detector = roles.get(incident.detected_by)
        if detector is None or incident.plan is not None and incident.plan not in plans:
            continue
        if detector.level.rank > Level.community.rank:
            yield (
                ("incidents", i, "detected_by"),
                (
                    f"the detector must work in the community (grid or community level), "
                    f"not at {detector.level.value} level"
                ),
            )
            continue
        plan = s.plan_for(incident)
        if plan is None:
            level = incident.level.value if incident.level else "(no level)"
            yield (
                ("incidents", i, "category"),
                (
                    f"no plan covers {incident.category.value} incidents of level {level}; "
                    "add one to 'plans' or name one with 'plan:'"
                ),
            )
            continue
        if incident.plan is not None and (
            plan.category is not incident.category
            or (incident.level is not None and incident.level not in plan.levels)
        ):
            yield (
                ("incidents", i, "plan"),
                (
                    f"plan '{plan.id}' covers {plan.category.value} incidents of level "
                    f"{', '.join(v.value for v in plan.levels)}, not this one"
                ),
            )
        reachable = nx.descendants(graph, detector.id) | {detector.id}
        top = max((roles[r].level.rank for r in reachable if r in roles), default=-1)
        if top < plan.report_up_to.rank:
            yield (
                ("incidents", i, "detected_by"),
                (
                    f"a report from '{detector.id}' cannot reach {plan.report_up_to.value} level: "
                    "no chain of links leads up from it (check command.links)"
                ),
            )
        holders = [r for r in activators.get(plan.id, []) if r in reachable]
        if activators.get(plan.id) and not holders:
            yield (
                ("incidents", i, "detected_by"),
                (
                    f"a report from '{detector.id}' never reaches anyone who may activate plan "
                    f"'{plan.id}' ({', '.join(activators[plan.id])})"
                ),
            )
        yield from _orders_routable(s, i, plan, holders, graph, roles)


def _orders_routable(s, i, plan, holders, graph, roles) -> Iterator[Problem]:
    departments = {d.id: d for d in s.departments}
    if not holders:
        return
    activator = holders[0]
    for j, rule in enumerate(plan.departments):
        dept = departments.get(rule.department)
        if dept is None or dept.answers_to not in roles:
            continue
        if s.command.mode == "siloed_relay" and dept.answers_to != activator:
            if not nx.has_path(graph, activator, dept.answers_to):
                yield (
                    ("plans", s.plans.index(plan), "departments", j, "department"),
                    (
                        f"under siloed relay the order for '{dept.id}' must go from "
                        f"'{activator}' up "
                        f"to '{dept.answers_to}', but no chain of links leads there"
                    ),
                )


def _size(s: Scenario) -> Iterator[Problem]:
    posts = 0
    communities = [c for t in s.places.townships for c in t.communities]
    for i, role in enumerate(s.roles):
        if role.level is Level.building:
            posts += sum(c.buildings for c in communities)
            where = "the communities' buildings"
        elif role.level is Level.grid and role.per_1000_residents is None:
            posts += sum(c.grid_cells for c in communities)
            where = "the communities' grid_cells"
        elif role.level in (Level.grid, Level.community):
            posts += len(communities)
            where = "the number of communities"
        else:
            posts += len(s.places.townships) if role.level is Level.township else 1
            where = "the number of townships"
        if posts > MAX_POSTS:
            yield (
                ("roles", i, "level"),
                (
                    f"the scenario would build more than {MAX_POSTS:,} posts; lower {where} "
                    "or move this role up a level"
                ),
            )
            return


def _horizon(s: Scenario) -> Iterator[Problem]:
    if s.horizon > MAX_HORIZON:
        yield ("horizon",), (f"a run may last at most {MAX_HORIZON / 1440:g} days; lower horizon")


def _warning_areas(s: Scenario) -> Iterator[Problem]:
    """Areas listed in a plan's warning name real communities, cells and buildings."""
    communities = {c.id: c for t in s.places.townships for c in t.communities}
    for i, plan in enumerate(s.plans):
        if plan.warn is None or isinstance(plan.warn.area, str):
            continue
        for j, part in enumerate(plan.warn.area):
            loc = ("plans", i, "warn", "area", j)
            name = part if isinstance(part, str) else part.community
            community = communities.get(name)
            if community is None:
                yield (loc if isinstance(part, str) else (*loc, "community"),
                       f"no community '{name}'{_suggest(name, set(communities))}")
                continue
            if isinstance(part, str):
                continue
            for field, count in (("grid_cells", community.grid_cells),
                                 ("buildings", community.buildings)):
                for k, number in enumerate(getattr(part, field) or []):
                    if number > count:
                        yield ((*loc, field, k),
                               f"{community.id} has {count} {field.replace('_', ' ')}; "
                               f"there is no number {number}")


def _warning_size(s: Scenario) -> Iterator[Problem]:
    """Households an incident's warning covers must fit in memory (MAX_WARNED_HOUSEHOLDS)."""
    plans = {p.id: (i, p) for i, p in enumerate(s.plans)}
    for township in s.places.townships:
        for community in township.communities:
            for incident in s.incidents:
                if incident.community != community.id:
                    continue
                plan = s.plan_for(incident) if incident.plan in (None, *plans) else None
                if plan is None or plan.warn is None:
                    continue
                township_wide = plan.warn.area == "township"
                listed = [p if isinstance(p, str) else p.community for p in plan.warn.area] \
                    if isinstance(plan.warn.area, list) else None
                area = (township.communities if township_wide else
                        [c for t in s.places.townships for c in t.communities if c.id in listed]
                        if listed is not None else [community])
                households = sum(c.households for c in area)
                if households > MAX_WARNED_HOUSEHOLDS:
                    where = (
                        f"township '{township.id}'"
                        if township_wide
                        else f"community '{community.id}'"
                    )
                    yield (
                        ("plans", plans[plan.id][0], "warn", "area"),
                        (
                            f"incident '{incident.id}' would warn {households:,} households in "
                            f"{where}; at most {MAX_WARNED_HOUSEHOLDS:,} fit in memory: lower the "
                            "communities' households"
                            + ("" if not township_wide else " or warn the incident_community only")
                        ),
                    )


def _staff_size(s: Scenario) -> Iterator[Problem]:
    """Staff from a ratio per 1,000 residents (as ``World._staff`` computes it) stays in bounds."""
    for i, role in enumerate(s.roles):
        if role.per_1000_residents is None:
            continue
        for t, township in enumerate(s.places.townships):
            for c, community in enumerate(township.communities):
                ratio = community.staff_per_1000.get(role.id, role.per_1000_residents)
                staff = math.ceil(community.population / 1000 * ratio)
                if staff <= MAX_STAFF:
                    continue
                own = role.id in community.staff_per_1000
                loc = (
                    ("places", "townships", t, "communities", c, "staff_per_1000", role.id)
                    if own
                    else ("roles", i, "per_1000_residents")
                )
                yield (
                    loc,
                    (
                        f"{ratio:g} per 1,000 residents gives community '{community.id}' "
                        f"{staff:,} {role.id} staff on one post; at most {MAX_STAFF:,}: lower "
                        + ("its staff_per_1000" if own else "per_1000_residents")
                    ),
                )
                return


# ----------------------------------------------------------------------------- teams, supplies

#: The levels whose roles have a post at each kind of place (a higher post serves the places
#: below it; a grid or building post serves no community, township or district as a whole).
_POSTED_AT = {
    Level.community: "a community, township or district role",
    Level.township: "a township or district role",
    Level.district: "a district role",
}


def _has_post_at(level: Level, place: Level) -> bool:
    return level.rank >= max(place.rank, Level.community.rank)


def _teams(s: Scenario) -> Iterator[Problem]:
    """Leaders can be posted at the base; teams call out other teams, never in a circle."""
    places = _place_levels(s)
    for i, team in enumerate(s.teams):
        leader = s.role(team.leader)
        base = places[team.base]
        if leader.level.rank < Level.community.rank:
            yield (
                ("teams", i, "leader"),
                (
                    f"leader must be a community, township or district role; '{leader.id}' is a "
                    f"{leader.level.value} role"
                ),
            )
        elif not _has_post_at(leader.level, base):
            yield (
                ("teams", i, "leader"),
                (
                    f"'{leader.id}' is a {leader.level.value} role, with no post at {base.value} "
                    f"'{team.base}'; the leader of a team based there must be {_POSTED_AT[base]}"
                ),
            )
        for k, step in enumerate(team.levels):
            for m, other in enumerate(step.teams):
                if other == team.id:
                    yield (
                        ("teams", i, "levels", k, "teams", m),
                        f"team '{team.id}' cannot call itself out",
                    )
    graph = nx.DiGraph()
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
    yield calls[cycle[0]], f"teams call each other out in a circle: {names}"


def _plan_resources(s: Scenario) -> Iterator[Problem]:
    """Plans dispatch teams at levels they have and hand out supplies by rules that fit."""
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.teams):
            team = s.team(rule.team)
            if rule.level > len(team.levels):
                count = len(team.levels)
                yield (
                    ("plans", i, "teams", j, "level"),
                    (
                        f"team '{team.id}' has {count} mobilisation "
                        f"level{'s' if count != 1 else ''}; level must be at most {count}"
                    ),
                )
        has_task = any(rule.task is not None for rule in plan.teams)
        first: dict[str, int] = {}
        for j, supply in enumerate(plan.supplies):
            loc = ("plans", i, "supplies", j)
            if supply.item in first:
                yield (
                    (*loc, "item"),
                    (
                        f"item '{supply.item}' already has a rule in this plan "
                        f"(supplies[{first[supply.item]}]); give each item one rule"
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
                        (
                            f"'{standard}' counts {unit} ({amount:g} {unit} per person per "
                            f"day), but item '{item.id}' is counted in {item.unit}; say what one "
                            f"{item.unit} holds: give the item "
                            f"'contains: {{amount: {amount:g}, of: {unit}}}' with its own amount"
                        ),
                    )
            if supply.per_task_unit is not None and not has_task:
                yield (
                    (*loc, "per_task_unit"),
                    (
                        "per_task_unit needs a team task to count units of, but none of this "
                        "plan's teams has a 'task'; give one a task or use another rule"
                    ),
                )


def _affected(s: Scenario) -> Iterator[Problem]:
    """The people an incident affects live in its community; per-person supplies need them."""
    population = {c.id: c.population for t in s.places.townships for c in t.communities}
    for i, incident in enumerate(s.incidents):
        affected = incident.affected
        community = incident.community
        if affected is not None:
            if affected.people > population[community]:
                yield (
                    ("incidents", i, "affected", "people"),
                    (
                        f"{affected.people:,} people cannot be affected in '{community}', "
                        f"which has {population[community]:,} residents"
                    ),
                )
            if affected.max_people is not None and affected.max_people > population[community]:
                yield (
                    ("incidents", i, "affected", "max_people"),
                    (
                        f"max_people ({affected.max_people:,}) cannot exceed the population of "
                        f"'{community}' ({population[community]:,})"
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
                (
                    f"plan '{plan.id}' hands out supplies per person per day; say how many people "
                    "this incident affects, e.g. 'affected: {people: 300}'"
                ),
            )


def _depots(s: Scenario) -> Iterator[Problem]:
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
                (
                    f"there is already a {depot.level} depot at '{depot.place}' "
                    f"(depots[{where[depot.level, depot.place]}]); put this stock in that one"
                ),
            )
        where.setdefault((depot.level, depot.place), i)
        posted = [
            (("depots", i, "keepers", j), role, "keeper") for j, role in enumerate(depot.keepers)
        ]
        if depot.release_by is not None:
            posted.append((("depots", i, "release_by"), depot.release_by, "release authority"))
        for loc, role_id, what in posted:
            role = s.role(role_id)
            if not _has_post_at(role.level, level):
                yield (
                    loc,
                    (
                        f"'{role_id}' is a {role.level.value} role, with no post at "
                        f"{depot.level} '{depot.place}'; a {depot.level} depot's {what} must be "
                        f"{_POSTED_AT[level]}"
                    ),
                )
        if depot.supplied_by is not None:
            loc = ("depots", i, "supplied_by")
            above = levels[depot.supplied_by]
            if depot.supplied_by == depot.id:
                yield loc, f"depot '{depot.id}' cannot resupply itself"
            elif level is Level.district:
                yield loc, "a district depot has no depot above it; remove supplied_by"
            elif above.rank <= level.rank:
                higher = "district" if level is Level.township else "township or district"
                yield (
                    loc,
                    (
                        f"'{depot.supplied_by}' is a {above.value} depot; a {depot.level} depot is "
                        f"resupplied from a higher level: name a {higher} depot"
                    ),
                )
        parent = network.parent.get(depot.id)
        if depot.restock_lead_time is not None and parent is not None:
            yield (
                ("depots", i, "restock_lead_time"),
                (
                    f"depot '{depot.id}' is resupplied by '{parent}', so it does not restock "
                    "on its own; remove restock_lead_time (or give it to "
                    f"'{_top(network, depot.id)}', which nobody resupplies)"
                ),
            )
        for j, lot in enumerate(depot.stock):
            if lot.stocked_on is not None and lot.stocked_on > today:
                yield (
                    ("depots", i, "stock", j, "stocked_on"),
                    (
                        f"stocked on {lot.stocked_on}, after the scenario starts ({today}); "
                        "give the date the stock came in"
                    ),
                )


def _top(network, point: str) -> str:
    """The depot at the top of ``point``'s resupply chain."""
    seen = [point]
    while (up := network.parent.get(seen[-1])) is not None and up not in seen:
        seen.append(up)
    return seen[-1]


def _resource_size(s: Scenario) -> Iterator[Problem]:
    """Teams, depots and lots stay within what one replication can hold."""
    members = 0
    for i, team in enumerate(s.teams):
        members += team.members_up_to(len(team.levels))
        if members > MAX_TEAM_MEMBERS:
            yield (
                ("teams", i, "levels"),
                (
                    f"the teams would call out more than {MAX_TEAM_MEMBERS:,} members in all; "
                    "lower levels[].members"
                ),
            )
            break
    if len(s.depots) > MAX_DEPOTS:
        yield ("depots",), f"{len(s.depots):,} depots; a scenario may have at most {MAX_DEPOTS:,}"
    for i, depot in enumerate(s.depots):
        if len(depot.stock) > MAX_LOTS:
            yield (
                ("depots", i, "stock"),
                (
                    f"{len(depot.stock):,} lots; a depot may hold at most {MAX_LOTS:,}: merge lots "
                    "of one item stocked on the same date"
                ),
            )

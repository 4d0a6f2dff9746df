"""Cross-reference checks no single field can make: ids exist, chains connect, authority exists.

Each problem is returned as ``(loc, message)`` where ``loc`` is the path into the document
(as pydantic would give it), so the loader can point at the exact line. All problems are
collected; nothing stops at the first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import networkx as nx

from .models import Level, Scenario

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


def cross_check(scenario: Scenario) -> list[Problem]:
    """Every cross-reference problem in a scenario that already passed field validation."""
    problems: list[Problem] = [*_unique_ids(scenario), *_references(scenario)]
    if problems:
        # A dangling id or a clash makes the chain checks below report the same typo again.
        return problems
    for check in (_chain_shape, _plans_reachable, _size, _horizon, _warning_size, _staff_size):
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

    def need(ident: str | None, known: set[str], what: str, loc: tuple) -> Iterator[Problem]:
        if ident is not None and ident not in known:
            yield loc, f"no {what} has id '{ident}'{_suggest(ident, known)}"

    for i, link in enumerate(s.command.links):
        yield from need(link.source, roles, "role", ("command", "links", i, "from"))
        yield from need(link.target, roles, "role", ("command", "links", i, "to"))
        yield from need(link.channel, channels, "channel", ("command", "links", i, "channel"))
    for i, channel in enumerate(s.channels):
        for j, outage in enumerate(channel.outages):
            for k, community in enumerate(outage.communities):
                yield from need(
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
            yield from need(warns.group_message, channels, "channel", loc)
            if kinds.get(warns.group_message) in ("phone", "radio", "in_person"):
                yield (
                    loc,
                    (
                        f"'{warns.group_message}' is a {kinds[warns.group_message]} channel; "
                        "households are warned by a group_message, sms or platform channel"
                    ),
                )
        for j, ch in enumerate(role.fallback):
            yield from need(ch, channels, "channel", ("roles", i, "fallback", j))
        for j, plan in enumerate(role.authority.activate_plans):
            yield from need(plan, plans, "plan", ("roles", i, "authority", "activate_plans", j))
    for i, dept in enumerate(s.departments):
        for j, role in enumerate(dept.chain):
            yield from need(role, roles, "role", ("departments", i, "chain", j))
        yield from need(dept.answers_to, roles, "role", ("departments", i, "answers_to"))
        yield from need(dept.channel, channels, "channel", ("departments", i, "channel"))
    if s.command.whistle is not None:
        yield from need(s.command.whistle.by, roles, "role", ("command", "whistle", "by"))
        yield from need(
            s.command.whistle.channel, channels, "channel", ("command", "whistle", "channel")
        )
    if s.command.joint_centre is not None:
        jc = s.command.joint_centre
        yield from need(jc.commanded_by, roles, "role", ("command", "joint_centre", "commanded_by"))
        yield from need(
            jc.liaison_channel, channels, "channel", ("command", "joint_centre", "liaison_channel")
        )
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.departments):
            yield from need(
                rule.department,
                departments,
                "department",
                ("plans", i, "departments", j, "department"),
            )
    for i, incident in enumerate(s.incidents):
        yield from need(incident.community, communities, "community", ("incidents", i, "community"))
        yield from need(incident.detected_by, roles, "role", ("incidents", i, "detected_by"))
        yield from need(incident.plan, plans, "plan", ("incidents", i, "plan"))


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
                area = township.communities if township_wide else [community]
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

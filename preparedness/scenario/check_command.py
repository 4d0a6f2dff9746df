"""Command-graph checks: chains run upward without circles, every incident's report reaches
its plan's top level and someone who may activate the plan, orders can be routed, and a
plan's warning names real communities, grid cells and buildings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .command import MODE_RULES
from .diagnostics import Problem, did_you_mean
from .models import Level, Plan, Scenario
from .role_graph import RoleGraph
from .wording import thing, words

__all__ = ["check_chain_shape", "check_plans_reachable", "check_warning_areas"]


def _role_graph(s: Scenario) -> RoleGraph:
    return RoleGraph((r.id for r in s.roles), ((k.source, k.target) for k in s.command.links))


def check_chain_shape(s: Scenario) -> Iterator[Problem]:
    roles = {r.id: r for r in s.roles}
    for i, link in enumerate(s.command.links):
        src, dst = roles.get(link.source), roles.get(link.target)
        if src and dst and dst.level.rank < src.level.rank:
            yield (
                ("command", "links", i, "to"),
                words(
                    "report_downward",
                    f"'{link.source}' ({src.level.value}) cannot report to '{link.target}' "
                    f"({dst.level.value}), a lower level; swap 'from' and 'to'",
                    source=link.source,
                    source_level=thing(src.level.value),
                    target=link.target,
                    target_level=thing(dst.level.value),
                ),
            )
        if link.source == link.target:
            yield (
                ("command", "links", i, "to"),
                words(
                    "report_to_itself", f"'{link.source}' cannot report to itself", role=link.source
                ),
            )
    cycle = _role_graph(s).find_cycle()
    if cycle:
        names = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        index = next(
            i for i, link in enumerate(s.command.links) if (link.source, link.target) == cycle[0]
        )
        yield (
            ("command", "links", index),
            words(
                "reporting_circle",
                f"the reporting chain goes round in a circle: {names}",
                names=names,
            ),
        )
    for i, dept in enumerate(s.departments):
        levels = [roles[r].level.rank for r in dept.chain if r in roles]
        if levels != sorted(levels, reverse=True):
            yield (
                ("departments", i, "chain"),
                words(
                    "chain_top_down",
                    "list the chain from the top down (district bureau first, local unit last)",
                ),
            )


def check_plans_reachable(s: Scenario) -> Iterator[Problem]:
    """Each incident's report must climb to its plan's top level and meet an activator."""
    roles = {r.id: r for r in s.roles}
    graph = _role_graph(s)
    activators: dict[str, list[str]] = {}
    for role in s.roles:
        for plan_id in role.authority.activate_plans:
            activators.setdefault(plan_id, []).append(role.id)
    plan: Plan | None  # each plan in turn, then the plan each incident follows
    for i, plan in enumerate(s.plans):
        if not activators.get(plan.id):
            yield (
                ("plans", i, "id"),
                words(
                    "no_activator",
                    f"no role may activate plan '{plan.id}'; add it to some role's "
                    "authority.activate_plans",
                    plan=plan.id,
                ),
            )
        for j, rule in enumerate(plan.notify):
            if rule.level.rank > plan.report_up_to.rank:
                yield (
                    ("plans", i, "notify", j, "level"),
                    words(
                        "notify_above_report",
                        f"the report only goes up to {plan.report_up_to.value} "
                        f"(report_up_to), so it never reaches {rule.level.value}",
                        top=thing(plan.report_up_to.value),
                        level=thing(rule.level.value),
                    ),
                )
    plans = {p.id: p for p in s.plans}
    for i, incident in enumerate(s.incidents):
        detector = roles.get(incident.detected_by)
        if detector is None or incident.plan is not None and incident.plan not in plans:
            continue
        if incident.community is not None and detector.level.rank > Level.community.rank:
            yield (
                ("incidents", i, "detected_by"),
                words(
                    "detector_level",
                    f"the detector must work in the community (grid or community level), "
                    f"not at {detector.level.value} level",
                    level=thing(detector.level.value),
                ),
            )
            continue
        plan = s.plan_for(incident)
        if plan is None:
            level = incident.level.value if incident.level else words("no_level", "(no level)")
            yield (
                ("incidents", i, "category"),
                words(
                    "no_plan_covers",
                    f"no plan covers {incident.category.value} incidents of level {level}; "
                    "add one to 'plans' or name one with 'plan:'",
                    category=incident.category.value,
                    level=level,
                ),
            )
            continue
        if incident.plan is not None and (
            plan.category is not incident.category
            or (incident.level is not None and incident.level not in plan.levels)
        ):
            yield (
                ("incidents", i, "plan"),
                words(
                    "plan_does_not_cover",
                    f"plan '{plan.id}' covers {plan.category.value} incidents of level "
                    f"{', '.join(v.value for v in plan.levels)}, not this one",
                    plan=plan.id,
                    category=plan.category.value,
                    levels=", ".join(v.value for v in plan.levels),
                ),
            )
        reachable = graph.reachable(detector.id)
        top = max((roles[r].level.rank for r in reachable if r in roles), default=-1)
        if top < plan.report_up_to.rank:
            yield (
                ("incidents", i, "detected_by"),
                words(
                    "report_cannot_reach",
                    f"a report from '{detector.id}' cannot reach {plan.report_up_to.value} level: "
                    "no chain of links leads up from it (check command.links)",
                    role=detector.id,
                    level=thing(plan.report_up_to.value),
                ),
            )
        holders = [r for r in activators.get(plan.id, []) if r in reachable]
        if activators.get(plan.id) and not holders:
            yield (
                ("incidents", i, "detected_by"),
                words(
                    "report_misses_activator",
                    f"a report from '{detector.id}' never reaches anyone who may activate plan "
                    f"'{plan.id}' ({', '.join(activators[plan.id])})",
                    role=detector.id,
                    plan=plan.id,
                    activators=", ".join(activators[plan.id]),
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
        if MODE_RULES[s.command.mode].orders_climb and dept.answers_to != activator:
            if not graph.has_path(activator, dept.answers_to):
                mode = words(f"mode_{s.command.mode}", s.command.mode.replace("_", " "))
                yield (
                    ("plans", s.plans.index(plan), "departments", j, "department"),
                    words(
                        "order_unroutable",
                        f"under {mode} the order for '{dept.id}' "
                        f"must go from '{activator}' up to '{dept.answers_to}', "
                        "but no chain of links leads there",
                        mode=mode,
                        department=dept.id,
                        activator=activator,
                        target=dept.answers_to,
                    ),
                )


def check_warning_areas(s: Scenario) -> Iterator[Problem]:
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
                yield (
                    loc if isinstance(part, str) else (*loc, "community"),
                    _no_community(name, communities),
                )
                continue
            if isinstance(part, str):
                continue
            for field, count in (
                ("grid_cells", community.grid_cells),
                ("buildings", community.buildings),
            ):
                for k, number in enumerate(getattr(part, field) or []):
                    if number > count:
                        yield (
                            (*loc, field, k),
                            words(
                                f"no_such_{field}",
                                f"{community.id} has {count} {field.replace('_', ' ')}; "
                                f"there is no number {number}",
                                community=community.id,
                                count=str(count),
                                number=str(number),
                            ),
                        )


def _no_community(name: str, communities: Iterable[str]) -> str:
    hint = did_you_mean(name, communities)
    return words("no_community", f"no community '{name}'{hint}", name=name, hint=hint)

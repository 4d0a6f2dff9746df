"""Located warnings for scenarios that are valid but almost surely not what the planner meant.

The loader refuses what cannot run; these checks flag what runs but answers a question
nobody asked: a fallback that retries the channel that just failed, a coverage deadline for
households no channel of the warning reaches, deadlines that fall after the end of the run,
a role that takes part in nothing, a depot no plan draws on, and a cohort with no
households whose T90 would read "never reached". Each is a ``Diagnostic`` with severity
"warning", located like the loader's errors (``file:line:col: warning: field: message``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic, format_field_path, locate
from .durations import format_duration
from .models import Community, Level, Plan, Scenario
from .supply_network import supply_network
from .wording import thing
from .wording import words as worded
from .yaml_source import YamlDocument

__all__ = ["scenario_warnings"]

Problem = tuple[tuple[Any, ...], str]

_COHORT_WORDS = {
    "smartphone": worded("cohort_smartphone", "smartphone users"),
    "without_smartphone": worded("cohort_without_smartphone", "households without smartphones"),
}


def scenario_warnings(scenario: Scenario, source: YamlDocument) -> list[Diagnostic]:
    """Every warning for a scenario the loader accepted, sorted by position in the file."""
    problems = [
        *_fallback_repeats_channel(scenario),
        *_unreachable_cohorts(scenario),
        *_deadlines_after_run(scenario),
        *_roles_in_no_chain(scenario),
        *_idle_depots(scenario),
    ]
    diagnostics = []
    for loc, message in problems:
        line, column, _exact = locate(source.root, loc)
        diagnostics.append(
            Diagnostic(
                source.file, line, column, format_field_path(loc, source.root), message, "warning"
            )
        )
    return sorted(diagnostics, key=lambda d: (d.line, d.column, d.message))


def _fallback_repeats_channel(scenario: Scenario) -> Iterator[Problem]:
    """``fallback: [phone]`` on a role whose link is the phone: the fallback is the same call.

    Only when the fallback offers that link no other channel: ``[phone, wechat]`` on a phone
    link still falls back to the group (the engine skips the repeat)."""
    for i, role in enumerate(scenario.roles):
        for link in scenario.command.links:
            if link.source != role.id or link.channel is None:
                continue
            if not role.fallback or any(c != link.channel for c in role.fallback):
                continue
            yield (
                ("roles", i, "fallback", role.fallback.index(link.channel)),
                worded(
                    "fallback_repeats",
                    f"fallback repeats `{link.channel}`, the channel of this role's link to "
                    f"`{link.target}`: a message that fails on that link has no other channel "
                    "to fall back to",
                    channel=link.channel,
                    target=link.target,
                ),
            )
            break


def _sizes(community: Community) -> dict[str, int]:
    without = round(community.households * community.share_without_smartphone)
    return {"smartphone": community.households - without, "without_smartphone": without}


def _communities(scenario: Scenario) -> dict[str, tuple[tuple[Any, ...], Community, str]]:
    """Community id -> (its loc, the community, its township id)."""
    out = {}
    for t, township in enumerate(scenario.places.townships):
        for c, community in enumerate(township.communities):
            out[community.id] = (
                ("places", "townships", t, "communities", c),
                community,
                township.id,
            )
    return out


def _warning_area(scenario: Scenario, plan: Plan, community: str) -> list[str]:
    assert plan.warn is not None
    area = plan.warn.area
    places = _communities(scenario)
    if area == "incident_community":
        return [community]
    if area == "township":
        township = places[community][2] if community in places else None
        return [c for c, (_, _, t) in places.items() if t == township]
    ids = [part if isinstance(part, str) else part.community for part in area]
    return list(dict.fromkeys(ids))


def _reached_cohorts(scenario: Scenario) -> set[str]:
    """Cohorts some role's way of warning households can reach at all."""
    cohorts: set[str] = set()
    for role in scenario.roles:
        warns = role.warns_households
        if warns is None:
            continue
        if warns.group_message is not None:
            channel = scenario.channel(warns.group_message)
            if getattr(channel, "never_read_share", 0.0) < 1.0:
                cohorts.add("smartphone")
        if warns.loudspeaker is not None and warns.loudspeaker.heard_share > 0:
            cohorts.update(_COHORT_WORDS)
        if warns.door_knocking is not None and warns.door_knocking.nobody_home < 1.0:
            cohorts.add("without_smartphone")
            if warns.door_knocking.cohorts == "all":
                cohorts.add("smartphone")
    return cohorts


def _unreachable_cohorts(scenario: Scenario) -> Iterator[Problem]:
    """A coverage deadline over households no channel reaches, and cohorts with no one in
    them (their T90 and T100 would read "never reached")."""
    places = _communities(scenario)
    reached = _reached_cohorts(scenario)
    seen: set[tuple[str, str, str]] = set()
    plans = {plan.id: i for i, plan in enumerate(scenario.plans)}
    for incident in scenario.incidents:
        plan = scenario.plan_for(incident)
        if plan is None or plan.warn is None or incident.community is None:
            continue
        p = plans[plan.id]
        area = [c for c in _warning_area(scenario, plan, incident.community) if c in places]
        totals = {cohort: 0 for cohort in _COHORT_WORDS}
        for community in area:
            for cohort, count in _sizes(places[community][1]).items():
                totals[cohort] += count
        for cohort, words in _COHORT_WORDS.items():
            key = (plan.id, incident.community, cohort)
            if key in seen:
                continue
            seen.add(key)
            if totals[cohort] > 0 and cohort not in reached and plan.warn.within is not None:
                share = str(round(plan.warn.coverage * 100))
                within = format_duration(plan.warn.within)
                people = f"{totals[cohort]:,}"
                yield (
                    ("plans", p, "warn", "within"),
                    worded(
                        "cohort_unreached",
                        f"the warning must reach {share}% of households "
                        f"within {within}, but no channel of the "
                        f"warning reaches the {people} {words} in the area of "
                        f"incident `{incident.id}`",
                        share=share,
                        within=within,
                        count=people,
                        cohort=words,
                        incident=incident.id,
                    ),
                )
            if totals[cohort] == 0:
                yield (
                    ("plans", p, "warn"),
                    worded(
                        "cohort_empty",
                        f"the warning area of incident `{incident.id}` has no {words}: their "
                        "T90 and T100 would be reported as never reached",
                        incident=incident.id,
                        cohort=words,
                    ),
                )


def _deadlines(plan: Plan) -> Iterator[tuple[tuple[Any, ...], float, str]]:
    """(loc under the plan, minutes, words) of every deadline the plan sets."""
    if plan.activate_within is not None:
        yield ("activate_within",), plan.activate_within, "activate within"
    for i, rule in enumerate(plan.notify):
        yield ("notify", i, "within"), rule.within, f"notify {rule.level.value} within"
    for i, dept in enumerate(plan.departments):
        if dept.ordered_within is not None:
            yield (
                ("departments", i, "ordered_within"),
                dept.ordered_within,
                f"order {dept.department} within",
            )
        if dept.report_in_within is not None:
            yield (
                ("departments", i, "report_in_within"),
                dept.report_in_within,
                f"{dept.department} report in within",
            )
    if plan.warn is not None and plan.warn.within is not None:
        yield ("warn", "within"), plan.warn.within, "warn within"
    for i, team in enumerate(plan.teams):
        if team.on_scene_within is not None:
            yield (
                ("teams", i, "on_scene_within"),
                team.on_scene_within,
                f"{team.team} on scene within",
            )
    for i, supply in enumerate(plan.supplies):
        if supply.first_within is not None:
            yield (
                ("supplies", i, "first_within"),
                supply.first_within,
                f"deliver {supply.item} within",
            )


def _deadlines_after_run(scenario: Scenario) -> Iterator[Problem]:
    """A plan deadline longer than the incident's observation window: never checked."""
    for i, incident in enumerate(scenario.incidents):
        plan = scenario.plan_for(incident)
        if plan is None:
            continue
        observed = scenario.observed_for(incident)
        late = [(words, minutes) for _, minutes, words in _deadlines(plan) if minutes > observed]
        if not late:
            continue
        words, minutes = max(late, key=lambda item: item[1])
        more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
        if len(late) > 1:
            more = worded("deadlines_more", more, count=str(len(late) - 1))
        own = incident.observe_for is not None
        by = (
            worded("by_observe_for", "its observe_for")
            if own
            else worded("by_horizon", "the horizon")
        )
        observed_for, deadline = format_duration(observed), f"{words} {format_duration(minutes)}"
        yield (
            ("incidents", i, "observe_for") if own else ("horizon",),
            worded(
                "deadline_after_run",
                f"incident `{incident.id}` is observed for {observed_for} from its "
                f"start ({by}), so its plan's deadline "
                f"`{deadline}`{more} falls after the end of its "
                "observation: it can only be missed",
                incident=incident.id,
                observed=observed_for,
                by=by,
                deadline=deadline,
                more=more,
            ),
        )


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _roles_in_no_chain(scenario: Scenario) -> Iterator[Problem]:
    """A role nothing names (no link, department chain, incident, plan, team or depot)."""
    dumped = scenario.model_dump(mode="json", exclude={"roles", "interventions"})
    named = set(_strings(dumped))
    for i, role in enumerate(scenario.roles):
        if role.id not in named:
            yield (
                ("roles", i, "id"),
                worded(
                    "role_in_no_chain",
                    f"role `{role.id}` is in no chain: no link, department, incident, team or "
                    "depot names it, so it never takes part in a run",
                    role=role.id,
                ),
            )


def _idle_depots(scenario: Scenario) -> Iterator[Problem]:
    """A depot no incident's plan draws on, directly or by resupplying or lending."""
    if not scenario.depots:
        return
    network = supply_network(scenario)
    used: set[str] = set()
    for incident in scenario.incidents:
        plan = scenario.plan_for(incident)
        if plan is None or not plan.supplies or incident.community is None:
            continue
        for point in network.chain(incident.community):
            used.add(point)
            used.update(network.neighbours(point))
    for i, depot in enumerate(scenario.depots):
        if depot.id not in used:
            level = depot.level.value if isinstance(depot.level, Level) else str(depot.level)
            yield (
                ("depots", i, "id"),
                worded(
                    "idle_depot",
                    f"no plan draws on depot `{depot.id}` ({level} depot at `{depot.place}`): "
                    "no incident with `supplies:` is served through it, so its stock never moves",
                    depot=depot.id,
                    level=thing(level),
                    place=depot.place,
                ),
            )

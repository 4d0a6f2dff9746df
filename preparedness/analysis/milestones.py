"""Milestones of each incident, read off a trace: when it was detected, reported, ordered, ...

Pure functions of a ``Trace`` and the scenario (no SimPy), so the same code reads a real
drill log once it is turned into a trace. Times are minutes from the incident's start.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..engine.command_modes import mode_named
from ..engine.trace import EventKind, Trace
from ..scenario.durations import format_duration
from ..scenario.models import Incident, Level, Scenario
from ..scenario.supply_network import supply_network
from .callouts import CALLOUT_PERCENTS, callout_outcomes

LEVEL_LABELS = {
    "grid": "grid cell",
    "community": "community",
    "township": "township",
    "district": "district",
    "city": "city",
}


@dataclass(frozen=True)
class MilestoneDef:
    """A milestone a planner cares about, with the plan deadline it is held to (if any)."""

    id: str
    label: str
    deadline: float | None = None
    deadline_rule: str = ""


@dataclass(frozen=True)
class Reached:
    """When a milestone was reached (minutes from incident start) and by which trace event."""

    time: float
    event_id: int


def milestone_definitions(scenario: Scenario, incident: Incident) -> list[MilestoneDef]:
    """Every milestone of an incident, in the order a planner reads them."""
    plan = scenario.plan_for(incident)
    defs = [MilestoneDef("detected", "Incident detected")]
    notify = {rule.level: rule.within for rule in plan.notify} if plan else {}
    for level in report_levels(scenario, incident):
        deadline = notify.get(level)
        defs.append(
            MilestoneDef(
                f"report:{level.value}",
                f"Report reaches the {LEVEL_LABELS[level.value]}",
                deadline,
                _rule(plan, f"notify {level.value} within", deadline),
            )
        )
    if plan is None:
        return defs
    defs.append(
        MilestoneDef(
            "plan_activated",
            f"Plan '{plan.name}' activated",
            plan.activate_within,
            _rule(plan, "activate within", plan.activate_within),
        )
    )
    if plan.callout is not None:
        defs.extend(callout_definitions())
    if plan.warn is not None:
        defs.extend(warning_definitions(plan))
    if mode_named(scenario.command.mode).convenes_centre:
        defs.append(MilestoneDef("centre_active", "Joint command centre active"))
    defs.extend(team_definitions(scenario, plan))
    defs.extend(supply_definitions(scenario, plan, incident))
    for rule in plan.departments:
        name = scenario.department(rule.department).name
        defs.append(
            MilestoneDef(
                f"ordered:{rule.department}",
                f"{name} ordered",
                rule.ordered_within,
                _rule(plan, "order within", rule.ordered_within),
            )
        )
        defs.append(
            MilestoneDef(
                f"reported_in:{rule.department}",
                f"{name} reported in",
                rule.report_in_within,
                _rule(plan, "report in within", rule.report_in_within),
            )
        )
    return defs


def required_teams(scenario: Scenario, plan) -> list[str]:
    """Teams a plan sends: each rule's team, then the teams its mobilisation level adds."""
    teams: list[str] = []
    for rule in plan.teams:
        for team_id in [rule.team, *scenario.team(rule.team).teams_up_to(rule.level)]:
            if team_id not in teams:
                teams.append(team_id)
    return teams


def team_definitions(scenario: Scenario, plan) -> list[MilestoneDef]:
    if not plan.teams:
        return []
    defs = [MilestoneDef("team_on_scene:first", "First team on scene")]
    deadlines = {rule.team: rule.on_scene_within for rule in plan.teams}
    for team_id in required_teams(scenario, plan):
        deadline = deadlines.get(team_id)
        defs.append(
            MilestoneDef(
                f"on_scene:{team_id}",
                f"{scenario.team(team_id).name} on scene",
                deadline,
                _rule(plan, "on scene within", deadline),
            )
        )
    defs.append(MilestoneDef("team_on_scene:all", "All required teams on scene"))
    if any(rule.task is not None for rule in plan.teams):
        defs.append(MilestoneDef("controlled", "Every task done (incident under control)"))
    return defs


def supply_definitions(scenario: Scenario, plan, incident: Incident) -> list[MilestoneDef]:
    if not plan.supplies or incident.community is None:  # top-down incidents draw no supplies
        return []
    network = supply_network(scenario)
    defs = [
        MilestoneDef(
            f"depot_opened:{point}", f"{scenario.depot(point).name} opened (keeper reached)"
        )
        for point in network.chain(incident.community)
        if network.depot[point] is not None
    ]
    for rule in plan.supplies:
        item = scenario.item(rule.item)
        defs.append(
            MilestoneDef(
                f"supplied:{item.id}",
                f"First {item.name} delivered",
                rule.first_within,
                _rule(plan, f"deliver {item.name} within", rule.first_within),
            )
        )
    return defs


def callout_definitions() -> list[MilestoneDef]:
    """The call-out milestones: shares of the roster reached, and the last call made."""
    defs = [
        MilestoneDef(f"callout:reached:{percent}", f"{percent}% of the call-out roster reached")
        for percent in CALLOUT_PERCENTS
    ]
    defs.append(MilestoneDef("callout:last_call", "Last call-out call made"))
    return defs


WARN_COHORTS = {
    "smartphone": "smartphone users",
    "without_smartphone": "households without smartphones",
}


def warning_percents(plan) -> list[int]:
    """Coverage levels reported: T50, T90, T100 and the plan's own target."""
    return sorted({50, 90, 100, round(plan.warn.coverage * 100)})


def warning_definitions(plan) -> list[MilestoneDef]:
    rule = plan.warn
    target = round(rule.coverage * 100)
    defs = []
    for percent in warning_percents(plan):
        deadline = rule.within if percent == target else None
        defs.append(
            MilestoneDef(
                f"warned:{percent}",
                f"{percent}% of households warned (T{percent})",
                deadline,
                _rule(plan, f"warn {percent}% of households within", deadline),
            )
        )
    for cohort, words in WARN_COHORTS.items():
        for percent in (90, 100):
            defs.append(MilestoneDef(f"warned:{percent}:{cohort}", f"T{percent} for {words}"))
    return defs


def _rule(plan, words: str, deadline: float | None) -> str:
    if deadline is None or plan is None:
        return ""
    return f"plan {plan.id}: {words} {format_duration(deadline)}"


def report_levels(scenario: Scenario, incident: Incident) -> list[Level]:
    """Levels the incident's report passes through on its way up, lowest first."""
    plan = scenario.plan_for(incident)
    top = plan.report_up_to if plan else Level.district
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(role.id for role in scenario.roles)
    graph.add_edges_from((link.source, link.target) for link in scenario.command.links)
    reachable = nx.descendants(graph, incident.detected_by) | {incident.detected_by}
    ranks = {scenario.role(role_id).level.rank for role_id in reachable}
    # The detector's own level is reached at detection; list it only when a deadline applies.
    own = scenario.role(incident.detected_by).level.rank
    deadlines = {rule.level.rank for rule in plan.notify} if plan else set()
    return [
        level
        for level in Level
        if level.rank in ranks
        and level.rank <= top.rank
        and (level.rank > own or level.rank in deadlines)
    ]


def milestone_times(trace: Trace) -> dict[str, dict[str, Reached]]:
    """First time each milestone was reached, per incident, from one replication's trace.

    Only what happened within the incident's observation window counts: an incident is
    observed for the same time after its own start however late in the run it began.
    """
    reached: dict[str, dict[str, Reached]] = {}
    posts = trace.posts

    def mark(incident: str, key: str, time: float, event_id: int) -> None:
        per_incident = reached.setdefault(incident, {})
        if key not in per_incident and time <= trace.window_end(incident):
            start = trace.incident_starts[incident]
            per_incident[key] = Reached(time - start, event_id)

    # The kinds as locals: an attribute lookup on the enum class per event and branch was
    # most of this loop's cost on traces of tens of thousands of events.
    detected, delivered = EventKind.INCIDENT_DETECTED, EventKind.MESSAGE_DELIVERED
    activated, centre = EventKind.PLAN_ACTIVATED, EventKind.CENTRE_ACTIVE
    ordered, reported = EventKind.DEPARTMENT_ORDERED, EventKind.DEPARTMENT_REPORTED_IN
    on_scene, controlled = EventKind.TEAM_ON_SCENE, EventKind.INCIDENT_CONTROLLED
    depot = EventKind.DEPOT_OPENED
    for event in trace.events:
        kind = event.kind
        if event.incident is None:
            continue
        if kind is detected:
            mark(event.incident, "detected", event.time, event.id)
            if event.actor is not None:  # the detecting post; always set by the engine
                mark(event.incident, f"report:{posts[event.actor].level}", event.time, event.id)
        elif kind is delivered:
            if event.info == "report" and event.subject is not None:
                mark(event.incident, f"report:{posts[event.subject].level}", event.time, event.id)
        elif kind is activated:
            mark(event.incident, "plan_activated", event.time, event.id)
        elif kind is centre:
            mark(event.incident, "centre_active", event.time, event.id)
        elif kind is ordered:
            mark(event.incident, f"ordered:{event.info}", event.time, event.id)
        elif kind is reported:
            mark(event.incident, f"reported_in:{event.info}", event.time, event.id)
        elif kind is on_scene:
            mark(event.incident, "team_on_scene:first", event.time, event.id)
            mark(event.incident, f"on_scene:{event.subject}", event.time, event.id)
        elif kind is controlled:
            mark(event.incident, "controlled", event.time, event.id)
        elif kind is depot:
            mark(event.incident, f"depot_opened:{event.info}", event.time, event.id)
    for incident, outcome in callout_outcomes(trace).items():
        times = reached.setdefault(incident, {})
        for percent, (minutes, event_id) in outcome.shares.items():
            times[f"callout:reached:{percent}"] = Reached(minutes, event_id)
        if outcome.last_call is not None and outcome.last_call_event is not None:
            times["callout:last_call"] = Reached(outcome.last_call, outcome.last_call_event)
    return reached


def all_teams_on_scene(scenario: Scenario, reached: dict[str, dict[str, Reached]]) -> None:
    """Add "all required teams on scene" to each incident that got every team there."""
    for incident in scenario.incidents:
        plan = scenario.plan_for(incident)
        times = reached.get(incident.id, {})
        if plan is None or not plan.teams:
            continue
        arrivals = [times.get(f"on_scene:{team}") for team in required_teams(scenario, plan)]
        arrived = [arrival for arrival in arrivals if arrival is not None]
        if len(arrived) == len(arrivals):
            times["team_on_scene:all"] = max(arrived, key=lambda r: r.time)

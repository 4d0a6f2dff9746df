"""The played story cut into exercise modules, and its injects: the Master Scenario Events
List (MSEL) of a tabletop exercise, every inject traced to one event of the played run.

Which events become injects: each milestone the played replication reached (the incident,
its detection, each report arriving at a level, plan activation, orders, reporting in, teams,
depots, warnings), and on each milestone's critical path the friction that cost time
(unanswered or failed calls, fallback to another channel, an off-duty person getting to
their desk), once per post and cause. Scenario time is compressed into the exercise's
duration: each module (detection and first reports; activation and orders; warning the
households; teams and supplies) gets a share of the playing time, and its injects fall in
the first part of its budget, leaving the rest for discussion (HSEEP: a tabletop moves
through modules, each with injects, then facilitated questions).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...analysis.aggregate import liaison_department, post_place
from ...analysis.critical_path import critical_path
from ...analysis.milestones import milestone_times
from ...engine.trace import Event, EventKind, Trace
from ...scenario.models import Scenario
from .words import Minutes, Words

__all__ = ["MODULES", "Inject", "Module", "build_deck", "exercise_clock"]

#: Modules in playing order; a module the story never reaches is left out.
MODULES = ("detection", "activation", "warning", "teams_supplies")

#: Minutes of an exercise kept for the opening briefing and for the hot wash at the end.
BRIEFING_SHARE, HOT_WASH_SHARE = 0.08, 0.12
#: Share of a module's budget during which its injects are delivered (the rest is discussion).
INJECT_SHARE = 0.45

_PHASE = {
    EventKind.INCIDENT_STARTED: "detection",
    EventKind.INCIDENT_DETECTED: "detection",
    EventKind.PLAN_ACTIVATED: "activation",
    EventKind.WHISTLE_BLOWN: "activation",
    EventKind.CENTRE_ACTIVE: "activation",
    EventKind.DEPARTMENT_ORDERED: "activation",
    EventKind.DEPARTMENT_REPORTED_IN: "activation",
    EventKind.TEAM_ON_SCENE: "teams_supplies",
    EventKind.DEPOT_OPENED: "teams_supplies",
    EventKind.INCIDENT_CONTROLLED: "teams_supplies",
}
_CAPABILITY = {
    "detection": "exercise.capability.communications",
    "activation": "exercise.capability.coordination",
    "warning": "exercise.capability.warning",
    "teams_supplies": "exercise.capability.logistics",
}
_FRICTION = {"answer_wait", "retries", "off_duty", "fallback"}
#: Milestone events said in words of their own (``exercise.inject.kind.<kind>``).
_NAMED_KINDS = (
    EventKind.CENTRE_ACTIVE,
    EventKind.WHISTLE_BLOWN,
    EventKind.TEAM_ON_SCENE,
    EventKind.INCIDENT_CONTROLLED,
    EventKind.DEPOT_OPENED,
)


@dataclass(frozen=True)
class Module:
    """One module of the exercise: its scenario-time window and its exercise-time budget."""

    id: str
    scenario_start: float
    scenario_end: float
    exercise_start: float
    exercise_minutes: float

    @property
    def title(self) -> Words:
        return Words.of(f"exercise.module.{self.id}")


@dataclass(frozen=True)
class Inject:
    """One row of the MSEL. ``event`` is the trace event id it comes from (None for a
    contingency inject, which states its ``probability`` instead)."""

    number: int
    module: str
    scenario_minutes: float
    exercise_minutes: float
    kind: str  # event | information | contingency
    delivery: str  # phone | message | verbal
    sender: str | Words  # a post's name, or ``exercise.post.controller``
    receiver: str | Words
    text: Words
    expected: Words
    objective: str | None
    capability: str
    event: int | None
    probability: float | None = None
    warning: bool = False
    figure: Words | None = None
    milestone: str | None = None

    @property
    def contingency(self) -> bool:
        return self.event is None


def post_name(scenario: Scenario, trace: Trace, post: str | None) -> str | Words:
    """A post as the scenario names it: its role and its unit ("社区书记 (下涧槽社区)"); a
    department liaison, a role the engine adds, in the package's words (``post.liaison``)."""
    if post is None:
        return ""
    info = trace.posts.get(post)
    if info is None:  # not a person's post: a place (the joint centre of a township) or an id
        return post_place(scenario, post.split(":", 1)[-1])
    unit = post_place(scenario, info.unit)
    department = liaison_department(scenario, info.role)
    if department is not None:
        return Words.of("post.liaison", department=department.name, place=unit)
    return f"{info.role_name} ({unit})"


def named_post(scenario: Scenario, post_id: str, name: str) -> str | Words:
    """A post results.json names ``name`` (in English for a department liaison), in the
    package's words: a liaison through ``post.liaison``, any other post as named."""
    role_id, at, unit = post_id.partition("@")
    department = liaison_department(scenario, role_id) if at else None
    if department is None:
        return name
    return Words.of("post.liaison", department=department.name, place=post_place(scenario, unit))


def _milestone_events(trace: Trace, incident: str) -> dict[int, str]:
    reached = milestone_times(trace).get(incident, {})
    events: dict[int, str] = {}
    for milestone, at in reached.items():
        events.setdefault(at.event_id, milestone)
    return events


def _phase(event: Event, milestone: str | None) -> str | None:
    if milestone is not None and milestone.startswith("report:"):
        return "activation" if milestone == "report:district" else "detection"
    if event.info.startswith("warning"):
        return "warning"
    return _PHASE.get(event.kind)


def _friction(trace: Trace, milestone_events: dict[int, str]) -> dict[int, str]:
    """Events on a milestone's critical path that cost time, once per (post, cause)."""
    seen: set[tuple[str | None, str]] = set()
    chosen: dict[int, str] = {}
    for event_id in sorted(milestone_events):
        for step in critical_path(trace, event_id):
            if step.cause not in _FRICTION or step.minutes <= 0:
                continue
            group = "unanswered" if step.cause in ("retries", "answer_wait") else step.cause
            if step.event.id in milestone_events or (step.post, group) in seen:
                continue
            seen.add((step.post, group))
            chosen[step.event.id] = step.cause
    return chosen


def exercise_clock(
    boundaries: list[tuple[str, float]], end: float, duration: float
) -> list[Module]:
    """Modules with their exercise-time budgets: the playing time (duration less briefing and
    hot wash) shared half equally, half in proportion to each module's scenario span."""
    play = duration * (1 - BRIEFING_SHARE - HOT_WASH_SHARE)
    spans = []
    for i, (name, start) in enumerate(boundaries):
        stop = boundaries[i + 1][1] if i + 1 < len(boundaries) else end
        spans.append((name, start, max(stop, start)))
    total = sum(stop - start for _, start, stop in spans) or 1.0
    modules, clock = [], duration * BRIEFING_SHARE
    for name, start, stop in spans:
        budget = play * (0.5 / len(spans) + 0.5 * (stop - start) / total)
        modules.append(Module(name, start, stop, clock, budget))
        clock += budget
    return modules


def exercise_time(module: Module, scenario_minutes: float) -> float:
    span = module.scenario_end - module.scenario_start
    within = 0.0 if span <= 0 else (scenario_minutes - module.scenario_start) / span
    return module.exercise_start + INJECT_SHARE * module.exercise_minutes * min(within, 1.0)


def build_deck(
    scenario: Scenario,
    trace: Trace,
    incident: str,
    duration: float,
    objectives: dict[str, str],
) -> tuple[list[Module], list[tuple[Event, str | None, str | None]]]:
    """The modules and the chosen events (event, milestone, friction cause) in time order.

    ``objectives`` maps a milestone id to the objective it serves.
    """
    milestones = _milestone_events(trace, incident)
    friction = _friction(trace, milestones)
    started = next(
        e.id
        for e in trace.events
        if e.incident == incident and e.kind is EventKind.INCIDENT_STARTED
    )
    milestones.setdefault(started, "started")
    # The first warning of each kind (group message, door-knocking) in each community.
    warners: set[tuple[str, str]] = set()
    for event in trace.events:
        if (
            event.incident == incident
            and event.info.startswith("warning")
            and event.kind in (EventKind.MESSAGE_POSTED, EventKind.TASK_STARTED)
            and event.actor in trace.posts
        ):
            where = (event.info, trace.posts[event.actor].unit.split("/", 1)[0])
            if where not in warners:
                warners.add(where)
                milestones.setdefault(event.id, "warning")
    chosen = sorted({*milestones, *friction}, key=lambda i: (trace[i].time, i))
    starts: dict[str, float] = {}
    for event_id in chosen:
        phase = _phase(trace[event_id], milestones.get(event_id))
        if phase is not None and phase not in starts:
            starts[phase] = trace[event_id].time
    boundaries: list[tuple[str, float]] = []
    for phase in MODULES:
        if phase in starts and (not boundaries or starts[phase] > boundaries[-1][1]):
            boundaries.append((phase, starts[phase]))
    end = trace[chosen[-1]].time + 1.0
    modules = exercise_clock(boundaries, end, duration)
    rows = [(trace[i], milestones.get(i), friction.get(i)) for i in chosen]
    return modules, rows


def module_of(modules: list[Module], time: float) -> Module:
    """The module whose scenario window holds ``time`` (the first, for anything earlier)."""
    current = modules[0]
    for module in modules:
        if module.scenario_start <= time:
            current = module
    return current


def make_inject(
    number: int,
    scenario: Scenario,
    trace: Trace,
    modules: list[Module],
    event: Event,
    milestone: str | None,
    cause: str | None,
    objectives: dict[str, str],
) -> Inject:
    """The MSEL row of one trace event."""
    module = module_of(modules, event.time)
    start = trace.incident_starts[event.incident or ""]
    actor, subject = (
        post_name(scenario, trace, event.actor),
        post_name(scenario, trace, event.subject),
    )
    controller = "exercise.post.controller"
    kind, delivery = "information", "verbal"
    sender: str | Words = controller
    receiver: str | Words = actor
    figure: Words | None = None
    warning = False
    if cause is not None:
        if cause == "off_duty":
            text = Words.of("exercise.inject.off_duty", post=actor)
            expected = Words.of("exercise.expected.off_duty", post=actor)
        else:
            text = Words.of(f"exercise.inject.{cause}", caller=actor, callee=subject or actor)
            expected = Words.of(f"exercise.expected.{cause}", caller=actor, callee=subject or actor)
        if cause in ("answer_wait", "retries") and event.subject:
            sender, receiver, delivery = actor, subject, "phone"
        previous = trace[event.cause] if event.cause is not None else event
        figure = Words.of("exercise.figure.wait", minutes=Minutes(event.time - previous.time))
    elif event.kind is EventKind.INCIDENT_STARTED:
        kind = "event"
        text = Words.of("exercise.inject.incident_started", place=_place(scenario, event))
        expected = Words.of("exercise.expected.incident_started")
        receiver = ""
    elif event.kind is EventKind.INCIDENT_DETECTED:
        kind = "event"
        text = Words.of(
            "exercise.inject.detected",
            post=actor,
            minutes=Minutes(event.time - start),
        )
        expected = Words.of("exercise.expected.detected", post=actor)
    elif milestone is not None and milestone.startswith("report:"):
        sender, receiver, delivery = actor, subject, "phone" if event.channel else "verbal"
        text = Words.of("exercise.inject.report", sender=actor, receiver=subject)
        expected = Words.of("exercise.expected.report", receiver=subject)
    elif event.kind is EventKind.PLAN_ACTIVATED:
        plan = next(p.name for p in scenario.plans if p.id == event.info)
        text = Words.of("exercise.inject.plan_activated", post=actor, plan=plan)
        expected = Words.of("exercise.expected.plan_activated", post=actor, plan=plan)
        warning = True
    elif event.info.startswith("warning"):
        text = Words.of("exercise.inject.warning", post=actor)
        expected = Words.of("exercise.expected.warning", post=actor)
        warning = True
    elif event.kind in (EventKind.DEPARTMENT_ORDERED, EventKind.DEPARTMENT_REPORTED_IN):
        name = scenario.department(event.info).name
        verb = "ordered" if event.kind is EventKind.DEPARTMENT_ORDERED else "reported_in"
        text = Words.of(f"exercise.inject.{verb}", department=name, post=actor)
        expected = Words.of(f"exercise.expected.{verb}", department=name)
    else:
        kind = "event"
        named = event.kind.value if event.kind in _NAMED_KINDS else "event"
        what = f"exercise.inject.kind.{named}"
        where = post_place(scenario, event.info)  # the joint centre's township, by name
        text = Words.of("exercise.inject.other", what=what, post=actor or where)
        expected = Words.of("exercise.expected.other")
    return Inject(
        number=number,
        module=module.id,
        scenario_minutes=event.time - start,
        exercise_minutes=exercise_time(module, event.time),
        kind=kind,
        delivery=delivery,
        sender=sender,
        receiver=receiver,
        text=text,
        expected=expected,
        objective=objectives.get(milestone or ""),
        capability=_CAPABILITY[module.id],
        event=event.id,
        warning=warning,
        figure=figure,
        milestone=None if milestone in ("started", "warning") else milestone,
    )


def _place(scenario: Scenario, event: Event) -> str:
    community = event.info.split("/", 1)[0]
    names = {c.id: c.name for t in scenario.places.townships for c in t.communities}
    return names.get(community, community)

"""Turn a checked drill log into the engine's ``Trace``, and an engine trace back into a log.

A real drill then goes through the same analysis as a simulated run (STYLE habit 5):
milestones, the delay split and the swimlane come from ``preparedness.analysis``. A log
does not say what caused each event, so the cause is inferred the way the engine records
it: an answer is caused by its call, a delivery by its answer, a decision by the message
the person received (or by reaching the desk), a repeated call by the failed attempt before
it (a retry), an order by the decision that issued it. What a message is about (a report
up the command links, an order to a department, a warning) follows from who sent it to
whom, as in the engine.
"""

from __future__ import annotations

import csv
import io

from ...engine.trace import Event, EventKind, PostInfo, Trace, attempt_info, order_info
from ...scenario.models import Scenario
from .log import DrillLog, LogRow, scenario_posts

__all__ = ["LOG_EVENTS", "log_from_trace", "trace_from_log"]

#: Drill-log event names for the trace events a drill can observe.
LOG_EVENTS: dict[EventKind, str] = {
    EventKind.INCIDENT_STARTED: "started",
    EventKind.INCIDENT_DETECTED: "detected",
    EventKind.CALL_DIALLED: "call",
    EventKind.CALL_ANSWERED: "answered",
    EventKind.CALL_UNANSWERED: "no_answer",
    EventKind.CALL_BUSY: "busy",
    EventKind.MESSAGE_POSTED: "message",
    EventKind.MESSAGE_DELIVERED: "delivered",
    EventKind.OFF_DUTY_RESPONSE: "at_desk",
    EventKind.DECISION_MADE: "decided",
    EventKind.PLAN_ACTIVATED: "activated",
    EventKind.CENTRE_ACTIVE: "centre_active",
    EventKind.DEPARTMENT_ORDERED: "ordered",
    EventKind.DEPARTMENT_REPORTED_IN: "reported_in",
    EventKind.TEAM_ON_SCENE: "team_on_scene",
    EventKind.DEPOT_OPENED: "depot_opened",
    EventKind.INCIDENT_CONTROLLED: "controlled",
}
_KINDS = {name: kind for kind, name in LOG_EVENTS.items()}
_KINDS["read"] = EventKind.MESSAGE_DELIVERED


def log_from_trace(trace: Trace) -> str:
    """The drill log (CSV text) a perfect observer of this replication would have written.

    Times are minutes from the scenario's start written exactly (``repr``), so reading the
    log back gives the same milestones to the last bit. Steps a drill cannot see (lines
    seized, retries falling due, tasks queued) are left out, as an observer would.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time", "event", "from", "to", "channel", "count", "note", "incident"])
    for event in trace.events:
        name = LOG_EVENTS.get(event.kind)
        if name is None or event.incident is None:
            continue
        source, target = event.actor or "", event.subject or ""
        if event.kind in (EventKind.DEPARTMENT_ORDERED, EventKind.DEPARTMENT_REPORTED_IN):
            target = event.info
        elif event.kind in (EventKind.PLAN_ACTIVATED, EventKind.DEPOT_OPENED):
            target = event.info
        elif event.kind is EventKind.TEAM_ON_SCENE:
            source = ""
        elif event.kind is EventKind.MESSAGE_POSTED and not target:
            continue  # a post to a whole group: its readers are not named
        channel = event.channel or ""
        writer.writerow([repr(event.time), name, source, target, channel, "", "", event.incident])
    return out.getvalue()


class _Builder:
    """Emits trace events for log rows, remembering what each later row's cause will be."""

    def __init__(self, scenario: Scenario, posts: dict[str, PostInfo]) -> None:
        self.scenario = scenario
        self.posts = posts
        self.trace = Trace(command_mode=scenario.command.mode)
        self.roots: dict[str, int] = {}
        self.ready: dict[tuple[str, str], int] = {}  # (incident, post) -> its latest step
        self.link: dict[tuple[str, str, str], int] = {}  # (incident, from, to) -> last event
        self.purpose: dict[tuple[str, str], str] = {}  # (incident, post) -> what it handles
        self.ordered: dict[tuple[str, str], int] = {}
        self.latest: dict[str, int] = {}
        chains: dict[str, str] = {}
        for department in scenario.departments:
            for role in department.chain:
                chains.setdefault(role, department.id)
            chains[f"liaison_{department.id}"] = department.id
        self.chains = chains
        self.links = {(link.source, link.target) for link in scenario.command.links}

    def root(self, incident: str, time: float) -> int:
        if incident not in self.roots:
            self.roots[incident] = self.emit(time, EventKind.INCIDENT_STARTED, incident, None)
            self.trace.incident_starts[incident] = time
        return self.roots[incident]

    def emit(self, time, kind, incident, actor, subject=None, cause=None, channel=None, info=""):
        for post in (actor, subject):
            if post is not None and post in self.posts:
                self.trace.posts.setdefault(post, self.posts[post])
        event_id = self.trace.emit(time, kind, incident, actor, subject, cause, channel, info)
        self.latest[incident] = event_id
        return event_id

    def about(self, incident: str, source: str, target: str) -> str:
        """What a message from ``source`` to ``target`` is: a report, an order or a warning."""
        role_from = self.posts[source].role if source in self.posts else ""
        role_to = self.posts[target].role if target in self.posts else ""
        if role_to in self.chains:
            return order_info(self.chains[role_to])
        if (role_from, role_to) in self.links:
            return "report"
        return self.purpose.get((incident, source), "warning")

    def add(self, row: LogRow) -> None:
        incident, time = row.incident, row.time
        if row.event == "started":
            if incident not in self.roots:
                self.root(incident, time)
            return
        root = self.root(incident, 0.0)
        kind = _KINDS.get(row.event)
        if kind is None:
            return  # counts (households warned, stock issued) stay on the log
        source, target = row.source, row.target
        mine = self.ready.get((incident, source), root) if source else self.latest[incident]
        if row.event == "detected":
            event_id = self.emit(time, kind, incident, source, cause=root)
            self.ready[(incident, source or "")] = event_id
            self.purpose[(incident, source or "")] = "report"
        elif row.event in ("call", "message"):
            assert source is not None and target is not None  # checked by the log reader
            about = self.about(incident, source, target)
            previous = self.link.get((incident, source, target))
            cause = mine
            if previous is not None and self.trace[previous].kind in (
                EventKind.CALL_UNANSWERED,
                EventKind.CALL_BUSY,
            ):
                cause = self.emit(
                    time,
                    EventKind.RETRY_DUE,
                    incident,
                    source,
                    target,
                    previous,
                    row.channel,
                    about,
                )
            info = attempt_info(about, 1) if row.event == "call" else about
            event_id = self.emit(time, kind, incident, source, target, cause, row.channel, info)
            self.link[(incident, source, target)] = event_id
        elif row.event in ("answered", "no_answer", "busy", "delivered", "read"):
            assert source is not None and target is not None
            previous = self.link.get((incident, source, target), mine)
            about = self.about(incident, source, target)
            event_id = self.emit(time, kind, incident, source, target, previous, row.channel, about)
            self.link[(incident, source, target)] = event_id
            if kind is EventKind.MESSAGE_DELIVERED:
                self.ready[(incident, target)] = event_id
                self.purpose[(incident, target)] = about
        elif row.event in ("at_desk", "decided"):
            about = self.purpose.get((incident, source or ""), "report")
            event_id = self.emit(time, kind, incident, source, cause=mine, info=about)
            self.ready[(incident, source or "")] = event_id
        elif row.event in ("ordered", "reported_in"):
            department = self.department(row)
            cause = self.ordered.get((incident, department), self.latest[incident])
            if row.event == "ordered":
                cause = self.order_cause(incident, department)
            actor = source or (target if target in self.posts else None)
            event_id = self.emit(time, kind, incident, actor, cause=cause, info=department)
            if row.event == "ordered":
                self.ordered[(incident, department)] = event_id
        elif row.event == "team_on_scene":
            self.emit(time, kind, incident, None, target, self.latest[incident])
        else:  # activated, centre_active, depot_opened, controlled
            info = target or ""
            if row.event == "activated" and not info:
                plan = self.scenario.plan_for(
                    next(i for i in self.scenario.incidents if i.id == incident)
                )
                info = plan.id if plan else ""
            event_id = self.emit(time, kind, incident, source, cause=mine, info=info)
            if source:
                self.ready[(incident, source)] = event_id

    def department(self, row: LogRow) -> str:
        for name in (row.target, row.source):
            if name in self.posts and self.posts[name].role in self.chains:
                return self.chains[self.posts[name].role]
        return row.target or ""

    def order_cause(self, incident: str, department: str) -> int:
        """The latest step of the order on its way to the department's unit."""
        wanted = order_info(department)
        for event in reversed(self.trace.events):
            if event.incident == incident and event.info == wanted:
                return event.id
        return self.latest[incident]


def trace_from_log(log: DrillLog, scenario: Scenario) -> Trace:
    """The drill as a ``Trace`` of ``scenario``: times in minutes from the drill start."""
    builder = _Builder(scenario, scenario_posts(scenario))
    for row in sorted(log.rows, key=lambda r: r.time):  # stable: file order within a minute
        builder.add(row)
    trace = builder.trace
    trace.horizon = max((event.time for event in trace.events), default=0.0)
    return trace


def events_of(trace: Trace, incident: str) -> list[Event]:
    """The trace events of one incident, in order."""
    return [event for event in trace.events if event.incident == incident]

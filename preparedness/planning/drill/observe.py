"""Read the quantities a drill can calibrate off a trace: answers, ring, talk and decision times.

A pure function of a ``Trace`` (STYLE habit 5), so a drill log turned into a trace and a
simulated replication give the same kind of sample, and the goodness-of-fit check compares
like with like. Each quantity is keyed by what the scenario sets it on (a channel, a role, a
department) and, where the scenario lets it differ, by day or night:

- ``answer_probability`` per channel (calls to people on duty) and per link (every call);
- ``away_share`` per role: every person's attempts in each incident, in order (answered or
  not, channel, day or night, answer factor), which ``away.py`` fits jointly with the
  per-attempt answer probability: someone away misses every attempt, someone present each
  with the channel's chance;
- ``ring_time`` (dialling to pick-up) and ``talk_time`` (pick-up to the message passed);
- ``decision_time`` per role: from receiving the message (or noticing, or reaching the desk)
  to deciding; a post that received a message and had not decided when the log ends is
  right-censored at that time;
- ``desk_time`` per role: an off-duty person from the message to the desk (censored alike);
- ``report_in_time`` per department: from the order to reporting in (censored alike).

The per-channel answer counts include the calls to people who were away; calibration takes
them out with the fitted away share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...engine.streams import Streams
from ...engine.trace import EventKind, Trace
from ...engine.world import World
from ...scenario.models import Scenario
from .away import Attempt

__all__ = ["QUANTITIES", "Key", "Sample", "merge", "observe"]

#: Quantities in the order the calibration table lists them.
QUANTITIES = (
    "answer_probability",
    "away_share",
    "ring_time",
    "talk_time",
    "decision_time",
    "desk_time",
    "report_in_time",
)

#: (quantity, subject, period): subject is a channel, role, department or "channel:from>to";
#: period is "day", "night" or "" where the scenario sets one value for both.
Key = tuple[str, str, str]


@dataclass
class Sample:
    """What the logs show of one quantity: times seen, times still running, answers, or
    (away share) each person's attempts in one incident."""

    observed: list[float] = field(default_factory=list)
    censored: list[float] = field(default_factory=list)
    successes: int = 0
    trials: int = 0
    sequences: list[list[Attempt]] = field(default_factory=list)


def merge(samples: list[dict[Key, Sample]]) -> dict[Key, Sample]:
    """Pool the samples of several logs (the same drill run several times)."""
    pooled: dict[Key, Sample] = {}
    for sample in samples:
        for key, part in sample.items():
            whole = pooled.setdefault(key, Sample())
            whole.observed += part.observed
            whole.censored += part.censored
            whole.successes += part.successes
            whole.trials += part.trials
            whole.sequences += part.sequences
    return dict(sorted(pooled.items(), key=lambda item: (QUANTITIES.index(item[0][0]), item[0])))


class _Clock:
    """Day or night and on duty or not at a trace time, by the scenario's clock."""

    def __init__(self, scenario: Scenario, offset: float) -> None:
        self.world = World.build(scenario, Streams(0, 0))
        self.offset = offset

    def period(self, time: float) -> str:
        return "night" if self.world.is_night(time + self.offset) else "day"

    def on_duty(self, trace: Trace, post: str, time: float) -> bool:
        info = trace.posts.get(post)
        if info is None or info.role.startswith("liaison_"):
            return True
        return self.world.on_duty(self.world.post(info.role, info.unit), time + self.offset)

    def answer_factor(self, trace: Trace, post: str) -> float:
        """The share of the channel's answer probability someone off duty keeps."""
        info = trace.posts[post]
        return self.world.post(info.role, info.unit).role.off_duty.answer_factor


def observe(trace: Trace, scenario: Scenario, *, offset: float = 0.0) -> dict[Key, Sample]:
    """Every calibratable quantity the trace has data for.

    ``offset`` is added to trace times to get the scenario's clock (minutes after its
    start), which decides day or night and who is on duty.
    """
    clock = _Clock(scenario, offset)
    samples: dict[Key, Sample] = {}

    def add(key: Key) -> Sample:
        return samples.setdefault(key, Sample())

    decided: set[int] = set()  # events that started someone's decision or walk to the desk
    attempts: dict[tuple[str, str], list[Attempt]] = {}  # (callee, incident) -> attempts
    for event in trace.events:
        if event.cause is None:
            continue
        cause = trace[event.cause]
        actor_role = trace.posts[event.actor].role if event.actor in trace.posts else ""
        if event.kind in (EventKind.CALL_ANSWERED, EventKind.CALL_UNANSWERED):
            answered = event.kind is EventKind.CALL_ANSWERED
            callee = event.subject or ""
            channel = event.channel or ""
            callee_role = trace.posts[callee].role if callee in trace.posts else callee
            link = add(("answer_probability", f"{channel}:{actor_role}>{callee_role}", ""))
            link.trials += 1
            link.successes += answered
            period = clock.period(cause.time)
            on_duty = clock.on_duty(trace, callee, cause.time)
            if callee in trace.posts and not callee_role.startswith("liaison_"):
                factor = 1.0 if on_duty else clock.answer_factor(trace, callee)
                person = attempts.setdefault((callee, event.incident or ""), [])
                person.append((answered, channel, period, factor, on_duty))
            if on_duty:
                pooled = add(("answer_probability", channel, period))
                pooled.trials += 1
                pooled.successes += answered
            if answered:
                add(("ring_time", channel, "")).observed.append(event.time - cause.time)
        elif event.kind is EventKind.MESSAGE_DELIVERED and cause.kind is EventKind.CALL_ANSWERED:
            add(("talk_time", event.channel or "", "")).observed.append(event.time - cause.time)
        elif event.kind is EventKind.DECISION_MADE:
            key = ("decision_time", actor_role, clock.period(cause.time))
            add(key).observed.append(event.time - cause.time)
            decided.add(cause.id)
        elif event.kind is EventKind.OFF_DUTY_RESPONSE:
            add(("desk_time", actor_role, "")).observed.append(event.time - cause.time)
            decided.add(cause.id)
        elif event.kind is EventKind.DEPARTMENT_REPORTED_IN:
            add(("report_in_time", event.info, "")).observed.append(event.time - cause.time)
            decided.add(cause.id)
    for (callee, _), sequence in attempts.items():
        add(("away_share", trace.posts[callee].role, "")).sequences.append(sequence)
    _censored(trace, clock, decided, add)
    return merge([samples])


def _censored(trace: Trace, clock: _Clock, started: set[int], add) -> None:
    """Messages received and orders given that nothing followed before the log ended."""
    end = trace.horizon
    last_step: dict[str, float] = {}
    reported: set[str] = set()
    for event in trace.events:
        if event.kind in (EventKind.DECISION_MADE, EventKind.OFF_DUTY_RESPONSE) and event.actor:
            last_step[event.actor] = event.time
        elif event.kind is EventKind.DEPARTMENT_REPORTED_IN:
            reported.add(event.info)
    for event in trace.events:
        if event.id in started or event.time >= end:
            continue
        if event.kind is EventKind.MESSAGE_DELIVERED and event.subject in trace.posts:
            receiver = event.subject
            if last_step.get(receiver, -1.0) >= event.time:
                continue
            role = trace.posts[receiver].role
            add(("decision_time", role, clock.period(event.time))).censored.append(end - event.time)
        elif event.kind is EventKind.DEPARTMENT_ORDERED and event.info not in reported:
            add(("report_in_time", event.info, "")).censored.append(end - event.time)

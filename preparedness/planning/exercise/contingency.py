"""Contingency injects: branches the model saw in other runs but the played run did not take.

HSEEP uses a contingency inject when the expected action does not happen, to steer play back
to the objectives. The model knows which branches are likely: a call on the played chain
that failed at least twice in other runs, or a message given up altogether (results.json
``not_reached``). Each contingency inject states how often that happened, so the controller
knows how realistic it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...engine.trace import EventKind, Trace
from ...experiment.replicate import ReplicationResult
from ...scenario.models import Scenario
from .deck import Inject, Module, exercise_time, module_of, named_post, post_name
from .words import Share, Words

__all__ = ["contingency_injects"]

#: A branch is worth a card when it happened in at least this share of the runs.
MIN_SHARE = 0.1
#: Failed attempts on one link that make a run count ("went unanswered at least twice").
FAILURES = 2


def contingency_injects(
    scenario: Scenario,
    trace: Trace,
    incident: str,
    results: Sequence[ReplicationResult],
    played: ReplicationResult,
    modules: list[Module],
    summary_incident: Mapping[str, Any],
) -> list[Inject]:
    """Contingency injects for the links of the played chain (numbered 0; renumbered later)."""
    first_call: dict[tuple[str, str, str], float] = {}
    for event in trace.events:
        if (
            event.incident == incident
            and event.kind is EventKind.CALL_DIALLED
            and event.actor
            and event.subject
            and event.channel
        ):
            first_call.setdefault((event.actor, event.subject, event.channel), event.time)
    start = trace.incident_starts[incident]
    injects = []
    for link, time in sorted(first_call.items(), key=lambda item: (item[1], item[0])):
        used = [r.links[link] for r in results if link in r.links and r.links[link].attempts]
        if not used or link not in played.links or played.links[link].failures >= FAILURES:
            continue
        share = sum(1 for load in used if load.failures >= FAILURES) / len(used)
        if share < MIN_SHARE:
            continue
        caller, callee = post_name(scenario, trace, link[0]), post_name(scenario, trace, link[1])
        module = module_of(modules, time)
        injects.append(
            Inject(
                number=0,
                module=module.id,
                scenario_minutes=time - start,
                exercise_minutes=exercise_time(module, time),
                kind="contingency",
                delivery="verbal",
                sender="exercise.post.controller",
                receiver=caller,
                text=Words.of(
                    "exercise.inject.contingency_unanswered",
                    caller=caller,
                    callee=callee,
                    share=Share(share),
                    runs=len(used),
                ),
                expected=Words.of("exercise.expected.contingency_unanswered", callee=callee),
                objective=None,
                capability="exercise.capability.communications",
                event=None,
                probability=share,
            )
        )
    given_up: set[tuple[str, str, str]] = set()
    for milestone in summary_incident["milestones"]:
        for miss in milestone["not_reached"]:
            if miss["reason"] != "message_given_up" or miss["share"] < MIN_SHARE / 2:
                continue
            link = miss["link"]
            where = (link["from"], link["to"], link["channel"])
            when = first_call.get(where)
            if when is None or where in given_up:
                continue
            given_up.add(where)
            module = module_of(modules, when)
            caller = named_post(scenario, link["from"], link["from_name"])
            callee = named_post(scenario, link["to"], link["to_name"])
            injects.append(
                Inject(
                    number=0,
                    module=module.id,
                    scenario_minutes=when - start,
                    exercise_minutes=exercise_time(module, when),
                    kind="contingency",
                    delivery="verbal",
                    sender="exercise.post.controller",
                    receiver=caller,
                    text=Words.of(
                        "exercise.inject.contingency_given_up",
                        caller=caller,
                        callee=callee,
                        share=Share(miss["share"]),
                    ),
                    expected=Words.of("exercise.expected.contingency_given_up", callee=callee),
                    objective=None,
                    capability="exercise.capability.communications",
                    event=None,
                    probability=miss["share"],
                )
            )
    return injects

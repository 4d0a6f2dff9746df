"""Role cards: one per post that plays in the story, saying who they are, whom they call and
who calls them, and what the plan expects of them and by when."""

from __future__ import annotations

from dataclasses import dataclass

from ...analysis.milestones import milestone_times
from ...engine.trace import EventKind, Trace
from ...scenario.models import Scenario
from .deck import post_name
from .eeg import Objective
from .words import Words

__all__ = ["RoleCard", "role_cards"]


@dataclass(frozen=True)
class RoleCard:
    """A participating post: its name, level, calls out and in, and its objectives."""

    post: str
    name: str | Words
    level: str
    calls: tuple[str | Words, ...]
    called_by: tuple[str | Words, ...]
    objectives: tuple[Objective, ...]
    on_critical_path: bool


def role_cards(
    scenario: Scenario, trace: Trace, incident: str, objectives: list[Objective]
) -> list[RoleCard]:
    """A card for each post that acted in the incident, those on an objective's critical path
    first, then in the order they first acted."""
    order: dict[str, None] = {}
    calls: dict[str, dict[str, None]] = {}
    called: dict[str, dict[str, None]] = {}
    for event in trace.events:
        if event.incident != incident or event.actor is None or event.actor not in trace.posts:
            continue
        order.setdefault(event.actor)
        if event.kind is EventKind.CALL_DIALLED and event.subject in trace.posts:
            calls.setdefault(event.actor, {})[event.subject] = None
            called.setdefault(event.subject, {})[event.actor] = None
            order.setdefault(event.subject)
    reached = milestone_times(trace).get(incident, {})
    on_path: set[str] = set()
    owner: dict[str, str] = {}
    for objective in objectives:
        at = reached.get(objective.milestone)
        if at is None:
            continue
        chain = trace.path_to(at.event_id)
        on_path.update(e.actor for e in chain if e.actor in trace.posts)
        actor = chain[-1].subject if chain[-1].kind is EventKind.MESSAGE_DELIVERED else None
        owner[objective.milestone] = actor or chain[-1].actor or ""
    cards = []
    for post in order:
        info = trace.posts[post]
        cards.append(
            RoleCard(
                post=post,
                name=post_name(scenario, trace, post),
                level=info.level,
                calls=tuple(post_name(scenario, trace, p) for p in calls.get(post, {})),
                called_by=tuple(post_name(scenario, trace, p) for p in called.get(post, {})),
                objectives=tuple(o for o in objectives if owner.get(o.milestone) == post),
                on_critical_path=post in on_path,
            )
        )
    return sorted(cards, key=lambda c: not c.on_critical_path)

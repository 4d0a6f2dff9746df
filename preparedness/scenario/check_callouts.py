"""Call-out, top-down start and background-load checks: ids they name exist, posts sit at
places of their level, and an incident without a community asks only for what needs none."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .check_references import no_such_id, place_levels
from .diagnostics import Problem, did_you_mean
from .models import Level, Role, Scenario
from .wording import Words, thing, words

__all__ = ["check_callout_references", "check_callout_shapes"]


def _post_level(role: Role) -> Level:
    """The kind of place one post of ``role`` covers (as the engine builds posts)."""
    if role.level is Level.grid and role.per_1000_residents is not None:
        return Level.community
    if role.level is Level.city:
        return Level.district
    return role.level


def check_callout_references(s: Scenario) -> Iterator[Problem]:
    """Backups, background-load roles and places, and top-down places must exist."""
    roles = {r.id for r in s.roles}
    places = place_levels(s)
    for i, plan in enumerate(s.plans):
        backup = plan.callout.backup if plan.callout is not None else None
        if backup is not None and backup not in roles:
            yield (
                ("plans", i, "callout", "backup"),
                no_such_id("role", backup, roles),
            )
    seen: dict[str, int] = {}
    for i, load in enumerate(s.background_load):
        if load.id in seen:
            yield (
                ("background_load", i, "id"),
                words(
                    "background_id_taken",
                    f"background load id '{load.id}' is already used by "
                    f"background_load[{seen[load.id]}]",
                    ident=load.id,
                    index=str(seen[load.id]),
                ),
            )
        seen.setdefault(load.id, i)
        if load.role not in roles:
            yield (
                ("background_load", i, "role"),
                no_such_id("role", load.role, roles),
            )
        if load.at is not None and load.at not in places:
            yield (
                ("background_load", i, "at"),
                _no_post_place(load.at, places),
            )
    for i, incident in enumerate(s.incidents):
        if incident.at is not None and incident.at not in places:
            yield (
                ("incidents", i, "at"),
                _no_post_place(incident.at, places),
            )


def check_callout_shapes(s: Scenario) -> Iterator[Problem]:
    """Posts sit at places of their own level; top-down incidents need no community."""
    places = place_levels(s)
    for i, load in enumerate(s.background_load):
        level = _post_level(s.role(load.role))
        where = places[load.at] if load.at is not None else Level.district
        if level is not where:
            yield (
                ("background_load", i, "at" if load.at is not None else "role"),
                words(
                    "post_per_level",
                    f"'{load.role}' has one post per {level.value}, so 'at' must name a "
                    f"{level.value}, not {'the district' if load.at is None else repr(load.at)}",
                    role=load.role,
                    level=thing(level.value),
                    value=words("the_district", "the district")
                    if load.at is None
                    else repr(load.at),
                ),
            )
    for i, incident in enumerate(s.incidents):
        if incident.at is None:
            continue
        level = _post_level(s.role(incident.detected_by))
        if places[incident.at] is not level:
            yield (
                ("incidents", i, "at"),
                words(
                    "post_per_level_at",
                    f"'{incident.detected_by}' has one post per {level.value}, so 'at' must "
                    f"name a {level.value}, not the {places[incident.at].value} '{incident.at}'",
                    role=incident.detected_by,
                    level=thing(level.value),
                    place_level=thing(places[incident.at].value),
                    place=incident.at,
                ),
            )
        if places[incident.at] is Level.community:
            continue
        plan = s.plan_for(incident)
        needs: list[Words] = []
        if plan is not None:
            needs = [
                words(key, word)
                for key, word, asked in (
                    ("need_warn", "warn households", plan.warn is not None),
                    ("need_teams", "dispatch teams", bool(plan.teams)),
                    ("need_supplies", "request supplies", bool(plan.supplies)),
                    ("need_departments", "order departments", bool(plan.departments)),
                )
                if asked
            ]
        if incident.affected is not None or incident.cuts_roads:
            needs.append(words("need_affected", "affect people or cut roads"))
        if needs:
            yield (
                ("incidents", i, "at"),
                words(
                    "needs_community",
                    f"an incident started at a {places[incident.at].value} post has no community, "
                    f"so it cannot {', '.join(needs)}; give 'community:' instead",
                    level=thing(places[incident.at].value),
                    needs=_listed(needs),
                ),
            )


def _no_post_place(ident: str, places: Iterable[str]) -> str:
    hint = did_you_mean(ident, places)
    return words(
        "no_post_place",
        f"no district, township or community has id '{ident}'{hint}",
        ident=ident,
        hint=hint,
    )


def _listed(parts: list[Words]) -> Words:
    """``parts`` joined by commas, each part and each comma worded in the report's language."""
    joined = parts[-1]
    for part in reversed(parts[:-1]):
        joined = words("listed", f"{part}, {joined}", first=part, rest=joined)
    return joined

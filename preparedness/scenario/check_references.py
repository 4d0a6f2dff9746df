"""Cross-reference checks: every id is unique and every id a scenario names exists.

These run first: a dangling id or a clash would make the later checks report the same typo
again, so ``crosscheck.cross_check`` stops after them when they find anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .channels import HOUSEHOLD_KINDS
from .diagnostics import Problem, did_you_mean
from .models import Level, Scenario
from .wording import Words, thing, words

__all__ = [
    "check_node_names",
    "check_references",
    "check_resource_references",
    "check_unique_ids",
    "describe_loc",
    "place_levels",
]


def check_unique_ids(s: Scenario) -> Iterator[Problem]:
    groups: list[tuple[str, Iterable[tuple[tuple, str]]]] = [
        ("channel", ((("channels", i, "id"), c.id) for i, c in enumerate(s.channels))),
        ("role", ((("roles", i, "id"), r.id) for i, r in enumerate(s.roles))),
        ("department", ((("departments", i, "id"), d.id) for i, d in enumerate(s.departments))),
        ("plan", ((("plans", i, "id"), p.id) for i, p in enumerate(s.plans))),
        ("incident", ((("incidents", i, "id"), x.id) for i, x in enumerate(s.incidents))),
        ("place", _place_ids(s)),
        ("team", ((("teams", i, "id"), t.id) for i, t in enumerate(s.teams))),
        ("item", ((("items", i, "id"), x.id) for i, x in enumerate(s.items))),
        ("depot", ((("depots", i, "id"), d.id) for i, d in enumerate(s.depots))),
    ]
    for what, items in groups:
        seen: dict[str, tuple] = {}
        for loc, ident in items:
            if ident in seen:
                first, kind = describe_loc(seen[ident]), thing(what)
                yield (
                    loc,
                    words(
                        "id_taken",
                        f"{kind} id '{ident}' is already used by {first}",
                        what=kind,
                        ident=ident,
                        first=first,
                    ),
                )
            else:
                seen[ident] = loc


def _place_ids(s: Scenario) -> Iterator[tuple[tuple, str]]:
    yield ("places", "district", "id"), s.places.district.id
    for t, township in enumerate(s.places.townships):
        yield ("places", "townships", t, "id"), township.id
        for c, community in enumerate(township.communities):
            yield ("places", "townships", t, "communities", c, "id"), community.id


def check_node_names(s: Scenario) -> Iterator[Problem]:
    """Depot and team ids may not be place ids: travel and the supply network name places,
    depots (and a community's own serving point) by id in one name space."""
    places = {ident: loc for loc, ident in _place_ids(s)}
    depot_ids = [depot.id for depot in s.depots]
    team_ids = [team.id for team in s.teams]
    for what, ids in (("depot", depot_ids), ("team", team_ids)):
        for i, ident in enumerate(ids):
            if ident in places:
                first, kind = describe_loc(places[ident]), thing(what)
                yield (
                    (f"{what}s", i, "id"),
                    words(
                        "id_taken_on_map",
                        f"{kind} id '{ident}' is already used by {first}; places, depots and "
                        "teams are named on the road map by id, so choose another",
                        what=kind,
                        ident=ident,
                        first=first,
                    ),
                )


def place_levels(s: Scenario) -> dict[str, Level]:
    levels = {s.places.district.id: Level.district}
    for township in s.places.townships:
        levels[township.id] = Level.township
        for community in township.communities:
            levels[community.id] = Level.community
    return levels


def describe_loc(loc: tuple) -> str:
    parts = []
    for part in loc[:-1]:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".")


def check_references(s: Scenario) -> Iterator[Problem]:
    roles = {r.id for r in s.roles}
    channels = {c.id for c in s.channels}
    departments = {d.id for d in s.departments}
    plans = {p.id for p in s.plans}
    communities = {c.id for t in s.places.townships for c in t.communities}

    for i, link in enumerate(s.command.links):
        yield from _need(link.source, roles, "role", ("command", "links", i, "from"))
        yield from _need(link.target, roles, "role", ("command", "links", i, "to"))
        yield from _need(link.channel, channels, "channel", ("command", "links", i, "channel"))
    for i, channel in enumerate(s.channels):
        for j, outage in enumerate(channel.outages):
            for k, community in enumerate(outage.communities):
                yield from _need(
                    community,
                    communities,
                    "community",
                    ("channels", i, "outages", j, "communities", k),
                )
    by_id = {c.id: c for c in s.channels}
    household_kinds = f"{', '.join(HOUSEHOLD_KINDS[:-1])} or {HOUSEHOLD_KINDS[-1]}"
    for i, role in enumerate(s.roles):
        warns = role.warns_households
        if warns is not None and warns.group_message is not None:
            loc = ("roles", i, "warns_households", "group_message")
            yield from _need(warns.group_message, channels, "channel", loc)
            used = by_id.get(warns.group_message)
            if used is not None and not used.reaches_households:
                yield (
                    loc,
                    words(
                        "not_household_channel",
                        f"'{warns.group_message}' is a {used.kind} channel; "
                        f"households are warned by a {household_kinds} channel",
                        channel=warns.group_message,
                        kind=used.kind,
                        kinds=household_kinds,
                    ),
                )
        for j, ch in enumerate(role.fallback):
            yield from _need(ch, channels, "channel", ("roles", i, "fallback", j))
        for j, plan_id in enumerate(role.authority.activate_plans):
            yield from _need(plan_id, plans, "plan", ("roles", i, "authority", "activate_plans", j))
    for i, dept in enumerate(s.departments):
        for j, role_id in enumerate(dept.chain):
            yield from _need(role_id, roles, "role", ("departments", i, "chain", j))
        yield from _need(dept.answers_to, roles, "role", ("departments", i, "answers_to"))
        yield from _need(dept.channel, channels, "channel", ("departments", i, "channel"))
    if s.command.whistle is not None:
        yield from _need(s.command.whistle.by, roles, "role", ("command", "whistle", "by"))
        yield from _need(
            s.command.whistle.channel, channels, "channel", ("command", "whistle", "channel")
        )
    if s.command.joint_centre is not None:
        jc = s.command.joint_centre
        yield from _need(
            jc.commanded_by, roles, "role", ("command", "joint_centre", "commanded_by")
        )
        yield from _need(
            jc.liaison_channel, channels, "channel", ("command", "joint_centre", "liaison_channel")
        )
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.departments):
            yield from _need(
                rule.department,
                departments,
                "department",
                ("plans", i, "departments", j, "department"),
            )
    for i, incident in enumerate(s.incidents):
        yield from _need(
            incident.community, communities, "community", ("incidents", i, "community")
        )
        yield from _need(incident.detected_by, roles, "role", ("incidents", i, "detected_by"))
        yield from _need(incident.plan, plans, "plan", ("incidents", i, "plan"))


def _need(ident: str | None, known: set[str], what: str, loc: tuple) -> Iterator[Problem]:
    if ident is not None and ident not in known:
        yield loc, no_such_id(what, ident, known)


def no_such_id(what: str, ident: str, known: Iterable[str]) -> str:
    """``no role has id 'x'; did you mean 'y'?``, in words the catalogue also holds."""
    kind, hint = thing(what), did_you_mean(ident, known)
    return words(
        "no_such_id", f"no {kind} has id '{ident}'{hint}", what=kind, ident=ident, hint=hint
    )


def check_resource_references(s: Scenario) -> Iterator[Problem]:
    """Ids that teams, plans' teams and supplies, and depots name must exist."""
    roles = {r.id for r in s.roles}
    channels = {c.id for c in s.channels}
    teams = {t.id for t in s.teams}
    items = {x.id for x in s.items}
    depots = {d.id for d in s.depots}
    places = place_levels(s)
    for i, team in enumerate(s.teams):
        if team.base not in places:
            at_depot = (
                words("hint_team_at_depot", " (a team gathers at a place, not at a depot)")
                if team.base in depots
                else Words("")
            )
            hint = did_you_mean(team.base, set(places))
            yield (
                ("teams", i, "base"),
                words(
                    "no_such_place",
                    f"no community, township or district has id '{team.base}'{hint}{at_depot}",
                    ident=team.base,
                    hint=hint,
                    depot=at_depot,
                ),
            )
        yield from _need(team.leader, roles, "role", ("teams", i, "leader"))
        for j, role in enumerate(team.activated_by):
            yield from _need(role, roles, "role", ("teams", i, "activated_by", j))
        yield from _need(team.channel, channels, "channel", ("teams", i, "channel"))
        for k, step in enumerate(team.levels):
            for m, other in enumerate(step.teams):
                yield from _need(other, teams, "team", ("teams", i, "levels", k, "teams", m))
    for i, plan in enumerate(s.plans):
        for j, rule in enumerate(plan.teams):
            yield from _need(rule.team, teams, "team", ("plans", i, "teams", j, "team"))
        for j, supply in enumerate(plan.supplies):
            yield from _need(supply.item, items, "item", ("plans", i, "supplies", j, "item"))
    for i, depot in enumerate(s.depots):
        kind = places.get(depot.place)
        loc = ("depots", i, "place")
        if kind is None:
            known = {p for p, level in places.items() if level.value == depot.level}
            yield loc, no_such_id(depot.level, depot.place, known)
        elif kind.value != depot.level:
            is_a, level = thing(kind.value), thing(depot.level)
            yield (
                loc,
                words(
                    "depot_level_mismatch",
                    f"'{depot.place}' is a {is_a}, but this is a {level} depot; give a "
                    f"{level} id, or make it a {is_a} depot (level: {kind.value})",
                    place=depot.place,
                    kind=is_a,
                    level=level,
                    value=kind.value,
                ),
            )
        for j, role in enumerate(depot.keepers):
            yield from _need(role, roles, "role", ("depots", i, "keepers", j))
        yield from _need(depot.release_by, roles, "role", ("depots", i, "release_by"))
        yield from _need(depot.keeper_channel, channels, "channel", ("depots", i, "keeper_channel"))
        yield from _need(depot.supplied_by, depots, "depot", ("depots", i, "supplied_by"))
        for j, lot in enumerate(depot.stock):
            yield from _need(lot.item, items, "item", ("depots", i, "stock", j, "item"))

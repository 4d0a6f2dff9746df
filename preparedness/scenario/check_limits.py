"""Size limits: a scenario that would not fit in memory or time is refused before anything
is built, with a message naming the number to lower (README, "Reading errors").
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from .diagnostics import Problem
from .models import Level, Scenario
from .wording import thing, words

__all__ = [
    "MAX_DEPOTS",
    "MAX_HORIZON",
    "MAX_LOTS",
    "MAX_POSTS",
    "MAX_STAFF",
    "MAX_STAFF_WORK",
    "MAX_TEAM_MEMBERS",
    "MAX_WARNED_HOUSEHOLDS",
    "check_horizon",
    "check_posts",
    "check_resource_size",
    "check_staff_cost",
    "check_staff_size",
    "check_warning_size",
]

#: Posts the engine will build at most; beyond this the scenario is refused before building.
MAX_POSTS = 2_000_000
#: Longest run horizon, in minutes (30 days: the longest reporting window in China's
#: production-safety accident regulations, State Council Decree No. 493 of 2007, Art. 13:
#: casualty changes within 30 days are reported). Nothing in a scenario plays out longer.
MAX_HORIZON = 30 * 1440.0
#: Households one incident may warn. Each costs about 100 bytes of memory per replication
#: and worker (5 million: about 0.5 GB, measured), so larger areas are refused before
#: anything is built; a whole township of a megacity has far fewer.
MAX_WARNED_HOUSEHOLDS = 5_000_000
#: People per post, as ``Role.staff`` allows; a ratio per 1,000 residents must not exceed it
#: either (door-knocking runs one process per person: 100,000 took 28 s and 420 MB).
MAX_STAFF = 10_000
#: Most work, in posts × staff², that staff sharing a post's lines may cost per replication.
#: All of a post's staff at once (door knocking, or a shift handover) queue on the post's
#: lines, and that costs about staff² per post: measured on 2 cores, 270 door-knocking posts
#: ran one replication in 5 s with 100 staff each (2.7 million) and in 64 s and 380 MB with
#: 370 (37 million); with 10,000 each (27 billion) the run died of memory at 5.6 GB.
MAX_STAFF_WORK = 10_000_000
#: Team members called out across all teams at their highest level (each is a process).
MAX_TEAM_MEMBERS = 1_000_000
#: Depots in one scenario, and lots (stock entries) in one depot.
MAX_DEPOTS = 100_000
MAX_LOTS = 10_000


def check_posts(s: Scenario) -> Iterator[Problem]:
    posts = 0
    communities = [c for t in s.places.townships for c in t.communities]
    for i, role in enumerate(s.roles):
        if role.level is Level.building:
            posts += sum(c.buildings for c in communities)
            where = words("where_buildings", "the communities' buildings")
        elif role.level is Level.grid and role.per_1000_residents is None:
            posts += sum(c.grid_cells for c in communities)
            where = words("where_grid_cells", "the communities' grid_cells")
        elif role.level in (Level.grid, Level.community):
            posts += len(communities)
            where = words("where_communities", "the number of communities")
        else:
            posts += len(s.places.townships) if role.level is Level.township else 1
            where = words("where_townships", "the number of townships")
        if posts > MAX_POSTS:
            yield (
                ("roles", i, "level"),
                words(
                    "too_many_posts",
                    f"the scenario would build more than {MAX_POSTS:,} posts; lower {where} "
                    "or move this role up a level",
                    limit=f"{MAX_POSTS:,}",
                    where=where,
                ),
            )
            return


def _posts_of(s: Scenario, role) -> int:
    """Posts one role has, as the engine builds them (``World``)."""
    communities = [c for t in s.places.townships for c in t.communities]
    if role.level is Level.building:
        return sum(c.buildings for c in communities)
    if role.level is Level.grid and role.per_1000_residents is None:
        return sum(c.grid_cells for c in communities)
    if role.level in (Level.grid, Level.community):
        return len(communities)
    return len(s.places.townships) if role.level is Level.township else 1


def _handovers(s: Scenario, role) -> int:
    """Shift handovers one post of ``role`` holds during a run (none without a handover)."""
    if role.on_duty == "always" or role.handover <= 0:
        return 0
    return len(role.on_duty) * (math.ceil(s.horizon / 1440.0) + 1)


def check_staff_cost(s: Scenario) -> Iterator[Problem]:
    """Refuse a scenario whose staff would cost hours and gigabytes per replication.

    A role's staff at most 10,000 is valid, but when all of them act at once (knocking on
    doors, or handing over a shift) each post costs about staff² (``MAX_STAFF_WORK``), and
    a role with many posts multiplies it. Said with the estimate and the staff that fits.
    """
    for i, role in enumerate(s.roles):
        if role.per_1000_residents is not None or role.staff <= 1:
            continue  # a ratio's staff is bounded by check_staff_size
        knocks = role.warns_households is not None and (
            role.warns_households.door_knocking is not None
        )
        times = (1 if knocks else 0) + _handovers(s, role)
        if times == 0:
            continue
        posts = _posts_of(s, role)
        work = posts * role.staff**2 * times
        if work <= MAX_STAFF_WORK:
            continue
        fits = max(1, math.isqrt(MAX_STAFF_WORK // max(1, posts * times)))
        what = (
            words("staff_knock", "knock on doors")
            if knocks
            else words("staff_hand_over", "hand over each shift")
        )
        yield (
            ("roles", i, "staff"),
            words(
                "staff_cost" if times != 1 else "staff_cost_one",
                f"{role.staff:,} staff on each of {posts:,} '{role.id}' posts who all "
                f"{what} at once would cost about {work:.1e} steps per replication "
                f"(posts × staff² × {times} time{'s' if times != 1 else ''}; at most "
                f"{MAX_STAFF_WORK:.0e}, some 20 s on one core): with this many posts give it "
                f"at most {fits:,} staff",
                staff=f"{role.staff:,}",
                posts=f"{posts:,}",
                role=role.id,
                what=what,
                work=f"{work:.1e}",
                times=str(times),
                limit=f"{MAX_STAFF_WORK:.0e}",
                fits=f"{fits:,}",
            ),
        )


def check_horizon(s: Scenario) -> Iterator[Problem]:
    """The run lasts until the last incident's window ends; that must fit in MAX_HORIZON."""
    if s.horizon > MAX_HORIZON:
        days = f"{MAX_HORIZON / 1440:g}"
        yield (
            ("horizon",),
            words(
                "horizon_too_long", f"a run may last at most {days} days; lower horizon", days=days
            ),
        )
        return
    for i, incident in enumerate(s.incidents):
        if incident.start_after + s.observed_for(incident) > MAX_HORIZON:
            field = "observe_for" if incident.observe_for is not None else "start_after"
            yield (
                ("incidents", i, field),
                words(
                    "observed_too_long",
                    f"a run may last at most {MAX_HORIZON / 1440:g} days, and this incident is "
                    "observed beyond that; lower start_after or the observation window "
                    "(observe_for, else horizon)",
                    days=f"{MAX_HORIZON / 1440:g}",
                ),
            )


def check_warning_size(s: Scenario) -> Iterator[Problem]:
    """Households an incident's warning covers must fit in memory (MAX_WARNED_HOUSEHOLDS)."""
    plans = {p.id: (i, p) for i, p in enumerate(s.plans)}
    for township in s.places.townships:
        for community in township.communities:
            for incident in s.incidents:
                if incident.community != community.id:
                    continue
                plan = s.plan_for(incident) if incident.plan in (None, *plans) else None
                if plan is None or plan.warn is None:
                    continue
                township_wide = plan.warn.area == "township"
                listed = (
                    [p if isinstance(p, str) else p.community for p in plan.warn.area]
                    if isinstance(plan.warn.area, list)
                    else None
                )
                area = (
                    township.communities
                    if township_wide
                    else [c for t in s.places.townships for c in t.communities if c.id in listed]
                    if listed is not None
                    else [community]
                )
                households = sum(c.households for c in area)
                if households > MAX_WARNED_HOUSEHOLDS:
                    where = (
                        words(
                            "named",
                            f"township '{township.id}'",
                            what=thing("township"),
                            ident=township.id,
                        )
                        if township_wide
                        else words(
                            "named",
                            f"community '{community.id}'",
                            what=thing("community"),
                            ident=community.id,
                        )
                    )
                    yield (
                        ("plans", plans[plan.id][0], "warn", "area"),
                        words(
                            "warned_too_many_township" if township_wide else "warned_too_many",
                            f"incident '{incident.id}' would warn {households:,} households in "
                            f"{where}; at most {MAX_WARNED_HOUSEHOLDS:,} fit in memory: lower the "
                            "communities' households"
                            + ("" if not township_wide else " or warn the incident_community only"),
                            incident=incident.id,
                            households=f"{households:,}",
                            where=where,
                            limit=f"{MAX_WARNED_HOUSEHOLDS:,}",
                        ),
                    )


def check_staff_size(s: Scenario) -> Iterator[Problem]:
    """Staff from a ratio per 1,000 residents (as ``World._staff`` computes it) stays in bounds."""
    for i, role in enumerate(s.roles):
        if role.per_1000_residents is None:
            continue
        for t, township in enumerate(s.places.townships):
            for c, community in enumerate(township.communities):
                ratio = community.staff_per_1000.get(role.id, role.per_1000_residents)
                staff = math.ceil(community.population / 1000 * ratio)
                if staff <= MAX_STAFF:
                    continue
                own = role.id in community.staff_per_1000
                loc = (
                    ("places", "townships", t, "communities", c, "staff_per_1000", role.id)
                    if own
                    else ("roles", i, "per_1000_residents")
                )
                yield (
                    loc,
                    words(
                        "ratio_staff_own" if own else "ratio_staff",
                        f"{ratio:g} per 1,000 residents gives community '{community.id}' "
                        f"{staff:,} {role.id} staff on one post; at most {MAX_STAFF:,}: lower "
                        + ("its staff_per_1000" if own else "per_1000_residents"),
                        ratio=f"{ratio:g}",
                        community=community.id,
                        staff=f"{staff:,}",
                        role=role.id,
                        limit=f"{MAX_STAFF:,}",
                    ),
                )
                return


def check_resource_size(s: Scenario) -> Iterator[Problem]:
    """Teams, depots and lots stay within what one replication can hold."""
    members = 0
    for i, team in enumerate(s.teams):
        members += team.members_up_to(len(team.levels))
        if members > MAX_TEAM_MEMBERS:
            yield (
                ("teams", i, "levels"),
                words(
                    "too_many_members",
                    f"the teams would call out more than {MAX_TEAM_MEMBERS:,} members in all; "
                    "lower levels[].members",
                    limit=f"{MAX_TEAM_MEMBERS:,}",
                ),
            )
            break
    if len(s.depots) > MAX_DEPOTS:
        yield (
            ("depots",),
            words(
                "too_many_depots",
                f"{len(s.depots):,} depots; a scenario may have at most {MAX_DEPOTS:,}",
                count=f"{len(s.depots):,}",
                limit=f"{MAX_DEPOTS:,}",
            ),
        )
    for i, depot in enumerate(s.depots):
        if len(depot.stock) > MAX_LOTS:
            yield (
                ("depots", i, "stock"),
                words(
                    "too_many_lots",
                    f"{len(depot.stock):,} lots; a depot may hold at most {MAX_LOTS:,}: merge lots "
                    "of one item stocked on the same date",
                    count=f"{len(depot.stock):,}",
                    limit=f"{MAX_LOTS:,}",
                ),
            )

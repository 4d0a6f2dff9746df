"""Warning every household: the warning cascades down the chain and reaches households as cohorts.

From the post that activates the plan, the warning travels down the reports-to links
(township -> community -> grid workers -> building leaders), call by call, each post
passing it to every subordinate post in the warning area. Posts whose role warns
households post to the area's group (smartphone users read it after a delay, or never)
and knock on doors (households without smartphones, one after another, walking between
buildings). Households are drawn as vectors, not processes, so a township of 100,000+
households costs little; only the people who relay the warning are simulated one by one.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..scenario.channels import GroupMessageChannel, reaches_households
from ..scenario.distributions import ConstantSpec
from ..scenario.models import Community, DoorKnocking, Level
from .reception import Message, MessageKind, call_with
from .trace import WARNING_DOOR_KNOCKING, WARNING_GROUP_POST, EventKind, WarningBatch
from .world import Post, World, post_level_unit

COHORTS = ("smartphone", "without_smartphone")

# The levels as module constants: looking a member up on the enum class, or its ``rank``,
# costs more than the rest of these helpers, which run once per post warned.
_BUILDING, _GRID = Level.building, Level.grid
_COMMUNITY, _TOWNSHIP = Level.community, Level.township


def cohort_sizes(community: Community) -> dict[str, int]:
    """Households with and without a smartphone (the latter are reached by door-knocking)."""
    without = round(community.households * community.share_without_smartphone)
    return {"smartphone": community.households - without, "without_smartphone": without}


def warning_area(world: World, state) -> list[str]:
    """Communities the incident's plan says to warn (wholly or in part), in scenario order.

    Parts of communities (grid cells, buildings) are recorded on ``state.warn_units``:
    community -> the cells and buildings inside the area (None: all of it), and
    ``state.warn_slices``: community -> cohort -> the household ranges inside it.
    """
    area = state.plan.warn.area
    places = world.places
    state.warn_units, state.warn_slices = {}, {}
    if area == "incident_community":
        return [state.community]
    if area == "township":
        township = places.ancestor(state.community, Level.township)
        return [c for c in places.communities if places.ancestor(c, Level.township) == township]
    for part in area:
        if isinstance(part, str):
            state.warn_units[part] = None
            continue
        community = places.communities[part.community]
        if part.grid_cells is not None:
            finest = [places.grid_cell(community.id, j) for j in part.grid_cells]
            units = set(finest)
            units.update(b for cell in finest for b in places.buildings_of(cell))
        else:
            finest = [places.building(community.id, k) for k in part.buildings]
            units = set(finest) | {places.ancestor(b, Level.grid) for b in finest}
        if state.warn_units.get(community.id, set()) is None:
            continue  # the whole community is already in the area
        state.warn_units[community.id] = state.warn_units.get(community.id, set()) | units
        sizes = cohort_sizes(community)
        slices = state.warn_slices.setdefault(community.id, {c: [] for c in COHORTS})
        for cohort in COHORTS:
            slices[cohort].extend(places.household_slice(u, sizes[cohort]) for u in finest)
    for community_id, units in state.warn_units.items():
        if units is None:
            state.warn_slices.pop(community_id, None)
    for slices in state.warn_slices.values():
        for cohort, ranges in slices.items():
            slices[cohort] = _merged(ranges)
    return [c for c in places.communities if c in state.warn_units]


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((first, end))
    return merged


def _in_area(state, unit: str, community: str) -> bool:
    units = state.warn_units.get(community)
    return units is None or unit in units


def start_warning(world: World, state, issuer: Post, cause: int):
    """The post that activated the plan issues the warning (a process generator)."""
    area = warning_area(world, state)
    state.warn_area = area
    world.trace.warning_area[state.incident.id] = {
        c: cohort_sizes(world.places.communities[c]) for c in area
    }
    if state.warn_slices:
        world.trace.warning_slices[state.incident.id] = state.warn_slices
    world.trace.warning_targets[state.incident.id] = round(state.plan.warn.coverage * 100)
    yield from act_on_warning(world, state, issuer, WARNING, cause)


#: The warning as it travels (every copy alike: who has it already is the receiver's key).
WARNING = Message(MessageKind.WARNING)


def act_on_warning(world: World, state, post: Post, message: Message, cause: int):
    """Post to the group, pass the warning down to every subordinate, then knock on doors."""
    warns = post.role.warns_households
    if warns is not None and warns.group_message is not None:
        yield from _post_to_group(world, state, post, warns.group_message, cause)
    if warns is not None and warns.loudspeaker is not None:
        _broadcast(world, state, post, warns.loudspeaker, cause)
    for subordinate, channel in _subordinates(world, state, post):
        yield from call_with(world, state, post, subordinate, channel, message, cause)
    if warns is not None and warns.door_knocking is not None:
        yield from _knock_doors(world, state, post, warns.door_knocking, cause)


def _communities_under(world: World, state, post: Post) -> list[str]:
    places = world.places
    level = places.units[post.unit].level
    if level is not _BUILDING and level is not _GRID:  # community level or above
        return [c for c in state.warn_area if places.ancestor(c, level) == post.unit]
    community = places.ancestor(post.unit, _COMMUNITY)
    return [community] if community in state.warn_area else []


def _subordinates(world: World, state, post: Post) -> list[tuple[Post, str]]:
    """Posts that report to ``post`` inside the warning area, in a stable order."""
    places = world.places
    found: list[tuple[Post, str]] = []
    post_level = places.units[post.unit].level
    for role_id, channel in world.subordinates.get(post.role.id, []):
        kind = post_level_unit(world.scenario.role(role_id))
        units: list[str] = []
        if post_level is _BUILDING or post_level is _GRID:
            if kind is _BUILDING and post_level is _GRID:
                community = places.ancestor(post.unit, _COMMUNITY)
                units = [b for b in places.buildings_of(post.unit) if _in_area(state, b, community)]
        else:
            for community in _communities_under(world, state, post):
                if kind is _COMMUNITY:
                    units.append(community)
                elif kind is _GRID:
                    units.extend(
                        c for c in places.cells_of(community) if _in_area(state, c, community)
                    )
                elif kind is _BUILDING:
                    units.extend(
                        b for b in places.buildings_of(community) if _in_area(state, b, community)
                    )
                elif kind is _TOWNSHIP:
                    township = places.ancestor(community, _TOWNSHIP)
                    if township not in units:
                        units.append(township)
        found.extend((world.post(role_id, unit), channel) for unit in units)
    return found


def _lists(world: World, state, post: Post, cohorts) -> list[tuple[str, str, int, int]]:
    """(community, cohort, first, end) slices of the household lists this post covers."""
    slices = []
    level = world.places.units[post.unit].level
    below_community = level is _BUILDING or level is _GRID
    for community_id in _communities_under(world, state, post):
        sizes = cohort_sizes(world.places.communities[community_id])
        own = post.unit if below_community else community_id
        for cohort in cohorts:
            first, end = world.places.household_slice(own, sizes[cohort])
            area = state.warn_slices.get(community_id, {}).get(cohort, [(first, end)])
            for lo, hi in area:  # only the households inside the warning area
                lo, hi = max(lo, first), min(hi, end)
                if hi > lo:
                    slices.append((community_id, cohort, lo, hi))
    return slices


def _post_to_group(world: World, state, post: Post, channel_id: str, cause: int):
    env, trace = world.env, world.trace
    channel = world.scenario.channel(channel_id)
    if not reaches_households(channel):
        # The loader rejects this (check_references: households are warned by a post).
        raise TypeError(f"channel '{channel_id}' is a {channel.kind} channel, not a post")
    line = world.seize(post, state.incident.id, cause)
    yield line
    world.seized(post, state.incident.id, cause)
    writing = _duration(world, channel.post_time, f"{channel.id}:{post.id}:warning")
    if writing > 0:
        yield env.timeout(writing)
    posted = trace.emit(
        env.now,
        EventKind.MESSAGE_POSTED,
        state.incident.id,
        post.id,
        None,
        cause,
        channel.id,
        WARNING_GROUP_POST,
    )
    world.release(post, line, state.incident.id, posted)
    read_delay = channel.read_delay.for_time(world.is_night(env.now))
    lost = channel.never_read_share + (1 - channel.never_read_share) * channel.failure_probability
    for community, cohort, first, end in _lists(world, state, post, ("smartphone",)):
        rng = world.streams.get(f"{channel.id}:{post.id}:warning:{community}")
        count = end - first
        times = env.now + np.asarray(read_delay.sample(rng, size=count), dtype=float)
        unread = rng.random(count) < lost
        if isinstance(channel, GroupMessageChannel) and channel.forwarded_share > 0:
            # Some of those who never read it hear it from a member who did: the reader's
            # delay (the draw above) plus the forwarding delay.
            told = unread & (rng.random(count) < channel.forwarded_share)
            later = np.asarray(channel.forward_delay.sample(rng, size=count), dtype=float)
            times = np.where(told, times + later, times)
            unread &= ~told
        times[unread] = math.inf
        if world.channel_down(channel.id, env.now, post.unit, community):
            times[:] = math.inf  # the post never went out in this area
        trace.warnings.append(
            WarningBatch(
                state.incident.id, community, cohort, first, times, posted, "group_message", post.id
            )
        )


def _broadcast(world: World, state, post: Post, loudspeaker, cause: int) -> None:
    """A vehicle passes the area's buildings in order; each household may or may not hear it."""
    env, trace = world.env, world.trace
    for community_id, cohort, first, end in _lists(world, state, post, COHORTS):
        community = world.places.communities[community_id]
        per_building = max(cohort_sizes(community)[cohort] / community.buildings, 1.0)
        count = end - first
        building = np.floor((first + np.arange(count)) / per_building)
        times = env.now + (building + 1) * loudspeaker.time_per_building
        rng = world.streams.get(f"{post.id}:loudspeaker:{community_id}:{cohort}")
        times[rng.random(count) >= loudspeaker.heard_share] = math.inf
        trace.warnings.append(
            WarningBatch(
                state.incident.id, community_id, cohort, first, times, cause, "loudspeaker", post.id
            )
        )


def _knock_doors(world: World, state, post: Post, knocking: DoorKnocking, cause: int):
    """Each of the post's staff works through a contiguous part of its list, door after door."""
    env = world.env
    cohorts = COHORTS if knocking.cohorts == "all" else ("without_smartphone",)
    lists = _lists(world, state, post, cohorts)
    if not lists:
        return
    workers = [
        env.process(_knocker(world, state, post, knocking, lists, worker, cause))
        for worker in range(post.staff)
    ]
    yield env.all_of(workers)


def _knocker(
    world: World, state, post: Post, knocking: DoorKnocking, lists, worker: int, cause: int
):
    env, trace = world.env, world.trace
    line = world.seize(post, state.incident.id, cause)
    yield line
    world.seized(post, state.incident.id, cause)
    begun = trace.emit(
        env.now,
        EventKind.TASK_STARTED,
        state.incident.id,
        post.id,
        cause=cause,
        info=WARNING_DOOR_KNOCKING,
    )
    clock = env.now
    rng = world.streams.get(f"{post.id}:door_knocking:{worker}")
    for community_id, cohort, first, end in lists:
        share = (end - first) / post.staff
        lo, hi = first + math.floor(worker * share), first + math.floor((worker + 1) * share)
        count = hi - lo
        if count <= 0:
            continue
        community = world.places.communities[community_id]
        per_building = max(cohort_sizes(community)[cohort] / community.buildings, 1.0)
        building_of, buildings = _buildings_walked(count, per_building)
        walks = _walks(knocking.walk_between_buildings, rng, buildings)
        knocks = knocking.time_per_household.sample(rng, size=count).cumsum()
        finished = clock + walks[building_of] + knocks
        times = np.where(rng.random(count) < knocking.nobody_home, math.inf, finished)
        trace.warnings.append(
            WarningBatch(
                state.incident.id, community_id, cohort, lo, times, begun, "door_knocking", post.id
            )
        )
        clock = float(finished[-1])
    remaining = min(clock, world.trace.horizon) - env.now
    if remaining > 0:
        yield env.timeout(remaining)
    world.release(post, line, state.incident.id, begun)


@lru_cache(maxsize=4096)
def _buildings_walked(count: int, per_building: float) -> tuple[np.ndarray, int]:
    """Which building (0, 1, ...) each of ``count`` households in a row lives in, and how many.

    Door-knockers' lists repeat the same lengths building after building, so the index is
    computed once per (length, households per building) and shared, read-only.
    """
    building_of = np.floor(np.arange(count) / per_building).astype(int)
    building_of.flags.writeable = False
    return building_of, int(building_of[-1]) + 1


def _walks(walk, rng: np.random.Generator, buildings: int) -> np.ndarray:
    """Minutes from the first building to the start of each building's doors, cumulated.

    A constant walk draws nothing, so its sums are shared between knockers (read-only).
    """
    if isinstance(walk, ConstantSpec):
        return _constant_walks(float(walk.constant), buildings)
    return walk.sample(rng, size=buildings).cumsum()


@lru_cache(maxsize=4096)
def _constant_walks(minutes: float, buildings: int) -> np.ndarray:
    walks = np.full(buildings, minutes).cumsum()
    walks.flags.writeable = False
    return walks


def _duration(world: World, distribution, stream: str) -> float:
    """One draw from ``distribution`` on the named stream; a constant needs no stream.

    Creating a stream costs more than the rest of a post's warning step, and a constant
    never draws from it, so the draw is the same either way.
    """
    if isinstance(distribution, ConstantSpec):
        return float(distribution.constant)
    return distribution.sample(world.streams.get(stream))

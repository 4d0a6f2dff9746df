"""The world of one replication: places, posts (people in roles), links, the clock and streams.

A fresh ``World`` is built from the frozen scenario for every replication; nothing is
reset in place. Posts are created when first needed, so a city of 15,000 grid cells costs
only the posts an incident actually touches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import networkx as nx
import simpy

from ..scenario.models import Level, Role, Scenario, Shift
from .streams import Streams
from .trace import EventKind, PostInfo, Trace

if TYPE_CHECKING:
    # The per-replication state classes live with the processes that use them, which
    # import this module; annotations only, so no import cycle at runtime.
    from .command_modes import CentreState
    from .incidents import IncidentState
    from .reception import Reception
    from .supplies import DepotState
    from .teams import TeamState
    from .travel import RouteFinder


@dataclass(frozen=True, slots=True)
class Unit:
    """A place a post belongs to: a grid cell, community, township or the district."""

    id: str
    level: Level
    parent: str | None


class Places:
    """Lookup of every place and its ancestors, derived once from the scenario."""

    def __init__(self, scenario: Scenario):
        district = scenario.places.district
        self.district_id = district.id
        self.units: dict[str, Unit] = {district.id: Unit(district.id, Level.district, None)}
        self.communities = {}
        for township in scenario.places.townships:
            self.units[township.id] = Unit(township.id, Level.township, district.id)
            for community in township.communities:
                self.units[community.id] = Unit(community.id, Level.community, township.id)
                self.communities[community.id] = community

    def grid_cell(self, community_id: str, index: int) -> str:
        """Id of a community's grid cell (1-based), registered on first use."""
        cell_id = f"{community_id}/grid{index}"
        if cell_id not in self.units:
            self.units[cell_id] = Unit(cell_id, Level.grid, community_id)
        return cell_id

    def building(self, community_id: str, index: int) -> str:
        """Id of a community's building (1-based); its grid cell follows the building order."""
        building_id = f"{community_id}/building{index}"
        if building_id not in self.units:
            community = self.communities[community_id]
            cell = (index - 1) * community.grid_cells // community.buildings + 1
            self.units[building_id] = Unit(
                building_id, Level.building, self.grid_cell(community_id, cell)
            )
        return building_id

    def cells_of(self, community_id: str) -> list[str]:
        cells = self.communities[community_id].grid_cells
        return [self.grid_cell(community_id, j) for j in range(1, cells + 1)]

    def buildings_of(self, unit_id: str) -> list[str]:
        """Buildings of a community, or of one of its grid cells, in order."""
        unit = self.units[unit_id]
        if unit.level is Level.community:
            count = self.communities[unit_id].buildings
            return [self.building(unit_id, k) for k in range(1, count + 1)]
        if unit.level is Level.grid:
            assert unit.parent is not None  # a grid cell always lies in a community
            community = self.communities[unit.parent]
            cells, buildings = community.grid_cells, community.buildings
            j = int(unit_id.rsplit("grid", 1)[1])
            first = -(-(j - 1) * buildings // cells) + 1
            last = -(-j * buildings // cells)
            return [self.building(community.id, k) for k in range(first, last + 1)]
        return []

    def household_slice(self, unit_id: str, length: int) -> tuple[int, int]:
        """The part of a community's household list (of ``length``) that ``unit_id`` covers.

        A community's households of one cohort are a list; grid cell j of G covers
        [floor((j-1)L/G), floor(jL/G)), building k of B likewise, so overlapping
        warners cover the same households and coverage takes the earliest time.
        """
        unit = self.units[unit_id]
        if unit.level is Level.community:
            return 0, length
        community = self.communities[self.ancestor(unit_id, Level.community)]
        if unit.level is Level.grid:
            j, parts = int(unit_id.rsplit("grid", 1)[1]), community.grid_cells
        else:
            j, parts = int(unit_id.rsplit("building", 1)[1]), community.buildings
        return (j - 1) * length // parts, j * length // parts

    def ancestor(self, unit_id: str, level: Level) -> str:
        """The unit at ``level`` containing ``unit_id`` (itself when already at that level)."""
        unit = self.units[unit_id]
        while unit.level.rank < level.rank and unit.parent is not None:
            unit = self.units[unit.parent]
        return unit.id


def post_level_unit(role: Role) -> Level:
    """The kind of place one post of this role covers."""
    if role.level is Level.grid and role.per_1000_residents is not None:
        return Level.community
    if role.level is Level.building:
        return Level.building
    if role.level is Level.city:
        return Level.district
    return role.level


class Post:
    """A role at one place: its staff share a set of lines and handle one call each at a time."""

    __slots__ = ("id", "role", "unit", "level", "staff", "lines", "info")

    def __init__(self, env: simpy.Environment, role: Role, unit: str, staff: int):
        self.id = f"{role.id}@{unit}"
        self.role = role
        self.unit = unit
        self.level = role.level
        self.staff = staff
        self.lines = simpy.Resource(env, capacity=staff)
        self.info = PostInfo(self.id, role.id, role.name, role.level.value, unit, staff)


@dataclass
class World:
    """Everything one replication's processes share, passed to them explicitly."""

    scenario: Scenario
    env: simpy.Environment
    streams: Streams
    trace: Trace
    places: Places
    posts: dict[str, Post] = field(default_factory=dict)
    superiors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: role -> roles that report to it, with the link's channel (instructions go this way)
    subordinates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: (role, role) -> channel id for every reports-to link, in both directions.
    role_links: dict[tuple[str, str], str] = field(default_factory=dict)
    incidents: dict[str, IncidentState] = field(default_factory=dict)
    centres: dict[str, CentreState] = field(default_factory=dict)
    #: Roles the engine adds itself (liaisons in a joint centre), by id.
    extra_roles: dict[str, Role] = field(default_factory=dict)
    role_graph: nx.DiGraph[str] | None = None
    #: channel id -> outages drawn for this replication: (start, end, communities or None)
    outages: dict[str, list[tuple[float, float, frozenset | None]]] = field(default_factory=dict)
    #: team id -> that team's state in this replication (``teams.py``)
    teams: dict[str, TeamState] = field(default_factory=dict)
    #: depot id -> that depot's state in this replication (``supplies.py``)
    depots: dict[str, DepotState] = field(default_factory=dict)
    #: roads cut by incidents: (start, end, from, to), and the route finder (``travel.py``)
    road_cuts: list[tuple[float, float, str, str]] = field(default_factory=list)
    travel: RouteFinder | None = None
    #: (post, incident) -> whether that person is away for the whole incident (drawn once)
    absent: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: What a post does with each kind of message (``reception.py``; built by ``actions.py``)
    reception: Reception | None = None
    _start_clock: float = 0.0

    @classmethod
    def build(
        cls, scenario: Scenario, streams: Streams, reception: Reception | None = None
    ) -> World:
        """A fresh world; ``reception`` (``actions.reception()``) is needed to run incidents."""
        env = simpy.Environment()
        trace = Trace(horizon=scenario.run_length, command_mode=scenario.command.mode)
        world = cls(scenario, env, streams, trace, Places(scenario), reception=reception)
        start = scenario.start
        world._start_clock = start.hour * 60 + start.minute + start.second / 60
        for link in scenario.command.links:
            world.superiors.setdefault(link.source, []).append((link.target, link.channel))
            world.subordinates.setdefault(link.target, []).append((link.source, link.channel))
            world.role_links[(link.source, link.target)] = link.channel
            world.role_links.setdefault((link.target, link.source), link.channel)
        for channel in scenario.channels:
            for k, outage in enumerate(channel.outages):
                rng = streams.get(f"outage:{channel.id}:{k}")
                if rng.random() < outage.probability:
                    area = frozenset(outage.communities) or None
                    world.outages.setdefault(channel.id, []).append(
                        (outage.start_after, outage.start_after + outage.duration, area)
                    )
        for dept in scenario.departments:
            hops = [dept.answers_to, *dept.chain]
            for upper, lower in zip(hops, hops[1:], strict=False):
                world.role_links.setdefault((upper, lower), dept.channel)
                world.role_links.setdefault((lower, upper), dept.channel)
        return world

    # ------------------------------------------------------------------ time of day

    def clock(self, time: float) -> float:
        """Local clock time (minutes after midnight) at simulation time ``time``."""
        return (self._start_clock + time) % 1440.0

    def is_night(self, time: float) -> bool:
        night = self.scenario.night
        return within(self.clock(time), night.start, night.end)

    def on_duty(self, post: Post, time: float) -> bool:
        shifts = post.role.on_duty
        if shifts == "always":
            return True
        clock = self.clock(time)
        return any(within(clock, shift.start, shift.end) for shift in shifts)

    def away(self, post: Post, incident: str | None) -> bool:
        """Whether ``post``'s person is away for the whole incident (role's ``away_share``).

        Drawn once per person and incident from its own stream, so no attempt reaches them,
        however often they are called; a share of 0 draws nothing.
        """
        share = getattr(post.role, "away_share", 0.0)
        if share <= 0 or incident is None:
            return False
        key = (post.id, incident)
        known = self.absent.get(key)
        if known is None:
            known = bool(self.streams.get(f"away:{post.id}:{incident}").random() < share)
            self.absent[key] = known
        return known

    def channel_down(self, channel_id: str, time: float, *units: str) -> bool:
        """Whether an outage stops this channel now for anyone at one of ``units``."""
        for start, end, area in self.outages.get(channel_id, ()):
            if start <= time < end and (
                area is None
                or any(self.places.ancestor(unit, Level.community) in area for unit in units)
            ):
                return True
        return False

    # ------------------------------------------------------------------ posts

    def post(self, role_id: str, near_unit: str) -> Post:
        """The post of ``role_id`` serving ``near_unit`` (a grid cell, community, ...)."""
        role = self.extra_roles.get(role_id) or self.scenario.role(role_id)
        kind = post_level_unit(role)
        if kind in (Level.grid, Level.building):
            if self.places.units[near_unit].level is not kind:
                raise ValueError(f"role {role_id} needs a {kind.value}, got {near_unit}")
            unit = near_unit
        else:
            unit = self.places.ancestor(near_unit, kind)
        post_id = f"{role.id}@{unit}"
        post = self.posts.get(post_id)
        if post is None:
            post = Post(self.env, role, unit, self._staff(role, unit))
            self.posts[post_id] = post
            self.trace.posts[post_id] = post.info
            if role.handover > 0 and isinstance(role.on_duty, list):  # not "always"
                self.env.process(self._handovers(post, role.on_duty))
        return post

    def _handovers(self, post: Post, shifts: list[Shift]):
        """At every shift start until the run ends, all of the post's lines go to the handover.

        Posts are built when first needed, so one built during a handover joins it for
        the rest of its duration.
        """
        env, handover = self.env, post.role.handover
        starts = sorted(shift.start for shift in shifts)
        day = (env.now + self._start_clock) // 1440.0 - 1
        while True:
            for start in starts:
                begins = day * 1440.0 + start - self._start_clock
                ends = begins + handover
                if ends <= env.now:
                    continue
                if begins >= self.trace.horizon:
                    return
                if begins > env.now:
                    yield env.timeout(begins - env.now)
                marker = self.trace.emit(env.now, EventKind.SHIFT_HANDOVER, None, post.id)
                requests = [post.lines.request() for _ in range(post.staff)]
                yield env.all_of(requests)
                for _ in requests:
                    self.seized(post, None, marker)
                if ends > env.now:
                    yield env.timeout(ends - env.now)
                for request in requests:
                    self.release(post, request, None, marker)
            day += 1

    def _staff(self, role: Role, unit: str) -> int:
        if role.per_1000_residents is not None:
            community = self.places.communities[unit]
            ratio = community.staff_per_1000.get(role.id, role.per_1000_residents)
            return max(1, math.ceil(community.population / 1000 * ratio))
        return role.staff

    def superiors_of(self, post: Post) -> list[tuple[Post, str]]:
        """Posts this post reports to, with the channel of each link, in scenario order."""
        return [
            (self.post(target, post.unit), channel)
            for target, channel in self.superiors.get(post.role.id, [])
        ]

    def channel_between(self, sender: Post, receiver: Post) -> str | None:
        return self.role_links.get((sender.role.id, receiver.role.id))

    # ------------------------------------------------------------------ lines

    def seize(self, post: Post, incident: str | None, cause: int | None):
        """Request one of the post's lines; the caller yields the request, then calls ``seized``."""
        return post.lines.request()

    def seized(self, post: Post, incident: str | None, cause: int | None) -> None:
        self.trace.emit(self.env.now, EventKind.LINE_SEIZED, incident, post.id, cause=cause)

    def release(self, post: Post, request, incident: str | None, cause: int | None) -> None:
        """Free a line; ``cause`` is the event that ended its use (a delivery, a decision...)."""
        free_line(post.lines, request)
        self.trace.emit(self.env.now, EventKind.LINE_RELEASED, incident, post.id, cause=cause)


class HeldLine:
    """A callee's line taken at once because it was free: no SimPy request, no kernel event."""

    __slots__ = ()
    triggered = True


def take_line(lines: simpy.Resource) -> HeldLine | simpy.resources.resource.Request:
    """A free line at once (a ``HeldLine``), else SimPy's request for the next line to free.

    Used for the callee's line, where the caller goes straight on to ring: golden and
    verification results are unchanged. Taking the caller's own line this way too would
    let the caller act before other events due at the same moment, which moves results.
    """
    if len(lines.users) < lines.capacity and not lines.put_queue:
        held = HeldLine()
        cast(list[Any], lines.users).append(held)  # SimPy keeps any holder in ``users``
        return held
    return lines.request()


def free_line(lines: simpy.Resource, request: HeldLine | simpy.resources.resource.Request) -> None:
    """Give a line back without a kernel event when nobody is queued for one.

    SimPy's ``release`` schedules an event whose only effect, when processed, is to serve
    the queue. With the queue empty that is nothing: a request made meanwhile finds the
    line free and is served when made. So the line leaves ``users`` at once, and the order
    of every other event is unchanged (results stay identical); with a queue, SimPy
    releases it as usual.
    """
    if lines.put_queue:
        lines.release(cast(simpy.resources.resource.Request, request))
    else:
        cast(list[Any], lines.users).remove(request)


def within(clock: float, start: float, end: float) -> bool:
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end

"""Background load: calls that are not about any incident (12345 hotline calls, routine
business) arriving at duty desks at random, so an incident's calls queue behind them.

Arrivals form a Poisson process whose rate may change with the time of day; each call
takes one of the desk's lines for its handling time, first come first served, exactly like
an incident's call, so a desk with Poisson arrivals and exponential handling is an M/M/N
queue (Erlang C). Draws come from the load's own named streams.
"""

from __future__ import annotations

import math

from ..scenario.models import BackgroundLoad
from .trace import EventKind
from .world import Post, World, within


def start_background(world: World) -> None:
    """Start every background load of the scenario; each runs from the start to the horizon."""
    for load in world.scenario.background_load:
        post = world.post(load.role, load.at or world.places.district_id)
        world.env.process(_arrivals(world, load, post))


def rate_per_minute(load: BackgroundLoad, clock: float) -> float:
    """Arrival rate at a clock time (minutes after midnight): the first period holding it,
    else the load's base rate."""
    for period in load.periods:
        if within(clock, period.start, period.end):
            return period.calls_per_hour / 60.0
    return load.calls_per_hour / 60.0


def _to_next_change(load: BackgroundLoad, clock: float) -> float:
    """Minutes from ``clock`` until the rate may change (a period starts or ends)."""
    points = {p.start for p in load.periods} | {p.end for p in load.periods}
    gaps = [(point - clock) % 1440.0 or 1440.0 for point in points]
    return min(gaps, default=math.inf)


def next_arrival(world: World, load: BackgroundLoad, now: float, work: float) -> float:
    """The time the integrated rate from ``now`` reaches ``work`` (a unit exponential draw):
    exact for a piecewise-constant rate, since the process is memoryless."""
    time = now
    while time < world.trace.horizon:  # the run's end: the last incident's window
        rate = rate_per_minute(load, world.clock(time))
        span = _to_next_change(load, world.clock(time))
        if rate > 0 and work <= rate * span:
            return time + work / rate
        if math.isinf(span):
            return math.inf
        work -= rate * span
        time += span
    return math.inf


def _arrivals(world: World, load: BackgroundLoad, post: Post):
    env = world.env
    arrivals = world.streams.get(f"load:{load.id}:arrivals")
    handling = world.streams.get(f"load:{load.id}:handling")
    while True:
        at = next_arrival(world, load, env.now, float(arrivals.exponential(1.0)))
        if at >= world.trace.horizon:
            return
        holding = load.handling_time.sample(handling)
        if at > env.now:
            yield env.timeout(at - env.now)
        env.process(_call(world, load, post, holding))


def _call(world: World, load: BackgroundLoad, post: Post, holding: float):
    """One call: it waits for a free line at the desk, is handled, and hangs up."""
    env, trace = world.env, world.trace
    arrived = trace.emit(env.now, EventKind.BACKGROUND_CALL_ARRIVED, None, post.id, info=load.id)
    line = world.seize(post, None, arrived)
    yield line
    world.seized(post, None, arrived)
    answered = trace.emit(
        env.now, EventKind.BACKGROUND_CALL_ANSWERED, None, post.id, cause=arrived, info=load.id
    )
    if holding > 0:
        yield env.timeout(holding)
    done = trace.emit(
        env.now, EventKind.BACKGROUND_CALL_DONE, None, post.id, cause=answered, info=load.id
    )
    world.release(post, line, None, done)

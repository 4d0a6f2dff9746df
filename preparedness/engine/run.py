"""The only entry point into the engine: one replication of a scenario, returned as a trace."""

from __future__ import annotations

from ..scenario.models import Scenario
from .actions import RECEPTION
from .background import start_background
from .collector import tuned_collection
from .incidents import incident_process
from .streams import Streams
from .trace import Trace
from .world import World


def simulate_replication(
    scenario: Scenario, replication: int, root_seed: int | None = None
) -> Trace:
    """Build a fresh world, replay every incident, and return the trace.

    The run lasts until the last incident's observation window has ended (each incident is
    observed for ``horizon``, or its own ``observe_for``, after its own start).

    The replication's draws depend only on ``root_seed`` (default: the scenario's seed), the
    replication index and the names of the components, never on what ran before.
    """
    seed = scenario.seed if root_seed is None else root_seed
    world = World.build(scenario, Streams(seed, replication), RECEPTION)
    with tuned_collection():
        start_background(world)
        for incident in scenario.incidents:
            world.env.process(incident_process(world, incident))
        world.env.run(until=scenario.run_length)
    return world.trace

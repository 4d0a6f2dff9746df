"""Relay tree: the engine against a plain hand-written SimPy model of the same phone tree.

The tree: depth 5, fan-out 8, 1 + 8 + 64 + 512 + 4,096 + 32,768 = 37,449 people. The root
has the message at time 0; everyone who has it phones each of their 8 people in turn. A call
is answered with probability 0.8; an answered call rings 15 s, then the talk takes a
lognormal time with median 1.5 min and p90 4 min (the engine's default phone talk time,
after CTIA's mean US mobile call of 1.8-3 min); an unanswered call rings out after 30 s and
is retried 2 min later, until answered. Decisions take no time. Measured: the time until all
37,449 have it.

The engine has no "call a list of people" step, so the tree is written with what exists: a
role per person and a reports-to link per call, with the report fanning out to every
superior in link order (``Role`` at community level for the 4,681 callers, township level
for the 32,768 leaves, the plan's report going up to township). The scenario is YAML text
read by the same loader as any file (with the node limit raised: 37,449 roles and 37,448
links are far beyond a hand-written scenario); loading its 4.3 MB is timed too (target 3 s).
Both models run in this process, interleaved (one engine replication, then a share of the
plain ones) so a change in the machine's load hits both alike; the figures are medians over
replications. Target: the engine at least 5x faster than the plain model.

    python bench/relay_tree.py [--engine-replications 10] [--plain-replications 200]
                               [--profile]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np
import simpy
from _common import load_note, print_profile, wait_for_quiet
from scipy import stats

from preparedness.engine.run import simulate_replication
from preparedness.engine.trace import EventKind
from preparedness.scenario.load import validate_document
from preparedness.scenario.yaml_source import parse_yaml_text

DEPTH, FANOUT = 5, 8
ANSWER, RING, NO_ANSWER, RETRY = 0.8, 0.25, 0.5, 2.0  # probability; minutes
TALK_MEDIAN, TALK_P90 = 1.5, 4.0
SIGMA = (math.log(TALK_P90) - math.log(TALK_MEDIAN)) / 1.2815515655446004
SEED = 20260714
TARGET_RATIO, TARGET_LOAD_SECONDS = 5.0, 3.0


def tree_size() -> int:
    return sum(FANOUT**level for level in range(DEPTH + 1))


def children(node: int) -> range:
    """Breadth-first numbering: node i's people are 8i+1 .. 8i+8."""
    first = FANOUT * node + 1
    return range(first, min(first + FANOUT, tree_size()))


def scenario_text() -> str:
    n = tree_size()
    callers = (n - 1) // FANOUT  # nodes with people to call: 4,681
    lines = [
        "name: relay tree (depth 5, fan-out 8)",
        'start: "2026-07-14T10:00:00+08:00"',
        "horizon: 3d",
        "places:",
        "  townships:",
        "    - id: t",
        "      name: tree",
        "      communities: [{id: c, name: c, population: 40000, households: 15000}]",
        "channels:",
        f"  - {{id: phone, kind: phone, answer_probability: {ANSWER}, ring_time: 15s,",
        "     no_answer_timeout: 30s, retry_interval: 2m, max_attempts: 100,",
        "     talk_time: {lognormal: {median: 1m30s, p90: 4m}}}",
        "roles:",
    ]
    for node in range(n):
        level = "community" if node < callers else "township"
        extra = ", authority: {activate_plans: [tree]}" if node == 0 else ""
        lines.append(
            f"  - {{id: n{node}, name: n{node}, level: {level}, decision_time: 0s{extra}}}"
        )
    lines += ["command:", "  mode: siloed_relay", "  links:"]
    for node in range(callers):
        for child in children(node):
            lines.append(f"    - {{from: n{node}, to: n{child}, channel: phone}}")
    lines += [
        "plans:",
        "  - {id: tree, name: tree, category: natural_disaster, levels: [IV],",
        "     report_up_to: township}",
        "incidents:",
        "  - {id: call, name: call, category: natural_disaster, level: IV, community: c,",
        "     detected_by: n0, detection_delay: 0s}",
    ]
    return "\n".join(lines) + "\n"


def load_tree_scenario():
    text = scenario_text()
    document = parse_yaml_text(text, "relay_tree.yaml", max_bytes=20_000_000, max_nodes=5_000_000)
    return validate_document(document), len(text)


def engine_reach_all(scenario, replication: int) -> tuple[float, int]:
    """Time until everyone has the message, and how many trace events that took."""
    trace = simulate_replication(scenario, replication, SEED)
    reached = {
        event.subject: event.time
        for event in trace.events
        if event.kind is EventKind.MESSAGE_DELIVERED and event.info == "report"
    }
    if len(reached) != tree_size() - 1:
        raise RuntimeError(f"only {len(reached)} of {tree_size() - 1} people were reached")
    return max(reached.values()), len(trace)


def plain_reach_all(replication: int) -> float:
    """The same tree as a plain SimPy model: one process per caller, nothing recorded."""
    env = simpy.Environment()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([SEED, replication])))
    last = [0.0]
    mu = math.log(TALK_MEDIAN)

    def caller(node: int):
        for child in children(node):
            while rng.random() >= ANSWER:
                yield env.timeout(NO_ANSWER + RETRY)
            yield env.timeout(RING + rng.lognormal(mu, SIGMA))
            last[0] = max(last[0], env.now)
            if FANOUT * child + 1 < tree_size():
                env.process(caller(child))

    env.process(caller(0))
    env.run()
    return last[0]


def p90(values) -> float:
    return float(np.percentile(values, 90))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-replications", type=int, default=10)
    parser.add_argument("--plain-replications", type=int, default=200)
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be 90%% idle",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one engine replication and print the top functions",
    )
    args = parser.parse_args()
    print(
        f"relay tree: depth {DEPTH}, fan-out {FANOUT}, {tree_size():,} people; answer "
        f"{ANSWER}, retry after {RETRY:g} min, talk lognormal median {TALK_MEDIAN} min "
        f"p90 {TALK_P90} min; {load_note()}; {wait_for_quiet(args.wait_quiet)}"
    )
    clock = time.perf_counter()
    scenario, size = load_tree_scenario()
    load_seconds = time.perf_counter() - clock
    print(
        f"engine scenario: {size / 1e6:.1f} MB of YAML, {len(scenario.roles):,} roles, "
        f"{len(scenario.command.links):,} links; loaded in {load_seconds:.2f} s "
        f"(target <= {TARGET_LOAD_SECONDS:g} s: "
        f"{'met' if load_seconds <= TARGET_LOAD_SECONDS else 'MISSED'})"
    )

    engine, engine_times, events = [], [], []
    plain, plain_times = [], []
    share = -(-args.plain_replications // max(1, args.engine_replications))
    for replication in range(max(args.engine_replications, 1)):
        if replication < args.engine_replications:
            clock = time.perf_counter()
            value, count = engine_reach_all(scenario, replication)
            engine_times.append(time.perf_counter() - clock)
            engine.append(value)
            events.append(count)
        for plain_replication in range(
            replication * share, min((replication + 1) * share, args.plain_replications)
        ):
            clock = time.perf_counter()
            plain.append(plain_reach_all(plain_replication))
            plain_times.append(time.perf_counter() - clock)

    ks = stats.ks_2samp(engine, plain)
    e_time, p_time = statistics.median(engine_times), statistics.median(plain_times)
    print(
        f"time to reach all, engine ({len(engine)} runs): mean {np.mean(engine):.1f} min, "
        f"p90 {p90(engine):.1f} min"
    )
    print(
        f"time to reach all, plain  ({len(plain)} runs): mean {np.mean(plain):.1f} min, "
        f"p90 {p90(plain):.1f} min"
    )
    print(f"KS test, engine vs plain: D = {ks.statistic:.3f}, p = {ks.pvalue:.3f}")
    print(
        f"seconds per replication (median): engine {e_time:.2f} "
        f"({statistics.median(events):,.0f} trace events), plain {p_time:.3f}"
    )
    ratio = p_time / e_time
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    relative = f"{ratio:.2f}x faster" if ratio >= 1 else f"{e_time / p_time:.1f}x slower"
    print(
        f"engine vs the plain model: the engine is {relative} "
        f"(target: at least {TARGET_RATIO:g}x faster: {verdict})"
    )
    if args.profile:
        print_profile(lambda: engine_reach_all(scenario, 0))


if __name__ == "__main__":
    main()

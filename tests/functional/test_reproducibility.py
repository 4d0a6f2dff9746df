"""Results are a function of the scenario and the seed only: not of order, workers or hashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from preparedness import simulate_replication
from preparedness.analysis.aggregate import aggregate
from preparedness.analysis.milestones import milestone_times
from preparedness.experiment.replicate import run_replication, run_replications
from preparedness.scenario.load import load_scenario
from tests.builders import (
    SCENARIOS,
    build,
    community,
    minimal_scenario,
    reference_dict,
    stochastic,
    township,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def relay():
    return load_scenario(SCENARIOS / "ningbo_relay.yaml").scenario


def test_same_seed_twice_gives_identical_aggregated_results(relay) -> None:
    first = aggregate(relay, run_replications(relay, 12, relay.seed).results, relay.seed)
    second = aggregate(relay, run_replications(relay, 12, relay.seed).results, relay.seed)

    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_a_different_seed_gives_different_results(relay) -> None:
    # Otherwise the test above could pass with a seed that is ignored.
    first = aggregate(relay, run_replications(relay, 12, relay.seed).results, relay.seed)
    other = aggregate(relay, run_replications(relay, 12, relay.seed + 1).results, relay.seed)

    assert first["incidents"] != other["incidents"]


def test_replication_k_does_not_depend_on_which_others_ran(relay) -> None:
    batch = run_replications(relay, 8, relay.seed).results

    for k in (0, 3, 7):
        assert run_replication(relay, k, relay.seed) == batch[k]
    # Replications run in reverse order give the same results, index for index.
    reverse = [run_replication(relay, k, relay.seed) for k in reversed(range(8))]
    assert list(reversed(reverse)) == batch


def test_replications_differ_from_each_other(relay) -> None:
    batch = run_replications(relay, 4, relay.seed).results
    assert len({json.dumps(r.milestones, sort_keys=True) for r in batch}) == 4


def test_serial_and_process_pool_give_identical_results(relay) -> None:
    from preparedness.experiment.executor import PoolExecutor

    serial = run_replications(relay, 10, relay.seed)
    with PoolExecutor(2) as pool:
        parallel = run_replications(relay, 10, relay.seed, executor=pool)

    assert parallel.results == serial.results
    assert aggregate(relay, parallel.results, relay.seed) == aggregate(
        relay, serial.results, relay.seed
    )


# --- named streams: unrelated additions do not move anyone's draws -----------------------


def _milestones(scenario, replications: int = 20) -> list[dict]:
    return [milestone_times(simulate_replication(scenario, k)) for k in range(replications)]


def _with_unrelated_additions(data: dict) -> dict:
    data["channels"].insert(0, {"id": "sms_extra", "kind": "sms"})
    data["roles"].insert(
        0,
        {
            "id": "village_doctor",
            "name": "Village doctor",
            "level": "community",
            "decision_time": {"lognormal": {"median": "3m", "p90": "9m"}},
        },
    )
    township(data)["communities"].insert(0, community("newvillage", grid_cells=7))
    data["departments"].append(
        {
            "id": "health",
            "name": "Health",
            "chain": ["village_doctor"],
            "answers_to": "township_head",
            "channel": "sms_extra",
        }
    )
    return data


def test_unrelated_role_channel_and_community_do_not_change_ningbo_milestones() -> None:
    base = build(reference_dict("ningbo_relay"))
    extended = build(_with_unrelated_additions(reference_dict("ningbo_relay")))

    before = _milestones(base)
    after = _milestones(extended)

    assert after == before
    assert len({json.dumps(m, sort_keys=True, default=str) for m in before}) > 1


def test_unrelated_additions_do_not_change_a_stochastic_built_scenario() -> None:
    base = build(stochastic(minimal_scenario(seed=99)))
    extended = build(_with_unrelated_additions(stochastic(minimal_scenario(seed=99))))

    before = _milestones(base)
    after = _milestones(extended)

    assert after == before
    assert len({json.dumps(m, sort_keys=True, default=str) for m in before}) > 1


# --- no dependence on Python's string hashing -------------------------------------------------


_SCRIPT = textwrap.dedent(
    """
    import hashlib, json
    from preparedness.experiment.replicate import run_replications
    from preparedness.scenario.load import load_scenario
    from preparedness.analysis.aggregate import aggregate
    out = []
    for name in ("ningbo_relay", "ningbo_joint_centre", "longgang_whistle"):
        s = load_scenario(f"scenarios/{name}.yaml").scenario
        out.append(aggregate(s, run_replications(s, 4, s.seed).results, s.seed))
    print(hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest())
    """
)


def _digests(*hash_seeds: str) -> list[str]:
    """The script's digest under each PYTHONHASHSEED, the interpreters run side by side."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _SCRIPT],
            cwd=ROOT,
            env=dict(os.environ, PYTHONHASHSEED=seed),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in hash_seeds
    ]
    digests = []
    try:
        for run in runs:
            out, err = run.communicate(timeout=120)  # only so a hang fails the test
            assert run.returncode == 0, err
            digests.append(out.strip())
    finally:
        for run in runs:
            run.kill()
            run.wait()
    return digests


def test_results_identical_under_different_pythonhashseed() -> None:
    zero, one = _digests("0", "1")

    assert len(zero) == 64
    assert zero == one

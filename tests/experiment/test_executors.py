"""Serial, process pool and Dask give bit-identical results; interrupts stop cleanly."""

from __future__ import annotations

import pytest

from preparedness.experiment.executor import (
    DASK_ENV,
    PoolExecutor,
    SerialExecutor,
    make_executor,
)
from preparedness.experiment.replicate import run_variants

from .conftest import canonical

N = 24


def _same(a, b) -> bool:
    """Bit-identical, numpy arrays included (== on an array cannot judge a whole result)."""
    return canonical(a) == canonical(b)


@pytest.fixture(scope="module")
def scenarios(relay_variants):
    return {name: relay_variants.scenario(name) for name in ("base", "joint_centre")}


@pytest.fixture(scope="module")
def serial(scenarios):
    return run_variants(scenarios, 99, 0, N, SerialExecutor())


def test_results_come_back_in_replication_order(serial):
    for results, trace in serial.values():
        assert [r.replication for r in results] == list(range(N))
        assert trace is not None and len(trace) == results[0].events


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_a_process_pool_gives_identical_results(scenarios, serial, workers):
    with PoolExecutor(workers) as pool:
        assert pool.batch_size(N) == max(1, -(-N // (4 * workers)))
        assert pool.batch_size(10_000) == 50
        assert _same(run_variants(scenarios, 99, 0, N, pool), serial)


def test_later_replications_continue_the_same_numbers(scenarios, serial):
    with PoolExecutor(2) as pool:
        head = run_variants(scenarios, 99, 0, 10, pool)
        tail = run_variants(scenarios, 99, 10, N, pool)
    for name, (results, _) in serial.items():
        assert _same(head[name][0] + tail[name][0], results)
        assert tail[name][1] is None  # replication 0's trace comes with the first batch only


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        host="127.0.0.1", dashboard_address=None, n_workers=2, threads_per_worker=1, processes=True
    )
    try:
        yield cluster
    finally:
        cluster.close()


def test_a_dask_cluster_gives_identical_results(scenarios, serial, dask_cluster):
    executor, note = make_executor(environ={DASK_ENV: dask_cluster.scheduler_address})
    with executor:
        assert (
            note == f"using the Dask scheduler at {dask_cluster.scheduler_address} from {DASK_ENV}"
        )
        assert executor.workers == 2
        assert executor.batch_size(N) == 5  # at least 5 replications per Dask task
        assert _same(run_variants(scenarios, 99, 0, N, executor), serial)


def test_make_executor_choices():
    serial, note = make_executor(0, environ={})
    assert isinstance(serial, SerialExecutor) and note is None
    pool, _ = make_executor(3, environ={})
    assert isinstance(pool, PoolExecutor) and pool.workers == 3
    default, _ = make_executor(None, environ={})
    assert isinstance(default, PoolExecutor) and default.workers >= 1


def _boom(*args):
    raise RuntimeError("boom")


def test_a_failing_task_stops_the_pool():
    pool = PoolExecutor(2)
    with pytest.raises(RuntimeError, match="boom"):
        list(pool.run(_boom, [(i,) for i in range(8)]))
    assert pool._executor is None  # shut down, no worker left behind


def test_an_interrupt_cancels_and_stops_the_workers(scenarios):
    pool = PoolExecutor(2)
    seen = []

    def progress(k):
        seen.append(k)
        processes = list(pool._executor._processes.values())
        seen.append(processes)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_variants(scenarios, 99, 0, 400, pool, progress)
    assert pool._executor is None
    assert seen[0] == 50  # one batch came back; the others were cancelled or cut short
    for process in seen[1]:
        assert not process.is_alive()

"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

All three sit behind one small interface, ``Executor.run(fn, tasks)``, which yields
``(task index, result)`` as tasks finish. Callers store results by replication index, so
the numbers never depend on the executor, the number of workers or the finishing order
(README, "Workers and clusters"). Replications are batched into tasks so that per-task
costs (about 10 ms a task on Dask, measured on 2 cores) stay small next to the work.

Interrupting (Ctrl-C) cancels whatever has not started, stops the workers and re-raises
``KeyboardInterrupt``; nothing half-finished is returned.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import math
import multiprocessing
import multiprocessing.synchronize
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

__all__ = [
    "DASK_ENV",
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "PoolExecutor",
    "SerialExecutor",
    "dask_address",
    "make_executor",
    "stop_requested",
]

#: Dask's own variable for the scheduler address (``dask.config`` key ``scheduler-address``).
DASK_ENV = "DASK_SCHEDULER_ADDRESS"
#: How long to keep trying to reach a Dask scheduler before giving up.
CONNECT_TIMEOUT = "20s"
#: Settings for the workers of a ``--cluster local`` cluster. The statistical profiler
#: samples the compute thread every 10 ms and the event loop ticks every 20 ms, both taking
#: the GIL from the GIL-bound simulation: measured on 2 cores, 200 township replications
#: took 0.74 s with them and 0.58 s without (serial: 1.0 s).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
}

Task = tuple[Any, ...]


class ExecutorError(RuntimeError):
    """The executor cannot be used as asked (Dask missing, scheduler unreachable, ...)."""


class Executor:
    """Runs ``fn(*task)`` for each task and yields ``(index, result)`` as each finishes."""

    #: Words for the run log and the manifest, e.g. "process pool, 2 workers".
    description = "serial"
    workers = 0
    #: Bounds on replications per task.
    min_batch, max_batch = 1, 1

    def run(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def batch_size(self, replications: int) -> int:
        """Replications per task: about four tasks per worker, within the bounds."""
        per_task = math.ceil(replications / max(1, 4 * max(1, self.workers)))
        return max(self.min_batch, min(self.max_batch, per_task))

    def start(self) -> None:
        """Start the workers now (before a progress bar's thread exists, so forked workers
        never inherit a lock held by it); running tasks starts them anyway."""

    def close(self) -> None:
        """Release workers; safe to call twice."""

    def abort(self) -> None:
        """Stop at once after an interrupt or a failure: cancel queued work, stop workers."""
        self.close()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Everything in this process, one task at a time: for debugging, tests and tiny runs."""

    description = "serial (in this process)"

    def run(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        for index, task in enumerate(tasks):
            yield index, fn(*task)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while child processes are started (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


#: In a pool worker: the parent's "stop" flag, set when the run is interrupted.
_STOP: multiprocessing.synchronize.Event | None = None


#: How often a worker's watchdog checks that the run that started it is still there.
WATCHDOG_SECONDS = 0.5
#: Linux ``prctl`` option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _init_worker(stop: multiprocessing.synchronize.Event, parent_pid: int) -> None:
    """Pool workers leave Ctrl-C to the parent, which cancels and stops them cleanly, and
    die with the parent.

    A parent killed with SIGKILL cannot stop its workers, and they would wait on their task
    pipe for ever. On Linux the kernel kills them (``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
    everywhere a watchdog thread ends the worker once the parent is gone.
    """
    global _STOP
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOP = stop
    _die_with_parent(parent_pid)


def _die_with_parent(parent_pid: int) -> None:
    """Arrange for this worker to end when the process ``parent_pid`` ends."""
    if os.getppid() == parent_pid:
        _set_parent_death_signal()
    if not _parent_alive(parent_pid, os.getppid() == parent_pid):
        os._exit(1)  # the parent died before the death signal was armed
    threading.Thread(
        target=_watch_parent,
        args=(parent_pid, os.getppid() == parent_pid),
        name="preparedness-parent-watchdog",
        daemon=True,
    ).start()


def _set_parent_death_signal() -> None:
    """Linux only: the kernel sends SIGKILL to this process when its parent thread ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the watchdog still applies
        return


def _parent_alive(parent_pid: int, direct_child: bool) -> bool:
    """Is the run that started this worker still there?

    A direct child is reparented when its parent dies, so ``getppid`` changing is proof
    (and immune to pid reuse). Otherwise (a fork server in between) ask whether the pid
    exists; Windows has no harmless ``kill(pid, 0)``, so there the worker's parent
    sentinel answers.
    """
    if direct_child:
        return os.getppid() == parent_pid
    if os.name == "posix":
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # alive, another user's (cannot be: our parent) - keep working
            return True
        return True
    parent = multiprocessing.parent_process()
    return parent is None or parent.is_alive()


def _watch_parent(parent_pid: int, direct_child: bool) -> None:
    while _parent_alive(parent_pid, direct_child):
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def stop_requested() -> bool:
    """True in a pool worker once its run was interrupted: a batch in progress ends after
    the replication it is on (its results are discarded), so Ctrl-C takes effect at once."""
    return _STOP is not None and _STOP.is_set()


class _FuturesExecutor(Executor):
    """Shared submit / as-completed / cancel logic over a ``concurrent.futures.Executor``."""

    def _pool(self) -> cf.Executor:
        raise NotImplementedError

    def _submit(self, pool: cf.Executor, fn: Callable[..., Any], task: Task) -> cf.Future[Any]:
        return pool.submit(fn, *task)

    def run(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        pool = self._pool()
        futures: dict[cf.Future[Any], int] = {}
        try:
            for index, task in enumerate(tasks):
                futures[self._submit(pool, fn, task)] = index
            for future in cf.as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            self.abort()
            raise


class PoolExecutor(_FuturesExecutor):
    """A local ``ProcessPoolExecutor``; workers are started once and reused between rounds."""

    max_batch = 50

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("a process pool needs at least one worker")
        self.workers = workers
        self.description = f"process pool, {workers} worker{'s' if workers != 1 else ''}"
        self._executor: cf.ProcessPoolExecutor | None = None
        self._stop: multiprocessing.synchronize.Event | None = None

    def _pool(self) -> cf.Executor:
        if self._executor is None:
            context = multiprocessing.get_context()
            self._stop = context.Event()
            self._executor = cf.ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self._stop, os.getpid()),
            )
        return self._executor

    def start(self) -> None:
        pool = self._pool()
        cf.wait([pool.submit(int) for _ in range(self.workers)])

    def abort(self) -> None:
        """Cancel queued batches, tell running ones to stop, and wait for the workers.

        Workers are asked, not killed: a worker killed while it writes its result leaves
        half a message in the result pipe, and ``concurrent.futures`` then waits for the
        rest forever (seen here: the interpreter hung at exit). Asked, a running batch
        stops after its current replication.
        """
        executor, self._executor = self._executor, None
        if executor is not None:
            if self._stop is not None:  # created with the executor, in ``_pool``
                self._stop.set()
            executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(_FuturesExecutor):
    """A Dask distributed client, at an address or on a loopback ``LocalCluster``.

    Tasks go through ``Client.get_executor(pure=False)``: identical-looking batches are
    never merged (each carries its replication indices anyway). Workers must have the same
    preparedness version installed; ``client.get_versions(check=True)`` refuses otherwise.
    """

    min_batch, max_batch = 5, 50

    def __init__(self, address: str, *, local_workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise ExecutorError(
                "Dask is not installed; install it with: pip install 'preparedness[distributed]'"
            ) from error
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        if address == "local":
            workers = local_workers or os.cpu_count() or 1
            # Loopback only, no dashboard: never listen on every interface (notes section 6).
            # Its processes inherit an ignored SIGINT, so Ctrl-C reaches only this process,
            # which cancels the work and closes the cluster (no tracebacks from workers).
            import dask

            with _sigint_ignored(), dask.config.set(LOCAL_CLUSTER_CONFIG):
                self._cluster = LocalCluster(
                    host="127.0.0.1",
                    dashboard_address=None,
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                )
            address_shown = f"a local Dask cluster on 127.0.0.1 ({workers} workers)"
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as error:
                raise ExecutorError(
                    f"cannot reach the Dask scheduler at {address}: {error}"
                ) from error
            address_shown = f"the Dask scheduler at {address}"
        try:
            self._client.get_versions(check=True)
        except ValueError as error:
            self.close()
            raise ExecutorError(f"Dask workers run different package versions: {error}") from error
        self.workers = max(
            1,
            sum(
                info.get("nthreads", 1)
                for info in self._client.scheduler_info().get("workers", {}).values()
            ),
        )
        self.description = f"{address_shown}, {self.workers} worker threads"
        self._executor = self._client.get_executor(pure=False)

    def _pool(self) -> cf.Executor:
        return self._executor

    def abort(self) -> None:
        if self._client is not None:
            self._executor.shutdown(wait=False)
        self.close()

    def close(self) -> None:
        client, self._client = getattr(self, "_client", None), None
        cluster, self._cluster = getattr(self, "_cluster", None), None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def make_executor(
    workers: int | None = None,
    cluster: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Executor, str | None]:
    """The executor the command line asked for, and a note to print when it chose for you.

    ``cluster`` (an address, or ``local``) wins; else ``DASK_SCHEDULER_ADDRESS`` if set
    (and the note says so, since a variable in the environment is easy to forget); else
    ``workers``: 0 is serial, N a pool of N processes, None a pool of every core.
    """
    cluster, note = dask_address(cluster, environ)
    if cluster is not None:
        return DaskExecutor(cluster, local_workers=workers or None), note
    if workers is None:
        workers = os.cpu_count() or 1
    if workers == 0:
        return SerialExecutor(), note
    return PoolExecutor(workers), note


def dask_address(
    cluster: str | None, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """The Dask address to use (``--cluster``, else the environment) and, when it came from
    the environment, a note saying so: a variable set long ago is easy to forget."""
    environ = os.environ if environ is None else environ
    if cluster is None and environ.get(DASK_ENV):
        cluster = environ[DASK_ENV]
        return cluster, f"using the Dask scheduler at {cluster} from {DASK_ENV}"
    return cluster, None

"""Garbage collection tuned for a replication: fewer, cheaper collections while it runs.

A replication allocates hundreds of thousands of short-lived objects (events, trace rows,
generator frames) but builds few reference cycles, so CPython's default collector, which
runs after every 700 net allocations and rescans the long-lived scenario each full pass,
spends a large share of the run finding nothing. While any replication runs, collections
are rarer (thresholds raised) and the objects alive at its start (the frozen scenario, the
built world) are set aside (``gc.freeze``); both are undone when the last one ends.
Cycles are still collected, so memory stays bounded. Results do not depend on it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Generation thresholds while a replication runs (CPython's default is 700, 10, 10).
THRESHOLDS = (100_000, 50, 1000)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def tuned_collection() -> Iterator[None]:
    """Run the body with rarer collections, the objects alive now frozen; restore after."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                gc.unfreeze()

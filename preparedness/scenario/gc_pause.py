"""Pause Python's cyclic garbage collector while a big scenario is built.

Reading a 4 MB scenario creates over a million small objects (YAML nodes, dicts, lists,
models) that all stay alive. Each time enough new objects pile up, the cyclic collector
walks every object still alive, so the walks grow with the file and loading becomes
quadratic: for the relay tree's 37,000 roles they were three quarters of the parse time.
None of these objects form reference cycles, so reference counting frees them as before;
any cycle made meanwhile is collected once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the body with the cyclic collector off; it is switched back on afterwards only if
    it was on before, so pauses nest."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

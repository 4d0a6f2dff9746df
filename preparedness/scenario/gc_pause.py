"""Pause Python's cyclic garbage collector while a big scenario is built.

Reading a 4 MB scenario creates over two million small objects (YAML nodes and their
marks, dicts, lists, models) that all stay alive. Each time enough new objects pile up, the
collector walks the young ones, and from time to time every object alive, so the walks grow
with the file and loading becomes quadratic: for the relay tree's 37,000 roles they were
three quarters of the parse time. None of these objects form reference cycles, so
reference counting frees them as before; any cycle made meanwhile is collected later.

When the pause ends, the new objects are handed straight to the oldest generation (they
are long-lived: the scenario is kept for the whole run) rather than walked once more as
young objects and again as middle-aged ones; the next full collection still sees them.
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
            _promote_to_oldest()
            gc.enable()


def _promote_to_oldest() -> None:
    """Move every young tracked object into the oldest generation without walking them:
    ``gc.freeze`` moves all tracked objects aside and ``gc.unfreeze`` puts them back into
    the oldest generation (Python documentation, ``gc`` module). Skipped when someone else
    froze objects (e.g. before forking), as unfreezing would undo that."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()

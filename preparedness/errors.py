"""The error a caller of the public API can fix by asking differently (``UsageError``).

Kept apart and import-free so the command line can catch it without loading the engine.
"""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(ValueError):
    """A call that asks for something the scenario or the arguments cannot give: both
    ``apply`` and ``compare``, an intervention named twice, a scenario with nothing to size,
    a first precision round over the maximum (exit status 2 on the command line)."""

"""Named random streams: one root seed, one independent generator per component and purpose.

A stream is derived from the root seed, the replication index and a stable hash of its
name (NumPy, "Parallel random number generation": ``SeedSequence`` spawn keys). Adding a
component therefore never
shifts another component's draws, an intervention that keeps a name reuses its stream
(common random numbers), and results do not depend on worker count or execution order.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stable_hash(name: str) -> int:
    """A 64-bit hash of a name that is the same in every process (unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


class Streams:
    """The generators of one replication, created on first use and keyed by name."""

    __slots__ = ("root_seed", "replication", "_cache")

    def __init__(self, root_seed: int, replication: int):
        self.root_seed = int(root_seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        rng = self._cache.get(name)
        if rng is None:
            seq = np.random.SeedSequence(
                self.root_seed, spawn_key=(self.replication, stable_hash(name))
            )
            rng = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = rng
        return rng

"""Named random streams: one root seed, one independent generator per component and purpose.

A stream is a counter-based generator (Philox4x64, Salmon et al., "Parallel random numbers:
as easy as 1, 2, 3", SC 2011; NumPy's ``Philox``) whose 128-bit key is the stable hash of
its name and a stable hash of the root seed and replication index; its counter starts at
zero. Distinct keys give independent streams, so adding a component never shifts another
component's draws, an intervention that keeps a name reuses its stream (common random
numbers), and results do not depend on worker count or execution order. Outside the engine
the same stream is ``Generator(Philox(key=stable_hash(name) | replication_key(seed, r) << 64))``.

Setting a key is about ten times cheaper than seeding a generator through a
``SeedSequence``; a replication creates a stream per phone call and purpose, so generators
are reused: ``release`` hands a finished replication's generators to the next one (in the
same thread), which re-keys them.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

#: Philox's own output buffer is empty at position 4: the next draw computes a fresh block.
_EMPTY_BUFFER = np.zeros(4, dtype=np.uint64)
_COUNTER_START = np.zeros(4, dtype=np.uint64)
#: At most this many finished generators are kept for reuse (about 1 KB each).
_SPARE_LIMIT = 100_000
#: Name hashes computed so far (names repeat in every replication); cleared when large.
_NAME_HASHES: dict[str, int] = {}
_NAME_HASHES_LIMIT = 2_000_000
_spare = threading.local()


class _Unseeded(ISeedSequence):
    """Seeds a new generator with zeros, skipping the entropy a default ``SeedSequence``
    gathers: its key is set before any draw."""

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        return np.zeros(n_words, dtype=dtype)


_UNSEEDED = _Unseeded()


def stable_hash(name: str) -> int:
    """A 64-bit hash of a name that is the same in every process (unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


def replication_key(root_seed: int, replication: int) -> int:
    """The 64-bit half of every stream key that the root seed and the replication decide."""
    return stable_hash(f"seed {int(root_seed)} replication {int(replication)}")


def _name_hash(name: str) -> int:
    known = _NAME_HASHES.get(name)
    if known is None:
        if len(_NAME_HASHES) >= _NAME_HASHES_LIMIT:
            _NAME_HASHES.clear()
        known = _NAME_HASHES[name] = stable_hash(name)
    return known


class Streams:
    """The generators of one replication, created on first use and keyed by name."""

    __slots__ = ("root_seed", "replication", "_cache", "_key")

    def __init__(self, root_seed: int, replication: int):
        self.root_seed = int(root_seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}
        self._key = replication_key(self.root_seed, self.replication)

    def get(self, name: str) -> np.random.Generator:
        rng = self._cache.get(name)
        if rng is None:
            spare: list[np.random.Generator] | None = getattr(_spare, "generators", None)
            if spare:
                rng = spare.pop()
            else:
                rng = np.random.Generator(np.random.Philox(_UNSEEDED))  # type: ignore[arg-type]
            rng.bit_generator.state = {
                "bit_generator": "Philox",
                "state": {
                    "counter": _COUNTER_START,
                    "key": np.array([_name_hash(name), self._key], dtype=np.uint64),
                },
                "buffer": _EMPTY_BUFFER,
                "buffer_pos": 4,
                "has_uint32": 0,
                "uinteger": 0,
            }
            self._cache[name] = rng
        return rng

    def release(self) -> None:
        """Hand this replication's generators to the next one in this thread.

        Call only when nothing will draw from them again (the replication has finished):
        the next replication re-keys them. Later ``get`` calls create fresh generators.
        """
        spare = getattr(_spare, "generators", None)
        if spare is None:
            spare = _spare.generators = []
        room = _SPARE_LIMIT - len(spare)
        if room > 0:
            spare.extend(list(self._cache.values())[:room])
        self._cache = {}

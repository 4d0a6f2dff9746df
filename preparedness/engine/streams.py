"""Named random streams: one root seed, one independent generator per component and purpose.

A stream is derived from the root seed, the replication index and a stable hash of its
name (NumPy, "Parallel random number generation": ``SeedSequence`` spawn keys). Adding a
component therefore never
shifts another component's draws, an intervention that keeps a name reuses its stream
(common random numbers), and results do not depend on worker count or execution order.

Creating a ``SeedSequence`` and a ``PCG64`` costs about 20 µs, and a large replication
creates thousands of streams. ``SeedSequence`` mixes its entropy words one after another
(root seed, then replication, then the name's hash) and its hash constants never depend on
the data, so :class:`Streams` mixes the root seed and the replication once and, per name,
mixes only the name's one or two words and derives the generator's seed words in plain
integers (the algorithm of NumPy's ``numpy/random/bit_generator.pyx``, after O'Neill's
``seed_seq``). A model asks for the same names in every replication, so once a
replication has derived a few streams it derives the seed words of every name the process
has seen before in one vectorised pass (the name's part of the mixing does not depend on
the seed or the replication and is kept). NumPy then seeds the ``PCG64`` from those words
itself, so every stream is bit-identical to
``PCG64(SeedSequence(root_seed, spawn_key=(replication, hash)))``, which
``tests/unit/test_engine_streams.py`` checks against NumPy.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any, cast

import numpy as np
from numpy.random.bit_generator import ISeedSequence

_MASK32 = 0xFFFFFFFF
_POOL_SIZE = 4
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_MULT_L = 0xCA01F9DD
_MIX_MULT_R = 0x4973F715
_XSHIFT = 16


def stable_hash(name: str) -> int:
    """A 64-bit hash of a name that is the same in every process (unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


def _words(n: int) -> list[int]:
    """An integer as 32-bit words, least significant first (NumPy's ``_int_to_uint32_array``)."""
    if n < 0:
        raise ValueError("seeds and spawn keys must be non-negative")
    if n == 0:
        return [0]
    words = []
    while n > 0:
        words.append(n & _MASK32)
        n >>= 32
    return words


def _hash_consts(first: int, multiplier: int, count: int) -> tuple[int, ...]:
    """The hash constants of ``count`` steps: they never depend on the data, only on the step."""
    consts = [first]
    for _ in range(count):
        consts.append((consts[-1] * multiplier) & _MASK32)
    return tuple(consts)


#: ``generate_state`` for PCG64 (four 64-bit words: eight 32-bit steps) from ``_INIT_B``.
_STATE_CONSTS = _hash_consts(_INIT_B, _MULT_B, 8)


def _hashmix(value: int, hash_const: int) -> tuple[int, int]:
    value = (value ^ hash_const) & _MASK32
    hash_const = (hash_const * _MULT_A) & _MASK32
    value = (value * hash_const) & _MASK32
    value ^= value >> _XSHIFT
    return value, hash_const


def _mix(x: int, y: int) -> int:
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32
    return result ^ (result >> _XSHIFT)


def _mixed_pool(entropy: list[int]) -> tuple[list[int], int]:
    """The pool and hash constant after ``SeedSequence.mix_entropy`` of ``entropy``."""
    hash_const = _INIT_A
    pool = []
    for i in range(_POOL_SIZE):
        value = entropy[i] if i < len(entropy) else 0
        value, hash_const = _hashmix(value, hash_const)
        pool.append(value)
    for i_src in range(_POOL_SIZE):
        for i_dst in range(_POOL_SIZE):
            if i_src != i_dst:
                value, hash_const = _hashmix(pool[i_src], hash_const)
                pool[i_dst] = _mix(pool[i_dst], value)
    for word in entropy[_POOL_SIZE:]:
        for i_dst in range(_POOL_SIZE):
            value, hash_const = _hashmix(word, hash_const)
            pool[i_dst] = _mix(pool[i_dst], value)
    return pool, hash_const


def _state_words(pool: tuple[int, ...] | list[int]) -> np.ndarray:
    """``SeedSequence.generate_state(4, np.uint64)`` of a mixed pool, as PCG64 asks for it."""
    c = _STATE_CONSTS
    words = []
    for i in range(8):
        value = ((pool[i & 3] ^ c[i]) * c[i + 1]) & _MASK32
        words.append(value ^ (value >> _XSHIFT))
    return np.array(
        [
            words[0] | (words[1] << 32),
            words[2] | (words[3] << 32),
            words[4] | (words[5] << 32),
            words[6] | (words[7] << 32),
        ],
        dtype=np.uint64,
    )


class _Seeded(ISeedSequence):
    """The seed words of one stream, handed to ``PCG64`` in place of a ``SeedSequence``."""

    __slots__ = ("_state",)

    def __init__(self, state: np.ndarray):
        self._state = state

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> Any:
        if n_words != 4 or np.dtype(dtype) != np.dtype(np.uint64):
            raise TypeError("a named stream's seed is derived for PCG64 only (4 x uint64)")
        return self._state


def _hashed_words(name: str, consts: tuple[int, ...]) -> tuple[int, ...]:
    """``hashmix`` of each of the name's hash words, one value per pool word (4 or 8 values).

    They depend only on the name and on ``consts`` (how many words the seed and the
    replication took), never on their values, so they are the same in every replication.
    """
    key = stable_hash(name)
    words = (key & _MASK32, key >> 32) if key >> 32 else (key,)
    hashed = []
    step = 0
    for word in words:
        for _ in range(_POOL_SIZE):
            value = ((word ^ consts[step]) * consts[step + 1]) & _MASK32
            hashed.append(value ^ (value >> _XSHIFT))
            step += 1
    return tuple(hashed)


def _pool_with(pool: tuple[int, ...], hashed: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``mix`` each pool word with the name's hashed words, as ``mix_entropy`` does."""
    p0, p1, p2, p3 = pool
    for k in range(0, len(hashed), _POOL_SIZE):
        m = (_MIX_MULT_L * p0 - _MIX_MULT_R * hashed[k]) & _MASK32
        p0 = m ^ (m >> _XSHIFT)
        m = (_MIX_MULT_L * p1 - _MIX_MULT_R * hashed[k + 1]) & _MASK32
        p1 = m ^ (m >> _XSHIFT)
        m = (_MIX_MULT_L * p2 - _MIX_MULT_R * hashed[k + 2]) & _MASK32
        p2 = m ^ (m >> _XSHIFT)
        m = (_MIX_MULT_L * p3 - _MIX_MULT_R * hashed[k + 3]) & _MASK32
        p3 = m ^ (m >> _XSHIFT)
    return (p0, p1, p2, p3)


_U32 = np.uint32
_STATE_XOR = np.array(_STATE_CONSTS[:8], dtype=_U32)
_STATE_MULT = np.array(_STATE_CONSTS[1:9], dtype=_U32)
_CYCLE = np.array([0, 1, 2, 3, 0, 1, 2, 3])


def _states_of(pool: tuple[int, ...], hashed: np.ndarray) -> np.ndarray:
    """Seed words (rows of 4 x uint64) of many two-word names at once: ``_pool_with`` and
    ``_state_words`` on uint32 arrays, whose arithmetic wraps modulo 2**32 as theirs does."""
    left, right, shift = _U32(_MIX_MULT_L), _U32(_MIX_MULT_R), _U32(_XSHIFT)
    # Any: NumPy's stubs widen uint32 scalar-times-array products to float64; they stay uint32.
    mixed: Any = left * np.array(pool, dtype=_U32) - right * hashed[:, :_POOL_SIZE]
    mixed ^= mixed >> shift
    mixed = left * mixed - right * hashed[:, _POOL_SIZE:]
    mixed ^= mixed >> shift
    words: Any = (mixed[:, _CYCLE] ^ _STATE_XOR) * _STATE_MULT
    words ^= words >> shift
    wide = words.astype(np.uint64)
    return np.ascontiguousarray(wide[:, 0::2] | (wide[:, 1::2] << np.uint64(32)))


class _SeenNames:
    """Names whose streams this process has derived before, with their hashed words.

    A model asks for the same names in every replication, so after a replication's first
    few streams the rest are derived for every name seen before in one vectorised pass.
    Shared by threads (appends under a lock) and bounded, so memory stays small.
    """

    LIMIT = 200_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: dict[str, int] = {}
        self._pending: list[tuple[int, ...]] = []
        self._hashed = np.empty((0, 2 * _POOL_SIZE), dtype=_U32)

    def add(self, name: str, hashed: tuple[int, ...]) -> None:
        with self.lock:
            if name not in self.rows and len(self.rows) < self.LIMIT:
                self.rows[name] = len(self.rows)
                self._pending.append(hashed)

    def hashed(self) -> np.ndarray:
        """The hashed words of every name added so far, row by row."""
        with self.lock:
            if self._pending:
                added = np.array(self._pending, dtype=_U32)
                self._hashed = np.concatenate([self._hashed, added])
                self._pending = []
            return self._hashed


#: consts -> the names seen with them (the same for every seed below 2**128 and replication
#: below 2**32, so in practice one entry)
_SEEN: dict[tuple[int, ...], _SeenNames] = {}
_SEEN_LOCK = threading.Lock()


def _seen_for(consts: tuple[int, ...]) -> _SeenNames:
    with _SEEN_LOCK:
        return _SEEN.setdefault(consts, _SeenNames())


def _after_fork() -> None:
    # A lock held by another thread at fork time would never be released in the child.
    global _SEEN_LOCK
    _SEEN_LOCK = threading.Lock()
    for seen in _SEEN.values():
        seen.lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)

#: Streams derived one by one in a replication before it derives every known name at once.
_BATCH_AFTER = 64


class Streams:
    """The generators of one replication, created on first use and keyed by name."""

    __slots__ = (
        "root_seed",
        "replication",
        "_cache",
        "_pool",
        "_consts",
        "_seen",
        "_states",
        "_misses",
    )

    def __init__(self, root_seed: int, replication: int):
        self.root_seed = int(root_seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}
        run_entropy = _words(self.root_seed)
        # SeedSequence pads the run entropy to the pool size when there is a spawn key.
        run_entropy += [0] * max(0, _POOL_SIZE - len(run_entropy))
        pool, hash_const = _mixed_pool(run_entropy + _words(self.replication))
        self._pool = tuple(pool)
        # A name's hash is one or two words: at most eight more mixing steps.
        self._consts = _hash_consts(hash_const, _MULT_A, 8)
        self._seen = _seen_for(self._consts)
        self._states = np.empty((0, 4), dtype=np.uint64)  # row r: the seen name of row r
        self._misses = 0

    def get(self, name: str) -> np.random.Generator:
        rng = self._cache.get(name)
        if rng is None:
            seeded = cast(np.random.SeedSequence, _Seeded(self._state(name)))
            rng = np.random.Generator(np.random.PCG64(seeded))
            self._cache[name] = rng
        return rng

    def _state(self, name: str) -> np.ndarray:
        """The four 64-bit words ``SeedSequence(...).generate_state(4, np.uint64)`` gives."""
        states = self._states
        row = self._seen.rows.get(name)
        if row is not None and row < len(states):
            return states[row]
        hashed = _hashed_words(name, self._consts)
        if len(hashed) == 2 * _POOL_SIZE:  # a one-word hash (1 in 2**32) stays one by one
            self._seen.add(name, hashed)
        self._misses += 1
        # Derive again once the misses outnumber the rows already derived (at least
        # _BATCH_AFTER): a replication of n new names costs O(n) in all.
        if self._misses >= max(_BATCH_AFTER, len(states)):
            self._misses = 0
            self._states = _states_of(self._pool, self._seen.hashed())
            row = self._seen.rows.get(name)
            if row is not None and row < len(self._states):
                return self._states[row]
        return _state_words(_pool_with(self._pool, hashed))

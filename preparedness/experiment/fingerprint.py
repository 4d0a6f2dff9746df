"""An exact fingerprint of results, for checking that two runs are bit-identical.

Results hold numpy arrays (``==`` compares them element-wise) and may hold NaN (never equal
to itself), so they are first put in a canonical form that compares exactly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math

import numpy as np


def canonical(value):
    """A value that compares exactly with ==: numpy arrays by their bytes, NaN equal to itself."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(canonical(getattr(value, f.name)) for f in dataclasses.fields(value)),
        )
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def digest(value) -> str:
    """SHA-256 of a value's canonical form: equal digests mean bit-identical results."""
    return hashlib.sha256(repr(canonical(value)).encode("utf-8")).hexdigest()

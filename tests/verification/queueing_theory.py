"""Closed forms of queueing theory the engine's duty desks are checked against.

Offered load ``A = λ·h`` in Erlangs (arrival rate times mean holding time, in one time
unit) on ``N`` servers, Poisson arrivals:

* Erlang B (loss system, blocked calls cleared), by the standard recursion
  ``B(0) = 1; B(k) = A·B(k−1) / (k + A·B(k−1))``, which is exact and numerically stable;
* Erlang C (M/M/N delay system, infinite queue, no abandonment), from B:
  ``C = N·B / (N − A·(1 − B))``, the probability that an arrival waits;
* the mean wait over all callers (average speed of answer) ``W_q = C·h / (N − A)``.
"""

from __future__ import annotations

__all__ = ["erlang_b", "erlang_c", "erlang_c_mean_wait"]


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability, recursive form: B(0) = 1; B(k) = A·B(k−1) / (k + A·B(k−1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits: C = N·B / (N − A·(1 − B)); needs A < N."""
    if load >= servers:
        raise ValueError("Erlang C needs an offered load below the number of servers")
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def erlang_c_mean_wait(servers: int, load: float, holding: float) -> float:
    """Mean wait over all callers (ASA): W_q = C · h / (N − A), in the unit of ``holding``."""
    return erlang_c(servers, load) * holding / (servers - load)

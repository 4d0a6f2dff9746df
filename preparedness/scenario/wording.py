"""English problem text that also carries a language-neutral catalogue key and parameters.

The scenario layer words its problems in English (tests and planners read those lines
exactly), but it comes before the catalogue (``reports/lang``) and cannot import it. A
``Words`` is that English text as a ``str`` (so it joins, compares and prints as before)
plus the key and parameters the command line uses to say the same thing in the report's
language (``cli/console.py``, ``print_problems``). A parameter may itself be ``Words``
(a quoted "an empty value", a "; did you mean 'x'?" tail), rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Words", "words"]


class Words(str):
    """English text plus ``key`` (under ``diag.`` in the catalogue) and its ``params``."""

    key: str
    params: Mapping[str, str]

    def __new__(cls, english: str, key: str = "", params: Mapping[str, str] | None = None) -> Words:
        made = super().__new__(cls, english)
        made.key = key
        made.params = dict(params or {})
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with key and parameters: diagnostics travel back from worker processes."""
        return Words, (str(self), self.key, self.params)


def words(key: str, english: str, /, **params: str) -> Words:
    """``english``, catalogued as ``diag.<key>`` with ``params`` (already worded values)."""
    return Words(english, key, params)


def thing(name: str) -> Words:
    """A kind of thing a scenario names by id (``role``, ``depot``) or a level
    (``community``), as a word of its own: ``diag.thing_<name>``."""
    return words(f"thing_{name}", name)

"""Why a milestone was missed, in the report's language: the ``detail`` words of a
``not_reached`` row of results.json (written in English by ``analysis/missed``) read back
into counts, channels and kinds of failure, and worded again from the catalogue.

results.json keeps its English words; a detail this module cannot read is shown as written.
"""

from __future__ import annotations

import re
import string

from .i18n import Catalogue, catalogue

__all__ = ["attempts_words", "cohort_how_words", "message_words", "post_state_words"]

#: The English words, as ``analysis/missed`` writes them and ``lang/en.yaml`` repeats them.
_EN = catalogue("en").messages
_KINDS = ("unanswered", "failed", "busy", "abandoned", "unread")
_ATTEMPTS = {
    _EN[f"miss.attempt_{kind}{form}"].replace("{count} ", ""): kind
    for kind in _KINDS
    for form in ("_one", "")
}
_SHORT = {_EN[f"miss.short_{kind}"]: kind for kind in _KINDS}
_POST_STATES = {_EN[f"miss.post_{state}"]: state for state in ("queued", "not_at_desk")}
_COHORT_HOW = {
    _EN[f"miss.cohort_{how}"]: how for how in ("unread", "not_home", "not_heard", "no_knock")
}
_MESSAGES = ("report", "warning", "order")


def _pattern(template: str) -> re.Pattern[str]:
    """A regex recovering a template's parameters from text made with it."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+)")
    return re.compile("".join(parts))


_ON = _pattern(_EN["miss.attempts_on"])
_MIXED = _pattern(_EN["miss.attempts_mixed"])
_COUNTED = re.compile(r"(?P<count>\d+) (?P<what>.+)")


def _count(cat: Catalogue, kind: str, count: int) -> str:
    key = f"miss.attempt_{kind}"
    return cat(f"{key}_one" if count == 1 else key, count=str(count))


def _part(text: str, cat: Catalogue) -> str | None:
    mixed = _MIXED.fullmatch(text)
    if mixed is not None:
        kinds = [_SHORT.get(word) for word in mixed["how"].split(_EN["list.separator"])]
        if None in kinds or not mixed["count"].isdigit():
            return None
        how = cat("list.separator").join(cat(f"miss.short_{kind}") for kind in kinds)
        return cat("miss.attempts_mixed", count=mixed["count"], channel=mixed["channel"], how=how)
    on = _ON.fullmatch(text)
    counted = None if on is None else _COUNTED.fullmatch(on["attempts"])
    if on is None or counted is None or counted["what"] not in _ATTEMPTS:
        return None
    words = _count(cat, _ATTEMPTS[counted["what"]], int(counted["count"]))
    return cat("miss.attempts_on", attempts=words, channel=on["channel"])


def attempts_words(detail: str, cat: Catalogue) -> str:
    """``10 calls abandoned on hold on phone, then 2 unread messages on wechat`` in
    ``cat``'s language; as written when the words are not ``analysis/missed``'s."""
    parts = [_part(text, cat) for text in detail.split(_EN["miss.then"])]
    if any(part is None for part in parts):
        return detail
    return cat("miss.then").join(part for part in parts if part is not None)


def post_state_words(detail: str, cat: Catalogue) -> str:
    """What a post was doing when the run ended (``still queued for a free line``)."""
    state = _POST_STATES.get(detail)
    return detail if state is None else cat(f"miss.post_{state}")


def cohort_how_words(detail: str, cat: Catalogue) -> str:
    """How households were missed (``never read the group message, and nobody knocked on
    their doors``)."""
    reasons = [_COHORT_HOW.get(part) for part in detail.split(_EN["miss.and"])]
    if None in reasons:
        return detail
    return cat("miss.and").join(cat(f"miss.cohort_{reason}") for reason in reasons)


def message_words(message: str, cat: Catalogue) -> str:
    """A message family (``report``, ``warning``, ``order``) in words."""
    return cat(f"miss.message_{message}") if message in _MESSAGES else message

"""The language catalogue: every word a report shows, in English and Chinese, looked up by key.

Headings, labels, axis titles, legends, captions and sentences of the HTML pages and figures
come from ``lang/<lang>.yaml`` (one flat mapping of key to a ``str.format`` template per
language), so a page is never half translated and a test can prove both languages hold the
same keys with the same parameters. Names of places and people are parameters and are shown
exactly as written in the scenario.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

__all__ = [
    "LANGUAGES",
    "Catalogue",
    "CatalogueError",
    "catalogue",
    "isolate",
    "label_params",
    "milestone_label",
    "translate",
]

#: Languages a report can be written in; the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "zh")


#: Unicode bidirectional embeddings, overrides and isolates (UAX #9).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolate(text: str) -> str:
    """Wrap a name holding bidirectional controls (e.g. U+202E) in FIRST STRONG ISOLATE ...
    POP DIRECTIONAL ISOLATE, so its override cannot reverse the text around it (UAX #9)."""
    return f"\u2068{text}\u2069" if _BIDI_CONTROLS.search(text) else text


class CatalogueError(LookupError):
    """A key missing from a catalogue, or a template given the wrong parameters."""


def template_fields(template: str) -> frozenset[str]:
    """The parameter names a template uses (``{name}`` fields; no positional fields)."""
    names = set()
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise CatalogueError(f"template field {{{field}}} must be a plain name: {template!r}")
        names.add(field)
    return frozenset(names)


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language, with the number, minute and share formats it uses."""

    lang: str
    messages: Mapping[str, str]

    def __call__(self, key: str, **params: object) -> str:
        """The message ``key`` with ``params`` filled in; numbers use the language's format."""
        try:
            template = self.messages[key]
        except KeyError:
            raise CatalogueError(f"no message {key!r} in the {self.lang} catalogue") from None
        wanted = template_fields(template)
        given = frozenset(params)
        if wanted != given:
            raise CatalogueError(
                f"message {key!r} ({self.lang}) takes {sorted(wanted)}, was given {sorted(given)}"
            )
        return template.format(**{name: self._text(value) for name, value in params.items()})

    def _text(self, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return isolate(str(value))
        return self.number(value)

    def number(self, value: float, digits: int | None = None) -> str:
        """``1234.5`` -> ``1,234.5``: grouped thousands; one decimal below 10 unless told."""
        if not math.isfinite(value):
            return self("value.none")
        if digits is None:
            digits = 0 if isinstance(value, int) or abs(value) >= 10 else 1
        text = f"{value:,.{digits}f}"
        return "0" if text in ("-0", "-0.0") and digits == 0 else text.replace("-", "−")

    def minutes(self, value: float | None) -> str:
        """``87.3`` -> ``87 min`` / ``87 分钟``; ``None`` -> a dash."""
        if value is None:
            return self("value.none")
        return self("unit.minutes", value=self.number(value))

    def share(self, value: float | None) -> str:
        """``0.42`` -> ``42%``."""
        if value is None:
            return self("value.none")
        return self("unit.percent", value=self.number(100 * value, 0))

    def interval(self, ci: list[float] | tuple[float, float] | None, *, share: bool = False) -> str:
        """A 95% interval as ``low–high`` (minutes, or percent with ``share``)."""
        if ci is None:
            return self("value.none")
        low, high = ci
        if share:
            return self(
                "unit.percent_range", low=self.number(100 * low, 0), high=self.number(100 * high, 0)
            )
        digits = 1 if high - low < 10 and abs(high) < 100 else 0
        return self(
            "unit.minutes_range", low=self.number(low, digits), high=self.number(high, digits)
        )


def _load(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise CatalogueError(f"no catalogue for language {lang!r}; choose one of {LANGUAGES}")
    text = resources.files(__package__).joinpath("lang", f"{lang}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise CatalogueError(f"lang/{lang}.yaml must be a flat mapping of key to text")
    for key, template in data.items():
        try:
            template_fields(template)
        except (CatalogueError, ValueError) as error:
            raise CatalogueError(f"lang/{lang}.yaml: {key}: {error}") from None
    return data


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (``en`` or ``zh``), read once from package data."""
    return Catalogue(lang, _load(lang))


def translate(lang: str, key: str, **params: object) -> str:
    """``translate("zh", "unit.minutes", value=5)`` -> ``5 分钟``."""
    return catalogue(lang)(key, **params)


def _label_pattern(template: str) -> re.Pattern[str]:
    """A regex that recovers a template's parameters from text made with it."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+)")
    return re.compile("".join(parts), re.DOTALL)


def _milestone_key(milestone_id: str) -> str:
    parts = milestone_id.split(":")
    return f"milestone.{parts[0]}" + (f"_{parts[1]}" if parts[0] == "team_on_scene" else "")


def label_params(milestone_id: str, english_label: str) -> dict[str, str]:
    """The names inside a milestone's English label (plan, department, team, depot, item).

    results.json holds each milestone's label in English only; its names are recovered by
    matching the English template of the milestone's kind (``milestone.<kind>`` in
    ``lang/en.yaml``). Report levels, coverage shares, cohorts and call-out shares are not
    names (their words come from their ids) and give no parameters.
    """
    if milestone_id.split(":")[0] in ("report", "warned", "callout"):
        return {}
    key = _milestone_key(milestone_id)
    english = catalogue("en")
    if key not in english.messages:
        raise CatalogueError(f"no words for milestone {milestone_id!r}")
    match = _label_pattern(english.messages[key]).fullmatch(english_label)
    if match is None:
        raise CatalogueError(
            f"milestone {milestone_id!r}: label {english_label!r} does not "
            f"match {english.messages[key]!r}"
        )
    return match.groupdict()


def milestone_label(milestone_id: str, english_label: str, cat: Catalogue) -> str:
    """A milestone's words in ``cat``'s language, names kept as written."""
    parts = milestone_id.split(":")
    if parts[0] == "report":
        return cat("milestone.report", level=cat(f"level.{parts[1]}"))
    if parts[0] == "warned":
        if len(parts) == 3:
            return cat(
                "milestone.warned_cohort", percent=parts[1], cohort=cat(f"cohort.{parts[2]}")
            )
        return cat("milestone.warned", percent=parts[1])
    if parts[0] == "callout":
        if parts[1] == "reached":
            return cat("milestone.callout_reached", percent=parts[2])
        return cat("milestone.callout_last_call")
    return cat(_milestone_key(milestone_id), **label_params(milestone_id, english_label))

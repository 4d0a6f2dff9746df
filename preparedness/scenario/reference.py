"""Write the scenario reference (every model and field, in planner terms) as Markdown text.

The reference is generated from the pydantic models so it cannot drift from what the loader
accepts: the walk starts at ``Scenario`` and follows nested models, lists and unions (the
channel kinds, the changes of an intervention) depth first in field order, listing each
model once. A field's description is its attribute docstring (the models are declared with
``use_attribute_docstrings=True``), read here from the source so that a type alias carrying
its own description could not hide it. Types are named the way a planner
writes them ("duration, e.g. `15m`", "probability 0–1"), distributions get a section of
their own, and nothing here writes a file: ``docs/gen_reference.py`` does.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
import inspect
import textwrap
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import annotated_types
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from . import distributions as dist
from . import durations
from .models import Identifier, Probability, Scenario, Share

__all__ = ["fields_without_description", "scenario_reference_markdown"]

# Named types, matched by identity (``Probability`` and ``Share`` are equal but not the same).
_NAMED: tuple[tuple[Any, str, str], ...] = (
    (durations.Duration, "duration, e.g. `15m`", "d / h / m / s"),
    (durations.PositiveDuration, "duration > 0, e.g. `15m`", "d / h / m / s"),
    (durations.ClockTime, 'time of day, e.g. `"08:30"`', "HH:MM"),
    (dist.DurationDistribution, "[distribution](#distributions) of durations", "d / h / m / s"),
    (
        dist.DayNightDistribution,
        "[distribution](#distributions), or one by day and one by night",
        "d / h / m / s",
    ),
    (dist.DayNightProbability, "probability 0–1, or by day and night", "0–1"),
    (dist.Probability, "probability 0–1", "0–1"),
    (Probability, "probability 0–1", "0–1"),
    (Share, "share 0–1", "0–1"),
    (Identifier, "id", ""),
)
_PLAIN: dict[Any, str] = {
    int: "whole number",
    float: "number",
    str: "text",
    bool: "`true` or `false`",
    dt.date: "date, e.g. `2026-07-01`",
    AwareDatetime: "date and time with time zone, e.g. `2026-07-14T02:10:00+08:00`",
    typing.Any: "any value",
}
_PLURALS = {
    "duration, e.g. `15m`": "durations, e.g. `15m`",
    "duration > 0, e.g. `15m`": "durations > 0, e.g. `15m`",
    "id": "ids",
    "whole number": "whole numbers",
    "number": "numbers",
}
# Units read from a field's name, for plain numbers whose unit the type cannot say.
_NAME_UNITS = (
    ("_kmh", "km/h"),
    ("_km", "km"),
    ("per_1000_residents", "per 1,000 residents"),
    ("staff_per_1000", "per 1,000 residents"),
    ("per_hour", "per hour"),
)


@dataclass
class _Walk:
    """Models in the order they were first met, and where each is used."""

    order: list[type[BaseModel]] = field(default_factory=list)
    used_in: dict[type[BaseModel], list[str]] = field(default_factory=dict)


def scenario_reference_markdown() -> str:
    """The whole scenario reference page as Markdown (stable: same models, same text)."""
    walk = _walk_models(Scenario)
    parts = [_PAGE_HEAD, "## Scenario models\n"]
    parts += [_model_section(model, walk) for model in walk.order]
    parts.append(_distributions_section())
    return "\n".join(parts).rstrip() + "\n"


def fields_without_description() -> list[str]:
    """``Model.field`` for every field in the reference that has no description yet."""
    missing = []
    for model in _walk_models(Scenario).order:
        for name, info in model.model_fields.items():
            if not _description(model, name, info):
                missing.append(f"{model.__name__}.{_key(name, info)}")
    return missing


# ----------------------------------------------------------------------------- walking


def _walk_models(root: type[BaseModel]) -> _Walk:
    walk = _Walk()

    def visit(model: type[BaseModel]) -> None:
        walk.order.append(model)
        hints = _hints(model)
        for name, info in model.model_fields.items():
            for child in _models_in(hints[name]):
                where = f"[{model.__name__}](#{_anchor(model)}).`{_key(name, info)}`"
                walk.used_in.setdefault(child, []).append(where)
                if child not in walk.order:
                    visit(child)

    visit(root)
    return walk


def _models_in(hint: Any) -> Iterator[type[BaseModel]]:
    """Scenario models a type mentions; distributions are documented in their own section."""
    if any(hint is alias for alias, *_ in _NAMED):
        return
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint
        return
    for arg in typing.get_args(hint):
        if not isinstance(arg, FieldInfo):
            yield from _models_in(arg)


@cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, include_extras=True)


# ----------------------------------------------------------------------------- rendering


def _model_section(model: type[BaseModel], walk: _Walk) -> str:
    lines = [f"### {model.__name__}\n", _prose(model.__doc__ or ""), ""]
    if walk.used_in.get(model):
        lines += ["Used in: " + ", ".join(walk.used_in[model]) + ".", ""]
    lines += [
        "| key | type | unit | default | description |",
        "|---|---|---|---|---|",
    ]
    hints = _hints(model)
    for name, info in model.model_fields.items():
        kind, unit = _type_text(hints[name], info.metadata)
        cells = [
            f"`{_key(name, info)}`",
            kind,
            unit or _unit_from_name(name, hints[name]),
            _default_text(info),
            _prose(_description(model, name, info) or ""),
        ]
        lines.append("| " + " | ".join(_cell(text) for text in cells) + " |")
    return "\n".join(lines) + "\n"


def _type_text(
    hint: Any, constraints: Sequence[Any] = (), *, plural: bool = False, option: bool = False
) -> tuple[str, str]:
    """A type in planner words, and its unit (empty when the type does not fix one).

    ``plural`` names list items ("ids"); ``option`` is set inside an either-or, where a
    single literal reads as itself rather than "must be ...".
    """
    for alias, words, unit in _NAMED:
        if hint is alias:
            return (_PLURALS.get(words, words) if plural else words), unit
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        inner = [m for m in hint.__metadata__ if not isinstance(m, FieldInfo)]
        infos = [m for m in hint.__metadata__ if isinstance(m, FieldInfo)]
        extra = list(constraints) + inner + [c for info in infos for c in info.metadata]
        discriminator = next((i.discriminator for i in infos if i.discriminator), None)
        words, unit = _type_text(args[0], extra, plural=plural, option=option)
        if isinstance(discriminator, str):
            words += f", chosen by `{discriminator}`"
        return words, unit
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        texts = [_type_text(arg, constraints, plural=plural, option=True) for arg in options]
        words = " or ".join(text for text, _ in texts)
        units = {unit for _, unit in texts if unit}
        return words, units.pop() if len(units) == 1 else ""
    if origin is Literal:
        values = ", ".join(f"`{_yaml(value)}`" for value in args)
        if len(args) == 1:
            return (values if option else f"must be {values}"), ""
        return f"one of {values}", ""
    if origin in (list, tuple):
        words, unit = _type_text(args[0], plural=True)
        return f"list of {words}" + _limits(constraints, items=True), unit
    if origin is dict:
        key_words, _ = _type_text(args[0])
        value_words, unit = _type_text(args[1])
        return f"mapping of {key_words} to {value_words}", unit
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return f"[{hint.__name__}](#{_anchor(hint)})", ""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "one of " + ", ".join(f"`{member.value}`" for member in hint), ""
    words = _PLAIN.get(hint, getattr(hint, "__name__", str(hint)))
    if plural:
        words = _PLURALS.get(words, words)
    return words + _limits(constraints, items=False), ""


def _limits(constraints: Sequence[Any], *, items: bool) -> str:
    """Bounds as words: ``≥ 1, ≤ 100`` for numbers, ``at least 1 item`` for lists."""
    words = []
    for rule in constraints:
        if isinstance(rule, annotated_types.Ge):
            words.append(f"≥ {_number(rule.ge)}")
        elif isinstance(rule, annotated_types.Gt):
            words.append(f"> {_number(rule.gt)}")
        elif isinstance(rule, annotated_types.Le):
            words.append(f"≤ {_number(rule.le)}")
        elif isinstance(rule, annotated_types.Lt):
            words.append(f"< {_number(rule.lt)}")
        elif isinstance(rule, annotated_types.MinLen) and rule.min_length:
            noun = "item" if items else "character"
            plural = "" if rule.min_length == 1 else "s"
            words.append(f"at least {rule.min_length:,} {noun}{plural}")
        elif isinstance(rule, annotated_types.MaxLen):
            words.append(f"at most {rule.max_length:,} {'items' if items else 'characters'}")
    return " (" + ", ".join(words) + ")" if words else ""


def _unit_from_name(name: str, hint: Any) -> str:
    if hint not in (int, float) and not (
        typing.get_origin(hint) in (typing.Union, types.UnionType)
        and set(typing.get_args(hint)) & {int, float}
    ):
        return ""
    return next((unit for suffix, unit in _NAME_UNITS if name.endswith(suffix)), "")


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True, validated_data={})
    if value is None:
        return "not set"
    if isinstance(value, BaseModel):
        return f"the defaults of [{type(value).__name__}](#{_anchor(type(value))})"
    return f"`{_yaml(value)}`"


def _yaml(value: Any) -> str:
    """A default written the way it would be in a scenario file (YAML flow style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _yaml(value.value)
    if isinstance(value, float | int):
        return _number(value)
    if isinstance(value, str):
        return value if value and value.strip() == value and ":" not in value else f'"{value}"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_yaml(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return repr(value)


def _description(model: type[BaseModel], name: str, info: FieldInfo) -> str | None:
    """The field's attribute docstring, else a ``Field(description=...)`` of its own."""
    for cls in model.__mro__:
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            docstring = _attribute_docstrings(cls).get(name)
            if docstring:
                return docstring
    return info.description or None


@cache
def _attribute_docstrings(cls: type) -> dict[str, str]:
    """``name: type = ...`` followed by a string literal, read from the class's own source."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    found: dict[str, str] = {}
    if not isinstance(body, ast.ClassDef):
        return found
    for node, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[node.target.id] = inspect.cleandoc(following.value.value)
    return found


def _key(name: str, info: FieldInfo) -> str:
    return info.alias or name


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def _prose(text: str) -> str:
    """Docstring text as Markdown: paragraphs joined into lines, RST literals as code."""
    paragraphs = [" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p).replace("``", "`")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n\n", "<br>")


# ----------------------------------------------------------------------------- distributions


def _distributions_section() -> str:
    lines = [_DISTRIBUTIONS_HEAD]
    for spec in _distribution_specs():
        tag = spec.tag_name()
        params = _hints(spec)[tag]
        lines += [f"### {tag}\n", _prose(spec.__doc__ or ""), ""]
        if isinstance(params, type) and issubclass(params, BaseModel):
            keys = ", ".join(_key(n, i) for n, i in params.model_fields.items())
            lines += [f"Written `{{{tag}: {{{keys}}}}}`.", ""]
            lines += ["| key | type | unit | default | description |", "|---|---|---|---|---|"]
            param_hints = _hints(params)
            for name, info in params.model_fields.items():
                kind, unit = _type_text(param_hints[name], info.metadata)
                cells = [
                    f"`{_key(name, info)}`",
                    kind,
                    unit,
                    _default_text(info),
                    _prose(_description(params, name, info) or ""),
                ]
                lines.append("| " + " | ".join(_cell(text) for text in cells) + " |")
        else:
            kind, _ = _type_text(params)
            lines.append(f"Written `{{{tag}: ...}}`: {kind}.")
        lines.append("")
    return "\n".join(lines)


def _distribution_specs() -> list[type[dist.DistributionSpec]]:
    """The distribution kinds in the order the loader lists them (its tagged union's order)."""
    return [
        model
        for model in _models_anywhere(dist.DurationDistribution)
        if issubclass(model, dist.DistributionSpec)
    ]


def _models_anywhere(hint: Any) -> Iterator[type[BaseModel]]:
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint
        return
    for arg in typing.get_args(hint):
        yield from _models_anywhere(arg)


_PAGE_HEAD = """\
# Scenario reference

<!-- Generated by `python docs/gen_reference.py` from the models in
preparedness/scenario/; do not edit by hand. -->

Every block and key a scenario file may contain, generated from the models the loader
validates against, so it always matches what `preparedness validate` accepts. The file's
top level is a [Scenario](#scenario); each model below lists its keys with:

- **type**: what to write. A *duration* always carries a unit (`90s`, `15m`, `2h30m`,
  `3d`); a bare number is refused. A *time of day* is quoted (`"08:30"`). A *probability*
  or *share* is a number from 0 to 1. Where it says *by day and night* you may give one
  value or `{day: ..., night: ...}`; night is set by the scenario's `night` block.
- **unit**: what the figure counts in, where the type does not say it.
- **default**: the value used when the key is left out; **required** keys must be given.
- **description**: what the key means, and the source of a default figure where there is one.

Keys not listed are refused, with their place in the file. Top-level keys starting with
`x-` are ignored (a place for YAML anchors).
"""

_DISTRIBUTIONS_HEAD = """\
## Distributions

A time that varies is a *distribution*: either a bare duration (`2m`, always the same) or a
mapping with one key naming the distribution. Where a field says *by day and night*, give
`{day: <distribution>, night: <distribution>}` instead to use one by day and another at
night. Every distribution knows its own mean and quantiles, and the loader refuses
impossible ones (a p90 below the median, a mode outside min and max).
"""

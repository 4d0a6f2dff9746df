"""Apply a named intervention to a scenario: a new scenario, re-validated like any scenario file.

An intervention (``interventions:`` in the scenario, or a separate file given with
``--interventions``) is a list of small typed changes: switch the command mode, put another
channel on some links, staff a role differently, change duty hours, add a channel or a
platform, or, as a last resort, set one field by its path. Changes are applied in order to
the data the scenario file was read into (never to the frozen models), copy-on-write so the
base is untouched, and the result goes through the same validation and cross-checks as a
file. A problem is reported at the intervention that caused it, with ``file:line:col``:
inside the block the intervention wrote when the bad value came from there, otherwise at
the change (or the intervention) after which the scenario no longer holds together.

Common random numbers come for free: engine streams are keyed by component names, so a
component an intervention leaves alone draws the same numbers in both variants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import Field, ValidationError
from pydantic_core import ErrorDetails

from .check_references import no_such_id
from .command import MODE_RULES
from .crosscheck import cross_check
from .diagnostics import (
    Diagnostic,
    ScenarioError,
    diagnostics_from_validation_error,
    did_you_mean,
    format_field_path,
    locate,
)
from .load import EXTENSION_PREFIX, validate_document
from .models import Intervention, Model, Scenario
from .wording import words
from .yaml_source import YamlDocument, read_yaml

__all__ = [
    "BASE",
    "InterventionSource",
    "ScenarioVariants",
    "load_variants",
]

#: The name of the scenario as written, in ``--compare base,joint_centre``.
BASE = "base"

Loc = tuple[Any, ...]


class InterventionsFile(Model):
    """A file of interventions for a scenario given with ``--interventions``."""

    interventions: list[Intervention] = Field(min_length=1)


@dataclass(frozen=True)
class InterventionSource:
    """One intervention and where it was written: its file, node tree and path in that tree."""

    intervention: Intervention
    raw: dict
    file: str
    root: yaml.Node
    loc: Loc  # ("interventions", i) in its file

    @property
    def id(self) -> str:
        return self.intervention.id


@dataclass(frozen=True)
class ScenarioVariants:
    """A validated scenario, the interventions known for it, and a way to apply each one."""

    document: YamlDocument
    base: Scenario
    interventions: dict[str, InterventionSource]
    interventions_file: str | None = None
    interventions_sha256: str | None = None
    _cache: dict[str, Scenario] = field(default_factory=dict, repr=False, compare=False)

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def sha256(self) -> str:
        return self.document.sha256

    def names(self) -> list[str]:
        """``base`` followed by every intervention id, in the order they were written."""
        return [BASE, *self.interventions]

    def scenario(self, name: str) -> Scenario:
        """The scenario as written (``base``) or with one intervention applied."""
        if name == BASE:
            return self.base
        if name not in self._cache:
            if name not in self.interventions:
                known = ", ".join(self.names())
                raise KeyError(
                    f"no intervention '{name}'{did_you_mean(name, self.names())}; known: {known}"
                )
            self._cache[name] = apply(self.document, self.interventions[name], self.base)
        return self._cache[name]

    def check_all(self) -> None:
        """Apply every intervention; raise one ``ScenarioError`` with all their problems."""
        problems: list[Diagnostic] = []
        for name in self.interventions:
            try:
                self.scenario(name)
            except ScenarioError as error:
                problems.extend(error.diagnostics)
        if problems:
            raise ScenarioError(problems)


def load_variants(
    path: str | Path,
    *,
    display_name: str | None = None,
    interventions_path: str | Path | None = None,
    interventions_display_name: str | None = None,
) -> ScenarioVariants:
    """Read and validate a scenario and its interventions (from the file and, optionally, a
    separate interventions file); raise ``ScenarioError`` with every located problem."""
    document = read_yaml(path, display_name=display_name)
    base = validate_document(document, base_dir=Path(path).parent)
    sources: list[InterventionSource] = []
    if isinstance(document.data, dict):
        for i, (intervention, raw) in enumerate(
            zip(base.interventions, document.data.get("interventions") or [], strict=True)
        ):
            sources.append(
                InterventionSource(
                    intervention, raw, document.file, document.root, ("interventions", i)
                )
            )
    extra_file = extra_sha = None
    if interventions_path is not None:
        extra = read_yaml(interventions_path, display_name=interventions_display_name)
        extra_file, extra_sha = extra.file, extra.sha256
        data = extra.data
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if not str(k).startswith(EXTENSION_PREFIX)}
        try:
            parsed = InterventionsFile.model_validate(data)
        except ValidationError as error:
            raise ScenarioError(
                diagnostics_from_validation_error(error, extra.file, extra.root)
            ) from None
        # Validated above, so the data is a mapping with an ``interventions`` list.
        raw_interventions = cast(dict[str, list[Any]], data)["interventions"]
        for i, (intervention, raw) in enumerate(
            zip(parsed.interventions, raw_interventions, strict=True)
        ):
            sources.append(
                InterventionSource(intervention, raw, extra.file, extra.root, ("interventions", i))
            )
    by_id: dict[str, InterventionSource] = {}
    problems = []
    for source in sources:
        if source.id == BASE or source.id in by_id:
            line, column, _ = locate(source.root, (*source.loc, "id"))
            if source.id == BASE:
                message = words(
                    "base_id",
                    f"'{BASE}' names the scenario as written; choose another id",
                    base=BASE,
                )
            else:
                first = by_id[source.id]
                first_line, first_column, _ = locate(first.root, (*first.loc, "id"))
                place = f"{first.file}:{first_line}:{first_column}"
                message = words(
                    "intervention_id_taken",
                    f"intervention id '{source.id}' is already used at {place}",
                    ident=source.id,
                    place=place,
                )
            problems.append(
                Diagnostic(
                    source.file, line, column, format_field_path((*source.loc, "id")), message
                )
            )
        else:
            by_id[source.id] = source
    if problems:
        raise ScenarioError(problems)
    return ScenarioVariants(document, base, by_id, extra_file, extra_sha)


# --------------------------------------------------------------------------------------------
# Applying


class _Problem(Exception):
    """A change that cannot be applied; ``at`` is the path inside the change."""

    def __init__(self, at: Loc, message: str):
        super().__init__(message)
        self.at = at
        self.message = message


@dataclass
class _Draft:
    """The scenario data being changed, copy-on-write, and which paths each change wrote.

    ``touched`` maps a path in the new data to the path (in the intervention's own file) of
    the value written there, so a problem found later points at what the planner wrote.
    """

    data: dict
    touched: dict[Loc, Loc] = field(default_factory=dict)
    by_change: dict[Loc, Loc] = field(default_factory=dict)  # data path -> change's path

    def get(self, path: Loc) -> Any:
        value: Any = self.data
        for part in path:
            value = value[part]
        return value

    def put(self, path: Loc, value: Any, source: Loc, change: Loc) -> None:
        self.data = _put(self.data, path, value)
        # A value written over a path replaces whatever was written below it.
        for old in [p for p in self.touched if p[: len(path)] == path]:
            del self.touched[old]
            self.by_change.pop(old, None)
        # A value written inside an earlier one: the earlier source no longer matches it.
        for old in [p for p in self.touched if path[: len(p)] == p and p != path]:
            del self.touched[old]
        self.touched[path] = source
        self.by_change[path] = change


def _put(container: Any, path: Loc, value: Any) -> Any:
    """A copy of ``container`` with ``value`` at ``path``; containers off the path are shared."""
    key, rest = path[0], path[1:]
    if isinstance(container, dict):
        new: Any = dict(container)
        new[key] = _put(container.get(key, {}), rest, value) if rest else value
        return new
    new = list(container)
    if rest:
        new[key] = _put(container[key], rest, value)
    elif key == len(new):
        new.append(value)
    else:
        new[key] = value
    return new


def apply(
    document: YamlDocument, source: InterventionSource, base: Scenario | None = None
) -> Scenario:
    """The scenario of ``document`` with ``source``'s changes applied, validated again.

    A road graph read from a GraphML file by the loader is carried over from ``base`` as
    inline roads, so the file is read once and every variant drives the same roads.
    """
    written = cast(dict[str, Any], document.data)  # a mapping: the document loaded
    data = {
        k: v
        for k, v in written.items()
        if k != "interventions" and not str(k).startswith(EXTENSION_PREFIX)
    }
    travel = data.get("travel")
    if base is not None and isinstance(travel, dict) and base.travel.road_graph is not None:
        roads = [
            road.model_dump(by_alias=True, exclude_defaults=True) for road in base.travel.roads
        ]
        data["travel"] = {**{k: v for k, v in travel.items() if k != "road_graph"}, "roads": roads}
    draft = _Draft(data)
    for j, change in enumerate(source.intervention.changes):
        change_loc = (*source.loc, "changes", j)
        raw = source.raw["changes"][j]
        kind = change.kind
        try:
            _APPLY[kind](draft, getattr(change, kind), raw[kind], (*change_loc, kind))
        except _Problem as problem:
            raise ScenarioError(
                [_at_source(source, (*change_loc, kind, *problem.at), problem.message)]
            ) from None
    return _validate(draft, source)


def _validate(draft: _Draft, source: InterventionSource) -> Scenario:
    problems: list[tuple[Loc, str]] = []
    scenario = None
    try:
        scenario = Scenario.model_validate(draft.data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            problems.append((tuple(item["loc"]), _pydantic_message(error, item)))
    if scenario is not None:
        problems.extend(cross_check(scenario))
    if scenario is not None and not problems:
        return scenario
    raise ScenarioError([_locate_problem(draft, source, loc, message) for loc, message in problems])


def _pydantic_message(error: ValidationError, item: ErrorDetails) -> str:
    """pydantic's error in the loader's own plain words (one error rebuilt on its own)."""
    try:
        single = ValidationError.from_exception_data(error.title, [item])  # type: ignore[list-item]
        return diagnostics_from_validation_error(single, "", None)[0].message
    except (TypeError, KeyError, ValueError, IndexError):
        return str(item.get("msg", "invalid value"))


def _data_loc(data: Any, loc: Loc) -> Loc:
    """``loc`` without the segments the data does not have (union tags, model names)."""
    kept: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif i == len(loc) - 1:
            pass  # a missing last key (a required field, a defaulted one named by a check)
        else:
            continue
        kept.append(part)
    return tuple(kept)


def _locate_problem(
    draft: _Draft, source: InterventionSource, loc: Loc, message: str
) -> Diagnostic:
    path = _data_loc(draft.data, loc)
    inside = [p for p in draft.touched if path[: len(p)] == p]
    if inside:
        written = max(inside, key=len)
        return _at_source(source, (*draft.touched[written], *path[len(written) :]), message)
    related = [p for p in draft.by_change if path[: len(p)] == p or p[: len(path)] == path]
    where = draft.by_change[related[0]] if related else source.loc
    scenario_path = format_field_path(path) or words("the_scenario", "the scenario")
    return _at_source(
        source,
        where,
        words(
            "after_change",
            f"after this change, {scenario_path}: {message}",
            path=scenario_path,
            message=message,
        ),
    )


def _at_source(source: InterventionSource, loc: Loc, message: str) -> Diagnostic:
    line, column, _ = locate(source.root, loc)
    return Diagnostic(source.file, line, column, format_field_path(loc, source.root), message)


# --------------------------------------------------------------------------------------------
# The changes, one function each: (draft, typed change, raw change, path of the change)


def _command_mode(draft: _Draft, change, raw: dict, at: Loc) -> None:
    draft.put(("command", "mode"), raw["mode"], (*at, "mode"), at)
    for block in dict.fromkeys(rules.needs for rules in MODE_RULES.values() if rules.needs):
        if block in raw:
            draft.put(("command", block), raw[block], (*at, block), at)


def _link_channel(draft: _Draft, change, raw: dict, at: Loc) -> None:
    for i in _matching_links(draft, change, at, ()):
        draft.put(("command", "links", i, "channel"), raw["channel"], (*at, "channel"), at)


def _matching_links(draft: _Draft, selector, at: Loc, inner: Loc) -> list[int]:
    links = draft.get(("command", "links"))
    matches = [
        i
        for i, link in enumerate(links)
        if isinstance(link, dict)
        and (selector.source is None or link.get("from") == selector.source)
        and (selector.target is None or link.get("to") == selector.target)
    ]
    if not matches:
        ends = (
            " ".join(
                f"{word} '{value}'"
                for word, value in (("from", selector.source), ("to", selector.target))
                if value is not None
            )
            or "at all"
        )
        ends_at = {
            name: value
            for name, value in (("source", selector.source), ("target", selector.target))
            if value is not None
        }
        key = "no_link_" + ("_".join(ends_at) or "at_all")
        raise _Problem(inner, words(key, f"no link in command.links goes {ends}", **ends_at))
    return matches


def _role_index(draft: _Draft, role_id: str, at: Loc) -> int:
    roles = draft.get(("roles",))
    for i, role in enumerate(roles):
        if isinstance(role, dict) and role.get("id") == role_id:
            return i
    known = [r.get("id") for r in roles if isinstance(r, dict)]
    raise _Problem(at, no_such_id("role", role_id, map(str, known)))


def _staff(draft: _Draft, change, raw: dict, at: Loc) -> None:
    i = _role_index(draft, change.role, ("role",))
    role = draft.get(("roles", i))
    if change.staff is not None:
        if role.get("per_1000_residents") is not None:
            raise _Problem(
                ("staff",),
                words(
                    "staffed_per_1000",
                    f"role '{change.role}' is staffed per 1,000 residents; "
                    "change 'per_1000_residents' instead",
                    role=change.role,
                ),
            )
        draft.put(("roles", i, "staff"), raw["staff"], (*at, "staff"), at)
        return
    if not change.communities:
        draft.put(
            ("roles", i, "per_1000_residents"),
            raw["per_1000_residents"],
            (*at, "per_1000_residents"),
            at,
        )
        return
    places = {}
    for t, township in enumerate(draft.get(("places", "townships"))):
        for c, community in enumerate(township.get("communities") or []):
            if isinstance(community, dict):
                places[community.get("id")] = (t, c)
    if role.get("per_1000_residents") is None:
        raise _Problem(
            ("communities",),
            words(
                "not_staffed_per_1000",
                f"role '{change.role}' is not staffed per 1,000 "
                "residents, so communities have no ratio of their own for it",
                role=change.role,
            ),
        )
    for k, community_id in enumerate(change.communities):
        if community_id not in places:
            raise _Problem(
                ("communities", k),
                no_such_id("community", community_id, map(str, places)),
            )
        t, c = places[community_id]
        draft.put(
            ("places", "townships", t, "communities", c, "staff_per_1000", change.role),
            raw["per_1000_residents"],
            (*at, "per_1000_residents"),
            at,
        )


def _duty_hours(draft: _Draft, change, raw: dict, at: Loc) -> None:
    i = _role_index(draft, change.role, ("role",))
    draft.put(("roles", i, "on_duty"), raw["on_duty"], (*at, "on_duty"), at)


def _add_channel(draft: _Draft, change, raw: dict, at: Loc) -> None:
    channels = draft.get(("channels",))
    draft.put(("channels", len(channels)), raw, at, at)


def _add_platform(draft: _Draft, change, raw: dict, at: Loc) -> None:
    channels = draft.get(("channels",))
    draft.put(("channels", len(channels)), raw["channel"], (*at, "channel"), at)
    platform = change.channel.id
    for k, role_id in enumerate(change.first_in_fallback):
        i = _role_index(draft, role_id, ("first_in_fallback", k))
        fallback = draft.get(("roles", i)).get("fallback") or []
        new = [platform, *(c for c in fallback if c != platform)]
        draft.put(("roles", i, "fallback"), new, (*at, "first_in_fallback", k), at)
    for k, selector in enumerate(change.links):
        for i in _matching_links(draft, selector, at, ("links", k)):
            draft.put(("command", "links", i, "channel"), platform, (*at, "links", k), at)


_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[A-Za-z0-9_\-]+\])*)")


def _set(draft: _Draft, change, raw: dict, at: Loc) -> None:
    path = list(_resolve(draft.data, change.path))
    draft.put(tuple(path), raw["value"], (*at, "value"), at)


def _resolve(data: Any, text: str) -> Iterator[Any]:
    """``roles[grid_worker].staff`` -> ``("roles", 3, "staff")`` against the data."""
    node = data
    parts = text.split(".")
    for n, part in enumerate(parts):
        match = _SEGMENT.fullmatch(part)
        if match is None:  # the schema's pattern for ``path`` already refuses this
            raise _Problem(
                ("path",),
                words(
                    "path_segment",
                    f"'{part}' is not a key or a key with [...] after it",
                    part=part,
                ),
            )
        name, brackets = match.groups()
        last = n == len(parts) - 1 and not brackets
        if not isinstance(node, dict) or (name not in node and not last):
            raise _Problem(
                ("path",),
                words(
                    "path_not_here",
                    f"'{name}' is not in the scenario at this point of the path",
                    name=name,
                ),
            )
        yield name
        node = node.get(name)
        for selector in re.findall(r"\[([^\]]+)\]", brackets):
            if not isinstance(node, list):
                raise _Problem(
                    ("path",),
                    words(
                        "path_not_list",
                        f"'{name}' is not a list, so [{selector}] picks nothing",
                        name=name,
                        selector=selector,
                    ),
                )
            if selector.isdigit():
                index = int(selector)
                if index >= len(node):
                    raise _Problem(
                        ("path",),
                        words(
                            "path_only_items",
                            f"'{name}' has only {len(node)} items",
                            name=name,
                            count=str(len(node)),
                        ),
                    )
            else:
                ids = [item.get("id") if isinstance(item, dict) else None for item in node]
                if selector not in ids:
                    hint = did_you_mean(selector, [str(i) for i in ids if i])
                    raise _Problem(
                        ("path",),
                        words(
                            "path_no_item",
                            f"no item of '{name}' has id '{selector}'{hint}",
                            name=name,
                            selector=selector,
                            hint=hint,
                        ),
                    )
                index = ids.index(selector)
            yield index
            node = node[index]


_APPLY = {
    "command_mode": _command_mode,
    "link_channel": _link_channel,
    "staff": _staff,
    "duty_hours": _duty_hours,
    "add_channel": _add_channel,
    "add_platform": _add_platform,
    "set": _set,
}

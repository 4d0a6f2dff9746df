"""The road graph: read a GraphML file into ``travel.roads``, and check what must be on it.

A scenario may give its roads inline or as a GraphML file (``travel.road_graph``), e.g.
exported from a GIS. The loader reads the file once, before validation, and puts its edges
into the raw data as ``roads``, so the models, the checks and the engine only ever see
roads; the file is never read again. Once roads exist, every team base, every depot and
every incident's community must be a node of the graph (a junction may be any name), and
a cut road must be one the graph has.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx

from .diagnostics import Problem, close_match
from .models import Scenario
from .wording import Words, thing, words

#: Largest road-graph file read (50 MB: a million edges of a typical GraphML export).
MAX_ROAD_GRAPH_BYTES = 50_000_000
#: Most roads a scenario may have; ``Travel.roads`` holds the same limit.
MAX_ROADS = 1_000_000
#: Edge problems reported one by one; the rest are counted in one last line.
MAX_EDGE_PROBLEMS = 10
#: Longest node name a road may carry (``Road.source``'s limit).
MAX_NODE_CHARS = 200

_LOC = ("travel", "road_graph")


# --------------------------------------------------------------------------------------------
# Reading a GraphML file into roads (run by the loader on the raw data)


def with_road_graph(data: Any, base_dir: Path) -> tuple[Any, list[Problem]]:
    """``data`` with ``travel.roads`` read from ``travel.road_graph``, and the problems found.

    ``data`` is the raw mapping read from the scenario file; it is not changed. Anything that
    is not a road graph to read (no ``travel``, a ``road_graph`` that is not text) is passed
    on untouched for the models to report.
    """
    travel = data.get("travel") if isinstance(data, dict) else None
    if not isinstance(travel, dict) or not isinstance(travel.get("road_graph"), str):
        return data, []
    name = travel["road_graph"]
    if "roads" in travel:
        return data, [(_LOC, words("roads_twice", "give roads inline or in road_graph, not both"))]
    path, problem = _resolve(name, base_dir)
    if problem is not None:
        return data, [(_LOC, problem)]
    graph = _read(path, name)
    if isinstance(graph, str):
        return data, [(_LOC, graph)]
    roads, problems = _roads(graph, name)
    if problems:
        return data, [(_LOC, message) for message in problems]
    return {**data, "travel": {**travel, "roads": roads}}, []


def _resolve(name: str, base_dir: Path) -> tuple[Path, str | None]:
    """The file ``name`` names inside the scenario's folder, or why it cannot be used."""
    given = Path(name)
    if not name.strip():
        return given, words("road_graph_no_name", "give the road graph's file name")
    if given.is_absolute() or given.anchor:
        return given, words(
            "road_graph_absolute",
            "give the road graph's path relative to the scenario file's folder, "
            "not as an absolute path",
        )
    folder = base_dir.resolve()
    try:
        path = (folder / given).resolve()
    except (OSError, RuntimeError, ValueError):
        return given, _unreadable(name, words("reason_bad_name", "the file name is not valid"))
    if not path.is_relative_to(folder):
        return path, words(
            "road_graph_outside",
            f"road graph '{name}' is outside the scenario file's folder; "
            "keep it in that folder or below it",
            name=name,
        )
    return path, None


def _read(path: Path, name: str) -> nx.Graph | str:
    """The graph in the file, or the problem that keeps it from being read."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return _unreadable(name, words("reason_folder", "it is a folder, not a file"))
        if size > MAX_ROAD_GRAPH_BYTES:
            return (
                f"road graph '{name}' is {_megabytes(size)}; the limit is "
                f"{_megabytes(MAX_ROAD_GRAPH_BYTES)}"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        return _unreadable(name, words("reason_no_file", "no such file"))
    except PermissionError:
        return _unreadable(name, words("reason_permission", "permission denied"))
    except OSError as exc:
        return f"cannot read road graph '{name}': {exc.strerror or type(exc).__name__}"
    except ValueError as exc:  # e.g. a NUL byte in the path
        return f"cannot read road graph '{name}': {type(exc).__name__}"
    if len(raw) > MAX_ROAD_GRAPH_BYTES:  # grew since stat
        return (
            f"road graph '{name}' is over {_megabytes(MAX_ROAD_GRAPH_BYTES)}; "
            f"the limit is {_megabytes(MAX_ROAD_GRAPH_BYTES)}"
        )
    # GraphML needs no document type; refusing one keeps entity tricks out of the parser.
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return f"road graph '{name}' declares a DOCTYPE or entities; GraphML needs neither"
    try:
        graph = nx.read_graphml(io.BytesIO(raw))
    except (
        ET.ParseError,
        nx.NetworkXError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
    ) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        return f"road graph '{name}' is not valid GraphML: {reason}"
    return graph


def _roads(graph: nx.Graph, name: str) -> tuple[list[dict], list[str]]:
    """One road per edge; directed graphs give one-way roads."""
    count = graph.number_of_edges()
    if count == 0:
        return [], [f"road graph '{name}' has no edges, so no roads"]
    if count > MAX_ROADS:
        return [], [f"road graph '{name}' has {count:,} edges; at most {MAX_ROADS:,} roads"]
    one_way = graph.is_directed()
    defaults = graph.graph.get("edge_default", {})
    roads: list[dict] = []
    problems: list[str] = []
    for source, target, attributes in graph.edges(data=True):
        values = {**defaults, **attributes}
        road, problem = _road(str(source), str(target), values, one_way)
        if problem is not None:
            arrow = "->" if one_way else "-"
            problems.append(f"road graph '{name}', edge '{source}' {arrow} '{target}': {problem}")
        else:
            roads.append(road)
    if len(problems) > MAX_EDGE_PROBLEMS:
        more = len(problems) - MAX_EDGE_PROBLEMS
        problems = [
            *problems[:MAX_EDGE_PROBLEMS],
            f"road graph '{name}': {more:,} more edges have problems like these",
        ]
    return roads, problems


def _road(source: str, target: str, values: dict, one_way: bool) -> tuple[dict, str | None]:
    for node in (source, target):
        if not node or len(node) > MAX_NODE_CHARS:
            return {}, f"node names must be 1 to {MAX_NODE_CHARS} characters long"
    given = [key for key in ("time_min", "length_km") if key in values]
    if not given:
        return {}, "give it a 'time_min' (minutes) or 'length_km' attribute"
    if len(given) == 2:
        return {}, "give it 'time_min' or 'length_km', not both"
    key = given[0]
    try:
        value = float(values[key])
    except (TypeError, ValueError):
        return {}, f"{key} must be a number, not '{str(values[key])[:40]}'"
    if not math.isfinite(value) or value <= 0:
        return {}, f"{key} must be a number more than 0, not {values[key]}"
    if key == "length_km" and value > 10_000:
        return {}, "length_km must be at most 10000"
    road: dict[str, Any] = {"from": source, "to": target, "one_way": one_way}
    if key == "time_min":
        road["time"] = f"{_decimal(value)}m"
    else:
        road["length_km"] = value
    return road, None


def _decimal(value: float) -> str:
    """The float written positionally (no exponent), as a duration accepts it exactly."""
    text = repr(value)
    return format(Decimal(value), "f") if "e" in text else text


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


# --------------------------------------------------------------------------------------------
# Checks once the scenario is validated


def road_nodes(s: Scenario) -> set[str]:
    """Every place or junction a road starts or ends at."""
    return {end for road in s.travel.roads for end in (road.source, road.target)}


def road_problems(s: Scenario) -> Iterator[Problem]:
    """With roads, team bases, depots and incident communities must be on them, and cuts
    must name roads that exist (in the direction the road may be driven)."""
    if s.travel.road_graph is not None and not s.travel.roads:
        yield (
            _LOC,
            words(
                "road_graph_not_read",
                f"the roads of '{s.travel.road_graph}' were never read in: only loading the "
                "scenario file reads a road graph",
                name=str(s.travel.road_graph),
            ),
        )
        return
    if not s.travel.roads:
        return
    nodes = road_nodes(s)
    named = {s.places.district.id, *(d.id for d in s.depots)}
    named |= {t.id for t in s.places.townships}
    named |= {c.id for t in s.places.townships for c in t.communities}
    junctions = sorted(nodes - named)  # a road end that names nothing may be a typo

    def off_road(name: str, what: str) -> str:
        close = close_match(name, junctions)
        typo = (
            words("hint_road_typo", f" (a road ends at '{close}': a typo?)", name=close)
            if close is not None
            else Words("")
        )
        return words(
            "off_road", f"{what} is not on any road; add a road from it{typo}", what=what, hint=typo
        )

    for i, team in enumerate(s.teams):
        if team.base not in nodes:
            yield ("teams", i, "base"), off_road(team.base, _named("base", team.base))
    for i, depot in enumerate(s.depots):
        if depot.id not in nodes:
            yield ("depots", i, "id"), off_road(depot.id, _named("depot", depot.id))
    for i, incident in enumerate(s.incidents):
        if incident.community is not None and incident.community not in nodes:
            yield (
                ("incidents", i, "community"),
                off_road(incident.community, _named("community", incident.community)),
            )
    drivable = {(road.source, road.target) for road in s.travel.roads}
    drivable |= {(road.target, road.source) for road in s.travel.roads if not road.one_way}
    one_way = {(road.source, road.target) for road in s.travel.roads if road.one_way}
    for i, incident in enumerate(s.incidents):
        for k, cut in enumerate(incident.cuts_roads):
            if (cut.source, cut.target) in drivable:
                continue
            loc = ("incidents", i, "cuts_roads", k)
            if (cut.target, cut.source) in one_way:
                yield (
                    loc,
                    words(
                        "cut_one_way",
                        f"the road from '{cut.target}' to '{cut.source}' is one way; "
                        f"cut it from '{cut.target}' to '{cut.source}'",
                        source=cut.target,
                        target=cut.source,
                    ),
                )
            else:
                yield (
                    loc,
                    words(
                        "cut_no_road",
                        f"no road runs from '{cut.source}' to '{cut.target}'; "
                        "a cut must name a road in travel.roads",
                        source=cut.source,
                        target=cut.target,
                    ),
                )


def _named(what: str, ident: str) -> str:
    """``depot 'x'``: a kind of thing and its id, the subject of an off-road problem."""
    kind = thing(what)
    return words("named", f"{kind} '{ident}'", what=kind, ident=ident)


def _unreadable(name: str, reason: str) -> str:
    return words(
        "road_graph_unreadable",
        f"cannot read road graph '{name}': {reason}",
        name=name,
        reason=reason,
    )

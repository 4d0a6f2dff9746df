"""A GraphML road graph is read into ``travel.roads`` at load, or refused with a located reason.

Each test writes a tiny GraphML file and the resource fixture's scenario (with
``road_graph:`` in place of its inline roads) into ``tmp_path``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import networkx as nx
import pytest

from preparedness.scenario import road_graph
from preparedness.scenario.crosscheck import cross_check
from preparedness.scenario.diagnostics import ScenarioError
from preparedness.scenario.load import load_scenario, validate_document
from preparedness.scenario.models import Scenario
from preparedness.scenario.yaml_source import parse_yaml_text, read_yaml

VALID = Path(__file__).resolve().parent / "bad" / "resources" / "_valid_resources.yaml"
INLINE_ROADS = """  roads:
    - {from: linjiang, to: underpass, length_km: 1.6}
    - {from: underpass, to: xiajiancao, length_km: 1.5}
    - {from: linjiang, to: shiqiao, length_km: 8.2}
    - {from: shiqiao, to: xiajiancao, length_km: 9.5, one_way: true}
    - {from: linjiang_depot, to: linjiang, time: 3m}
    - {from: xiajiancao_depot, to: xiajiancao, time: 2m}
"""
#: The fixture's roads as (from, to, attributes).
EDGES = [
    ("linjiang", "underpass", {"length_km": 1.6}),
    ("underpass", "xiajiancao", {"length_km": 1.5}),
    ("linjiang", "shiqiao", {"length_km": 8.2}),
    ("shiqiao", "xiajiancao", {"length_km": 9.5}),
    ("linjiang_depot", "linjiang", {"time_min": 3.0}),
    ("xiajiancao_depot", "xiajiancao", {"time_min": 2.5}),
]
FILE = "scenario.yaml"


def _scenario_text(road_graph_line: str) -> str:
    text = VALID.read_text(encoding="utf-8")
    assert text.count(INLINE_ROADS) == 1
    return text.replace(INLINE_ROADS, f"  road_graph: {road_graph_line}\n")


def _at() -> str:
    """`line:col: travel.road_graph: ` of the road_graph value in the written scenario."""
    lines = _scenario_text("roads.graphml").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("  road_graph: "))
    return f"{FILE}:{line}:15: travel.road_graph: "


def _write_graph(path: Path, edges=EDGES, directed: bool = False) -> Path:
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_edges_from(copy.deepcopy(edges))
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, path)
    return path


def _load(tmp_path: Path, road_graph_line: str = "roads.graphml") -> Scenario:
    (tmp_path / FILE).write_text(_scenario_text(road_graph_line), encoding="utf-8")
    return load_scenario(tmp_path / FILE, display_name=FILE).scenario


def _problems(tmp_path: Path, road_graph_line: str = "roads.graphml") -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        _load(tmp_path, road_graph_line)
    return [str(d) for d in caught.value.diagnostics]


# --------------------------------------------------------------------------------------------
# Read


def test_undirected_graph_becomes_two_way_roads(tmp_path):
    _write_graph(tmp_path / "roads.graphml")
    scenario = _load(tmp_path)
    assert scenario.travel.road_graph == "roads.graphml"  # kept as given
    # An undirected edge has no first end: networkx may give either end first.
    roads = {frozenset((r.source, r.target)): r for r in scenario.travel.roads}
    assert set(roads) == {frozenset((u, v)) for u, v, _ in EDGES}
    assert not any(r.one_way for r in roads.values())
    wall = roads[frozenset(("linjiang", "underpass"))]
    assert (wall.length_km, wall.time) == (1.6, None)
    gate = roads[frozenset(("xiajiancao_depot", "xiajiancao"))]
    assert (gate.length_km, gate.time) == (None, 2.5)  # minutes


def test_directed_graph_becomes_one_way_roads(tmp_path):
    _write_graph(tmp_path / "roads.graphml", directed=True)
    scenario = _load(tmp_path)
    assert sorted((r.source, r.target, r.one_way) for r in scenario.travel.roads) == sorted(
        (u, v, True) for u, v, _ in EDGES
    )


def test_graph_in_a_subfolder_and_a_path_that_stays_inside(tmp_path):
    _write_graph(tmp_path / "gis" / "roads.graphml")
    assert len(_load(tmp_path, "gis/roads.graphml").travel.roads) == len(EDGES)
    assert len(_load(tmp_path, "gis/../gis/roads.graphml").travel.roads) == len(EDGES)


def test_an_edge_default_applies_to_edges_without_the_attribute(tmp_path):
    nodes = "".join(
        f'<node id="{n}"/>'
        for n in ("linjiang", "underpass", "xiajiancao", "linjiang_depot", "xiajiancao_depot")
    )
    edges = "".join(
        f'<edge source="{u}" target="{v}"/>'
        for u, v in (
            ("linjiang", "underpass"),
            ("underpass", "xiajiancao"),
            ("linjiang_depot", "linjiang"),
            ("xiajiancao_depot", "xiajiancao"),
        )
    )
    (tmp_path / "roads.graphml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="t" for="edge" attr.name="time_min" attr.type="double">'
        "<default>4</default></key>"
        f'<graph edgedefault="undirected">{nodes}{edges}</graph></graphml>',
        encoding="utf-8",
    )
    assert {r.time for r in _load(tmp_path).travel.roads} == {4.0}


def test_validate_document_reads_next_to_the_document_by_default(tmp_path):
    _write_graph(tmp_path / "roads.graphml")
    text = _scenario_text("roads.graphml")
    document = parse_yaml_text(text, str(tmp_path / FILE))
    assert len(validate_document(document).travel.roads) == len(EDGES)
    elsewhere = parse_yaml_text(text, FILE)
    assert len(validate_document(elsewhere, base_dir=tmp_path).travel.roads) == len(EDGES)


def test_the_raw_document_is_not_changed(tmp_path):
    _write_graph(tmp_path / "roads.graphml")
    (tmp_path / FILE).write_text(_scenario_text("roads.graphml"), encoding="utf-8")
    document = read_yaml(tmp_path / FILE)
    validate_document(document)
    assert "roads" not in document.data["travel"]


# --------------------------------------------------------------------------------------------
# Refuse


def test_missing_file(tmp_path):
    assert _problems(tmp_path) == [_at() + "cannot read road graph 'roads.graphml': no such file"]


def test_a_folder(tmp_path):
    (tmp_path / "roads.graphml").mkdir()
    assert _problems(tmp_path) == [
        _at() + "cannot read road graph 'roads.graphml': it is a folder, not a file"
    ]


def test_path_escaping_the_folder(tmp_path):
    _write_graph(tmp_path / "roads.graphml")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / FILE).write_text(_scenario_text("../roads.graphml"), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "inner" / FILE, display_name=FILE)
    assert [str(d) for d in caught.value.diagnostics] == [
        _at() + "road graph '../roads.graphml' is outside the scenario file's folder; "
        "keep it in that folder or below it"
    ]


def test_symlink_out_of_the_folder(tmp_path):
    outside = _write_graph(tmp_path / "outside" / "roads.graphml")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "roads.graphml").symlink_to(outside)
    (tmp_path / "inner" / FILE).write_text(_scenario_text("roads.graphml"), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "inner" / FILE, display_name=FILE)
    assert [str(d) for d in caught.value.diagnostics] == [
        _at() + "road graph 'roads.graphml' is outside the scenario file's folder; "
        "keep it in that folder or below it"
    ]


def test_absolute_path(tmp_path):
    path = _write_graph(tmp_path / "roads.graphml")
    assert _problems(tmp_path, str(path)) == [
        _at() + "give the road graph's path relative to the scenario file's folder, "
        "not as an absolute path"
    ]


def test_not_xml(tmp_path):
    (tmp_path / "roads.graphml").write_text("roads: [a, b]\n", encoding="utf-8")
    # The reason after the colon is the XML parser's own (it varies between versions).
    [problem] = _problems(tmp_path)
    assert problem.startswith(_at() + "road graph 'roads.graphml' is not valid GraphML: ")


def test_xml_without_a_graph(tmp_path):
    (tmp_path / "roads.graphml").write_text("<roads/>", encoding="utf-8")
    [problem] = _problems(tmp_path)
    assert problem.startswith(_at() + "road graph 'roads.graphml' is not valid GraphML: ")


def test_doctype_is_refused(tmp_path):
    path = _write_graph(tmp_path / "roads.graphml")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("<graphml", '<!DOCTYPE graphml [<!ENTITY x "y">]><graphml', 1),
        encoding="utf-8",
    )
    assert _problems(tmp_path) == [
        _at() + "road graph 'roads.graphml' declares a DOCTYPE or entities; GraphML needs neither"
    ]


def test_edge_without_time_or_length(tmp_path):
    edges = [*EDGES[:2], ("linjiang", "shiqiao", {"lanes": 2}), *EDGES[3:]]
    _write_graph(tmp_path / "roads.graphml", edges)
    assert _problems(tmp_path) == [
        _at() + "road graph 'roads.graphml', edge 'linjiang' - 'shiqiao': "
        "give it a 'time_min' (minutes) or 'length_km' attribute"
    ]


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"time_min": 0.0}, "time_min must be a number more than 0, not 0.0"),
        ({"length_km": -1.5}, "length_km must be a number more than 0, not -1.5"),
        ({"length_km": "far"}, "length_km must be a number, not 'far'"),
        ({"length_km": 20000.0}, "length_km must be at most 10000"),
        ({"time_min": 3.0, "length_km": 1.0}, "give it 'time_min' or 'length_km', not both"),
    ],
)
def test_bad_edge_values(tmp_path, attributes, problem):
    edges = [*EDGES[:2], ("linjiang", "shiqiao", attributes), *EDGES[3:]]
    _write_graph(tmp_path / "roads.graphml", edges, directed=True)
    assert _problems(tmp_path) == [
        _at() + f"road graph 'roads.graphml', edge 'linjiang' -> 'shiqiao': {problem}"
    ]


def test_many_bad_edges_are_summed_up(tmp_path):
    edges = [(f"j{k}", f"j{k + 1}", {"time_min": -1.0}) for k in range(13)]
    _write_graph(tmp_path / "roads.graphml", edges, directed=True)
    problems = _problems(tmp_path)
    assert len(problems) == road_graph.MAX_EDGE_PROBLEMS + 1
    assert problems[-1] == (
        _at() + "road graph 'roads.graphml': 3 more edges have problems like these"
    )


def test_graph_without_edges(tmp_path):
    _write_graph(tmp_path / "roads.graphml", edges=[])
    assert _problems(tmp_path) == [_at() + "road graph 'roads.graphml' has no edges, so no roads"]


def test_too_many_edges(tmp_path, monkeypatch):
    monkeypatch.setattr(road_graph, "MAX_ROADS", 5)
    _write_graph(tmp_path / "roads.graphml")
    assert _problems(tmp_path) == [
        _at() + "road graph 'roads.graphml' has 6 edges; at most 5 roads"
    ]


def test_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(road_graph, "MAX_ROAD_GRAPH_BYTES", 1_000_000)
    path = tmp_path / "roads.graphml"
    _write_graph(path)
    path.write_text(path.read_text(encoding="utf-8") + " " * 1_200_000, encoding="utf-8")
    assert _problems(tmp_path) == [
        _at() + "road graph 'roads.graphml' is 1.2 MB; the limit is 1 MB"
    ]


def test_inline_roads_and_a_graph(tmp_path):
    _write_graph(tmp_path / "roads.graphml")
    text = VALID.read_text(encoding="utf-8").replace("travel:\n", "travel:\n  road_graph: r.xml\n")
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / FILE, display_name=FILE)
    assert [d.message for d in caught.value.diagnostics] == [
        "give roads inline or in road_graph, not both"
    ]


def test_graph_problems_come_with_the_field_problems(tmp_path):
    text = _scenario_text("roads.graphml").replace("horizon: 6h\n", "horizon: 6 hours\n")
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / FILE, display_name=FILE)
    assert [(d.field, d.message) for d in caught.value.diagnostics] == [
        ("horizon", "'6 hours' is not a duration; write e.g. '90s', '15m', '2h30m' or '3d'"),
        ("travel.road_graph", "cannot read road graph 'roads.graphml': no such file"),
    ]


def test_a_graph_nobody_read_is_refused_by_the_checks():
    """Data validated without the loader (builders, interventions) keeps road_graph but has
    no roads; the checks say so rather than silently falling back to straight lines."""
    data = read_yaml(VALID).data
    data["travel"] = {"road_graph": "roads.graphml"}
    scenario = Scenario.model_validate(data)
    assert cross_check(scenario) == [
        (
            ("travel", "road_graph"),
            "the roads of 'roads.graphml' were never read in: only loading the scenario file "
            "reads a road graph",
        )
    ]


def test_an_intervention_drives_the_roads_the_loader_read(tmp_path):
    from preparedness.scenario.interventions import load_variants

    _write_graph(tmp_path / "roads.graphml")
    text = _scenario_text("roads.graphml") + (
        "interventions:\n"
        "  - id: faster\n"
        "    name: a faster township\n"
        "    changes:\n"
        "      - set: {path: travel.speed_kmh, value: 60}\n"
    )
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    variants = load_variants(tmp_path / FILE, display_name=FILE)
    base, faster = variants.scenario("base"), variants.scenario("faster")
    assert faster.travel.speed_kmh == 60
    assert sorted((r.source, r.target, r.time, r.length_km) for r in faster.travel.roads) == sorted(
        (r.source, r.target, r.time, r.length_km) for r in base.travel.roads
    )
    assert len(base.travel.roads) == len(EDGES)

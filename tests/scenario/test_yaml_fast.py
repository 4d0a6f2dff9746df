"""The one-pass reader of plain files gives the general pipeline's node tree and data, and
hands every other file to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from preparedness.scenario import yaml_source
from preparedness.scenario.yaml_fast import compose_plain
from preparedness.scenario.yaml_source import ScenarioLoader, parse_yaml_text

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
PLAIN = """\
name: 下涧槽社区 flood
start: "2026-07-14T10:00:00+08:00"
area_code: 0574
at: 12:30
flags: [true, False, yes, no, on, ~, null, '']
numbers: {a: 1, b: -2_000, c: 0x1F, d: 0b101, e: 1.5e3, f: .inf, g: -.nan, h: +0}
text: |
  two
  lines
folded: >-
  one
  line
empty:
quoted: "1"
roles:
  - {id: n0, name: n0, level: community}
  - id: n1
    name: 网格员
"""

pytestmark = pytest.mark.skipif(
    getattr(yaml, "CBaseLoader", None) is None, reason="PyYAML built without libyaml"
)


def _general(text: str) -> yaml_source.YamlDocument:
    """The document as the general pipeline reads it, with the one-pass reader switched off."""
    original = yaml_source.compose_plain
    yaml_source.compose_plain = lambda *args: None  # type: ignore[assignment]
    try:
        return parse_yaml_text(text, "x.yaml")
    finally:
        yaml_source.compose_plain = original


def _shape(node: yaml.Node) -> Any:
    """Everything a node tree says: tags, values, styles and both marks of every node."""
    marks = tuple((m.line, m.column, m.index) for m in (node.start_mark, node.end_mark))
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.SequenceNode):
        items = [_shape(item) for item in node.value]
        return ("seq", node.tag, node.flow_style, marks, items)
    pairs = [(_shape(k), _shape(v)) for k, v in node.value]
    return ("map", node.tag, node.flow_style, marks, pairs)


def _plain(text: str) -> tuple[yaml.MappingNode, dict[Any, Any]] | None:
    return compose_plain(text, ScenarioLoader, 64, 200_000)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_read_the_same_either_way(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    general = _general(text)
    plain = _plain(text)
    assert plain is not None, "a shipped scenario without anchors should take the one pass"
    root, data = plain
    assert _shape(root) == _shape(general.root)
    assert repr(data) == repr(general.data)  # repr: NaN is not equal to itself


def test_the_yaml_dialect_is_the_same_either_way() -> None:
    plain = _plain(PLAIN)
    assert plain is not None
    root, data = plain
    general = _general(PLAIN)
    assert _shape(root) == _shape(general.root)
    assert repr(data) == repr(general.data)
    assert data["area_code"] == "0574" and data["at"] == "12:30"
    assert data["flags"] == [True, False, "yes", "no", "on", None, None, ""]


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1}\nother: *b\n",  # anchor and alias
        "a: !!str 1\n",  # explicit tag
        "base: {x: 1}\nother: {<<: {y: 2}}\n",  # merge key
        "a: 1\nb: 2\na: 3\n",  # repeated key
        "a: 1\n1: 2\n0x1: 3\n",  # two keys that construct to the same value
        "[a, b]: 1\n",  # a key that is not text
        "- a\n- b\n",  # top level not a mapping
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # broken
        "",  # empty
        "a: {b: {c: {d: 1}}}\n",  # deeper than the limit below
    ],
)
def test_anything_but_a_plain_file_goes_to_the_general_pipeline(text: str) -> None:
    assert compose_plain(text, ScenarioLoader, 3, 200_000) is None


def test_more_values_than_the_limit_go_to_the_general_pipeline() -> None:
    assert compose_plain("a: [1, 2, 3]\n", ScenarioLoader, 64, 5) is None
    assert compose_plain("a: [1, 2, 3]\n", ScenarioLoader, 64, 6) is not None

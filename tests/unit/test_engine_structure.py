"""The engine's structure: no import circles, one reception table for every message kind."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import preparedness.engine
from preparedness.engine.actions import ERRAND_ACTIONS, MESSAGE_ACTIONS, RECEPTION
from preparedness.engine.reception import Action, Message, MessageKind, Reception

ENGINE = Path(preparedness.engine.__file__).parent


def _imports(tree: ast.Module) -> list[str]:
    """Engine modules a module imports at run time (top level, outside TYPE_CHECKING)."""
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.extend([node.module] if node.module else [a.name for a in node.names])
    return found


def test_engine_modules_import_without_a_circle() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for path in ENGINE.glob("*.py"):
        graph.add_node(path.stem)
        for module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            graph.add_edge(path.stem, module)
    assert list(nx.simple_cycles(graph)) == []
    # The features sit above reception, which knows none of them.
    below = nx.descendants(graph, "reception")
    assert not below & {"incidents", "errands", "warning", "callout", "teams", "supplies"}


def test_no_engine_module_imports_inside_a_function() -> None:
    local: list[str] = []
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                local.extend(
                    f"{path.name}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                )
    assert local == []


def test_every_message_kind_has_an_action() -> None:
    assert set(MESSAGE_ACTIONS) == set(MessageKind)
    assert set(ERRAND_ACTIONS) == {"release", "keeper", "team"}


def test_a_table_missing_a_kind_is_refused() -> None:
    partial: dict[MessageKind, Action] = dict(MESSAGE_ACTIONS)
    del partial[MessageKind.ORDER]
    with pytest.raises(ValueError, match="no action for message kinds: order"):
        Reception(partial, ERRAND_ACTIONS)


def test_an_unknown_kind_is_an_error_not_an_order() -> None:
    with pytest.raises(TypeError, match="is not a MessageKind"):
        RECEPTION.action("order")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no errand action for 'repair'"):
        RECEPTION.errand("repair:bridge")


def test_message_info_names_what_travels() -> None:
    assert Message(MessageKind.REPORT).info == "report"
    assert Message(MessageKind.ORDER, "fire").info == "order:fire"
    assert Message(MessageKind.ERRAND, purpose="release:d1").info == "release:d1"
    assert Message(MessageKind.CALLOUT).info == "callout"
    assert Message(MessageKind.CALLOUT, purpose="member@c1").info == "callout:member@c1"

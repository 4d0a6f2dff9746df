"""No user-facing sentence is built outside the catalogue: the templates hold no bare text,
and the figure and page code passes no English or Chinese words of its own to matplotlib or
to the page."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import preparedness.reports as reports
from preparedness.reports.figures.render import FONTS

ROOT = Path(reports.__file__).parent
#: Modules that put words on a page, a figure, report.md, sizing.md or the console.
WORDED = [
    "html.py",
    "drill.py",
    "console.py",
    "comparison.py",
    "markdown.py",
    "missed_words.py",
    "text.py",
    "sizing_render.py",
    "sizing_purchase.py",
    "sizing_words.py",
    "pages.py",
    "index.py",
]
MODULES = [
    *(ROOT / name for name in WORDED),
    *sorted((ROOT / "figures").glob("*.py")),
    *sorted((ROOT / "exercise").glob("*.py")),
]
TEMPLATES = sorted((ROOT / "templates").glob("*.j2")) + sorted(
    (ROOT / "templates" / "exercise").glob("*.j2")
)

#: Two words of letters, or any CJK character: something a reader would read.
WORDS = re.compile(r"[A-Za-z]{2,}[,.;:!?]?\s+[A-Za-z]{2,}|[\u3400-\u9fff]")
#: matplotlib option values that look like words but are never shown.
MATPLOTLIB_OPTIONS = {"lower right", "upper center", "upper right", "offset points", *FONTS}
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.text.append(data)


def test_templates_hold_no_text_but_template_expressions_and_punctuation() -> None:
    assert TEMPLATES
    for template in TEMPLATES:
        parser = _TextNodes()
        parser.feed(JINJA.sub("", template.read_text("utf-8")))
        loose = "".join(parser.text)
        assert re.fullmatch(r"[\s·:;,.()\-–—→|]*", loose), f"{template.name}: {loose.strip()!r}"


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are not docstrings nor inside ``raise``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_report_and_console_code_has_no_words_of_its_own() -> None:
    for module in MODULES:
        tree = ast.parse(module.read_text("utf-8"))
        for line, text in _strings(tree):
            if text not in MATPLOTLIB_OPTIONS:
                assert not WORDS.search(text), f"{module.name}:{line}: {text!r}"


def test_matplotlib_labels_come_from_the_catalogue() -> None:
    """Every ``label=`` and every title or axis label is a catalogue call (``cat(...)``) or a
    value from results.json, never a literal."""
    for module in sorted((ROOT / "figures").glob("*.py")):
        tree = ast.parse(module.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "label":
                    assert not (
                        isinstance(keyword.value, ast.Constant)
                        and isinstance(keyword.value.value, str)
                    ), f"{module.name}:{node.lineno}"
            name = getattr(node.func, "attr", "")
            if name in ("set_title", "set_xlabel", "set_ylabel", "text", "set_label"):
                texts = [
                    a
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value
                ]
                assert not texts, f"{module.name}:{node.lineno}: {name}"


def test_the_scan_catches_a_loose_sentence() -> None:
    tree = ast.parse('def f():\n    """Doc string here."""\n    return "Where the time went"\n')
    assert [t for _, t in _strings(tree) if WORDS.search(t)] == ["Where the time went"]

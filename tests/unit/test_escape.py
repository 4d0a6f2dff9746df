"""Escaping scenario names for Markdown and CSV: exact outputs for hostile and foreign names."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from preparedness.reports.escape import csv_cell, md_cell, terminal_text

# --- Markdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Zone A", "Zone A"),
        ("下涧槽社区", "下涧槽社区"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("a | b", "a \\| b"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ("# Heading", "\\# Heading"),
        ("~~gone~~", "\\~\\~gone\\~\\~"),
        ("`code`", "\\`code\\`"),
        ("C:\\temp", "C:\\\\temp"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("&lt;", "&amp;lt;"),
        ("line one\nline two", "line one line two"),
        ("crlf\r\nend", "crlf end"),
        ("cr\rtab\tnul\x00", "cr tab nul "),
        ("para\u2029sep\u2028x", "para sep x"),
        ("=cmd|' /c calc'!A0", "=cmd\\|' /c calc'!A0"),
        ("", ""),
    ],
)
def test_md_cell_exact(raw: str, escaped: str) -> None:
    assert md_cell(raw) == escaped


def test_md_cell_leaves_no_raw_angle_bracket_or_row_break() -> None:
    out = md_cell("x<y>z|\n下涧槽社区")
    assert "<" not in out and ">" not in out and "\n" not in out
    assert "下涧槽社区" in out
    assert out.count("|") == out.count("\\|")


def test_md_cell_converts_non_strings() -> None:
    assert md_cell(42) == "42"
    assert md_cell(-3.5) == "-3.5"


# --- CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=cmd|' /c calc'!A0", "'=cmd|' /c calc'!A0"),
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "' =1"),
        ("\r=1", "' =1"),
        ("\x00=1", "' =1"),
        ("-", "'-"),
        ("-inf", "'-inf"),
        ("-3.5\n", "'-3.5 "),
        ("a\x1b[2Jb\x7f\x9bc", "a [2Jb  c"),
        ("two\r\nlines", "two lines"),
        ("abc\u202edcba", "abc\ufffddcba"),
        ("Zone A", "Zone A"),
        ("下涧槽社区", "下涧槽社区"),
        ("a=b", "a=b"),
        ("", ""),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-.5", "-.5"),
        ("-1e-3", "-1e-3"),
        ("+2E10", "+2E10"),
    ],
)
def test_csv_cell_strings_exact(raw: str, safe: str) -> None:
    assert csv_cell(raw) == safe


@pytest.mark.parametrize("neutralise", [md_cell, csv_cell, terminal_text])
@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
def test_bidi_controls_become_visible_in_every_output(neutralise, code: int) -> None:
    """U+202E and its kin would show ``evil\u202etxt.exe`` reordered; every kind shows U+FFFD."""
    assert neutralise(f"a{chr(code)}b") == "a\ufffdb"


@pytest.mark.parametrize("code", [*range(0x00, 0x20), *range(0x7F, 0xA0)])
def test_control_characters_become_spaces_in_every_output(code: int) -> None:
    for neutralise in (md_cell, csv_cell, terminal_text):
        out = neutralise(f"a{chr(code)}b")
        assert out.endswith("a b"), (neutralise.__name__, hex(code), out)


@pytest.mark.parametrize("number", [-3.5, 7, 0, -0.0, float("nan"), True])
def test_csv_cell_leaves_numbers_alone(number: object) -> None:
    assert csv_cell(number) is number


def test_csv_cell_leaves_none_alone() -> None:
    assert csv_cell(None) is None


def test_csv_cell_through_the_csv_module() -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(v) for v in ['=HYPERLINK("http://x")', -3.5, "-2", "下涧槽社区"]])
    assert buffer.getvalue() == '"\'=HYPERLINK(""http://x"")",-3.5,-2,下涧槽社区\n'


# --- properties ---------------------------------------------------------------------------------


@given(st.text())
def test_md_cell_never_emits_a_tag_a_row_break_or_a_bare_pipe(raw: str) -> None:
    out = md_cell(raw)
    assert "<" not in out and ">" not in out
    assert not any(ch in out for ch in "\n\r\u2028\u2029")
    # Every "|" is preceded by an odd run of backslashes, i.e. it is escaped.
    for i, ch in enumerate(out):
        if ch == "|":
            run = len(out[:i]) - len(out[:i].rstrip("\\"))
            assert run % 2 == 1


@given(st.text())
def test_csv_cell_output_never_starts_a_formula(raw: str) -> None:
    out = csv_cell(raw)
    assert isinstance(out, str)
    if out.startswith(("=", "+", "-", "@", "\t", "\r", "\0")):
        float(out)  # only a plain number may keep its sign


# --- HTML and SVG -------------------------------------------------------------------------------


def test_html_templates_print_names_neutralised_and_escaped() -> None:
    from markupsafe import Markup

    from preparedness.reports.escape import html_text
    from preparedness.reports.html import _ENV

    template = _ENV.from_string("<p>{{ name }}</p>{{ n }}{{ svg }}")
    page = template.render(name="a\u202eb <script>\x1b[2J", n=3, svg=Markup("<b>\u202e</b>"))
    assert page == "<p>\u2068a\u202eb &lt;script&gt; [2J\u2069</p>3<b>\u202e</b>"
    assert html_text(None) is None and html_text(7) == 7


def test_svg_documents_keep_their_whitespace_and_lose_controls() -> None:
    from preparedness.reports.escape import svg_document
    from preparedness.reports.html import safe_svg

    svg = '<svg>\n\t<text x="1">abc\u202edcba\x0b\x1b</text>\r\n</svg>'
    assert svg_document(svg) == '<svg>\n\t<text x="1">abc\u202edcba  </text>\r\n</svg>'
    assert "\x1b" not in safe_svg(svg) and "\x0b" not in safe_svg(svg)

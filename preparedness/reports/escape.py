"""Escape names from scenarios for Markdown reports and CSV exports.

Team, zone and depot names come from scenario files that anyone can write, so they may hold
any Unicode, ``<script>``, Markdown syntax or spreadsheet formulas such as
``=cmd|' /c calc'!A0``. A report must show such a name literally, never run or render it.
Jinja2 does not autoescape ``.md`` templates (``select_autoescape`` goes by file
extension), so Markdown output
goes through :func:`md_cell`; CSV output goes through :func:`csv_cell`; text printed on the
terminal goes through :func:`terminal_text`; every value a HTML template prints goes through
:func:`html_text` (Jinja2's ``finalize``, before its autoescaping) and every figure's SVG
through :func:`svg_document`. One function per output kind, used everywhere.

Every kind also neutralises what would make a name look different from what it is: control
characters (C0, DEL, C1, which move the cursor or retitle a terminal) become spaces, and the
bidirectional embedding, override and isolate controls U+202A–U+202E and U+2066–U+2069 (the
"Trojan Source" characters, CVE-2021-42574, which reorder the text after them) become the
visible U+FFFD in text outputs, so a reader sees that something was there; HTML and SVG,
which can isolate them instead (UAX #9), show the name as written inside an isolate. The
terminal console itself is built with markup, emoji codes and highlighting off
(``cli.console.terminal_console``): a name such as ``Flood :warning:`` or a path ending in
``:100:`` prints as written.
"""

from __future__ import annotations

import re

__all__ = [
    "BIDI_CONTROLS",
    "REPLACEMENT",
    "csv_cell",
    "html_text",
    "md_cell",
    "svg_document",
    "terminal_text",
]

#: Bidirectional embedding, override and isolate controls (Unicode UAX #9): LRE RLE PDF LRO
#: RLO, then LRI RLI FSI PDI.
BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
#: What a bidirectional control becomes: U+FFFD REPLACEMENT CHARACTER, visible on purpose.
REPLACEMENT = "\ufffd"
#: Control characters (Unicode category Cc: C0, DEL, C1) and the line and paragraph
#: separators U+2028/U+2029, which would end a line or a table row.
_BREAKS_AND_CONTROLS = (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)


def _neutral_table() -> dict[int, str]:
    table = {code: " " for code in _BREAKS_AND_CONTROLS}
    table |= {code: REPLACEMENT for code in BIDI_CONTROLS}
    return table


def _md_table() -> dict[int, str]:
    table = {ord(c): "\\" + c for c in "\\`*_[]|#~"}
    # Entities, not backslashes, for the HTML-significant characters: a Markdown viewer that
    # passes raw HTML through must see no "<" at all, and "&" must not start an entity.
    table |= {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
    return table | _neutral_table()


_MD_TABLE = _md_table()


_TERMINAL_TABLE = _neutral_table()


def terminal_text(text: object) -> str:
    """Make ``text`` safe to print on a terminal: control characters become spaces.

    A YAML double-quoted name may hold ``\\e[2J`` or ``\\e]0;...\\a``: escape sequences that
    clear the screen, retitle the window or worse. ``rich.text.Text`` passes ESC through, so
    names are cleaned before they reach the console. Line breaks become spaces too, keeping
    a table row on one line; bidirectional controls become U+FFFD.
    """
    return str(text).replace("\r\n", "\n").translate(_TERMINAL_TABLE)


def html_text(value: object) -> object:
    """Neutralise control and bidirectional characters in a value a HTML template prints.

    Used as Jinja2's ``finalize``: it runs on every ``{{ }}`` value before autoescaping,
    which then turns ``< > & " '`` into entities. Control characters become spaces. A value
    holding bidirectional controls is wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL
    ISOLATE, as ``i18n.isolate`` wraps names in sentences: the isolate ends any override
    inside it (UAX #9), so the page shows the name as written and nothing around it turned.
    Values already marked safe (``Markup``, e.g. a checked figure) and non-strings (numbers,
    None) are returned unchanged.
    """
    from markupsafe import Markup

    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    text = value.replace("\r\n", "\n").translate(_HTML_TABLE)
    if any(ord(ch) in _BIDI_SET for ch in text) and not _isolated(text):
        return f"{_FSI}{text}{_PDI}"
    return text


_FSI, _PDI = "\u2068", "\u2069"
_BIDI_SET = frozenset(BIDI_CONTROLS)
_HTML_TABLE = {code: " " for code in _BREAKS_AND_CONTROLS}


def _isolated(text: str) -> bool:
    return text.startswith(_FSI) and text.endswith(_PDI)


#: In a whole SVG document only the characters no markup needs: tab, line feed and carriage
#: return stay (XML whitespace); other controls would make the XML invalid.
_SVG_TABLE = {code: " " for code in _BREAKS_AND_CONTROLS if chr(code) not in "\t\n\r"}


def svg_document(svg: str) -> str:
    """Neutralise control characters anywhere in a figure's SVG.

    Names reach a figure's labels through matplotlib, which escapes ``< & >`` but writes
    control characters (invalid in XML 1.0) as they are; no SVG markup uses them, so the
    whole document is cleaned at once. Bidirectional controls in labels are isolated where
    the figures write them (``i18n.isolate``), as in HTML.
    """
    return svg.translate(_SVG_TABLE)


def md_cell(text: object) -> str:
    """Make ``text`` safe as inline Markdown and inside a table cell, showing it literally.

    Backslash-escapes ``\\ ` * _ [ ] | # ~``, turns ``& < >`` into ``&amp; &lt; &gt;``, and
    replaces line breaks and other control characters with a space (``\\r\\n`` counts as one
    break), so a name stays on its row, and bidirectional controls with U+FFFD. Everything
    else, CJK included, is kept as is. Non-strings are converted with ``str`` first.
    """
    return str(text).replace("\r\n", "\n").translate(_MD_TABLE)


# Characters that make Excel, LibreOffice Calc or Google Sheets read a cell as a formula:
# the OWASP "CSV Injection" list (= + - @ tab CR), plus NUL as in OWASP ASVS 5.0 §1.2.10.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
# A plain decimal number, ASCII digits only; fullmatch so a trailing newline is not allowed.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


_CSV_TABLE = _neutral_table()


def csv_cell(value: object) -> object:
    """Neutralise a spreadsheet formula in a CSV cell by prefixing ``'``; leave numbers alone.

    Strings starting with ``= + - @``, tab, CR or NUL get a leading single quote, which
    spreadsheets treat as "this is text" (OWASP CSV Injection guidance). Numbers of any type,
    and strings that are plain decimal numbers such as ``"-3.5"`` or ``"+2e3"``, are returned
    unchanged so numeric columns stay numeric; a plain number cannot carry a formula.
    Control characters and line breaks become spaces (``\\r\\n`` counts as one) and
    bidirectional controls U+FFFD, as in every other output, so a row stays one line and a
    cell reads as written. Quoting of commas and quotes is left to :mod:`csv`.
    """
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").translate(_CSV_TABLE)
    if value.startswith(_FORMULA_START):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + text
    return text

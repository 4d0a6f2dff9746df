"""Read a scenario file into data plus its YAML node tree, refusing anything unsafe or ambiguous.

This is the only place that parses YAML. The pipeline follows engineering notes 5.3: read
bytes with a size limit → decode UTF-8 (a BOM is fine) → one non-recursive event pass that
checks nesting depth, alias expansion and the single-document rule → compose → duplicate-key
check → construct the data from the *same* node tree, so `diagnostics.locate` can later map
a pydantic error back to a line and column. Every failure is a `ScenarioError` with a
position; no other exception escapes. A plain file (no tags, anchors, merge keys or
repeated keys) takes a shortcut to the same node tree and data: one libyaml pass
(``yaml_fast``); anything else, and every broken file, goes through the steps above.

The dialect is YAML 1.1 with its surprises removed (notes 1.2.6): only `true`/`false` are
booleans, and dates, `12:30`, `yes`/`no`/`on`/`off` and leading-zero numbers such as the
area code `0574` stay text for the models to parse.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import types
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from .diagnostics import Diagnostic, ScenarioError, format_field_path, yaml_error_message
from .gc_pause import paused_gc
from .wording import words
from .yaml_fast import compose_plain

__all__ = ["ScenarioLoader", "YamlDocument", "parse_yaml_text", "read_yaml"]

MAX_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000  # expanded through aliases; the 9-level "billion laughs" is 387 million

_YAML_TAG = "tag:yaml.org,2002:"
_MERGE_TAG = _YAML_TAG + "merge"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts as a new line
_TOP_LEVEL = "the top level must be a mapping of keys (name:, places:, ...), not "
_EMPTY = words("file_empty", "the file is empty")
_BINARY = words("binary", "this is not a text file (it contains binary data)")
_UTF16 = words("utf16", "the file is saved as UTF-16 text; save it as UTF-8")
#: A top-level value that is not a mapping, in words: (catalogue key, English).
_TOP_LEVEL_WORDS = {
    "str": ("value_text", "text"),
    "int": ("value_number", "a number"),
    "float": ("value_number", "a number"),
    "bool": ("value_true_false", "true or false"),
    "null": ("value_empty", "an empty value"),
    "seq": ("value_list", "a list"),
}
# What PyYAML's constructors raise, besides YAMLError, on explicitly tagged nonsense.
_CONSTRUCTION_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError)
# libyaml's parser where PyYAML was built with it; its events carry the same line and column.
_CParser: Any = getattr(yaml, "CBaseLoader", None)


class ScenarioLoader(yaml.SafeLoader):
    """SafeLoader speaking YAML 1.1 without its silent type changes.

    The resolver table is a fresh dict, so `yaml.SafeLoader` itself is left untouched.
    """

    yaml_implicit_resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Report an explicitly tagged bad value (`!!int abc`) as a located YAML error."""
        try:
            return super().construct_object(node, deep)
        except _CONSTRUCTION_ERRORS as exc:
            what = _quoted(node.value) if isinstance(node, yaml.ScalarNode) else "this block"
            message = f"{what} is not a valid {node.tag}"  # tag shortened when reworded
            raise ConstructorError(None, None, message, node.start_mark) from exc


_BOOL = r"^(?:true|True|TRUE|false|False|FALSE)$"
# Decimal, hex and binary; no YAML 1.1 octal (0574 is an area code) and no 12:30 (= 750).
_INT = r"^[-+]?(?:0|[1-9][0-9_]*|0x[0-9a-fA-F][0-9a-fA-F_]*|0b[01][01_]*)$"
_FLOAT = (
    r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
for _tag, _pattern, _first in [
    ("bool", _BOOL, "tTfF"),
    ("int", _INT, "-+0123456789"),
    ("float", _FLOAT, "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
]:  # no timestamp resolver, and no `=` (value) resolver, which SafeLoader cannot construct
    ScenarioLoader.add_implicit_resolver(_YAML_TAG + _tag, re.compile(_pattern), list(_first))


class _ReplayLoader(ScenarioLoader):
    """Composes from the events the checking pass already parsed, so the text is read once."""

    def __init__(self, events: list[yaml.Event]) -> None:
        super().__init__("")
        self._events = events[::-1]

    def check_event(self, *choices: type | types.UnionType | tuple[Any, ...]) -> bool:
        if not self._events:
            return False
        return not choices or isinstance(self._events[-1], choices)

    def peek_event(self) -> yaml.Event:
        return self._events[-1]

    def get_event(self) -> yaml.Event:
        return self._events.pop()


@dataclass(frozen=True)
class YamlDocument:
    """A parsed scenario file: its data, the node tree it came from, and its fingerprint."""

    file: str  # name used in diagnostics
    data: object  # constructed from `root`; a dict once loading succeeds
    root: yaml.Node  # node tree after construction (merge keys flattened; last key wins)
    text: str  # decoded text without a BOM
    sha256: str  # of the raw file bytes, for run manifests


def read_yaml(
    path: str | os.PathLike[str],
    *,
    display_name: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> YamlDocument:
    """Read and parse one scenario file; `display_name` is the name diagnostics show."""
    file = display_name if display_name is not None else os.fspath(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:  # report the real size, not what was read
                _check_size(max(len(raw), os.fstat(handle.fileno()).st_size), max_bytes, file)
    except OSError as exc:
        reason = _os_reason(exc)
        raise _error(
            file, 1, 1, words("cannot_read", f"cannot read the file: {reason}", reason=reason)
        ) from exc
    except ValueError as exc:  # e.g. a NUL character inside the path
        raise _error(file, 1, 1, "cannot read the file: the file name is not valid") from exc
    return parse_yaml_text(raw, file, max_bytes=max_bytes, max_depth=max_depth, max_nodes=max_nodes)


def parse_yaml_text(
    text_or_bytes: str | bytes,
    file: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> YamlDocument:
    """Parse scenario text (or raw file bytes) that claims to come from `file`."""
    if isinstance(text_or_bytes, str):
        raw = text_or_bytes.encode("utf-8", "surrogatepass")
        _check_size(len(raw), max_bytes, file)
        text = text_or_bytes.removeprefix("\ufeff")
        if "\x00" in text:
            raise _error(file, 1, 1, _BINARY)
    else:
        raw = bytes(text_or_bytes)
        _check_size(len(raw), max_bytes, file)
        text = _decode(raw, file)
    try:
        with paused_gc():
            return _parse(text, raw, file, max_depth, max_nodes)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _error(file, line, column, yaml_error_message(exc, text)) from exc
    except yaml.reader.ReaderError as exc:  # raised for control characters, before any mark
        line, column = _position(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        code = f"U+{char:04X}"
        message = words(
            "control_character",
            f"the file contains a control character ({code}) here; delete it",
            code=code,
        )
        raise _error(file, line, column, message) from exc
    except yaml.YAMLError as exc:
        raise _error(file, 1, 1, _unreadable(exc)) from exc
    except RecursionError as exc:
        raise _error(file, 1, 1, _too_deep(max_depth)) from exc


# --------------------------------------------------------------------------------------------
# Pipeline steps


def _parse(text: str, raw: bytes, file: str, max_depth: int, max_nodes: int) -> YamlDocument:
    # A plain file (no tags, anchors or repeated keys; most are) in one libyaml pass; the
    # rest, and every broken file, through the checked pipeline below and its messages.
    plain = compose_plain(text, ScenarioLoader, max_depth, max_nodes) if "\t" not in text else None
    if plain is not None:
        return YamlDocument(file, plain[1], plain[0], text, hashlib.sha256(raw).hexdigest())
    events = _checked_events(text, file, max_depth, max_nodes)
    loader = _ReplayLoader(events)
    try:
        root = loader.get_single_node()
        if root is None:  # no document; ``_checked_events`` has already refused that
            raise _error(file, 1, 1, _EMPTY)
        _check_top_level(root, file)
        duplicates = _duplicate_keys(root, file)
        if duplicates:
            raise ScenarioError(duplicates)
        try:
            data = loader.construct_document(root)
        except _CONSTRUCTION_ERRORS as exc:  # from a block's constructor, after its first step
            raise _error(file, 1, 1, _unreadable(exc)) from exc
    finally:
        loader.dispose()
    return YamlDocument(file, data, root, text, hashlib.sha256(raw).hexdigest())


def _checked_events(text: str, file: str, max_depth: int, max_nodes: int) -> list[yaml.Event]:
    """Parse to events, refusing deep nesting, alias bombs, loops and extra documents.

    Iterative, so 10,000 `[` cannot exhaust the stack (notes 5.3). Sizes and heights of
    anchored blocks are remembered, so each alias costs what it would expand to without
    being expanded: the billion-laughs bomb is refused after a few hundred events.
    """
    if _CParser is not None and "\t" not in text:  # libyaml accepts tabs PyYAML refuses
        try:  # libyaml: the same events with the same marks (line, column), many times faster
            return _walk_events(_CParser(text), file, max_depth, max_nodes)
        except yaml.YAMLError:
            pass  # re-read below so a broken file gets the pure-Python parser's exact wording
    return _walk_events(ScenarioLoader(text), file, max_depth, max_nodes)


def _walk_events(loader: Any, file: str, max_depth: int, max_nodes: int) -> list[yaml.Event]:
    """The checks of ``_checked_events`` over one parser's events."""
    try:
        events: list[yaml.Event] = []
        open_blocks: list[list[Any]] = []  # [anchor, expanded size, tallest child]
        anchored: dict[str | None, tuple[int, int]] = {}  # anchor -> (expanded size, height)
        total = documents = 0
        aliased = False
        while loader.check_event():
            event = loader.get_event()
            events.append(event)
            mark = event.start_mark
            size = height = 0
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _error_at(file, mark, "only one YAML document per file is allowed")
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(open_blocks) >= max_depth:
                    raise _error_at(file, mark, _too_deep(max_depth))
                open_blocks.append([event.anchor, 1, 0])
                total += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size, tallest = open_blocks.pop()
                height = tallest + 1
                if anchor is not None:
                    anchored[anchor] = (size, height)
            elif isinstance(event, yaml.ScalarEvent):
                size = 1
                total += 1
                if event.anchor is not None:
                    anchored[event.anchor] = (1, 0)
            elif isinstance(event, yaml.AliasEvent):
                aliased = True
                if any(block[0] == event.anchor for block in open_blocks):
                    loop = words(
                        "alias_loop",
                        f"alias *{event.anchor} is inside its own anchor; loops are not allowed",
                        name=str(event.anchor),
                    )
                    raise _error_at(file, mark, loop)
                size, height = anchored.get(event.anchor, (1, 0))  # unknown: composer reports
                if len(open_blocks) + height > max_depth:
                    raise _error_at(file, mark, _too_deep(max_depth))
                total += size
            if size and open_blocks:
                open_blocks[-1][1] += size
                open_blocks[-1][2] = max(open_blocks[-1][2], height)
            if total > max_nodes:
                limit = f"{max_nodes:,}"
                if aliased:
                    message = words(
                        "alias_bomb",
                        f"aliases expand to more than {limit} values; simplify the file",
                        count=limit,
                    )
                else:
                    message = words(
                        "too_many_values", f"the file holds more than {limit} values", count=limit
                    )
                raise _error_at(file, mark, message)
        if documents == 0:
            raise _error(file, 1, 1, _EMPTY)
        return events
    finally:
        loader.dispose()


def _check_top_level(root: yaml.Node, file: str) -> None:
    if isinstance(root, yaml.MappingNode) and root.tag == _YAML_TAG + "map":
        return
    known = _TOP_LEVEL_WORDS.get(root.tag.removeprefix(_YAML_TAG))
    what = words(*known) if known else root.tag.replace(_YAML_TAG, "!!")
    if root.tag == _YAML_TAG + "null" and root.value == "":
        raise _error(file, 1, 1, _EMPTY)
    raise _error_at(file, root.start_mark, words("top_level", _TOP_LEVEL + what, value=what))


def _duplicate_keys(root: yaml.Node, file: str) -> list[Diagnostic]:
    """Every repeated key in every mapping, reported at the repeat (notes 1.2.4).

    Runs before construction: afterwards merge keys have been flattened into the mapping
    and legitimately repeat. Aliased blocks are visited once.
    """
    found: list[Diagnostic] = []
    visited: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], yaml.Node] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    stack.extend([(key, path), (value, path)])
                    continue
                stack.append((value, (*path, key.value)))
                if key.tag == _MERGE_TAG:
                    continue
                earlier = first.setdefault((key.tag, key.value), key)
                if earlier is not key:
                    name, line = _quoted(key.value), str(earlier.start_mark.line + 1)
                    message = words(
                        "duplicate_key",
                        f"duplicate key {name} (first given on line {line})",
                        name=name,
                        line=line,
                    )
                    field = format_field_path((*path, key.value))
                    mark = key.start_mark
                    found.append(Diagnostic(file, mark.line + 1, mark.column + 1, field, message))
    return found


# --------------------------------------------------------------------------------------------
# Bytes, sizes and messages


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 with an optional BOM (utf-8-sig), located to the first bad byte on failure."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _error(file, 1, 1, _UTF16)
    if b"\x00" in raw:
        raise _error(file, 1, 1, _BINARY)
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode("utf-8")
        line, column = _position(before, len(before))
        byte = f"0x{body[exc.start]:02x}"
        message = words(
            "not_utf8", f"not valid UTF-8 text (byte {byte}); save the file as UTF-8", byte=byte
        )
        raise _error(file, line, column, message) from exc


def _check_size(size: int, max_bytes: int, file: str) -> None:
    if size <= max_bytes:
        return
    shown, limit = _size_words(size), _size_words(max_bytes)
    if shown == limit:
        shown, limit = f"{size:,} bytes", f"{max_bytes:,} bytes"
    raise _error(
        file,
        1,
        1,
        words("file_too_big", f"file is {shown}; the limit is {limit}", size=shown, limit=limit),
    )


def _size_words(n: int) -> str:
    """5_000_000 → `5 MB`, 52_400_000 → `52.4 MB` (decimal units, as file managers show)."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return words("reason_no_file", "no such file")
    if isinstance(exc, IsADirectoryError):
        return words("reason_folder", "it is a folder, not a file")
    if isinstance(exc, PermissionError):
        return words("reason_permission", "permission denied")
    if isinstance(exc, NotADirectoryError):
        return words("reason_not_folder", "no such file (part of the path is a file, not a folder)")
    reason = exc.strerror or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _quoted(value: object) -> str:
    text = str(value)
    return f"'{text[:40]}...'" if len(text) > 40 else f"'{text}'"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of `text[index]`, counting line breaks as PyYAML does."""
    before = text[:index]
    breaks = _LINE_BREAK.findall(before)
    last = max(before.rfind(ch) for ch in "\r\n\x85\u2028\u2029")
    return len(breaks) + 1, index - last


def _too_deep(max_depth: int) -> str:
    depth = str(max_depth)
    return words("too_deep", f"nested more than {depth} levels deep", count=depth)


def _unreadable(exc: Exception) -> str:
    reason = str(exc)
    return words("yaml_unreadable", f"could not read YAML: {reason}", reason=reason)


def _error(file: str, line: int, column: int, message: str) -> ScenarioError:
    return ScenarioError([Diagnostic(file, line, column, "", message)])


def _error_at(file: str, mark: Any, message: str) -> ScenarioError:
    return _error(file, mark.line + 1, mark.column + 1, message)

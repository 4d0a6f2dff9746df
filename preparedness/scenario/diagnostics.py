"""Turn scenario problems into located, planner-readable diagnostics.

A pydantic error names a field by its ``loc`` (``('teams', 2, 'size')``); the YAML node tree
knows where that field was written. This module walks one onto the other and rewrites
pydantic's and PyYAML's messages into plain words a planner can act on, so every problem
is reported together as `file:line:col: field: message`.

The walker is generic: it works for any pydantic model validated from data constructed out
of the same node tree.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import pydantic
import yaml

from .wording import Words, words

__all__ = [
    "Diagnostic",
    "Problem",
    "ScenarioError",
    "close_match",
    "did_you_mean",
    "diagnostics_from_validation_error",
    "format_field_path",
    "locate",
    "yaml_error_message",
]

#: A problem found after field validation: the ``loc`` path into the document (as pydantic
#: gives it) and the message; the loader turns it into a located ``Diagnostic``.
Problem = tuple[tuple, str]

#: Longest input value quoted back in a message; longer ones are cut and end in "...".
MAX_SHOWN_CHARS = 40

_KEY_SEGMENT = "[key]"  # pydantic's marker for an error in a mapping key, not its value
_PLAIN_KEY = re.compile(r"[\w-]+")  # keys printed as `.name`; others as `['two words']`
_YAML_TAG = "tag:yaml.org,2002:"  # shown as `!!`, the way it is written


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in a scenario file (1-based line and column)."""

    file: str
    line: int
    column: int
    field: str  # planner path such as `teams[2].size`; "" for file-level problems
    message: str
    #: "error" (the scenario is refused) or "warning" (valid, but almost surely not meant;
    #: ``scenario/lints.py``), printed as `file:line:col: warning: ...`
    severity: str = "error"
    #: The message's catalogue key (``diag.<key>``) and parameters, so the command line can
    #: say it in the report's language; "" when it exists in English only. Taken from the
    #: message when that is ``Words`` (``scenario/wording.py``).
    key: str = dataclass_field(default="", compare=False)
    params: Mapping[str, str] = dataclass_field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.key and isinstance(self.message, Words) and self.message.key:
            object.__setattr__(self, "key", self.message.key)
            object.__setattr__(self, "params", self.message.params)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        if self.severity != "error":
            where = f"{where}: {self.severity}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario could not be loaded; carries every diagnostic found, sorted by position."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: list[Diagnostic] = sorted(diagnostics, key=lambda d: (d.line, d.column))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.diagnostics)

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[Diagnostic]]]:
        """Pickle by diagnostics, so the error survives a trip back from a worker process."""
        return type(self), (self.diagnostics,)


def close_match(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name`` (difflib's ratio of at least 0.6), or None.

    Order does not matter: among equally close names the same one always wins.
    """
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return close[0] if close else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the known name closest to a mistyped one, else ``""``:
    the tail every "no ... has id" message ends with."""
    close = close_match(name, known)
    if close is None:
        return Words("")
    return words("did_you_mean", f"; did you mean '{close}'?", name=_quote_plain(close))


def _quote_plain(text: str) -> str:
    return f"'{text}'"


# --------------------------------------------------------------------------------------------
# Walking a pydantic loc down the YAML node tree


def _find_key(node: yaml.MappingNode, part: object) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) pair named `part`; the LAST one wins, as in the constructed dict.

    After construction a mapping with merge keys (`<<: *base`) holds the merged pairs first
    and its own pairs after them, so a key can appear twice (the YAML 1.1 merge key type,
    yaml.org/type/merge.html).
    """
    wanted = str(part)
    for key, value in reversed(node.value):
        if isinstance(key, yaml.ScalarNode) and key.value == wanted:
            return key, value
    return None


def _walk(
    root: yaml.Node, loc: Sequence[Any], want_key: bool = False
) -> tuple[yaml.Node, bool, list[Any]]:
    """Follow `loc` from `root`: (node reached, whether the last segment matched, path kept).

    A segment that names nothing in the document (a discriminated-union tag, a model or type
    name from a plain union) is skipped when more segments follow; when the last segment is
    missing the walk stops at its parent mapping. `[key]` selects the preceding key's node
    instead of its value, as does `want_key` for the last segment.
    """
    parts = list(loc)
    node: yaml.Node = root
    kept: list[Any] = []
    for i, part in enumerate(parts):
        if part == _KEY_SEGMENT:
            continue
        is_last = all(p == _KEY_SEGMENT for p in parts[i + 1 :])
        key_wanted = (i + 1 < len(parts) and parts[i + 1] == _KEY_SEGMENT) or (is_last and want_key)
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            hit = _find_key(node, part)
            if hit is not None:
                nxt = hit[0] if key_wanted else hit[1]
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            nxt = node.value[part]
        if nxt is None:
            if is_last:
                return node, False, kept
            continue  # union tag or model name: not a key in the document
        node = nxt
        kept.append(part)
    return node, True, kept


def locate(
    root_node: yaml.Node | None, loc: Sequence[Any], want_key: bool = False
) -> tuple[int, int, bool]:
    """1-based (line, column, exact) of the node `loc` names; not exact means its parent.

    A node reached through a YAML alias reports its anchor's position: aliases share nodes.
    """
    if root_node is None:
        return 1, 1, False
    node, exact, _ = _walk(root_node, loc, want_key)
    mark = node.start_mark
    return mark.line + 1, mark.column + 1, exact


def _join_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{_quote(str(part))}]"
    return out


def format_field_path(loc: Sequence[Any], root_node: yaml.Node | None = None) -> str:
    """`('teams', 2, 'size')` → `teams[2].size`, dropping `[key]` markers.

    Given the node tree, segments the document does not have are dropped: union tags and
    model names along the way, and a last segment that is the block's own union tag. A last
    key the block lacks (a defaulted field named by a cross-check) is kept.
    """
    parts = [p for p in loc if p != _KEY_SEGMENT]
    if root_node is None:
        return _join_path(parts)
    node, exact, kept = _walk(root_node, loc)
    if not exact and parts and isinstance(parts[-1], str) and isinstance(node, yaml.MappingNode):
        is_tag = any(isinstance(v, yaml.ScalarNode) and v.value == parts[-1] for _, v in node.value)
        if not is_tag:
            kept.append(parts[-1])
    return _join_path(kept)


# --------------------------------------------------------------------------------------------
# Rewriting pydantic messages


def _quote(text: str) -> str:
    if len(text) > MAX_SHOWN_CHARS:
        text = text[:MAX_SHOWN_CHARS] + "..."
    return f"'{text}'"


def _number(value: Any) -> str:
    """`1.0` → `1`, `0.5` → `0.5`: bounds read as the planner would write them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any) -> str:
    """An input value as a planner would recognise it from the YAML they wrote."""
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return words("value_empty", "an empty value")
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list | tuple):
        return words("value_list", "a list")
    if isinstance(value, dict):
        return words("value_mapping", "a mapping")
    return _quote(repr(value))


_EXPECTED_ITEM = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,]+""")


def _choices(expected: str) -> str:
    """pydantic's `'a', 'b' or 'c'` → `'a', 'b', 'c'` (quoted items may contain ' or ')."""
    items = [m for m in _EXPECTED_ITEM.findall(expected) if m != "or"]
    return ", ".join(items)


#: pydantic error type -> (catalogue key, English words); a wrong type names the value given.
_TYPE_WORDS = {
    "int_parsing": ("whole_number", "must be a whole number"),
    "int_type": ("whole_number", "must be a whole number"),
    "int_from_float": ("whole_number", "must be a whole number"),
    "float_parsing": ("number", "must be a number"),
    "float_type": ("number", "must be a number"),
    "bool_parsing": ("true_or_false", "must be true or false"),
    "bool_type": ("true_or_false", "must be true or false"),
    "date_parsing": ("date", "must be a date like 2024-05-01"),
    "date_type": ("date", "must be a date like 2024-05-01"),
    "datetime_parsing": ("date_time", "must be a date and time like 2026-07-14T02:10:00+08:00"),
    "datetime_type": ("date_time", "must be a date and time like 2026-07-14T02:10:00+08:00"),
    "datetime_from_date_parsing": (
        "date_time",
        "must be a date and time like 2026-07-14T02:10:00+08:00",
    ),
}
_SHAPE_WORDS = {
    "string_type": ("text", "must be text"),
    "list_type": ("list", "must be a list"),
    "tuple_type": ("list", "must be a list"),
    "set_type": ("list", "must be a list"),
    "dict_type": ("mapping", "must be a mapping of keys to values"),
    "model_type": ("mapping", "must be a mapping of keys to values"),
    "model_attributes_type": ("mapping", "must be a mapping of keys to values"),
    "dataclass_type": ("mapping", "must be a mapping of keys to values"),
    "finite_number": ("finite_number", "must be a finite number"),
    "timezone_aware": ("time_zone", "must include a time zone, like +08:00"),
}
_BOUND_WORDS = {
    "greater_than_equal": ("ge", "at_least", "must be at least"),
    "greater_than": ("gt", "more_than", "must be more than"),
    "less_than_equal": ("le", "at_most", "must be at most"),
    "less_than": ("lt", "less_than", "must be less than"),
    "multiple_of": ("multiple_of", "multiple_of", "must be a multiple of"),
}
#: pydantic error type -> (context key, catalogue key, English words before the count).
_LENGTH_WORDS = {
    "too_short": ("min_length", "items_at_least", "must have at least", "item", ""),
    "too_long": ("max_length", "items_at_most", "must have at most", "item", ""),
    "string_too_short": ("min_length", "chars_at_least", "must be at least", "character", " long"),
    "string_too_long": ("max_length", "chars_at_most", "must be at most", "character", " long"),
}
_STRIPPED_PREFIXES = ("Value error, ", "Assertion failed, ")


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _discriminator(ctx: dict[str, Any]) -> str:
    """The tag key of a discriminated union; pydantic quotes it (`"'type'"`)."""
    return str(ctx.get("discriminator", "")).strip("'")


def _message(error: Any) -> str:
    """Plain words for one pydantic error (a dict from `ValidationError.errors()`)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    loc = error["loc"]
    if kind == "extra_forbidden":
        name = _quote(str(loc[-1]))
        return words("unknown_key", f"unknown key {name}; check the spelling", name=name)
    if kind == "missing":
        if loc and isinstance(loc[-1], int):
            index = str(loc[-1])
            return words(
                "missing_item", f"required item [{index}] is missing in this list", index=index
            )
        return _missing_key(str(loc[-1]) if loc else "")
    if kind == "union_tag_not_found":
        return _missing_key(_discriminator(ctx))
    if kind == "union_tag_invalid":
        return _one_of(_choices(ctx["expected_tags"]), _shown(ctx["tag"]))
    if kind in _BOUND_WORDS:
        ctx_key, key, english = _BOUND_WORDS[kind]
        bound = _number(ctx[ctx_key])
        return words(key, f"{english} {bound}", bound=bound)
    if kind in _TYPE_WORDS:
        key, english = _TYPE_WORDS[kind]
        shown = _shown(value)
        return words(key, f"{english}, not {shown}", value=shown)
    if kind in _SHAPE_WORDS:
        key, english = _SHAPE_WORDS[kind]
        return words(key, english)
    if kind in ("literal_error", "enum"):
        return _one_of(_choices(ctx["expected"]), _shown(value))
    if kind in _LENGTH_WORDS:
        ctx_key, key, english, unit, tail = _LENGTH_WORDS[kind]
        n = ctx[ctx_key]
        return words(
            key if n != 1 else f"{key}_one", f"{english} {_plural(n, unit)}{tail}", count=str(n)
        )
    own = ctx.get("error")
    if isinstance(own, ValueError) and isinstance(own.args[0] if own.args else None, Words):
        return own.args[0]  # a model's own problem, worded where it was found
    msg = str(error["msg"])
    for prefix in _STRIPPED_PREFIXES:
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg[:1].lower() + msg[1:]


def _missing_key(name: str) -> Words:
    quoted = _quote(name)
    return words("missing_key", f"required key {quoted} is missing in this block", name=quoted)


def _one_of(choices: str, shown: str) -> Words:
    return words("one_of", f"must be one of {choices}, not {shown}", choices=choices, value=shown)


def _loc_for(error: Any) -> tuple[Any, ...]:
    """Where the error should point: a bad union tag at the tag's own value."""
    loc = tuple(error["loc"])
    if error["type"] == "union_tag_invalid":
        return (*loc, _discriminator(error["ctx"]))
    return loc


def diagnostics_from_validation_error(
    err: pydantic.ValidationError, file: str, root_node: yaml.Node | None
) -> list[Diagnostic]:
    """One located Diagnostic per pydantic error, identical ones merged, in error order.

    An unknown key points at the key itself; a missing key at the block that lacks it (its
    field is that block's path); everything else at the offending value.
    """
    out: list[Diagnostic] = []
    seen: set[tuple[int, int, str, str]] = set()
    for error in err.errors(include_url=False):
        loc = _loc_for(error)
        want_key = error["type"] == "extra_forbidden"
        if root_node is None:
            line, column = 1, 1
            path = format_field_path(loc[:-1] if error["type"] == "missing" else loc)
        else:
            node, _, kept = _walk(root_node, loc, want_key)
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            path = _join_path(kept)
        message = _one_line(_message(error))
        ident = (line, column, path, message)
        if ident not in seen:
            seen.add(ident)
            out.append(Diagnostic(file, line, column, path, message))
    return out


def _one_line(message: str) -> str:
    """One problem, one line: runs of white space (a newline in a quoted value) become one
    space, in the English text and in each parameter it was built from."""
    flat = " ".join(message.split())
    if not isinstance(message, Words):
        return flat
    params = {name: _one_line(value) for name, value in message.params.items()}
    return Words(flat, message.key, params)


# --------------------------------------------------------------------------------------------
# Rewriting PyYAML messages


_TOKEN_WORDS = {
    "'<stream end>'": "the end of the file",
    "end of stream": "end of the file",
    "<block end>": "the end of the block",
    "'<block end>'": "the end of the block",
    "'<block mapping start>'": "the start of a block of keys",
    "'<block sequence start>'": "the start of a list",
    "'<document start>'": "'---'",
    "'<document end>'": "'...'",
    "'<scalar>'": "a value",
    "'<anchor>'": "an anchor",
    "'<alias>'": "an alias",
    "'<tag>'": "a tag",
    "'?'": "a key",
}
_TOKEN_PATTERN = re.compile("|".join(re.escape(t) for t in _TOKEN_WORDS))


def yaml_error_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """A PyYAML scanner/parser/composer/constructor error in a planner's words.

    No "while scanning ..." context and no quoted snippet: the diagnostic's position says
    where. `text` is what was parsed, to recognise a tab at the problem mark.
    """
    problem = (exc.problem or exc.context or "unreadable YAML").replace(_YAML_TAG, "!!")
    mark = exc.problem_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        if text[mark.index - mark.column : mark.index].strip(" \t") == "":
            return words("tab_indentation", "tab character used for indentation; use spaces")
        return words("tab_here", "tab character is not allowed here; use spaces")
    found = re.fullmatch(r"found character '(.)' that cannot start any token", problem)
    if found:
        char = found[1]
        return words(
            "cannot_start", f"a value cannot start with '{char}'; put it in quotes", char=char
        )
    if isinstance(exc, yaml.composer.ComposerError):
        if problem.startswith("found undefined alias"):
            name = problem.split("'")[1] if "'" in problem else "?"
            return words(
                "unknown_alias",
                f"unknown alias *{name}; define the anchor &{name} before using it",
                name=name,
            )
        if exc.context and exc.context.startswith("found duplicate anchor") and exc.context_mark:
            name = exc.context.split("'")[1]
            line = str(exc.context_mark.line + 1)
            return words(
                "duplicate_anchor",
                f"anchor &{name} is already defined on line {line}; use a different name",
                name=name,
                line=line,
            )
    if isinstance(exc, yaml.constructor.ConstructorError):
        if problem.startswith("could not determine a constructor for the tag"):
            tag = _quote(problem.partition("tag ")[2].strip("'"))
            return words("unsupported_tag", f"unsupported tag {tag}; remove it", tag=tag)
        if problem == "found unhashable key":
            return words("unhashable_key", "a key must be plain text, not a list or mapping")
        if "for merging" in problem:
            return words(
                "merge_key",
                "'<<' must be followed by an alias of a mapping (like *base) or a list of them",
            )
        return words("yaml_unreadable", f"could not read YAML: {problem}", reason=problem)
    problem = _TOKEN_PATTERN.sub(lambda m: _TOKEN_WORDS[m[0]], problem)
    hint = Words("")
    if problem.startswith("expected the end of the block"):
        hint = words("hint_indentation", " (check the indentation)")
    flow = {"while parsing a flow mapping": "{", "while parsing a flow sequence": "["}
    opener = flow.get(exc.context or "")
    if opener and problem.startswith("expected ',") and exc.context_mark is not None:
        line = str(exc.context_mark.line + 1)
        hint = words(
            "hint_never_closed",
            f" (the '{opener}' on line {line} is never closed)",
            opener=opener,
            line=line,
        )
    return words(
        "yaml_syntax", f"could not parse YAML: {problem}{hint}", problem=problem, hint=hint
    )

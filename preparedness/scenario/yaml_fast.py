"""Build a plain scenario file's node tree and data in one pass over libyaml's events.

Most scenario files, and every generated one (a city, a relay tree of 37,000 roles), use
no anchors, aliases, tags or merge keys and repeat no key. For such a file the general
pipeline in ``yaml_source`` (collect every event, replay them through PyYAML's composer,
walk the tree for repeated keys, then run PyYAML's constructor) does four passes in pure
Python, which is most of the time a big file takes to load. This module does one pass and
gives the same node tree (same tags, values, marks and styles, so positions in messages are
unchanged) and the same data.

Anything it was not written for (a YAML error, a tag, an anchor or alias, a merge key, a
repeated key, a non-text key, too deep or too many values, more than one document, a top
level that is not a mapping) makes it give up with ``None``; the caller then runs the
general pipeline, which says what is wrong in its own words. So this module never decides
what a file means on its own, and never reports an error itself.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["compose_plain"]

# libyaml's parser where PyYAML was built with it (its events only; nothing is resolved by it).
_CParser: Any = getattr(yaml, "CBaseLoader", None)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _GiveUp(Exception):
    """The file needs the general pipeline."""


def compose_plain(
    text: str, loader_class: type[yaml.SafeLoader], max_depth: int, max_nodes: int
) -> tuple[yaml.MappingNode, dict[Any, Any]] | None:
    """The node tree and data of ``text`` as ``loader_class`` would give them, or ``None``
    when the file is not plain (see the module docstring) or libyaml is not available."""
    if _CParser is None:
        return None
    parser = _CParser(text)
    loader = loader_class("")  # resolves and constructs scalars exactly as the pipeline does
    try:
        return _compose(parser, loader, max_depth, max_nodes)
    except (_GiveUp, yaml.YAMLError, ValueError, TypeError, LookupError, ArithmeticError):
        return None
    finally:
        parser.dispose()
        loader.dispose()


def _compose(
    parser: Any, loader: yaml.SafeLoader, max_depth: int, max_nodes: int
) -> tuple[yaml.MappingNode, dict[Any, Any]]:
    """The single pass: each event becomes its node and its value, attached to the open
    block on top of ``stack`` (``[node, data, pending key node, pending key value]``)."""
    stack: list[list[Any]] = []
    top: list[Any] = [None, None]  # the root node and its data
    total = documents = 0
    scalar_tag = _plain_resolver(loader)
    constructors = loader.yaml_constructors
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _GiveUp
            value = event.value
            tag = scalar_tag(value) if event.implicit[0] else _STR_TAG
            node: yaml.Node = yaml.ScalarNode(
                tag, value, event.start_mark, event.end_mark, event.style
            )
            if tag == _STR_TAG:
                data: Any = value
            elif tag == _MERGE_TAG:
                raise _GiveUp
            else:
                data = constructors[tag](loader, node)
            _attach(stack, top, node, data)
            total += 1
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(stack) >= max_depth:
                raise _GiveUp
            if kind is yaml.MappingStartEvent:
                node = yaml.MappingNode(_MAP_TAG, [], event.start_mark, None, event.flow_style)
                data = {}
            else:
                node = yaml.SequenceNode(_SEQ_TAG, [], event.start_mark, None, event.flow_style)
                data = []
            _attach(stack, top, node, data)
            stack.append([node, data, None, None])
            total += 1
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()[0].end_mark = event.end_mark
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _GiveUp
        elif kind is yaml.StreamEndEvent:
            break
        elif kind is not yaml.StreamStartEvent and kind is not yaml.DocumentEndEvent:
            raise _GiveUp  # an alias
        if total > max_nodes:
            raise _GiveUp
    root, data = top
    if not isinstance(root, yaml.MappingNode):
        raise _GiveUp
    return root, data


def _attach(stack: list[list[Any]], top: list[Any], node: yaml.Node, data: Any) -> None:
    """Put a new node and its value into the open block: an item of a list, a mapping's
    next key, or the value of its pending key. A repeated key gives up, so the general
    pipeline reports every repeat where it is written."""
    if not stack:
        top[0], top[1] = node, data
        return
    frame = stack[-1]
    block = frame[0]
    if type(block) is yaml.SequenceNode:
        block.value.append(node)
        frame[1].append(data)
    elif frame[2] is None:
        if type(node) is not yaml.ScalarNode or data in frame[1]:
            raise _GiveUp
        frame[2], frame[3] = node, data
    else:
        block.value.append((frame[2], node))
        frame[1][frame[3]] = data
        frame[2] = None


def _plain_resolver(loader: yaml.SafeLoader) -> Any:
    """The tag of a plain (unquoted) scalar, as ``loader.resolve`` gives it.

    Only values starting with a character some implicit resolver is registered for can
    be anything but text; the rest skip the regular expressions, and a value seen before
    is not matched again.
    """
    resolvers = loader.yaml_implicit_resolvers
    if None in resolvers or loader.yaml_path_resolvers:
        raise _GiveUp  # wildcard or path resolvers: not the table this was written for
    first_chars = frozenset(resolvers)
    resolve = loader.resolve
    known: dict[str, str] = {}  # ids and names recur (a role's id, then each of its links)

    def scalar_tag(value: str) -> str:
        if value[:1] not in first_chars:
            return _STR_TAG
        tag = known.get(value)
        if tag is None:
            tag = known[value] = str(resolve(yaml.ScalarNode, value, (True, False)))
        return tag

    return scalar_tag

"""Posts by name in the report's language: a department liaison's English name in results.json
("公安 liaison (临江镇)") worded by the catalogue ("公安联络员 (临江镇)").

results.json names every post in English once (``name``, ``from_name``, ``to_name``) and lists
the liaisons among them under ``liaisons`` with their department and place names (README,
"results.json"). Every page, table, figure and console line reads names from one copy of the
results with those names worded in its language, so no renderer has to know about liaisons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .i18n import Catalogue

__all__ = ["localise_posts", "post_name"]

#: Keys naming a post, and the key beside each that holds the post's name.
_NAMED = {"post": "name", "from": "from_name", "to": "to_name"}


def post_name(results: Mapping[str, Any], post_id: str, name: str, cat: Catalogue) -> str:
    """``name`` of ``post_id`` as ``cat``'s language words it: a liaison through
    ``post.liaison``, any other post as results.json names it (names are shown as written).

    results.json written before liaisons were listed has no ``liaisons``: its names stay."""
    liaison = results.get("liaisons", {}).get(post_id)
    if liaison is None:
        return name
    return cat("post.liaison", department=liaison["department_name"], place=liaison["place_name"])


def localise_posts(results: Mapping[str, Any], cat: Catalogue) -> dict[str, Any]:
    """A copy of ``results`` whose post names (however deep) are in ``cat``'s language."""

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(value) for value in item]
        if not isinstance(item, Mapping):
            return item
        copy = {key: walk(value) for key, value in item.items()}
        for id_key, name_key in _NAMED.items():
            post, name = copy.get(id_key), copy.get(name_key)
            if isinstance(post, str) and isinstance(name, str):
                copy[name_key] = post_name(results, post, name, cat)
        return copy

    localised: dict[str, Any] = walk(results)
    return localised

"""Render the self-contained HTML reports: one file with inline CSS and SVG, no script, no URL.

Templates live in ``templates/`` and every word comes from the language catalogue. Jinja2
runs with autoescaping on and undefined variables as errors, so a name holding ``<script>``
or ``{{ }}`` shows literally (engineering notes §4.1: ``Environment()`` does not escape by
default). Only the figures' SVG is inserted unescaped, after :func:`safe_svg` has checked
it is matplotlib's markup and nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from ..experiment.story import RULES as STORY_RULES
from .drawn import Figure, ReportFigures
from .escape import html_text, svg_document
from .i18n import Catalogue, catalogue, milestone_label
from .post_names import localise_posts

__all__ = [
    "HTML_LANG",
    "format_date",
    "page_template",
    "report_date",
    "render_run_report",
    "render_sizing_report",
    "safe_svg",
    "story_sentence",
]

#: ``lang`` attribute of the page per catalogue language.
HTML_LANG = {"en": "en", "zh": "zh-CN"}

#: Rows shown in the people and link tables.
TOP_ROWS = 10

_TAG = re.compile(r"<[^>]*>")
_UNSAFE_TAG = re.compile(
    r"<\s*/?\s*(script|foreignObject|iframe|object|embed)\b|\son\w+\s*=|javascript:"
    r"|href=\"(?!#|data:image/png;base64,)",
    re.IGNORECASE,
)


def safe_svg(svg: str) -> Markup:
    """Mark a figure's SVG safe to inline, after checking it is one ``<svg>`` element whose tags
    hold no script, event handler, outside link or foreign content: matplotlib escapes the
    text it writes, so any of these would mean the SVG did not come from it."""
    text = svg_document(svg.strip())
    if not text.startswith("<svg") or not text.endswith("</svg>") or text.count("<svg") != 1:
        raise ValueError("a figure must be exactly one <svg> element")
    # Text is escaped (a "<" in a name is "&lt;"), so every "<...>" is a tag: check those.
    if any(_UNSAFE_TAG.search(tag.group()) for tag in _TAG.finditer(text)):
        raise ValueError("a figure's SVG holds script, an event handler or foreign content")
    return Markup(text)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("preparedness.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=html_text,  # control and bidirectional characters neutralised (escape.py)
    )
    env.filters["svg"] = safe_svg
    return env


_ENV = _environment()


def report_date(lang: str, now: datetime | None = None) -> str | None:
    """The "written" date in the language's words: ``SOURCE_DATE_EPOCH`` when set (the
    reproducible-builds convention), else ``now``; None (no date shown) when neither is given."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        now = datetime.fromtimestamp(int(epoch), UTC)
    if now is None:
        return None
    return format_date(lang, now)


def format_date(lang: str, when: datetime) -> str:
    """A moment in UTC, in the language's date words (``2026-07-14 02:10 UTC``)."""
    when = when.astimezone(UTC)
    return catalogue(lang)(
        "date.format",
        year=str(when.year),
        month=f"{when.month:02d}",
        day=f"{when.day:02d}",
        hour=f"{when.hour:02d}",
        minute=f"{when.minute:02d}",
    )


def page_template(name: str) -> Template:
    """A page template of ``templates/`` in the reports' one Jinja2 environment (autoescaping
    on, undefined variables as errors)."""
    return _ENV.get_template(name)


def _numbered(figures: Sequence[Figure], start: int) -> list[dict[str, Any]]:
    return [{"figure": f, "number": start + i} for i, f in enumerate(figures)]


def _milestone_rows(incident: Mapping[str, Any], cat: Catalogue) -> list[dict[str, Any]]:
    rows = []
    for m in incident["milestones"]:
        label = milestone_label(m["id"], m["label"], cat)
        ci = m["ci95_mean"]
        met_ci = m["deadline_met_ci95"]
        if m["n_reached"] == 0:
            sentence = cat("sentence.never", milestone=label, n=m["n_replications"])
        else:
            sentence = cat(
                "sentence.milestone",
                milestone=label,
                median=cat.minutes(m["median"]),
                p90=cat.minutes(m["p90"]),
            )
        has_deadline = m["deadline"] is not None
        if has_deadline:
            sentence = cat(
                "sentence.pair",
                first=sentence,
                second=cat(
                    "sentence.deadline",
                    deadline=cat.minutes(m["deadline"]),
                    share=cat.share(m["deadline_met_share"]),
                    ci=cat.interval(met_ci, share=True),
                ),
            )
        rows.append(
            {
                "label": label,
                "reached": cat("cell.reached", reached=m["n_reached"], n=m["n_replications"]),
                "median": cat.minutes(m["median"]),
                "p90": cat.minutes(m["p90"]),
                "mean": cat.minutes(m["mean"])
                if ci is None
                else cat(
                    "cell.value_ci",
                    value=cat.minutes(m["mean"]),
                    low=cat.number(ci[0]),
                    high=cat.number(ci[1]),
                ),
                "deadline": cat.minutes(m["deadline"]),
                "met": cat("value.none")
                if not has_deadline or met_ci is None
                else cat(
                    "cell.value_ci",
                    value=cat.share(m["deadline_met_share"]),
                    low=cat.number(100 * met_ci[0], 0),
                    high=cat.number(100 * met_ci[1], 0),
                ),
                "late": has_deadline and m["deadline_met_share"] < 0.5,
                "sentence": sentence,
            }
        )
    return rows


def story_sentence(results: Mapping[str, Any], cat: Catalogue) -> str | None:
    """Which run the timelines draw and why, from results.json ``story`` (None without one)."""
    story = results.get("story")
    if story is None:
        return None
    rule = story["rule"]
    words = {
        "replication": str(story["replication"]),
        "choice": cat(f"choice.{rule if rule in STORY_RULES else 'index'}"),
        "milestone": milestone_label(story["milestone"], story["label"], cat),
    }
    if story["minutes"] is None:
        return cat("story.sentence_never", **words)
    return cat("story.sentence", minutes=cat.minutes(story["minutes"]), **words)


def _summary(results: Mapping[str, Any], cat: Catalogue) -> str:
    with_deadline = [
        m for i in results["incidents"] for m in i["milestones"] if m["deadline"] is not None
    ]
    late = [m for m in with_deadline if m["deadline_met_share"] < 0.5]
    if not with_deadline:
        return cat("summary.no_deadlines")
    if not late:
        return cat("summary.on_time")
    return cat("summary.late", count=len(late), total=len(with_deadline))


def render_run_report(
    results: Mapping[str, Any],
    figures: ReportFigures | None,
    lang: str,
    *,
    generated: datetime | None = None,
) -> str:
    """The run report page (``run`` and ``run --compare``) from results.json and its figures
    (None: left out on request, which the page says).

    Same inputs give the same bytes; the written date is ``SOURCE_DATE_EPOCH`` or
    ``generated`` (left out when neither is given).
    """
    cat = catalogue(lang)
    left_out = figures is None
    figures = figures or ReportFigures()
    results = localise_posts(results, cat)
    number = 1
    incidents = []
    for incident in results["incidents"]:
        shown = figures.incidents.get(incident["id"], [])
        meta = (
            cat(
                "section.incident_meta",
                community=incident["community_name"],
                plan=incident["plan_name"],
            )
            if incident["plan_name"] is not None
            else cat("section.incident_no_plan", community=incident["community_name"])
        )
        incidents.append(
            {
                "name": incident["name"],
                "meta": meta,
                "milestones": _milestone_rows(incident, cat),
                "figures": _numbered(shown, number),
            }
        )
        number += len(shown)
    people = [
        {
            "name": p["name"],
            "staff": cat.number(p["staff"]),
            "calls": cat.number(p["calls_mean"]),
            "utilisation": cat(
                "cell.value_ci",
                value=cat.share(p["utilisation_mean"]),
                low=cat.number(100 * p["utilisation_ci95"][0], 0),
                high=cat.number(100 * p["utilisation_ci95"][1], 0),
            )
            if p["utilisation_ci95"]
            else cat.share(p["utilisation_mean"]),
        }
        for p in results["people"][:TOP_ROWS]
    ]
    links = [
        {
            "link": cat("cell.link", sender=link["from_name"], receiver=link["to_name"]),
            "channel": link["channel"],
            "attempts": cat.number(link["attempts_mean"]),
            "failures": cat.share(link["failure_share"]),
        }
        for link in results["links"]
        if link["failures_mean"] > 0
    ][:TOP_ROWS]
    return _ENV.get_template("run_report.html.j2").render(
        t=cat,
        html_lang=HTML_LANG[lang],
        results=results,
        variant=results.get("variant"),
        title=cat("page.run_title", scenario=results["scenario"]["name"]),
        summary=_summary(results, cat),
        story=story_sentence(results, cat),
        incidents=incidents,
        people=people,
        links=links,
        overall=_numbered(figures.overall, number),
        figures_left_out=left_out,
        generated=report_date(lang, generated),
    )


def render_sizing_report(
    sizing: Mapping[str, Any],
    figures: ReportFigures | None,
    lang: str,
    *,
    generated: datetime | None = None,
) -> str:
    """The stockpile sizing page (``size-stockpiles``) from sizing.json and its figure (None:
    left out on request, which the page says)."""
    cat = catalogue(lang)
    left_out = figures is None
    figures = figures or ReportFigures()
    rows = [
        {
            "depot": r["depot_name"],
            "item": r["item_name"],
            "quantity": cat("cell.quantity", quantity=cat.number(r["quantity"]), unit=r["unit"]),
            "service": cat.share(r["service_level"]),
            "cost": cat.number(r["cost"], 0),
        }
        for r in sizing["rows"]
    ]
    meta = cat(
        "page.sizing_meta",
        replications=sizing["replications"],
        seed=str(sizing["seed"]),
        target=cat.share(sizing["service_level"]),
        cost=cat.number(sizing["total_cost"], 0),
    )
    return _ENV.get_template("sizing_report.html.j2").render(
        t=cat,
        html_lang=HTML_LANG[lang],
        title=cat("page.sizing_title", scenario=sizing["scenario"]["name"]),
        meta=meta,
        rows=rows,
        figures=_numbered(figures.all(), 1),
        figures_left_out=left_out,
        generated=report_date(lang, generated),
    )

"""The HTML pages: self-contained, escaped, deterministic, and wholly in the chosen language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from jinja2 import UndefinedError

from preparedness.reports.browser import dom_text
from preparedness.reports.figures import ReportFigures, sizing_figures
from preparedness.reports.figures.compare import forest_figure
from preparedness.reports.figures.graph import graph_figure
from preparedness.reports.figures.milestones import delay_figure
from preparedness.reports.figures.swimlane import swimlane_figure
from preparedness.reports.html import (
    render_run_report,
    render_sizing_report,
    report_date,
    safe_svg,
)
from preparedness.reports.i18n import catalogue, label_params

from .conftest import NASTY


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def page_en(relay, relay_figures_en) -> str:
    return render_run_report(relay.results, relay_figures_en, "en")


@pytest.fixture(scope="module")
def page_zh(relay, relay_figures_zh) -> str:
    return render_run_report(relay.results, relay_figures_zh, "zh")


def test_the_page_is_self_contained(page_en, relay_figures_en) -> None:
    tags = _parse(page_en)
    assert "script" not in tags.tags and "link" not in tags.tags and "img" not in tags.tags
    # two incidents x (ECDF, delay split, swimlane), then the command graph
    assert tags.tags.count("svg") == len(relay_figures_en.all()) == 7
    # url(#...) are clip paths inside the page; nothing else is referenced
    assert not re.search(r"url\((?!#)|@import|src=|<script", page_en, re.IGNORECASE)
    # the only URLs are the SVG and XLink namespace names, which are never fetched
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page_en))
    assert urls == {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "@page { size: A4;" in page_en and "break-inside: avoid" in page_en


def test_same_inputs_give_the_same_page_and_the_date_honours_source_date_epoch(
    relay, relay_figures_en, page_en, monkeypatch
) -> None:
    assert render_run_report(relay.results, relay_figures_en, "en") == page_en
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    later = datetime(2030, 1, 1, tzinfo=UTC)
    assert report_date("en", later) == "2026-01-01 00:00 UTC"
    assert report_date("zh", None) == "2026年01月01日 00:00（UTC）"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert report_date("en", None) is None
    dated = render_run_report(relay.results, relay_figures_en, "en", generated=later)
    assert "Written 2030-01-01 00:00 UTC." in dated


def test_milestones_and_numbers_of_results_json_are_in_the_page(relay, page_en) -> None:
    text = dom_text(page_en)
    for incident in relay.results["incidents"]:
        assert incident["name"] in text
        for row in incident["milestones"]:
            assert row["label"] in text
            assert f"{row['median']:.0f} min" in text or f"{row['median']:.1f} min" in text


def _names(results) -> list[str]:
    """Every name the scenario wrote, as the page may show it."""
    names = [results["scenario"]["name"]]
    for incident in results["incidents"]:
        names += [incident["name"], incident["community_name"], incident["plan_name"] or ""]
        for row in incident["milestones"]:
            names += label_params(row["id"], row["label"]).values()
    names += [p["name"] for p in results["people"]]
    for link in results["links"]:
        names += [link["from_name"], link["to_name"], link["channel"]]
    return sorted({n for n in names if n}, key=len, reverse=True)


def test_the_chinese_page_is_chinese_in_every_sentence(relay, page_zh) -> None:
    text = dom_text(page_zh)
    for name in _names(relay.results):
        text = text.replace(name, " ")
    assert "一半的模拟" in text and "中位数" in text and "第90百分位" in text and "达标率" in text
    # with names taken out, no ASCII words remain: only numbers, units and symbols
    leftovers = sorted(set(re.findall(r"[A-Za-z]+", text)))
    assert leftovers == [], leftovers


def test_hostile_names_show_literally_and_run_nothing(nasty) -> None:
    # The figures that show names (plan in milestone labels, posts, places), drawn once: the
    # escaping of names does not vary by language.
    incident = nasty.results["incidents"][0]
    trace = nasty.experiment.example_trace
    figures = ReportFigures(
        {
            incident["id"]: [
                delay_figure(incident, catalogue("en"), 1),
                swimlane_figure(nasty.results, incident, trace, 0, "index", catalogue("en"), 2),
            ]
        },
        [graph_figure(nasty.results, catalogue("en"), 3)],
    )
    for lang in ("en", "zh"):
        page = render_run_report(nasty.results, figures, lang)
        tags = _parse(page)
        assert "script" not in tags.tags and "b" not in tags.tags
        assert not re.search(r"<script|</svg><b>", page, re.IGNORECASE)
        assert not [name for name, _ in tags.attrs if name.startswith("on")]
        assert tags.tags.count("svg") == page.count("</svg>")  # no SVG closed early
        text = dom_text(page)
        assert NASTY["incident"] in text and NASTY["community"] in text
        assert NASTY["plan"] in text  # shown as written, never evaluated as a template
        assert "\u2068" in page  # the RTL override is isolated, not left to run on
    svg = "".join(f.svg for f in figures.all())
    assert "&lt;script&gt;" in svg or "&lt;/svg&gt;" in svg
    parsed = _parse(svg)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    assert NASTY["role"] in dom_text(svg)  # the quotes are text inside <text>, not attributes


def test_only_a_plain_svg_is_inlined() -> None:
    assert str(safe_svg('<svg xmlns="http://www.w3.org/2000/svg"><text>a</text></svg>'))
    for bad in (
        "<svg><script>alert(1)</script></svg>",
        '<svg onload="x()"></svg>',
        "<svg></svg><svg></svg>",
        "<p>no</p>",
        "<svg><foreignObject><p/></foreignObject></svg>",
    ):
        with pytest.raises(ValueError):
            safe_svg(bad)


def test_an_undefined_template_variable_is_an_error(relay, relay_figures_en) -> None:
    broken = {**relay.results}
    broken["people"] = [
        {k: v for k, v in p.items() if k != "staff"} for p in relay.results["people"]
    ]
    with pytest.raises((UndefinedError, KeyError)):
        render_run_report(broken, relay_figures_en, "en")


def test_sizing_page_in_chinese() -> None:
    sizing = {
        "scenario": {"name": "临江镇 — flood stockpiles"},
        "seed": 7,
        "replications": 20,
        "service_level": 0.95,
        "total_cost": 116282.4,
        "rows": [
            {
                "depot": "d",
                "depot_name": "下涧槽社区物资储备点",
                "item": "water",
                "item_name": "饮用水",
                "unit": "L",
                "quantity": 480,
                "service_level": 0.96,
                "cost": 1234.5,
            }
        ],
    }
    figures = sizing_figures(sizing, {("d", "water"): [(0.0, 0.0), (480.0, 0.96)]}, "zh")
    page = render_sizing_report(sizing, figures, "zh")
    text = dom_text(page)
    assert "应急物资储备测算" in text and "保障水平" in text and "116,282" in text
    assert _parse(page).tags.count("svg") == 1
    assert render_sizing_report(sizing, ReportFigures(), "en").count("<svg") == 0


def test_a_comparison_page_shows_the_forest_plot_and_the_variant(
    relay, relay_compare, relay_variants
) -> None:
    results = {
        **relay.results,
        "comparison": relay_compare,
        "variant": {"id": "base", "name": "the scenario as written"},
    }
    forest = forest_figure(relay_compare, catalogue("zh"), 1)
    page = render_run_report(results, ReportFigures({}, [forest]), "zh")
    text = dom_text(page)
    assert forest.caption in text and "与the scenario as written相比的变化" in text
    assert "图表描述的是方案“the scenario as written”。" in text

"""A Chinese report speaks Chinese: the console summary and sizing.md of the reference
scenarios hold no English sentence, only names, ids and units as the scenario writes them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import preparedness as pp
from preparedness.experiment.precision import KEY_MILESTONES_RULE
from preparedness.planning.rotation import describe_span
from preparedness.reports.comparison import (
    comparison_markdown,
    precision_sentence,
    print_comparison,
)
from preparedness.reports.console import print_summary
from preparedness.reports.i18n import catalogue, translate
from preparedness.reports.markdown import render_markdown
from preparedness.reports.missed_words import attempts_words, cohort_how_words
from preparedness.reports.sizing_render import print_sizing, sizing_markdown
from preparedness.reports.sizing_words import demand_source, rotation_action, span
from preparedness.scenario.models import Scenario
from preparedness.scenario.resources import STANDARDS

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

#: Words that are not English sentences: the package's name, units of the standards.
NOT_ENGLISH = {"preparedness", "kcal", "SHA"}
#: File names, command-line options and digests are shown as they are.
VERBATIM = re.compile(r"\S+\.(?:json|csv|md|yaml)\b|--?[a-z][a-z-]*|\b[0-9a-f]{12}\b")


def _words(value: Any) -> set[str]:
    """The ASCII words of every name, id and unit a scenario holds (not its description)."""
    if isinstance(value, str):
        return set(re.findall(r"[A-Za-z]+", value))
    if isinstance(value, dict):
        return set().union(*(_words(v) for k, v in value.items() if k != "description"))
    if isinstance(value, list | tuple):
        return set().union(*(_words(v) for v in value))
    return set()


def scenario_words(scenario: Scenario) -> set[str]:
    return _words(scenario.model_dump()) | NOT_ENGLISH


def english_left(text: str, allowed: set[str]) -> list[str]:
    """Runs of two or more ASCII letters that are none of the scenario's words."""
    text = VERBATIM.sub(" ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in allowed})


def _console(width: int = 100) -> Console:
    return Console(width=width, record=True, highlight=False, color_system=None)


def test_the_check_finds_an_english_sentence() -> None:
    assert english_left("下涧槽社区 flash flood：half the runs", {"flash", "flood"}) == [
        "half",
        "runs",
        "the",
    ]


def test_chinese_console_summary_of_ningbo_relay_has_no_english(relay) -> None:
    console = _console()
    print_summary(console, relay.results, "zh")
    text = console.export_text()
    assert "中位数" in text and "第90百分位" in text
    assert english_left(text, scenario_words(relay.scenario)) == []


def test_english_console_summary_keeps_the_engines_labels(relay) -> None:
    console = _console()
    print_summary(console, relay.results)
    text = console.export_text()
    assert "Report reaches the township" in text and "分钟" not in text


@pytest.fixture(scope="module")
def supplies_plan() -> pp.StockpilePlan:
    return pp.size_stockpiles(SCENARIOS / "ningbo_flood_supplies.yaml", 0.95, 10, workers=0)


def test_chinese_sizing_report_of_ningbo_flood_supplies_has_no_english(supplies_plan) -> None:
    results = supplies_plan.summary()
    scenario = pp.load_scenario(SCENARIOS / "ningbo_flood_supplies.yaml")
    allowed = scenario_words(scenario)
    markdown = sizing_markdown(results, supplies_plan.manifest(), "zh")
    assert "## 轮换计划" in markdown and "2026年" in markdown
    assert english_left(markdown, allowed) == []
    console = _console()
    print_sizing(console, results, "zh")
    assert english_left(console.export_text(), allowed) == []


def test_sizing_words_rebuild_the_english_of_sizing_json(supplies_plan) -> None:
    """The renderers reword rules and rotation from data; in English they say exactly what
    the planning layer and sizing.json say."""
    results = supplies_plan.summary()
    assert results["rotation"]
    for line in results["rotation"]:
        assert rotation_action(line, results["as_of"]) == line["action"]
    for rule in results["demand_rules"]:
        assert demand_source(rule) == rule["source"]


def test_the_english_standard_sources_are_the_scenario_layers() -> None:
    for name, (_, _, source) in STANDARDS.items():
        assert translate("en", f"sizing.standard_{name}") == source


def test_the_english_key_milestone_rule_is_the_experiment_layers() -> None:
    assert translate("en", "compare.key_milestones_rule") == KEY_MILESTONES_RULE


def test_precision_sentence_in_both_languages() -> None:
    precision = {
        "target_half_width": 2.0,
        "rounds": [20, 40],
        "widest_half_width": 1.5,
        "met": True,
        "replications": 40,
        "max_replications": 200,
    }
    assert precision_sentence(precision) == (
        "Precision target ±2.0 min met after 40 replications (rounds ending at 20, 40); "
        "the widest is ±1.5 min."
    )
    assert english_left(precision_sentence(precision, "zh"), set()) == []


#: Names of the interval methods a comparison cites (people, as the literature writes them).
METHOD_NAMES = {"Student", "Wilson", "Newcombe"}


def test_chinese_comparison_has_no_english_but_names(relay, relay_compare) -> None:
    results = {"replications": 20, "comparison": relay_compare}
    allowed = scenario_words(relay.scenario) | METHOD_NAMES
    allowed |= _words([variant["name"] for variant in relay_compare["variants"]])
    allowed |= _words([variant["id"] for variant in relay_compare["variants"]])
    console = _console()
    print_comparison(console, results, "zh")
    text = console.export_text()
    assert "对比" in text
    assert english_left(text, allowed) == []
    markdown = "\n".join(comparison_markdown(results, "zh"))
    assert "## 改进措施的效果" in markdown
    assert english_left(markdown, allowed) == []


MANIFEST = {"finished_at": "2026-07-14T08:00:00+00:00", "package_version": "0.0.0"}


def test_chinese_report_md_of_ningbo_relay_has_no_english(relay) -> None:
    markdown = render_markdown(relay.results, MANIFEST, "zh")
    assert "## 可能超时的预案时限" in markdown and "预案启动" in markdown
    assert english_left(markdown, scenario_words(relay.scenario) | METHOD_NAMES) == []


def test_english_report_md_keeps_the_engines_words(relay) -> None:
    markdown = render_markdown(relay.results, MANIFEST)
    assert "## Plan deadlines at risk" in markdown
    assert "Report reaches the township" in markdown and "分钟" not in markdown


def test_the_words_of_a_miss_read_back_the_same_in_english_and_are_reworded_in_chinese() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    details = [
        "10 attempts on phone (unanswered, failed, abandoned on hold)",
        "1 unanswered call on phone, then 2 unread messages on wechat",
        "3 busy lines on duty_line",
    ]
    for detail in details:
        assert attempts_words(detail, en) == detail
        assert (
            english_left(attempts_words(detail, zh), _words(["phone", "wechat", "duty_line"])) == []
        )
    cohort = "never read the group message, and nobody knocked on their doors"
    assert cohort_how_words(cohort, en) == cohort
    assert cohort_how_words(cohort, zh) == "从未阅读群消息，且没有人上门通知"
    assert attempts_words("words from elsewhere", zh) == "words from elsewhere"


@pytest.mark.parametrize(
    "minutes", [60, 480, 1440, 2880, 4380, 4320 + 90, 1440 * 365, 1440 * 730, 1440 * 180, 700]
)
def test_spans_say_what_the_planning_layer_says(minutes: float) -> None:
    assert span(minutes) == describe_span(minutes) or minutes < 1440 and minutes % 60 == 0
    assert english_left(span(minutes, catalogue("zh")), set()) == []

"""A department liaison (the post a joint command centre adds) is named in the report's
language: results.json lists it under ``liaisons``, and report.md, report.html and the
exercise package word it through the catalogue, while English stays as results.json has it."""

from __future__ import annotations

import copy

import pytest

from preparedness import api, simulate_replication
from preparedness.analysis.aggregate import post_label
from preparedness.planning.exercise.deck import named_post
from preparedness.planning.exercise.deck import post_name as post_name_in_deck
from preparedness.planning.exercise.words import Words, post_words
from preparedness.reports.exercise.text import say
from preparedness.reports.i18n import catalogue
from preparedness.reports.markdown import render_markdown
from preparedness.reports.post_names import localise_posts, post_name
from tests.builders import build, joint_centre, minimal_scenario, role

LIAISON = "liaison_police@t1"


@pytest.fixture(scope="module")
def run():
    data = joint_centre(minimal_scenario())
    data["departments"][0]["name"] = "公安"
    scenario = build(data)
    return scenario, api.run_experiment(scenario, 4, 1, workers=0).summary()


def _names(item: object) -> list[str]:
    """Every post name in results.json: ``name``, ``from_name`` and ``to_name`` values."""
    if isinstance(item, list):
        return [name for value in item for name in _names(value)]
    if not isinstance(item, dict):
        return []
    own = [item[key] for key in ("name", "from_name", "to_name") if key in item]
    return own + [name for value in item.values() for name in _names(value)]


def test_results_list_the_liaison_with_its_department_and_place(run) -> None:
    _, results = run
    assert results["liaisons"] == {
        LIAISON: {"department": "police", "department_name": "公安", "place_name": "Township 1"}
    }
    assert "公安 liaison (Township 1)" in _names(results)


def test_the_english_catalogue_words_a_liaison_as_results_json_names_it(run) -> None:
    scenario, results = run
    english = catalogue("en")
    assert post_name(results, LIAISON, "?", english) == post_label(scenario, LIAISON)
    assert localise_posts(results, english) == results


def test_a_chinese_report_names_the_liaison_in_chinese(run) -> None:
    _, results = run
    before = copy.deepcopy(results)
    chinese = localise_posts(results, catalogue("zh"))
    assert results == before  # results.json itself keeps its English names
    assert "公安联络员 (Township 1)" in _names(chinese)
    assert not [name for name in _names(chinese) if "liaison" in name]
    manifest = {"finished_at": "2026-01-01T00:00:00+00:00", "package_version": "0"}
    markdown = render_markdown(results, manifest, "zh")
    assert "公安联络员" in markdown and "liaison" not in markdown


def test_a_role_the_scenario_declares_keeps_its_own_name() -> None:
    data = joint_centre(minimal_scenario())
    data["roles"].append({**role(data, "township_head"), "id": "liaison_police", "name": "联络"})
    scenario = build(data)
    assert post_label(scenario, LIAISON) == "联络 (Township 1)"
    assert named_post(scenario, LIAISON, "联络 (Township 1)") == "联络 (Township 1)"


def test_the_exercise_package_words_a_liaison_in_its_language(run) -> None:
    scenario, results = run
    english_name = post_label(scenario, LIAISON)
    for words in (
        named_post(scenario, LIAISON, english_name),
        post_words(results, LIAISON, english_name),
    ):
        assert isinstance(words, Words)
        assert say(catalogue("zh"), words) == "公安联络员 (Township 1)"
        assert say(catalogue("en"), words) == english_name
    assert post_words(results, "township_head@t1", "head") == "head"


def test_the_exercise_deck_names_a_liaison_and_a_place(run) -> None:
    scenario, _ = run
    trace = simulate_replication(scenario, 0)
    assert say(catalogue("zh"), post_name_in_deck(scenario, trace, LIAISON)) == (
        "公安联络员 (Township 1)"
    )
    assert post_name_in_deck(scenario, trace, "t1") == "Township 1"  # the centre's township

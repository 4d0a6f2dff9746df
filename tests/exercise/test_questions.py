"""Every figure a discussion question or an improvement row quotes is results.json's own."""

from __future__ import annotations

import json
from html import unescape

from preparedness.planning.exercise.questions import MAX_PER_MODULE, MIN_PER_MODULE
from preparedness.reports.exercise.text import say
from preparedness.reports.i18n import catalogue


def _at(document, path):
    for key in path:
        document = document[key]
    return document


def test_question_figures_equal_results_json(package, folder):
    results = json.loads((folder / "results.json").read_text("utf-8"))
    page = unescape((folder / "questions.html").read_text("utf-8"))
    cat = catalogue("zh")
    assert package.questions
    for question in package.questions:
        assert question.quotes
        for path, value in question.quotes:
            assert _at(results, path) == value, path
        assert say(cat, question.text) in page
    for row in package.improvements:
        for path, value in row.quotes:
            assert _at(results, path) == value, path


def test_three_to_five_questions_per_module(package):
    for module in package.modules:
        count = sum(1 for q in package.questions if q.module == module.id)
        assert MIN_PER_MODULE <= count <= MAX_PER_MODULE, module.id


def test_every_quoted_interval_and_share_is_shown_in_the_question(package):
    cat = catalogue("en")
    for question in package.questions:
        text = say(cat, question.text)
        for path, value in question.quotes:
            if path[-1] in ("ci95_mean", "deadline_met_ci95"):
                assert cat.interval(value, share=path[-1] == "deadline_met_ci95") in text
            elif path[-1] in ("share_of_latency", "on_path_share", "deadline_met_share"):
                assert cat.share(value) in text

"""Which language a report is written in: ``--lang`` / ``lang=``, else the scenario's
``language:``, else English; the three lists of languages agree."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from preparedness.cli import arguments
from preparedness.errors import UsageError
from preparedness.experiment.story import RULES
from preparedness.reports.i18n import LANGUAGES
from preparedness.results import report_language
from preparedness.scenario.load import load_scenario
from preparedness.scenario.models import Scenario

RELAY = Path(__file__).resolve().parents[2] / "scenarios" / "ningbo_relay.yaml"


def test_the_scenario_field_the_cli_and_the_catalogue_know_the_same_languages() -> None:
    field = Scenario.model_fields["language"]
    assert typing.get_args(field.annotation) == LANGUAGES == arguments.LANGUAGES
    assert field.default == LANGUAGES[0] == "en"
    assert arguments.TRACE_RULES == RULES


def test_lang_overrides_the_scenario_which_overrides_english() -> None:
    scenario = load_scenario(RELAY).scenario
    assert scenario.language == "en"
    chinese = scenario.model_copy(update={"language": "zh"})
    assert report_language(scenario, None) == "en"
    assert report_language(chinese, None) == "zh"
    assert report_language(chinese, "en") == "en"
    with pytest.raises(UsageError, match="no report language 'fr'"):
        report_language(scenario, "fr")


def test_a_scenario_file_may_ask_for_chinese_reports(tmp_path) -> None:
    text = RELAY.read_text("utf-8").replace("\nseed:", "\nlanguage: zh\nseed:", 1)
    assert "language: zh" in text
    path = tmp_path / "zh.yaml"
    path.write_text(text, "utf-8")
    assert load_scenario(path).scenario.language == "zh"

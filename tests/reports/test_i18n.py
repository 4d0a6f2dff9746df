"""The language catalogue: both languages hold the same keys with the same parameters, and
every milestone, cause and mode the engine can name has words in both."""

from __future__ import annotations

from pathlib import Path

import pytest

from preparedness.analysis.critical_path import CAUSES
from preparedness.reports.figures import CAUSE_COLOURS
from preparedness.reports.i18n import (
    LANGUAGES,
    CatalogueError,
    catalogue,
    isolate,
    label_params,
    milestone_label,
    template_fields,
    translate,
)


def test_every_key_exists_in_both_languages_with_the_same_parameters() -> None:
    en, zh = catalogue("en").messages, catalogue("zh").messages
    assert sorted(en) == sorted(zh)
    for key in en:
        assert template_fields(en[key]) == template_fields(zh[key]), key


def test_a_missing_key_and_wrong_parameters_are_errors() -> None:
    with pytest.raises(CatalogueError, match="no message 'no.such.key'"):
        translate("en", "no.such.key")
    with pytest.raises(CatalogueError, match=r"takes \['value'\], was given \[\]"):
        translate("zh", "unit.minutes")
    with pytest.raises(CatalogueError, match="was given"):
        translate("en", "unit.minutes", value=1, extra=2)
    with pytest.raises(CatalogueError, match="no catalogue for language 'fr'"):
        catalogue("fr")


def test_numbers_minutes_and_shares_follow_the_language() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert en.number(1234.5, 1) == "1,234.5"
    assert en.minutes(1234.4) == "1,234 min"
    assert zh.minutes(1234.4) == "1,234 分钟"
    assert en.minutes(8.57) == "8.6 min"
    assert en.share(0.423) == "42%"
    assert en.minutes(None) == "—"
    assert en.interval([-8.9, -6.5]) == "−8.9 to −6.5 min"
    assert zh.interval([0.02, 0.1], share=True) == "2–10%"
    assert en.number(-0.2, 0) == "0"


def test_every_cause_of_the_delay_split_has_words_and_a_colour() -> None:
    for lang in LANGUAGES:
        for cause in CAUSES:
            assert translate(lang, f"cause.{cause}")
    assert set(CAUSE_COLOURS) == set(CAUSES)


def test_every_milestone_of_a_real_run_has_words_in_both_languages(
    relay, warning, supplies
) -> None:
    seen = set()
    for run in (relay, warning, supplies):
        for incident in run.results["incidents"]:
            for row in incident["milestones"]:
                english = milestone_label(row["id"], row["label"], catalogue("en"))
                assert english == row["label"]  # the catalogue reproduces the engine's words
                assert milestone_label(row["id"], row["label"], catalogue("zh"))
                seen.add(row["id"].split(":")[0])
    assert {
        "detected",
        "report",
        "plan_activated",
        "ordered",
        "reported_in",
        "warned",
        "on_scene",
        "supplied",
        "depot_opened",
    } <= seen


def test_names_are_recovered_from_the_english_label_as_written() -> None:
    assert label_params("ordered:police", "派出所 (police) ordered") == {
        "department": "派出所 (police)"
    }
    assert milestone_label("plan_activated", "Plan '防汛' activated", catalogue("zh")) == (
        "预案启动（防汛）"
    )
    with pytest.raises(CatalogueError, match="does not match"):
        label_params("ordered:police", "something else")


def test_a_bidi_override_in_a_name_is_isolated() -> None:
    assert isolate("临江镇") == "临江镇"
    assert isolate("a\u202eb") == "\u2068a\u202eb\u2069"
    assert translate("en", "section.incident", name="x\u202ey") == "\u2068x\u202ey\u2069"


@pytest.mark.parametrize("path", sorted(Path("scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_milestone_a_reference_scenario_defines_has_words(path: Path) -> None:
    """Static check over every reference scenario (call-out milestones included), so a new
    milestone kind cannot reach a report without words in both languages."""
    from preparedness.analysis.milestones import milestone_definitions
    from preparedness.scenario.load import load_scenario

    scenario = load_scenario(path).scenario
    for incident in scenario.incidents:
        for definition in milestone_definitions(scenario, incident):
            english = milestone_label(definition.id, definition.label, catalogue("en"))
            assert english == definition.label
            assert milestone_label(definition.id, definition.label, catalogue("zh"))

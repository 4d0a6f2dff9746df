"""The committed scenario reference page matches what the generator makes from the models."""

from pathlib import Path

from preparedness.scenario.base import ID_RULE
from preparedness.scenario.reference import (
    fields_without_description,
    scenario_reference_markdown,
)
from preparedness.scenario.schema import scenario_json_schema

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "scenario.md"


def test_committed_page_is_current():
    expected = scenario_reference_markdown()
    current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    assert current == expected, (
        "docs/reference/scenario.md is out of date with the scenario models; "
        "regenerate it with: python docs/gen_reference.py"
    )


def test_every_model_reachable_from_scenario_is_listed():
    text = scenario_reference_markdown()
    for name in ("Scenario", "PhoneChannel", "PlatformChannel", "Depot", "Lot", "SetChange"):
        assert f"\n### {name}\n" in text
    for tag in (
        "constant",
        "lognormal",
        "triangular",
        "pert",
        "exponential",
        "uniform",
        "empirical",
    ):
        assert f"\n### {tag}\n" in text


def test_field_rows_use_yaml_keys_planner_types_and_defaults():
    text = scenario_reference_markdown()
    # Aliases, not Python names: a Link is written with from/to.
    assert "| `from` | id |  | **required** | Role that reports. |" in text
    assert "| `answer_probability` | probability 0–1, or by day and night | 0–1 | `0.85` |" in text
    assert "| `horizon` | duration > 0, e.g. `15m` | d / h / m / s | `24h` |" in text
    assert "`{lognormal: {median: 1m30s, p90: 4m}}`" in text
    assert "| `x_km` | number | km | `0` |" in text


def test_output_is_stable():
    assert scenario_reference_markdown() == scenario_reference_markdown()


def test_every_field_has_a_description():
    assert fields_without_description() == []


def test_field_typed_identifier_keeps_its_own_docstring():
    text = scenario_reference_markdown()
    assert "| `place` | id |  | **required** | The community, township or district" in text


def test_schema_descriptions_are_the_fields_own_docstrings():
    defs = scenario_json_schema()["$defs"]
    assert defs["Link"]["properties"]["from"]["description"] == "Role that reports."
    assert defs["Team"]["properties"]["leader"]["description"].startswith("Role whose post")
    assert defs["Depot"]["properties"]["place"]["description"].startswith("The community,")
    # The id rule is still said, as the pattern's message, where no docstring applies.
    chain_items = defs["Department"]["properties"]["chain"]["items"]
    assert chain_items["patternErrorMessage"] == ID_RULE
    assert "description" not in chain_items

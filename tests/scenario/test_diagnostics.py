"""Pydantic errors become located, planner-worded diagnostics (exact strings, exact places)."""

from __future__ import annotations

import pickle
import textwrap
from enum import Enum
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from preparedness.scenario.diagnostics import (
    Diagnostic,
    ScenarioError,
    diagnostics_from_validation_error,
    format_field_path,
    locate,
)
from preparedness.scenario.yaml_source import parse_yaml_text

FILE = "scenarios/x.yaml"
STRICT = ConfigDict(frozen=True, extra="forbid")


# A throwaway model with the shapes the real scenario uses -----------------------------------


class Ambulance(BaseModel):
    model_config = STRICT
    type: Literal["ambulance"]
    crew: int = Field(ge=1)

    @model_validator(mode="after")
    def seats(self) -> Ambulance:
        if self.crew > 6:
            raise ValueError("an ambulance seats at most 6 crew")
        return self


class FireEngine(BaseModel):
    model_config = STRICT
    type: Literal["fire_engine"]
    ladder_m: float = Field(gt=0, le=60)


Unit = Annotated[Ambulance | FireEngine, Field(discriminator="type")]


class Severity(Enum):
    MINOR = "minor"
    MAJOR = "major"


class Team(BaseModel):
    model_config = STRICT
    name: str
    size: int = Field(ge=1)
    kind: Literal["medical", "rescue", "logistics"] = "rescue"
    share: float = Field(default=0.5, lt=1.0)
    on_call: bool = True

    @field_validator("name")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a team needs a name")
        if value == "?":
            raise ValueError("a name like '?'\n  tells nobody who to call")
        return value

    @field_validator("size")
    @classmethod
    def not_a_crowd(cls, value: int) -> int:
        if value > 500:  # not `assert`: pytest would rewrite its message in this module
            raise AssertionError("a team of more than 500 is a crowd; split it")
        return value


class PlainA(BaseModel):
    model_config = STRICT
    x: int = 1


class PlainB(BaseModel):
    model_config = STRICT
    y: int = 1


class Scenario(BaseModel):
    model_config = STRICT
    name: str
    teams: list[Team]
    units: list[Unit] = []
    zones: dict[str, int] = {}
    codes: dict[int, str] = {}
    severity: Severity = Severity.MINOR
    region: str = Field(default="ABC", pattern=r"^[A-Z]{3}$")
    plain: PlainA | PlainB | None = None
    limit: Annotated[int, Field(ge=1)] | Annotated[float, Field(ge=1)] = 1


BASE = """\
name: Riverside flood
teams:
  - name: medics
    size: 4
  - name: boats
    size: 2
"""


def problems(text: str) -> list[str]:
    """Parse, validate against the throwaway model, return the diagnostics as printed."""
    document = parse_yaml_text(textwrap.dedent(text), FILE)
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(document.data)
    found = diagnostics_from_validation_error(caught.value, FILE, document.root)
    return str(ScenarioError(found)).splitlines()


# Wording and position for each kind of error -------------------------------------------------


def test_the_valid_base_document_validates() -> None:
    assert Scenario.model_validate(parse_yaml_text(BASE, FILE).data).teams[1].size == 2


def test_misspelt_key_points_at_the_key_and_its_block_misses_the_real_one() -> None:
    assert problems(BASE.replace("    size: 2", "    sise: 2")) == [
        "scenarios/x.yaml:5:5: teams[1]: required key 'size' is missing in this block",
        "scenarios/x.yaml:6:5: teams[1].sise: unknown key 'sise'; check the spelling",
    ]


def test_unknown_top_level_key() -> None:
    assert problems(BASE + "colour: red\n") == [
        "scenarios/x.yaml:7:1: colour: unknown key 'colour'; check the spelling"
    ]


def test_missing_top_level_key_is_reported_at_the_top_block() -> None:
    assert problems(BASE.replace("name: Riverside flood\n", "")) == [
        "scenarios/x.yaml:1:1: required key 'name' is missing in this block"
    ]


def test_a_multi_line_validator_message_becomes_one_line() -> None:
    assert problems(BASE.replace("name: medics", "name: '?'")) == [
        "scenarios/x.yaml:3:11: teams[0].name: a name like '?' tells nobody who to call"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    size: 0", "4:11: teams[0].size: must be at least 1"),
        ("    size: 501", "4:11: teams[0].size: a team of more than 500 is a crowd; split it"),
        ("    size: abc", "4:11: teams[0].size: must be a whole number, not 'abc'"),
        ("    size: 2.5", "4:11: teams[0].size: must be a whole number, not 2.5"),
        ("    size: [1]", "4:11: teams[0].size: must be a whole number, not a list"),
        ("    size:", "4:10: teams[0].size: must be a whole number, not an empty value"),
        ("    size: 4\n    share: 1", "5:12: teams[0].share: must be less than 1"),
        ("    size: 4\n    share: lots", "5:12: teams[0].share: must be a number, not 'lots'"),
        (
            "    size: 4\n    on_call: maybe",
            "5:14: teams[0].on_call: must be true or false, not 'maybe'",
        ),
        (
            "    size: 4\n    kind: medic",
            "5:11: teams[0].kind: must be one of 'medical', 'rescue', 'logistics', not 'medic'",
        ),
    ],
)
def test_value_problems_point_at_the_value(line: str, expected: str) -> None:
    assert problems(BASE.replace("    size: 4", line)) == [f"{FILE}:{expected}"]


def test_blank_name_uses_the_validator_message_without_pydantic_prefix() -> None:
    assert problems(BASE.replace("name: medics", "name: ' '")) == [
        "scenarios/x.yaml:3:11: teams[0].name: a team needs a name"
    ]


TOP = "name: Riverside flood\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BASE.replace("Riverside flood", "42"), "1:7: name: must be text"),
        (TOP + "teams: medics\n", "2:8: teams: must be a list"),
        (TOP + "teams: [medics]\n", "2:9: teams[0]: must be a mapping of keys to values"),
        (BASE + "zones: [1, 2]\n", "7:8: zones: must be a mapping of keys to values"),
        (BASE + "severity: huge\n", "7:11: severity: must be one of 'minor', 'major', not 'huge'"),
        (BASE + "region: abcd\n", "7:9: region: string should match pattern '^[A-Z]{3}$'"),
        (BASE + "codes: {abc: x}\n", "7:9: codes.abc: must be a whole number, not 'abc'"),
        (
            BASE + "zones: {two words: many}\n",
            "7:20: zones['two words']: must be a whole number, not 'many'",
        ),
    ],
)
def test_shape_problems(text: str, expected: str) -> None:
    assert problems(text) == [f"{FILE}:{expected}"]


def test_long_input_values_are_cut_to_40_characters() -> None:
    long = "m" * 50
    assert problems(BASE.replace("    size: 4", f"    size: 4\n    kind: {long}")) == [
        f"{FILE}:5:11: teams[0].kind: must be one of 'medical', 'rescue', 'logistics', "
        f"not '{'m' * 40}...'"
    ]


def test_many_problems_are_reported_together_in_line_order() -> None:
    text = BASE.replace("    size: 4", "    size: 0\n    sise: 1").replace("size: 2", "size: x")
    assert problems(text) == [
        "scenarios/x.yaml:4:11: teams[0].size: must be at least 1",
        "scenarios/x.yaml:5:5: teams[0].sise: unknown key 'sise'; check the spelling",
        "scenarios/x.yaml:7:11: teams[1].size: must be a whole number, not 'x'",
    ]


# Discriminated unions: the tag in pydantic's loc is skipped ----------------------------------

UNITS = BASE + "units:\n  - type: ambulance\n    crew: 2\n  - type: fire_engine\n    ladder_m: 30\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("crew: 2", "crew: 0", ["9:11: units[0].crew: must be at least 1"]),
        ("crew: 2", "crew: 7", ["8:5: units[0]: an ambulance seats at most 6 crew"]),
        ("ladder_m: 30", "ladder_m: 0", ["11:15: units[1].ladder_m: must be more than 0"]),
        ("ladder_m: 30", "ladder_m: 61", ["11:15: units[1].ladder_m: must be at most 60"]),
        (
            "crew: 2",
            "crew: 2\n    ladder_m: 9",
            ["10:5: units[0].ladder_m: unknown key 'ladder_m'; check the spelling"],
        ),
        (
            "crew: 2",
            "staff: 2",
            [
                "8:5: units[0]: required key 'crew' is missing in this block",
                "9:5: units[0].staff: unknown key 'staff'; check the spelling",
            ],
        ),
        (
            "type: fire_engine",
            "type: firetruck",
            ["10:11: units[1].type: must be one of 'ambulance', 'fire_engine', not 'firetruck'"],
        ),
        (
            "type: fire_engine",
            "kind: fire_engine",
            [
                "10:5: units[1]: required key 'type' is missing in this block",
            ],
        ),
    ],
)
def test_union_members(old: str, new: str, expected: list[str]) -> None:
    assert problems(UNITS.replace(old, new)) == [f"{FILE}:{e}" for e in expected]


def test_identical_problems_from_plain_union_members_are_merged() -> None:
    # Plain unions report every member's failure; both say the same thing at the same place.
    assert problems(BASE + "plain: {z: 1}\nlimit: 0\n") == [
        "scenarios/x.yaml:7:9: plain.z: unknown key 'z'; check the spelling",
        "scenarios/x.yaml:8:8: limit: must be at least 1",
    ]


# Anchors, aliases and merge keys -------------------------------------------------------------


def test_value_reached_through_an_alias_is_reported_at_the_anchor() -> None:
    text = "x-crew: &small 0\n" + BASE.replace("size: 4", "size: *small")
    document = parse_yaml_text(text, FILE)
    data = {k: v for k, v in document.data.items() if not k.startswith("x-")}
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    assert [
        str(d) for d in diagnostics_from_validation_error(caught.value, FILE, document.root)
    ] == ["scenarios/x.yaml:1:9: teams[0].size: must be at least 1"]


def test_merge_key_last_one_wins_like_the_data() -> None:
    text = (
        "name: Riverside flood\n"
        "teams:\n"
        "  - &base {name: medics, size: 0}\n"
        "  - <<: *base\n"
        "    size: 3\n"
        "  - <<: *base\n"
        "    name: boats\n"
    )
    # teams[1] overrides size; teams[2] inherits size 0 from the anchor on line 3.
    assert problems(text) == [
        "scenarios/x.yaml:3:32: teams[0].size: must be at least 1",
        "scenarios/x.yaml:3:32: teams[2].size: must be at least 1",
    ]


# The walker and the path formatter on their own ----------------------------------------------


@pytest.fixture
def root():
    return parse_yaml_text(UNITS, FILE).root


def test_format_field_path_without_a_document() -> None:
    assert format_field_path(("teams", 2, "size")) == "teams[2].size"
    assert format_field_path(("zones", "north", "[key]")) == "zones.north"
    assert format_field_path(("zones", "two words")) == "zones['two words']"
    assert (
        format_field_path(("places", "下涧槽社区", "population")) == "places.下涧槽社区.population"
    )
    assert format_field_path(()) == ""


def test_format_field_path_skips_union_tags_given_the_document(root) -> None:
    assert format_field_path(("units", 0, "ambulance", "crew"), root) == "units[0].crew"
    assert format_field_path(("units", 0, "ambulance"), root) == "units[0]"
    # A key the block lacks (a defaulted field named by a cross-check) is kept.
    assert format_field_path(("teams", 1, "kind"), root) == "teams[1].kind"


def test_locate(root) -> None:
    assert locate(root, ("teams", 0, "size")) == (4, 11, True)
    assert locate(root, ("teams", 0, "size"), want_key=True) == (4, 5, True)
    assert locate(root, ("teams", 0, "kind")) == (3, 5, False)  # parent block
    assert locate(root, ("units", 1, "fire_engine", "ladder_m")) == (11, 15, True)
    assert locate(root, ()) == (1, 1, True)
    assert locate(None, ("teams",)) == (1, 1, False)


def test_diagnostic_and_error_text() -> None:
    late = Diagnostic("scenarios/x.yaml", 42, 7, "teams[2].size", "must be at least 1")
    early = Diagnostic("scenarios/x.yaml", 3, 1, "", "duplicate key 'name' (first given on line 1)")
    assert str(late) == "scenarios/x.yaml:42:7: teams[2].size: must be at least 1"
    assert str(early) == "scenarios/x.yaml:3:1: duplicate key 'name' (first given on line 1)"
    error = ScenarioError([late, early])
    assert error.diagnostics == [early, late]
    assert str(error) == f"{early}\n{late}"
    assert pickle.loads(pickle.dumps(error)).diagnostics == [early, late]


def test_without_a_node_tree_everything_is_at_the_top() -> None:
    error = ValidationError.from_exception_data(
        "Scenario",
        [
            {"type": "missing", "loc": ("teams", 0, "size"), "input": {}},
            {"type": "missing", "loc": ("teams", 0, "size"), "input": {}},
        ],
    )
    assert [str(d) for d in diagnostics_from_validation_error(error, FILE, None)] == [
        "scenarios/x.yaml:1:1: teams[0]: required key 'size' is missing in this block"
    ]

"""Bad scenarios give exact, located, planner-worded diagnostics, and the CLI exits 2 on them.

Each file in ``bad/`` is ``bad/_valid_minimal.yaml`` with one defect (a few carry several, to
show they are reported together in line order). The table below holds the exact lines
``python -m preparedness validate tests/scenario/bad/<name>.yaml`` must print, without the
file name, which is the name given on the command line. Defects that cannot live in a text
file (bytes that are not UTF-8, 100 nested brackets) are written into ``tmp_path``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from preparedness.cli import main
from preparedness.scenario import models
from preparedness.scenario.diagnostics import ScenarioError
from preparedness.scenario.distributions import DISTRIBUTION_NAMES
from preparedness.scenario.load import load_scenario
from tests.scenario import bad_resources_table as resources

REPO = Path(__file__).resolve().parents[2]
BAD = Path(__file__).resolve().parent / "bad"
SHOWN_DIR = "tests/scenario/bad"  # how the files are named on the command line, from REPO
VALID = BAD / "_valid_minimal.yaml"


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


# The choices a message lists are the ones the models accept, in the models' order.
LEVELS = _quoted(level.value for level in models.Level)
MODES = _quoted(get_args(models.CommandModeName))
CHANNEL_KINDS = _quoted(
    get_args(member.model_fields["kind"].annotation)[0]
    for member in get_args(get_args(models.Channel)[0])
)
DISTRIBUTIONS = ", ".join(DISTRIBUTION_NAMES)

COMMUNITY = "places.townships[0].communities[0]"
NO_UNIT = "write a unit, e.g. '15m' (minutes), '90s' or '2h30m'"

#: fixture name -> the exact diagnostics, after `tests/scenario/bad/<name>.yaml:`.
EXPECTED: dict[str, list[str]] = {
    # ---- YAML and the file itself
    "empty": ["1:1: the file is empty"],
    "only_comments": ["1:1: the file is empty"],
    "top_level_list": [
        "2:1: the top level must be a mapping of keys (name:, places:, ...), not a list"
    ],
    # The parser notices at the next line's '{'; the message must say which '{' is open.
    "yaml_syntax_error": [
        "50:7: could not parse YAML: expected ',' or '}', but got '{' "
        "(the '{' on line 49 is never closed)"
    ],
    "tab_indentation": ["27:1: tab character used for indentation; use spaces"],
    "duplicate_key": ["25:5: roles[0].level: duplicate key 'level' (first given on line 24)"],
    "alias_bomb": ["12:12: aliases expand to more than 200,000 values; simplify the file"],
    # ---- single fields
    "unknown_key": [
        f"11:11: {COMMUNITY}: required key 'population' is missing in this block",
        f"13:11: {COMMUNITY}.populaton: unknown key 'populaton'; check the spelling",
    ],
    "wrong_type": [f"13:23: {COMMUNITY}.population: must be a whole number, not 'many'"],
    "negative_population": [f"13:23: {COMMUNITY}.population: must be at least 1"],
    "zero_staff": ["31:12: roles[2].staff: must be at least 1"],
    "lognormal_p90_below_median": [
        "20:46: channels[0].talk_time.lognormal.p90: p90 must be greater than median"
    ],
    "duration_in_words": [
        "19:21: channels[0].retry_interval: '15 minutes' is not a duration; "
        "write e.g. '90s', '15m', '2h30m' or '3d'"
    ],
    "bare_number_duration": [f"19:21: channels[0].retry_interval: {NO_UNIT}"],
    "probability_above_one": ["18:25: channels[0].answer_probability: must be between 0 and 1"],
    "probability_above_one_at_night": [
        "18:44: channels[0].answer_probability.night: must be between 0 and 1"
    ],
    "unknown_distribution": [
        f"20:16: channels[0].talk_time: unknown distribution 'gamma'; use one of {DISTRIBUTIONS}"
    ],
    "unknown_channel_kind": [
        f"17:11: channels[0].kind: must be one of {CHANNEL_KINDS}, not 'telegraph'"
    ],
    "command_mode_typo": [f"46:9: command.mode: must be one of {MODES}, not 'siloed'"],
    "start_without_time_zone": ["3:8: start: must include a time zone, like +08:00"],
    "nan_value": [f"15:26: {COMMUNITY}.share_elderly: must be a finite number"],
    "inf_value": ["10:24: places.townships[0].location.x_km: must be a finite number"],
    # YAML 1.1 would read `no` as false; here it stays the word the planner wrote.
    "yaml11_no": [f"27:12: roles[1].level: must be one of {LEVELS}, not 'no'"],
    # ---- rules between the fields of one block: pointed at the field to change
    "households_exceed_population": [
        f"14:23: {COMMUNITY}.households: households (9100) cannot exceed population (8200)"
    ],
    "per_1000_on_township_role": [
        "32:25: roles[2].per_1000_residents: "
        "per_1000_residents is only allowed for roles at grid level"
    ],
    "social_security_with_level": [
        "62:12: incidents[0].level: social-security incidents carry no level "
        "(Emergency Response Law, Art. 3); remove 'level'"
    ],
    "incident_without_level": [
        "59:5: incidents[0]: this incident needs a 'level' (I, II, III or IV)"
    ],
    "whistle_without_block": [
        "46:3: command: command mode 'whistle_and_report' needs a 'whistle:' block"
    ],
    # ---- cross-references
    # One typo, one problem: the broken link is not reported again as an unreachable chain.
    "dangling_role": [
        "48:31: command.links[0].to: no role has id 'comunity_secretary'; "
        "did you mean 'community_secretary'?"
    ],
    "duplicate_role_id": ["39:9: roles[5].id: role id 'grid_worker' is already used by roles[0]"],
    "community_id_is_township_id": [
        f"11:15: {COMMUNITY}.id: place id 'linjiang' is already used by places.townships[0]"
    ],
    "unreachable_detector": [
        "63:18: incidents[0].detected_by: a report from 'grid_worker' cannot reach district "
        "level: no chain of links leads up from it (check command.links)",
        "63:18: incidents[0].detected_by: a report from 'grid_worker' never reaches anyone "
        "who may activate plan 'flood_plan' (township_head)",
    ],
    "command_cycle": [
        "52:7: command.links[4]: the reporting chain goes round in a circle: "
        "township_head -> police_station -> township_head"
    ],
    "link_downward": [
        "51:34: command.links[3].to: 'police_station' (township) cannot report to "
        "'grid_worker' (grid), a lower level; swap 'from' and 'to'"
    ],
    "plan_does_not_cover": [
        "65:11: incidents[0].plan: plan 'flood_plan' covers natural_disaster incidents of "
        "level III, IV, not this one"
    ],
    "no_plan_covers": [
        "61:15: incidents[0].category: no plan covers natural_disaster incidents of level I; "
        "add one to 'plans' or name one with 'plan:'"
    ],
    "plan_without_activator": [
        "51:9: plans[0].id: no role may activate plan 'flood_plan'; add it to some role's "
        "authority.activate_plans"
    ],
    "siloed_answers_to_unreachable": [
        "57:22: plans[0].departments[0].department: under siloed relay the order for 'police' "
        "must go from 'township_head' up to 'police_station', but no chain of links leads there"
    ],
    # ---- several problems in one file: all of them, sorted by line
    "several_problems": [
        f"13:23: {COMMUNITY}.population: must be a whole number, not 'many'",
        f"17:11: channels[0].kind: must be one of {CHANNEL_KINDS}, not 'telegraph'",
        f"46:9: command.mode: must be one of {MODES}, not 'siloed'",
        "65:15: replications: must be at least 1",  # written last, checked early
    ],
    "several_cross_references": [
        "43:17: departments[0].answers_to: no role has id 'district_ofice'; "
        "did you mean 'district_office'?",
        "48:31: command.links[0].to: no role has id 'comunity_secretary'; "
        "did you mean 'community_secretary'?",
        "63:16: incidents[0].community: no community has id 'xiajiancoa'; "
        "did you mean 'xiajiancao'?",
    ],
}


def _not_utf8(valid: bytes) -> bytes:
    """The township's name saved as GBK, as an editor set to the Chinese locale might."""
    line = "      name: 临江镇\n"
    assert valid.count(line.encode()) == 1
    return valid.replace(line.encode(), b"      name: " + "临江镇".encode("gbk") + b"\n")


def _utf16(valid: bytes) -> bytes:
    return valid.decode("utf-8").encode("utf-16")


def _deep(valid: bytes) -> bytes:
    """100 nested lists under an extension key, which the loader would otherwise ignore."""
    text = valid.decode("utf-8")
    assert text.count("horizon: 6h\n") == 1
    deep = "x-deep: " + "[" * 100 + "]" * 100 + "\n"
    return text.replace("horizon: 6h\n", "horizon: 6h\n" + deep).encode()


#: generated fixture -> (bytes from the valid file's bytes, exact diagnostics after `name:`).
GENERATED = {
    "not_utf8.yaml": (
        _not_utf8,
        ["10:13: not valid UTF-8 text (byte 0xc1); save the file as UTF-8"],
    ),
    "utf16.yaml": (_utf16, ["1:1: the file is saved as UTF-16 text; save it as UTF-8"]),
    # Line 6 is `x-deep: [[[...`; the 64th '[' (column 8 + 64) is one level too many.
    "deep_nesting.yaml": (_deep, ["6:72: nested more than 64 levels deep"]),
}


#: Every fixture on disk: "<folder>/<name>" -> (file, name shown, expected lines); the
#: resource fixtures (teams, roads, items, depots) sit in their own folder with their own table.
FIXTURES = {
    **{
        f"{SHOWN_DIR}/{n}": (BAD / f"{n}.yaml", f"{SHOWN_DIR}/{n}.yaml", lines)
        for n, lines in EXPECTED.items()
    },
    **{
        f"{resources.SHOWN_DIR}/{n}": (
            resources.BAD / f"{n}.yaml",
            f"{resources.SHOWN_DIR}/{n}.yaml",
            lines,
        )
        for n, lines in resources.EXPECTED.items()
    },
}


def _summary(count: int) -> str:
    return f"{count} problem{'s' if count != 1 else ''} found; nothing was run."


def _validate_in_process(monkeypatch, capsys, cwd: Path, file: str) -> tuple[int, str, str]:
    """`preparedness validate FILE` from `cwd`, in this process (a subprocess per fixture
    would cost a second each; `test_cli_subprocess_reports_every_fixture` covers the real one)."""
    monkeypatch.chdir(cwd)
    code = main(["validate", file])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------------------------


def test_valid_minimal_loads_cleanly(monkeypatch, capsys):
    loaded = load_scenario(VALID, display_name=f"{SHOWN_DIR}/_valid_minimal.yaml")
    assert loaded.scenario.name == "临江镇 — minimal"
    assert [r.id for r in loaded.scenario.roles] == [
        "grid_worker",
        "community_secretary",
        "township_head",
        "district_office",
        "police_station",
    ]
    code, out, err = _validate_in_process(
        monkeypatch, capsys, REPO, f"{SHOWN_DIR}/_valid_minimal.yaml"
    )
    assert (code, out, err) == (0, f"{SHOWN_DIR}/_valid_minimal.yaml: ok (临江镇 — minimal)\n", "")


def test_every_fixture_has_expected_diagnostics():
    on_disk = {path.stem for path in BAD.glob("*.yaml")} - {VALID.stem}
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) + len(GENERATED) >= 30
    on_disk = {path.stem for path in resources.BAD.glob("*.yaml")} - {resources.VALID.stem}
    assert on_disk == set(resources.EXPECTED)


def test_valid_resources_loads_cleanly(monkeypatch, capsys):
    scenario = load_scenario(resources.VALID).scenario
    assert [t.id for t in scenario.teams] == ["volunteers", "rescue"]
    assert [d.id for d in scenario.depots] == ["linjiang_depot", "xiajiancao_depot"]
    assert len(scenario.travel.roads) == 6
    shown = f"{resources.SHOWN_DIR}/_valid_resources.yaml"
    code, _out, err = _validate_in_process(monkeypatch, capsys, REPO, shown)
    assert (code, err) == (0, "")


@pytest.mark.parametrize("case", sorted(FIXTURES))
def test_load_scenario_reports_exactly(case):
    path, shown, lines = FIXTURES[case]
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, display_name=shown)
    assert [str(d) for d in caught.value.diagnostics] == [f"{shown}:{e}" for e in lines]


@pytest.mark.parametrize("case", sorted(FIXTURES))
def test_cli_validate_prints_them_and_exits_2(case, monkeypatch, capsys):
    _path, shown, lines = FIXTURES[case]
    code, out, err = _validate_in_process(monkeypatch, capsys, REPO, shown)
    expected = [f"{shown}:{e}" for e in lines] + [_summary(len(lines))]
    assert code == 2
    assert out == ""
    assert err.splitlines() == expected


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_file(name, tmp_path, monkeypatch, capsys):
    make, lines = GENERATED[name]
    (tmp_path / name).write_bytes(make(VALID.read_bytes()))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / name, display_name=name)
    assert [str(d) for d in caught.value.diagnostics] == [f"{name}:{e}" for e in lines]
    code, out, err = _validate_in_process(monkeypatch, capsys, tmp_path, name)
    assert code == 2
    assert err.splitlines() == [f"{name}:{e}" for e in lines] + [_summary(len(lines))]


def test_cli_subprocess_reports_every_fixture():
    """The real `python -m preparedness validate` on all fixtures at once: exit 2, every
    expected line on stderr, nothing on stdout, no traceback. (The order of lines across
    files is tested in tests/cli.)"""
    cases = [FIXTURES[case] for case in sorted(FIXTURES)]
    done = subprocess.run(
        [sys.executable, "-m", "preparedness", "validate", *(shown for _, shown, _ in cases)],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    expected = [f"{shown}:{e}" for _, shown, lines in cases for e in lines]
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[-1] == _summary(len(expected))
    assert sorted(lines[:-1]) == sorted(expected)

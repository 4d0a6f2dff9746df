"""Scenario problems say the same thing in both catalogues: every ``diag.*`` entry renders
to exactly the English the scenario layer writes, and ``--lang zh`` prints the Chinese
words at the same ``file:line:col: field:`` as the English lines."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from preparedness.cli import main
from preparedness.cli.console import EXIT_BAD_INPUT, diagnostic_line
from preparedness.reports.i18n import Catalogue, catalogue, template_fields
from preparedness.scenario.diagnostics import Diagnostic, ScenarioError
from preparedness.scenario.lints import scenario_warnings
from preparedness.scenario.load import validate_document
from preparedness.scenario.wording import Words, words
from preparedness.scenario.yaml_source import read_yaml

BAD = Path(__file__).resolve().parent / "bad"
FIXTURES = sorted(p for p in BAD.rglob("*.yaml") if not p.name.startswith("_"))
CJK = re.compile(r"[\u3400-\u9fff]")


def _diagnostics(path: Path) -> list[Diagnostic]:
    """What the loader (or, for a valid file, the lints) says about ``path``."""
    try:
        document = read_yaml(path)
        scenario = validate_document(document)
    except ScenarioError as error:
        return error.diagnostics
    return scenario_warnings(scenario, document)


DIAGNOSTICS = [d for path in FIXTURES for d in _diagnostics(path)]
#: The en catalogue under another name, so ``diagnostic_line`` renders every keyed message
#: from the catalogue instead of printing the English message as it is.
_ENGLISH_FROM_CATALOGUE = Catalogue("en-catalogue", catalogue("en").messages)


def _diag_keys(lang: str) -> dict[str, str]:
    return {k: v for k, v in catalogue(lang).messages.items() if k.startswith("diag.")}


def test_every_diag_key_is_in_both_catalogues_with_the_same_parameters() -> None:
    en, zh = _diag_keys("en"), _diag_keys("zh")
    assert en and sorted(en) == sorted(zh)
    for key in en:
        assert template_fields(en[key]) == template_fields(zh[key]), key
        # Chinese words, or nothing to translate: only parameters, quotes and spaces
        bare = re.sub(r"\{\w+\}", "", zh[key])
        assert CJK.search(bare) or not re.search(r"[A-Za-z]", bare), key


def test_the_bad_fixtures_give_keyed_diagnostics() -> None:
    assert len(FIXTURES) > 60
    keyed = [d for d in DIAGNOSTICS if d.key]
    assert len(keyed) >= 0.9 * len(DIAGNOSTICS), f"{len(keyed)} of {len(DIAGNOSTICS)} keyed"


@pytest.mark.parametrize("diagnostic", DIAGNOSTICS, ids=str)
def test_english_rendering_is_the_english_line(diagnostic: Diagnostic) -> None:
    """The en catalogue says exactly what the scenario layer wrote, key for key."""
    assert diagnostic_line(diagnostic, catalogue("en")) == str(diagnostic)
    if diagnostic.key:
        assert diagnostic_line(diagnostic, _ENGLISH_FROM_CATALOGUE) == str(diagnostic)


@pytest.mark.parametrize("diagnostic", [d for d in DIAGNOSTICS if d.key], ids=str)
def test_chinese_rendering_keeps_the_place_and_the_field(diagnostic: Diagnostic) -> None:
    line = diagnostic_line(diagnostic, catalogue("zh"))
    where = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}: "
    assert line.startswith(where)
    if diagnostic.field:
        assert f": {diagnostic.field}: " in line
    assert CJK.search(line.removeprefix(where)), line


def test_a_message_without_a_key_stays_english_in_chinese() -> None:
    plain = Diagnostic("x.yaml", 3, 4, "teams[0]", "something only said in English")
    assert diagnostic_line(plain, catalogue("zh")) == str(plain)
    unknown = Diagnostic("x.yaml", 3, 4, "", words("no_such_key", "kept as written"))
    assert diagnostic_line(unknown, catalogue("zh")) == "x.yaml:3:4: kept as written"


def test_a_warning_says_warning_in_chinese() -> None:
    shown = words("at_least", "must be at least 2", bound="2")
    warning = Diagnostic("x.yaml", 1, 2, "a.b", shown, severity="warning")
    assert str(warning) == "x.yaml:1:2: warning: a.b: must be at least 2"
    assert diagnostic_line(warning, catalogue("zh")) == "x.yaml:1:2: 警告: a.b: 必须不小于 2"


def test_words_survive_pickling_and_compare_as_text() -> None:
    """Diagnostics come back from worker processes pickled; the key must come with them."""
    shown = words("one_of", "must be one of 'a', not a list", choices="'a'", value=Words("a list"))
    again = pickle.loads(pickle.dumps(Diagnostic("f", 1, 1, "x", shown)))
    assert again.key == "one_of" and again.params["choices"] == "'a'"
    assert again == Diagnostic("f", 1, 1, "x", "must be one of 'a', not a list")


def test_a_chinese_run_of_a_bad_scenario_prints_chinese_at_the_same_places(
    tmp_path, capsys
) -> None:
    bad = BAD / "unknown_key.yaml"
    assert main(["validate", str(bad)]) == EXIT_BAD_INPUT
    english = capsys.readouterr().err.splitlines()
    args = ["run", "-n", "2", "--workers", "0", "-q", "--out", str(tmp_path), "--lang", "zh"]
    args.append(str(bad))
    assert main(args) == EXIT_BAD_INPUT
    chinese = capsys.readouterr().err.splitlines()
    assert len(chinese) == len(english) == 3
    assert chinese[-1] == "发现 2 个问题；未运行任何内容。"
    for en_line, zh_line in zip(english[:-1], chinese[:-1], strict=True):
        place = en_line.split(": ")[0] + ": " + en_line.split(": ")[1] + ": "
        assert zh_line.startswith(place) and zh_line != en_line
        assert CJK.search(zh_line)


def _lint_cases() -> list[dict]:
    """Scenarios that each draw one kind of warning (``scenario/lints.py``)."""
    from tests.builders import incident, minimal_scenario, plan, role

    repeats = minimal_scenario()
    role(repeats, "grid_worker")["fallback"] = ["phone"]
    unreached, empty = minimal_scenario(), minimal_scenario()
    empty["places"]["townships"][0]["communities"][0]["share_without_smartphone"] = 0.0
    for data, warn in ((unreached, {"coverage": 0.9, "within": "1h"}), (empty, {"coverage": 0.9})):
        data["channels"].append({"id": "wechat", "kind": "group_message", "read_delay": "5m"})
        role(data, "community_secretary")["warns_households"] = {"group_message": "wechat"}
        plan(data)["warn"] = warn
    late = minimal_scenario(horizon="2h")
    late["incidents"] = [incident("flood", "c1", start_after="1h30m", observe_for="50m")]
    plan(late)["activate_within"] = "1h"
    plan(late)["notify"] = [{"level": "district", "within": "55m"}]
    spare = minimal_scenario()
    spare["roles"].append({"id": "spare_officer", "name": "spare", "level": "township"})
    return [repeats, unreached, empty, late, spare]


def test_warnings_say_the_same_in_both_catalogues(tmp_path) -> None:
    import yaml

    found = []
    for n, data in enumerate(_lint_cases()):
        path = tmp_path / f"s{n}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        found += _diagnostics(path)
    assert len(found) >= 5 and all(d.severity == "warning" and d.key for d in found)
    for diagnostic in found:
        assert diagnostic_line(diagnostic, _ENGLISH_FROM_CATALOGUE) == str(diagnostic)
        chinese = diagnostic_line(diagnostic, catalogue("zh"))
        assert ": 警告: " in chinese and CJK.search(chinese.split(": 警告: ")[1])


def _limit_cases() -> list[dict]:
    """Scenarios that each break one size limit (``scenario/check_limits.py``)."""
    from tests.builders import minimal_scenario, plan, role, township

    long_run = minimal_scenario(horizon="30d1s")
    cells = minimal_scenario()
    township(cells)["communities"][0]["grid_cells"] = 2_000_001
    ratio, own = minimal_scenario(), minimal_scenario()
    for data in (ratio, own):
        township(data)["communities"][0].update(population=1_000_001, households=300_000)
        role(data, "grid_worker")["per_1000_residents"] = 10
    township(own)["communities"][0]["staff_per_1000"] = {"grid_worker": 11}
    shifts = minimal_scenario()
    role(shifts, "grid_worker").update(
        staff=10_000, on_duty=[{"from": "08:00", "to": "20:00"}], handover="5m"
    )
    warned = []
    for area in ("incident_community", "township"):
        data = minimal_scenario()
        township(data)["communities"][0].update(population=5_000_001, households=5_000_001)
        data["channels"].append({"id": "wechat", "kind": "group_message"})
        role(data, "community_secretary")["warns_households"] = {"group_message": "wechat"}
        plan(data)["warn"] = {"area": area, "coverage": 0.9}
        warned.append(data)
    return [long_run, cells, ratio, own, shifts, *warned]


def test_size_limits_say_the_same_in_both_catalogues() -> None:
    import copy

    from preparedness.scenario.crosscheck import cross_check
    from preparedness.scenario.models import Scenario

    found = []
    for data in _limit_cases():
        found += cross_check(Scenario.model_validate(copy.deepcopy(data)))
    keys = {getattr(message, "key", "") for _loc, message in found}
    assert len(found) == 7 and "" not in keys, found
    assert {"staff_cost", "warned_too_many_township", "ratio_staff_own"} <= keys
    for loc, message in found:
        shown = Diagnostic("s.yaml", 1, 1, ".".join(map(str, loc)), message)
        assert diagnostic_line(shown, _ENGLISH_FROM_CATALOGUE) == str(shown)
        assert CJK.search(diagnostic_line(shown, catalogue("zh")).split(": ", 2)[2])


def test_call_out_shapes_say_the_same_in_both_catalogues() -> None:
    """Posts at the wrong kind of place, and a top-down incident asking for what needs a
    community (``scenario/check_callouts.py``), with the list of needs worded in Chinese."""
    import copy

    from preparedness.scenario.crosscheck import cross_check
    from preparedness.scenario.models import Scenario
    from tests.unit.test_engine_callout import calltree

    at_township = calltree()
    at_township["incidents"][0]["at"] = "t1"
    needs = calltree()
    needs["plans"][-1].update(warn={"coverage": 0.9}, teams=[])
    needs["incidents"][0]["affected"] = {"people": 10}
    needs["background_load"] = [{"id": "calls", "role": "leader", "calls_per_hour": 1}]
    found = []
    for data in (at_township, needs):
        found += cross_check(Scenario.model_validate(copy.deepcopy(data)))
    keys = [getattr(message, "key", "") for _loc, message in found]
    assert sorted(keys) == ["needs_community", "post_per_level", "post_per_level_at"], found
    for loc, message in found:
        shown = Diagnostic("s.yaml", 1, 1, ".".join(map(str, loc)), message)
        assert diagnostic_line(shown, _ENGLISH_FROM_CATALOGUE) == str(shown)
        chinese = diagnostic_line(shown, catalogue("zh"))
        assert CJK.search(chinese.split(": ", 2)[2]), chinese
        assert "warn households" not in chinese and "the district" not in chinese


def test_model_checks_say_the_same_in_both_catalogues(tmp_path) -> None:
    """Messages the models raise themselves (``ValueError`` in a validator) keep their key
    through the loader, so ``--lang zh`` words them too."""
    import yaml

    from tests.builders import incident, minimal_scenario, role

    data = minimal_scenario()
    role(data, "grid_worker")["decision_time"] = {"uniform": {"min": "5m", "max": "2m"}}
    role(data, "community_secretary")["decision_time"] = {"median": "2m", "p90": "5m"}
    role(data, "community_secretary")["on_duty"] = [{"from": "8:30 am", "to": "17:30"}]
    data["channels"][0]["ring_time"] = True
    data["incidents"].append(incident("both", "c1", at="t1"))
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    found = _diagnostics(path)
    keys = {d.key for d in found}
    expected = {"community_or_at", "distribution_keys", "max_above_min", "not_a_duration_bare"}
    # on_duty is "always" or a list of shifts: the bad shift also draws a one_of
    assert keys == {*expected, "not_clock_time", "one_of"}, found
    for diagnostic in found:
        assert diagnostic_line(diagnostic, _ENGLISH_FROM_CATALOGUE) == str(diagnostic)
        chinese = diagnostic_line(diagnostic, catalogue("zh"))
        assert CJK.search(chinese.split(f": {diagnostic.field}: ")[1]), chinese


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ("command_mode: {mode: joint_command_centre}", "after_change"),
        (
            "link_channel: {from: grid_worker, to: township_head, channel: phone}",
            "no_link_source_target",
        ),
        ('set: {path: "roles[nobody].staff", value: 2}', "path_no_item"),
        ('set: {path: "roles.staff[1]", value: 2}', "path_not_here"),
        ('set: {path: "roles[0].id[1]", value: 2}', "path_not_list"),
    ],
)
def test_intervention_problems_say_the_same_in_both_catalogues(tmp_path, change, key) -> None:
    """A change that cannot be applied, or that breaks the scenario (``after this change``,
    the scenario's own message nested inside), is worded in Chinese too."""
    from preparedness.scenario.interventions import load_variants
    from tests.experiment.conftest import RELAY, with_interventions

    text = f"  - id: bad\n    name: bad\n    changes:\n      - {change}\n"
    path = with_interventions(tmp_path, RELAY, text)
    with pytest.raises(ScenarioError) as caught:
        load_variants(path, display_name=path.name).check_all()
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.key == key, diagnostic
    assert diagnostic_line(diagnostic, _ENGLISH_FROM_CATALOGUE) == str(diagnostic)
    chinese = diagnostic_line(diagnostic, catalogue("zh"))
    assert CJK.search(chinese.split(f": {diagnostic.field}: ")[1]), chinese
    assert "after this change" not in chinese and "needs a" not in chinese


def test_a_phone_channel_cannot_warn_households_in_chinese_either() -> None:
    from preparedness.scenario.crosscheck import cross_check
    from preparedness.scenario.models import Scenario
    from tests.builders import minimal_scenario, role

    data = minimal_scenario()
    role(data, "grid_worker")["warns_households"] = {"group_message": "phone"}
    ((loc, message),) = cross_check(Scenario.model_validate(data))
    shown = Diagnostic("s.yaml", 1, 1, ".".join(map(str, loc)), message)
    assert shown.key == "not_household_channel"
    assert diagnostic_line(shown, _ENGLISH_FROM_CATALOGUE) == str(shown)
    assert "'phone' 是 phone 渠道" in diagnostic_line(shown, catalogue("zh"))

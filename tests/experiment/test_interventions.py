"""Interventions: typed changes that give a new, re-validated scenario, or located problems."""

from __future__ import annotations

import copy

import pytest

from preparedness.experiment.replicate import run_replication
from preparedness.scenario.diagnostics import ScenarioError
from preparedness.scenario.interventions import load_variants
from preparedness.scenario.load import load_scenario

from .conftest import LONGGANG, RELAY, SCENARIOS, canonical, line_of, with_interventions


def _problems(path, **kwargs) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        variants = load_variants(path, display_name=path.name, **kwargs)
        variants.check_all()
    return [str(d) for d in caught.value.diagnostics]


def test_reference_interventions_apply(relay_variants):
    assert relay_variants.names() == ["base", "joint_centre", "whistle", "platform", "night_duty"]
    relay_variants.check_all()
    assert relay_variants.scenario("whistle").command.mode == "whistle_and_report"
    assert relay_variants.scenario("whistle").command.whistle.by == "community_secretary"
    assert relay_variants.scenario("night_duty").role("community_secretary").on_duty == "always"
    platform = relay_variants.scenario("platform")
    assert platform.channel("platform").adoption_share == 0.8
    channels = {(link.source, link.target): link.channel for link in platform.command.links}
    assert channels[("grid_worker", "community_secretary")] == "platform"
    assert channels[("community_secretary", "township_duty_officer")] == "platform"
    assert channels[("township_duty_officer", "township_head")] == "phone"


def test_joint_centre_gives_the_reference_joint_centre_township(relay_variants):
    """Applying joint_centre to the relay township is the joint-centre reference scenario
    (except its name), so its replications are bit-identical to that file's."""
    applied = relay_variants.scenario("joint_centre")
    reference = load_scenario(SCENARIOS / "ningbo_joint_centre.yaml").scenario
    skip = {"name", "description", "channels", "interventions"}
    assert applied.model_dump(exclude=skip) == reference.model_dump(exclude=skip)
    assert {c.id: c for c in applied.channels} == {c.id: c for c in reference.channels}
    for index in range(3):
        assert canonical(run_replication(applied, index, 11)) == canonical(
            run_replication(reference, index, 11)
        )


def test_applying_leaves_the_base_and_the_file_data_alone(relay_variants):
    before = copy.deepcopy(relay_variants.document.data)
    base = relay_variants.scenario("base")
    for name in relay_variants.names():
        relay_variants.scenario(name)
    assert relay_variants.document.data == before
    assert relay_variants.scenario("base") is base
    assert base.command.mode == "siloed_relay"
    assert relay_variants.scenario("joint_centre").interventions == []


def test_staff_by_ratio_for_some_communities(tmp_path):
    path = with_interventions(
        tmp_path,
        LONGGANG,
        """\
  - id: more_grid_workers
    name: two more grid workers per 1,000 residents in 六和
    changes:
      - staff: {role: grid_worker, per_1000_residents: 2.68, communities: [liuhe]}
      - staff: {role: community_duty, staff: 3}
""",
    )
    variant = load_variants(path).scenario("more_grid_workers")
    ratios = {c.id: c.staff_per_1000 for t in variant.places.townships for c in t.communities}
    assert ratios == {"liuhe": {"grid_worker": 2.68}, "shawan": {"grid_worker": 3.94}}
    assert variant.role("community_duty").staff == 3


def test_set_by_path_with_ids_and_positions(tmp_path):
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: tweak
    name: tweaks
    changes:
      - set: {path: "roles[township_head].staff", value: 2}
      - set: {path: "channels[1].answer_probability", value: {day: 0.9, night: 0.7}}
      - set: {path: "incidents[landslide].detection_delay", value: 5m}
""",
    )
    variant = load_variants(path).scenario("tweak")
    assert variant.role("township_head").staff == 2
    assert variant.channel("phone").answer_probability.night == 0.7
    assert variant.incidents[1].detection_delay.mean == 5.0


def test_link_channel_with_a_new_channel(tmp_path):
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: radios
    name: radios for the township
    changes:
      - add_channel: {id: radio, kind: radio}
      - link_channel: {from: township_duty_officer, channel: radio}
""",
    )
    variant = load_variants(path).scenario("radios")
    channels = {(link.source, link.target): link.channel for link in variant.command.links}
    assert channels[("township_duty_officer", "township_head")] == "radio"
    assert channels[("grid_worker", "community_secretary")] == "phone"


def test_platform_first_in_fallback(tmp_path):
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: app
    name: the app
    changes:
      - add_platform:
          channel: {id: app, kind: platform, adoption_share: 0.5}
          first_in_fallback: [grid_worker, township_head]
""",
    )
    variant = load_variants(path).scenario("app")
    assert variant.role("grid_worker").fallback == ["app", "phone", "wechat"]
    assert variant.role("township_head").fallback == ["app", "duty_line", "phone"]


# --------------------------------------------------------------------------- located problems


def test_a_bad_value_inside_an_intervention_points_into_it(tmp_path):
    block = """\
  - id: centre
    name: a centre
    changes:
      - add_channel: {id: radio, kind: radio}
      - command_mode:
          mode: joint_command_centre
          joint_centre: {commanded_by: township_duty_oficer, liaison_channel: radio}
"""
    path = with_interventions(tmp_path, RELAY, block)
    text = path.read_text(encoding="utf-8")
    line = line_of(text, "township_duty_oficer")
    column = text.splitlines()[line - 1].index("township_duty_oficer") + 1
    assert _problems(path) == [
        f"s.yaml:{line}:{column}: interventions[0].changes[1].command_mode.joint_centre."
        "commanded_by: no role has id 'township_duty_oficer'; did you mean "
        "'township_duty_officer'?"
    ]


def test_a_change_that_breaks_the_scenario_is_blamed(tmp_path):
    """Switching mode without the block the mode needs: the scenario's own check fails, and
    the problem is reported at the change that caused it, naming the scenario's field."""
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: centre
    name: a centre
    changes:
      - command_mode: {mode: joint_command_centre}
""",
    )
    line = line_of(path.read_text(encoding="utf-8"), "command_mode:")
    assert _problems(path) == [
        f"s.yaml:{line}:23: interventions[0].changes[0].command_mode: after this change, "
        "command: command mode 'joint_command_centre' needs a 'joint_centre:' block"
    ]


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (
            "duty_hours: {role: comunity_secretary, on_duty: always}",
            "comunity_secretary",
            "interventions[0].changes[0].duty_hours.role: no role has id 'comunity_secretary'; "
            "did you mean 'community_secretary'?",
        ),
        (
            "link_channel: {from: grid_worker, to: township_head, channel: phone}",
            "from:",
            "interventions[0].changes[0].link_channel: no link in command.links goes from "
            "'grid_worker' to 'township_head'",
        ),
        ("staff: {role: grid_worker, staff: 2}", None, None),
        (
            'set: {path: "roles[nobody].staff", value: 2}',
            "path:",
            "interventions[0].changes[0].set.path: no item of 'roles' has id 'nobody'",
        ),
        (
            'set: {path: "roles[0].staff", value: 0}',
            "value:",
            "interventions[0].changes[0].set.value: must be at least 1",
        ),
        (
            "link_channel: {from: grid_worker, channel: pigeon}",
            "pigeon",
            "interventions[0].changes[0].link_channel.channel: no channel has id 'pigeon'",
        ),
    ],
)
def test_each_kind_of_change_reports_where_it_went_wrong(tmp_path, change, needle, message):
    path = with_interventions(
        tmp_path,
        RELAY,
        f"""\
  - id: bad
    name: bad
    changes:
      - {change}
""",
    )
    if needle is None:  # a valid change: grid workers are staffed one per grid cell here
        assert load_variants(path).scenario("bad").role("grid_worker").staff == 2
        return
    text = path.read_text(encoding="utf-8")
    line = line_of(text, needle, nth=-1 if needle in ("from:", "path:", "value:") else 0)
    (problem,) = _problems(path)
    assert problem.startswith(f"s.yaml:{line}:")
    assert problem.split(": ", 1)[1] == message or problem.endswith(message)


def test_staffing_a_ratio_role_by_head_count_is_refused(tmp_path):
    path = with_interventions(
        tmp_path,
        LONGGANG,
        """\
  - id: bad
    name: bad
    changes:
      - staff: {role: grid_worker, staff: 5}
""",
    )
    (problem,) = _problems(path)
    assert (
        "interventions[0].changes[0].staff.staff: role 'grid_worker' is staffed per 1,000 "
        "residents; change 'per_1000_residents' instead" in problem
    )


def test_shape_errors_are_found_when_the_scenario_loads(tmp_path):
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: bad
    name: bad
    changes:
      - duty_hours: {role: grid_worker, on_duty: always}
        staff: {role: grid_worker, staff: 2}
      - teleport: {role: grid_worker}
""",
    )
    text = path.read_text(encoding="utf-8")
    problems = _problems(path)
    assert problems == [
        f"s.yaml:{line_of(text, 'duty_hours:')}:9: interventions[0].changes[0]: give exactly one "
        "change per item: one of command_mode, link_channel, staff, duty_hours, add_channel, "
        "add_platform, set",
        f"s.yaml:{line_of(text, 'teleport')}:9: interventions[0].changes[1].teleport: unknown key "
        "'teleport'; check the spelling",
    ]


def test_intervention_ids_are_unique_and_base_is_reserved(tmp_path):
    path = with_interventions(
        tmp_path,
        RELAY,
        """\
  - id: base
    name: x
    changes: [{duty_hours: {role: grid_worker, on_duty: always}}]
  - id: twice
    name: x
    changes: [{duty_hours: {role: grid_worker, on_duty: always}}]
  - id: twice
    name: y
    changes: [{duty_hours: {role: grid_worker, on_duty: always}}]
""",
    )
    text = path.read_text(encoding="utf-8")
    first = line_of(text, "id: twice")
    assert _problems(path) == [
        f"s.yaml:{line_of(text, 'id: base')}:9: interventions[0].id: 'base' names the scenario "
        "as written; choose another id",
        f"s.yaml:{line_of(text, 'id: twice', 1)}:9: interventions[2].id: intervention id 'twice' "
        f"is already used at s.yaml:{first}:9",
    ]


def test_a_separate_interventions_file(tmp_path):
    extra = tmp_path / "what-ifs.yaml"
    extra.write_text(
        """\
# what-ifs for the relay township
interventions:
  - id: radio_up
    name: radio between township and district
    changes:
      - add_channel: {id: radio, kind: radio}
      - link_channel: {from: township_head, to: district_emergency_office, channel: radio}
  - id: broken
    name: broken
    changes:
      - duty_hours: {role: township_hed, on_duty: always}
""",
        encoding="utf-8",
    )
    variants = load_variants(
        RELAY, interventions_path=extra, interventions_display_name="what-ifs.yaml"
    )
    assert variants.names()[-2:] == ["radio_up", "broken"]
    assert variants.interventions_file == "what-ifs.yaml"
    assert variants.scenario("radio_up").command.links[3].channel == "radio"
    with pytest.raises(ScenarioError) as caught:
        variants.scenario("broken")
    assert [str(d) for d in caught.value.diagnostics] == [
        "what-ifs.yaml:11:28: interventions[1].changes[0].duty_hours.role: no role has id "
        "'township_hed'; did you mean 'township_head'?"
    ]


def test_a_bad_interventions_file_is_located_in_that_file(tmp_path):
    extra = tmp_path / "what-ifs.yaml"
    extra.write_text("interventions:\n  - id: x\n    name: x\n    changes: []\n", encoding="utf-8")
    problems = _problems(
        RELAY, interventions_path=extra, interventions_display_name="what-ifs.yaml"
    )
    assert problems == ["what-ifs.yaml:4:14: interventions[0].changes: must have at least 1 item"]


def test_an_intervention_id_clash_across_files(tmp_path):
    extra = tmp_path / "what-ifs.yaml"
    extra.write_text(
        "interventions:\n  - id: whistle\n    name: x\n    changes:\n"
        "      - duty_hours: {role: grid_worker, on_duty: always}\n",
        encoding="utf-8",
    )
    problems = _problems(
        RELAY, interventions_path=extra, interventions_display_name="what-ifs.yaml"
    )
    text = RELAY.read_text(encoding="utf-8")
    assert problems == [
        f"what-ifs.yaml:2:9: interventions[0].id: intervention id 'whistle' is already used at "
        f"ningbo_relay.yaml:{line_of(text, '- id: whistle')}:9"
    ]

"""Report folders say what they hold: the scenario file's stem, the date and time, the variant
(applied intervention or comparison) and the ``--label``; names stay safe and UTF-8 survives.

Runs go through the public API on the tiny township (``tests/builders.py``) with two
replications in this process, so each test takes well under a second.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import preparedness as pp
from preparedness.reports.folder import folder_part, run_suffix, scenario_folder_name
from tests import builders as b

DATE_TIME = r"\d{8}-\d{6}"


def _scenario_file(folder: Path, stem: str = "tiny") -> Path:
    """The tiny township with one intervention (two grid workers), written as a YAML file."""
    data = b.minimal_scenario(
        interventions=[
            {
                "id": "more_staff",
                "name": "two grid workers",
                "changes": [{"staff": {"role": "grid_worker", "staff": 2}}],
            }
        ]
    )
    path = folder / f"{stem}.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _run(path: Path, out: Path, label: str | None = None, **options) -> Path:
    experiment = pp.run_experiment(path, replications=2, workers=0, **options)
    return pp.write_report(experiment, out, label=label, figures=False)  # names are the subject


def test_a_plain_run_is_named_by_its_date_and_time_under_the_file_stem(tmp_path: Path) -> None:
    folder = _run(_scenario_file(tmp_path), tmp_path / "reports")

    assert folder.parent == tmp_path / "reports" / "tiny"
    assert re.fullmatch(DATE_TIME, folder.name)


@pytest.mark.parametrize(
    ("options", "label", "ending"),
    [
        ({"apply": "more_staff"}, None, "-more_staff"),
        ({"compare": ["base", "more_staff"]}, None, "-compare-base-more_staff"),
        ({}, "night drill", "-night-drill"),
        ({"apply": "more_staff"}, "夜间演练", "-more_staff-夜间演练"),
    ],
    ids=["apply", "compare", "label", "apply-and-utf8-label"],
)
def test_the_folder_name_says_what_the_run_holds(
    tmp_path: Path, options: dict, label: str | None, ending: str
) -> None:
    folder = _run(_scenario_file(tmp_path), tmp_path / "reports", label, **options)

    assert re.fullmatch(DATE_TIME + re.escape(ending), folder.name)
    assert (folder / "report.md").is_file()


def test_a_copy_that_kept_its_name_writes_beside_the_original(tmp_path: Path) -> None:
    original = _scenario_file(tmp_path, "flood")
    copy = tmp_path / "flood-night.yaml"
    copy.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")

    first = _run(original, tmp_path / "reports")
    second = _run(copy, tmp_path / "reports")

    assert first.parent.name == "flood"
    assert second.parent.name == "flood-night"
    assert [p.name for p in first.parent.iterdir()] == [first.name]


def test_sizing_folders_take_the_label_too(tmp_path: Path) -> None:
    scenario = b.reference_dict("ningbo_flood_supplies")
    path = tmp_path / "supplies.yaml"
    path.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    plan = pp.size_stockpiles(path, replications=2, check=False, workers=0)

    folder = pp.write_sizing_report(plan, tmp_path / "reports", label="2027 budget")

    assert folder.parent == tmp_path / "reports" / "supplies" / "sizing"
    assert re.fullmatch(DATE_TIME + "-2027-budget", folder.name)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("../../etc", "etc"),
        ("a/b\\c", "a-b-c"),
        ("  night  drill ", "night-drill"),
        ("下涧槽社区 flood", "下涧槽社区-flood"),
        ("\u202eevil\x1b[31m", "evil-31m"),
        ("नमस्ते", "नमस्ते"),  # combining vowel signs are kept, not turned into dashes
        ("con", "con_"),
        ("...", ""),
    ],
)
def test_folder_parts_drop_path_syntax_and_keep_every_script(text: str, safe: str) -> None:
    assert folder_part(text) == safe


def test_a_long_name_is_cut_on_a_character_boundary_under_the_byte_limit() -> None:
    part = folder_part("社" * 100)

    assert part == "社" * 26  # 78 bytes of UTF-8: a 27th character would pass 80
    assert len(f"20261121-143005-{run_suffix(['x' * 200], '社' * 100)}".encode()) < 255


def test_a_scenario_from_no_file_is_named_by_its_name() -> None:
    assert scenario_folder_name("Flood :warning:", "<in memory>") == "Flood-warning"
    assert scenario_folder_name("Flood", "scenarios/my town.yaml") == "my-town"


def test_the_label_option_reaches_the_folder_and_an_empty_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from preparedness.cli import main

    path, out = _scenario_file(tmp_path), tmp_path / "reports"
    common = ["-n", "2", "--workers", "0", "-q", "--no-figures", "--out", str(out)]

    assert main(["run", str(path), *common, "--label", "夜班 drill"]) == 0
    with pytest.raises(SystemExit) as refused:
        main(["run", str(path), *common, "--label", "///"])

    assert [p.name[16:] for p in (out / "tiny").iterdir()] == ["夜班-drill"]
    assert refused.value.code == 2
    assert "--label: must contain letters or digits" in capsys.readouterr().err
